"""Kernel clients that are ready as soon as the kernel has answered, without waiting for silence.

Before every notebook a client connects to the warm kernel twice (once to reset it,
:mod:`relais_analysis.report.kernel_pool`, once for papermill's nbclient), and jupyter_client's
``wait_for_ready`` ends by reading the kernel's broadcast channel (IOPub) until it has been
silent for 0.2 s: a fixed 0.4 s per notebook with nothing to compute, about 5 s of a
25-notebook build on 2 cores (measured: an empty notebook took 0.55 s on a warm kernel).

These clients wait for the same things (the kernel's ``kernel_info_reply`` on the shell
channel, and one message on IOPub, which proves the subscription is live) and then take
what IOPub has already delivered without waiting for more. A late status message of that
``kernel_info`` request is harmless: nbclient and the reset read only the replies and
outputs of their own requests (matched by message id).
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_core.utils import ensure_async, run_sync

from relais_analysis.errors import RelaisError
from relais_analysis.i18n import text_pair

__all__ = ["ReadyAsyncClient", "ReadyBlockingClient"]


async def _wait_until_ready(client: AsyncKernelClient | BlockingKernelClient, timeout: float | None = None) -> None:
    """Return once the kernel answers ``kernel_info`` and IOPub is connected.

    Raises
    ------
    RelaisError
        The kernel stopped, or did not answer within ``timeout`` seconds.
    """
    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            reply = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:  # the request's "busy" status proves that IOPub receives; without it, ask again
                await ensure_async(client.iopub_channel.get_msg(timeout=0.2))
            except Empty:
                pass
            else:
                client._handle_kernel_info_reply(reply)
                break
        if not await client._async_is_alive():
            raise RelaisError(*text_pair("report_error.kernel_died", step="kernel_info"))
        if time.monotonic() > deadline:
            raise RelaisError(*text_pair("report_error.kernel_no_answer", step="kernel_info"))
    while True:  # what IOPub already holds, without waiting for more
        try:
            await ensure_async(client.iopub_channel.get_msg(timeout=0))
        except Empty:
            break


class ReadyAsyncClient(AsyncKernelClient):
    """The asynchronous client nbclient (papermill) gets from the report's kernel manager."""

    wait_for_ready = _wait_until_ready


class ReadyBlockingClient(BlockingKernelClient):
    """The blocking client of the warm kernel's reset."""

    wait_for_ready = run_sync(_wait_until_ready)
