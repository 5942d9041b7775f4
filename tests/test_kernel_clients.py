"""The report's kernel clients: ready as soon as the kernel answers, and they still see every output.

:mod:`relais_analysis.report.kernel_clients` replaces jupyter_client's ``wait_for_ready``, which
waited for 0.2 s of silence on IOPub twice per notebook. Its time is measured in
``benchmarks/bench_report.py`` (the floor on a warm kernel), not here.
"""

from __future__ import annotations

import pytest
from jupyter_core.utils import run_sync

from relais_analysis.errors import RelaisError
from relais_analysis.report.build import KERNEL_NAME, _kernel_manager_class, ensure_kernel
from relais_analysis.report.kernel_clients import ReadyAsyncClient, ReadyBlockingClient


@pytest.fixture(scope="module")
def manager():
    ensure_kernel()
    km = _kernel_manager_class()(kernel_name=KERNEL_NAME)
    run_sync(km.start_kernel)()
    yield km
    if run_sync(km.is_alive)():
        run_sync(km.shutdown_kernel)(now=True)
    run_sync(km.cleanup_resources)()


def _output(client: ReadyBlockingClient, code: str) -> str:
    msg_id = client.execute(code)
    texts = []
    while True:
        msg = client.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue  # e.g. the status of the kernel_info request of wait_for_ready
        if msg["msg_type"] == "stream":
            texts.append(msg["content"]["text"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(texts)


def test_the_report_manager_hands_out_the_ready_clients(manager):
    assert isinstance(manager.client(), ReadyAsyncClient)
    assert isinstance(manager.blocking_client(), ReadyBlockingClient)


def test_a_ready_client_sees_the_output_of_its_requests(manager):
    """Ready without waiting for silence, yet no output is lost, on every one of several new connections."""
    for run in range(3):
        client = manager.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            assert _output(client, f"print('run', {run} * 7)") == f"run {run * 7}\n"
        finally:
            client.stop_channels()


def test_a_stopped_kernel_is_an_error_not_a_wait(manager):
    client = manager.blocking_client()
    client.start_channels()
    try:
        run_sync(manager.shutdown_kernel)(now=True)
        with pytest.raises(RelaisError, match="Noyau Jupyter"):
            client.wait_for_ready(timeout=30)
    finally:
        client.stop_channels()
