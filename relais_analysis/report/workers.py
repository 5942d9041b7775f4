"""The build's worker processes: one warm kernel each, running papermill, exporting HTML.

:func:`run_job` executes one notebook (on the worker's warm kernel, reset first:
:mod:`relais_analysis.report.kernel_pool`) and exports it; :class:`Workers` is the pool
:func:`relais_analysis.report.build.build_report` starts before protecting the tables, so that
kernels import while the main process works.
"""

from __future__ import annotations

import concurrent.futures as cf
import threading
import time
from pathlib import Path

from relais_analysis.intake.dataset import Dataset
from relais_analysis.i18n import text
from relais_analysis.privacy.publication import descendants, holding_sigint, stop_processes
from relais_analysis.report.export import export_html, notebook_error
from relais_analysis.report.jobs import KERNEL_NAME, JobResult, ReportJob, _notebooks_dir

__all__ = ["Workers", "ensure_kernel", "run_job"]

def ensure_kernel() -> None:
    """Register the project's Jupyter kernel in this environment (``sys.prefix``) if missing.

    The kernel runs this environment's Python, with the kernel's own log at ERROR
    level: its warning that local TCP transport is unencrypted would otherwise be
    printed once per notebook of every report.
    """
    import json as _json
    import sys
    import tempfile

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR"]
    manager = KernelSpecManager()
    try:
        if manager.get_kernel_spec(KERNEL_NAME).argv == argv:
            return
    except NoSuchKernel:
        pass
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"argv": argv, "display_name": "Python (relais_analysis)", "language": "python",
                "metadata": {"debugger": True}}
        (Path(tmp) / "kernel.json").write_text(_json.dumps(spec, indent=1), encoding="utf-8")
        manager.install_kernel_spec(tmp, KERNEL_NAME, prefix=sys.prefix, replace=True)


_QUIET_MANAGER: list[type] = []


def _kernel_manager_class() -> type:
    """Kernel manager that does not interrupt a kernel it is shutting down, with clients that do not idle.

    jupyter_client sends SIGINT to a kernel before asking it to shut down; an idle
    ipykernel then logs ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel``,
    an "ERROR" line on a run that succeeded. A kernel that is shutting down gets the
    shutdown request alone (and is killed if it does not stop within a second).

    Its clients (:mod:`relais_analysis.report.kernel_clients`) are ready as soon as the
    kernel answers, instead of after 0.2 s of silence on its broadcast channel.
    """
    if not _QUIET_MANAGER:
        from jupyter_client.manager import AsyncKernelManager
        from traitlets import Type

        from relais_analysis.report.kernel_clients import ReadyAsyncClient, ReadyBlockingClient

        class QuietShutdownKernelManager(AsyncKernelManager):
            # clients ready without waiting 0.2 s for silence (papermill's, and the warm kernel's reset)
            client_factory = Type(ReadyAsyncClient, klass="jupyter_client.asynchronous.AsyncKernelClient")
            blocking_class = Type(ReadyBlockingClient, klass=object)

            async def _async_interrupt_kernel(self) -> None:
                if self.shutting_down:
                    return
                await super()._async_interrupt_kernel()

        _QUIET_MANAGER.append(QuietShutdownKernelManager)
    return _QUIET_MANAGER[0]


def run_job(job: ReportJob, reuse_kernel: bool = False) -> JobResult:
    """Execute one notebook with papermill, then export it to HTML (runs in a worker process).

    With ``reuse_kernel`` the notebook runs on this process's warm kernel, reset first
    (:mod:`relais_analysis.report.kernel_pool`); otherwise papermill starts and stops a kernel.
    """
    import papermill as pm

    job.output_dir.mkdir(parents=True, exist_ok=True)
    internal = job.internal_dir or job.output_dir
    internal.mkdir(parents=True, exist_ok=True)
    executed = internal / f"{job.notebook.stem}.executed.ipynb"
    seconds = {}
    started = time.perf_counter()
    try:
        if reuse_kernel:
            from relais_analysis.report.kernel_pool import warm_kernel

            kernel = warm_kernel(KERNEL_NAME, job.notebook.parent, _kernel_manager_class())
            seconds["kernel"] = time.perf_counter() - started
            started = time.perf_counter()
            kernel.execute_notebook(job.notebook, executed, job.parameters)
        else:
            pm.execute_notebook(str(job.notebook), str(executed), parameters=job.parameters, kernel_name=KERNEL_NAME,
                                cwd=str(job.notebook.parent), progress_bar=False, log_output=False,
                                kernel_manager_class=_kernel_manager_class())
    except Exception as exc:  # papermill raises PapermillExecutionError, kernels may die otherwise
        seconds["execute"] = time.perf_counter() - started
        message = notebook_error(executed) if executed.exists() else f"{type(exc).__name__}: {exc}"
        return JobResult(job, False, None, executed if executed.exists() else None, message, seconds)
    seconds["execute"] = time.perf_counter() - started
    started = time.perf_counter()
    name = "rapport.html" if job.kind == "annual" else "fiche.html"
    page = export_html(executed, job.output_dir / name, job.title, job.parameters["lang"])
    seconds["export"] = time.perf_counter() - started
    return JobResult(job, True, page, executed, "", seconds)


