"""Warm Jupyter kernels reused from one notebook run to the next (one per worker process).

Starting a kernel and importing pandas, geopandas and matplotlib in it costs a few
seconds per notebook, more than most report notebooks compute. A worker process of
:func:`relais_analysis.report.build.build_report` therefore keeps one kernel alive and hands
it to papermill (``km=``: nbclient leaves running a kernel it does not own).

Before every run the kernel is reset so that nothing leaks from one report to the next:

- a fresh user namespace (``InteractiveShell.reset(new_session=True)``: new
  ``globals()``, execution count back to 1, output history cleared);
- the project's own modules (``relais_analysis``) are dropped from ``sys.modules``, so
  their module-level caches (``functools.lru_cache`` in ``geo``...) and registries start
  empty: the next notebook imports them anew;
- matplotlib: every figure closed, ``rcParams`` restored to the values of the fresh kernel.

Third-party libraries stay loaded (imported at warm-up or by an earlier notebook); they
hold no report data. The warm kernel is shut down when its worker process exits (or killed
with it on Ctrl-C, see :mod:`relais_analysis.privacy.publication`).
"""

from __future__ import annotations

import multiprocessing.util
from pathlib import Path
from typing import Any

from relais_analysis.errors import RelaisError
from relais_analysis.i18n import text_pair

__all__ = ["WarmKernel", "warm_kernel", "shutdown_warm_kernel"]

#: Libraries imported into a kernel when it starts (they stay loaded between runs): what the report
#: notebooks import through the package. Not papermill: it runs on the client side, and importing it
#: (nbformat -> jsonschema -> rfc3987_syntax, which compiles a grammar) costs 1-3 s per kernel.
PRELOAD = ("numpy", "pandas", "geopandas", "matplotlib", "matplotlib.pyplot", "IPython.display",
           "folium", "branca.colormap", "babel.numbers", "scipy.stats", "scipy.optimize", "shapely",
           "mapclassify", "pyarrow.parquet", "PIL.Image", "yaml")

_WARM_UP = """
import importlib, sys
for _name in {preload!r}:
    try:
        importlib.import_module(_name)
    except ImportError:
        pass
import matplotlib as _mpl
sys._relais_warm_rc = dict(_mpl.rcParams)
del _name, _mpl
"""

# Drops the project's modules (their caches and registries), closes figures, restores matplotlib's
# rcParams and gives the next notebook a new namespace. The state lives on ``sys``, which reset keeps.
_RESET = """
import sys as _sys
for _m in [m for m in _sys.modules if m == "relais_analysis" or m.startswith("relais_analysis.")]:
    del _sys.modules[_m]
import matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all")
dict.clear(_mpl.rcParams)
dict.update(_mpl.rcParams, _sys._relais_warm_rc)
get_ipython().reset(new_session=True, aggressive=False)
"""


class WarmKernel:
    """One running kernel, reset between notebook runs.

    Parameters
    ----------
    kernel_name : str
        Installed kernelspec (``relais-analysis``).
    cwd : path
        Working directory of the kernel (the notebooks' folder).
    manager_class : type
        An ``AsyncKernelManager`` subclass (the report's quiet-shutdown manager).
    wait : bool, default True
        Wait for the warm-up (imports of :data:`PRELOAD`). With False the kernel imports
        while the caller does something else; the first reset or run waits for it.

    Raises
    ------
    RelaisError
        The kernel does not start or its warm-up fails.
    """

    def __init__(self, kernel_name: str, cwd: Path, manager_class: type, *, wait: bool = True) -> None:
        from jupyter_core.utils import run_sync

        self.kernel_name, self.cwd = kernel_name, Path(cwd)
        self.km = manager_class(kernel_name=kernel_name)
        run_sync(self.km.start_kernel)(cwd=str(self.cwd))
        self.runs = 0
        self._pending: tuple[Any, str, str] | None = None  # a request sent and not yet waited for
        try:
            self._pending = (*self._send(_WARM_UP.format(preload=PRELOAD)), "warm-up")
            if wait:
                self._finish_pending()
        except BaseException:
            self.shutdown()  # never leave a half-started kernel behind
            raise

    def _send(self, code: str) -> tuple[Any, str]:
        # A client made by the manager asks the manager whether the kernel lives (its process runs). A bare
        # BlockingKernelClient judges by heartbeat, which misses its 1 s deadline on a loaded machine while the
        # kernel starts: "Kernel died before replying to kernel_info" for a kernel that was alive.
        client = self.km.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            return client, client.execute(code, store_history=False)
        except BaseException:
            client.stop_channels()
            raise

    def _wait(self, client: Any, msg_id: str, what: str, timeout: float = 300) -> None:
        import queue
        import time

        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    raise RelaisError(*text_pair("report_error.kernel_no_answer", step=what)) from None
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            client.stop_channels()
        if reply["content"].get("status") != "ok":
            content = reply["content"]
            raise RelaisError(*text_pair("report_error.kernel_step_failed", step=what, error=content.get("ename"),
                                         detail=content.get("evalue")))

    def _finish_pending(self) -> None:
        """Wait for the warm-up sent without waiting (``wait=False``), and check it succeeded."""
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._wait(*pending)

    def _execute(self, code: str, what: str) -> None:
        self._finish_pending()
        self._wait(*self._send(code), what)

    def alive(self) -> bool:
        """True while the kernel process runs."""
        from jupyter_core.utils import run_sync

        return bool(run_sync(self.km.is_alive)())

    def reset(self) -> None:
        """Fresh namespace, project modules dropped, matplotlib back to the warm state.

        Raises
        ------
        RelaisError
            The reset code failed in the kernel.
        """
        self._execute(_RESET, "reset")

    def execute_notebook(self, notebook: Path, executed: Path, parameters: dict[str, Any]) -> None:
        """Reset the kernel, then run ``notebook`` with papermill on it (parameters injected).

        Raises
        ------
        papermill.PapermillExecutionError
            A cell failed (the executed copy is written, as with a fresh kernel).
        RelaisError
            The reset failed.
        """
        import papermill as pm

        self.reset()
        self.runs += 1
        pm.execute_notebook(str(notebook), str(executed), parameters=parameters, kernel_name=self.kernel_name,
                            cwd=str(self.cwd), progress_bar=False, log_output=False, km=self.km)

    def shutdown(self) -> None:
        """Stop the kernel at once (killed: 0.1 s, where a shutdown request takes 0.6-0.7 s).

        A warm kernel has nothing to save when its worker stops: every output of its
        notebooks was received and written, and its namespace is reset before each run.
        The kill sends no SIGINT, so the kernel prints nothing (no "ERROR" line).
        """
        from jupyter_core.utils import run_sync

        if self._pending is not None:
            self._pending[0].stop_channels()
            self._pending = None
        try:
            if run_sync(self.km.is_alive)():
                run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            run_sync(self.km.cleanup_resources)()


_WARM: dict[tuple[str, str], WarmKernel] = {}


def warm_kernel(kernel_name: str, cwd: Path, manager_class: type, *, wait: bool = True) -> WarmKernel:
    """This process's warm kernel for ``kernel_name`` in ``cwd`` (started on first use, restarted if it died).

    With ``wait=False`` a new kernel's warm-up runs in the background (see :class:`WarmKernel`).

    Raises
    ------
    RelaisError
        The kernel does not start.
    """
    key = (kernel_name, str(cwd))
    kernel = _WARM.get(key)
    if kernel is not None and not kernel.alive():
        _WARM.pop(key, None)
        kernel = None
    if kernel is None:
        if not _WARM:  # multiprocessing runs these finalizers when a worker process exits (atexit does not)
            multiprocessing.util.Finalize(None, shutdown_warm_kernel, exitpriority=20)
        kernel = _WARM[key] = WarmKernel(kernel_name, cwd, manager_class, wait=wait)
    return kernel


def shutdown_warm_kernel() -> None:
    """Stop every warm kernel of this process."""
    while _WARM:
        _, kernel = _WARM.popitem()
        try:
            kernel.shutdown()
        except Exception:  # noqa: BLE001 - best effort at exit; the parent kills what is left
            pass