def _ignore_sigint(reuse_kernels: bool = False) -> None:
    """Worker initialiser: Ctrl-C is for the main process, which stops workers and kernels itself.

    With ``reuse_kernels`` the worker's kernel starts here and imports in the background
    while the worker imports papermill (client side) and takes its first task.
    """
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # jsonschema (imported by nbformat) imports rfc3987_syntax when installed (jupyterlab's dependencies bring
    # it), which compiles an IRI grammar: 1-3 s per process. Nothing here checks the "iri" format (nbformat and
    # the instrument files validate without a format checker), so this worker process goes without it.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    if reuse_kernels:
        from relais_analysis.report.kernel_pool import warm_kernel

        try:
            warm_kernel(KERNEL_NAME, _notebooks_dir(), _kernel_manager_class(), wait=False)
        except Exception:  # noqa: BLE001 - the first notebook starts a kernel again and reports its error
            pass
    import papermill  # noqa: F401


def _share_dataset(cache_dir: Path, parameters: dict, dataset: Dataset) -> None:
    """Put this process's dataset in the build's cache, as the notebooks load it.

    They load the same folder by its absolute path with the extraction date this
    dataset found (``plan_jobs``), which gives the same dataset but for its ``data_dir``
    field (tested: a build sharing its work writes the same bytes as one that does not).
    """
    import dataclasses

    from relais_analysis.analysis import dataset_key
    from relais_analysis.report.build_cache import BuildCache
    from relais_analysis.report.parameters import validate_parameters

    params = validate_parameters(**{**parameters, "protected_tables": None})
    if params.as_of != dataset.as_of:
        return
    BuildCache(cache_dir).put("dataset", dataset_key(params), dataclasses.replace(dataset, data_dir=params.data_dir))


def _prefill(cache_dir: str, parameters: dict) -> None:
    """Worker task: the dataset, into the build's cache (see :mod:`relais_analysis.report.build_cache`).

    The same call the notebooks make (:func:`relais_analysis.report.content._shared_dataset`), with
    the same parameters, so the entry is exactly what a notebook would compute. (The outcome
    analysis is computed once by the main process, with the protection of the whole build.)
    """
    from relais_analysis.analysis import dataset_key, read_dataset
    from relais_analysis.report.build_cache import BuildCache
    from relais_analysis.report.parameters import validate_parameters

    params = validate_parameters(**{**parameters, "protected_tables": None})
    BuildCache(cache_dir).get_or_compute("dataset", dataset_key(params), lambda: read_dataset(params))


class Workers:
    """The build's worker processes (one warm kernel each), started before the tables are protected.

    A context manager: leaving it normally waits for the workers (each shuts its kernel
    down); on an exception or Ctrl-C it stops the workers and their kernels at once.
    """

    def __init__(self, workers: int, reuse_kernels: bool) -> None:
        self.reuse_kernels = reuse_kernels
        self.pool = cf.ProcessPoolExecutor(max_workers=max(1, workers), initializer=_ignore_sigint,
                                           initargs=(reuse_kernels,))
        self.prefilled: cf.Future | None = None
        self._closing: threading.Thread | None = None
        self._at_close: tuple[list[int], list[int]] = ([], [])

    def __enter__(self) -> Workers:
        return self

    def _pids(self) -> tuple[list[int], list[int]]:
        workers_pids = list(getattr(self.pool, "_processes", None) or {})
        return workers_pids, [pid for worker in workers_pids for pid in descendants(worker)]

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if kind is None:
            self.close()
            self._closing.join()  # type: ignore[union-attr]
            stop_processes(self._at_close[1], grace=0.5)  # any kernel left behind (normally none)
            return
        with holding_sigint():  # Ctrl-C (or a crash): stop the workers and kernels; a second Ctrl-C must wait
            if self._closing is None:
                workers_pids, kernels = self._pids()
                self.pool.shutdown(wait=False, cancel_futures=True)
                stop_processes([*kernels, *workers_pids])
            else:  # already closing (no task left): stop what still runs, and let the closing thread end
                workers_pids, kernels = self._at_close
                stop_processes([*kernels, *workers_pids])
                self._closing.join(timeout=5)

    def close(self) -> None:
        """Let the workers stop (each shuts its warm kernel down) while this process goes on; leaving waits.

        Workers exit and kill their kernels in a few tenths of a second: the build writes
        its index and methodology meanwhile instead of waiting.
        """
        if self._closing is None:
            self._at_close = self._pids()
            self._closing = threading.Thread(target=self.pool.shutdown, kwargs={"wait": True}, daemon=True)
            self._closing.start()

    def prefill(self, cache_dir: Path, parameters: dict) -> None:
        """Compute the build's shared work in a worker (the first notebooks wait for it if needed)."""
        self.prefilled = self.pool.submit(_prefill, str(cache_dir), parameters)

    def run(self, jobs: list[ReportJob], progress: bool) -> list[JobResult]:
        """Run every job, Wallonia first; a failing job does not stop the others."""
        from tqdm import tqdm

        if self.prefilled is not None:  # a failure there is not fatal: each notebook computes what it misses
            self.prefilled.add_done_callback(lambda future: future.exception())
        results: dict[int, JobResult] = {}
        with tqdm(total=len(jobs), desc=text("report.batch.progress"), unit="carnet", disable=not progress) as bar:
            futures = {self.pool.submit(run_job, job, self.reuse_kernels): i for i, job in enumerate(jobs)}
            for future in cf.as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as exc:  # export or worker failure: keep going with the others
                    results[i] = JobResult(jobs[i], False, None, None, f"{type(exc).__name__}: {exc}")
                bar.update(1)
        return [results[i] for i in range(len(jobs))]


def _run_all(jobs: list[ReportJob], workers: int, progress: bool, reuse_kernels: bool = False) -> list[JobResult]:
    """Run ``jobs`` in a fresh pool of ``workers`` processes (see :class:`_Workers`)."""
    with Workers(workers, reuse_kernels) as pool:
        return pool.run(jobs, progress)
