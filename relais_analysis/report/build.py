"""Produce the annual report site: papermill runs, HTML export, index and methodology.

``relais report`` (and ``make report``) call :func:`build_report`, which

1. checks the parameters and the data once, through the front door
   (:class:`~relais_analysis.analysis.Analysis` of Wallonia), before starting any kernel;
2. executes ``notebooks/annual_report.ipynb`` for Wallonia and each province (and
   ``notebooks/relay_sheet.ipynb`` for each relay with ``relays=True``) with
   papermill, in a pool of separate processes (running kernels in one process can
   race on ports); each worker keeps one warm kernel and resets it between
   notebooks (:mod:`relais_analysis.report.kernel_pool`);
3. exports each executed notebook to HTML without code or prompts, with no request
   to any CDN (require.js and MathJax removed), next to the map, figures and CSV
   tables the notebook wrote;
4. writes ``index.html`` (a French landing page linking everything) and
   ``methodologie.html`` (the "fiche méthodologique"), see :mod:`site_pages`; the
   methodology's figures come from the protected tables the notebooks were given
   (:class:`MethodologyFigures`), not from files the notebooks wrote.

Only what may leave is in ``OUT/YEAR/``; the rejection report, the executed notebooks
and the build log go to ``OUT/interne/YEAR/`` (:mod:`relais_analysis.privacy.publication`),
never linked from the published pages. Both are written in temporary folders and
swapped in at the end: an interrupted build (Ctrl-C, a crash, a full disk) leaves the
previous site whole, and Ctrl-C also stops the workers and their kernels.

A failing notebook keeps its executed copy (internal folder), its error (cell and
message) is printed, the others still run, and :func:`build_report` reports the
failure so the command exits non-zero; the published site is then left as it was.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import html
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from relais_analysis import __version__
from relais_analysis.analysis import Analysis, check_parameters
from relais_analysis.geography import reference
from relais_analysis.privacy.publication import (Staging, check_output_dir, check_site_root,
                          descendants, holding_sigint, internal_root, relay_folders,
                          stop_processes)
from relais_analysis.config import DEFAULT_THRESHOLD, PROVINCES, project_root
from relais_analysis.errors import ParameterError, RelaisError
from relais_analysis.report.exported_images import describe_images
from relais_analysis.report.pdf import print_pdf  # the one call below; questionnaire_form imports it from here too
from relais_analysis.i18n import label, province_label, text, text_pair
from relais_analysis.intake.dataset import Dataset
from relais_analysis.intake.ingest import write_rejections
from relais_analysis.report.site_pages import _git_commit, write_index, write_methodology

__all__ = ["JobResult", "MethodologyFigures", "ReportJob", "ReportResult", "build_report", "export_html",
           "methodology_figures", "plan_analysis_jobs", "slug"]

#: Name of the Jupyter kernel the notebooks run with (installed by ``make install``).
KERNEL_NAME = "relais-analysis"
_CDN = re.compile(r"<script[^>]+src=\"https?://[^\"]+\"[^>]*>\s*</script>", re.IGNORECASE)
_CDN_LINK = re.compile(r"<link[^>]+href=\"https?://[^\"]+\"[^>]*>", re.IGNORECASE)
#: Inline scripts of the lab template that load MathJax or mermaid from a CDN when a page needs them.
_CDN_LOADERS = re.compile(r"<script[^>]*>(?:(?!</script>).)*(?:MathJax|mermaid)(?:(?!</script>).)*</script>",
                          re.IGNORECASE | re.S)


def slug(text: str) -> str:
    """File-system friendly name: ``"Brabant wallon"`` -> ``"brabant-wallon"``."""
    from relais_analysis.text_folding import strip_accents

    folded = strip_accents(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@dataclass(frozen=True)
class ReportJob:
    """One notebook run: which notebook, with which parameters, written where."""

    kind: str  # "annual" or "relay"
    key: str  # "wallonie", "hainaut", "R01"...
    title: str
    notebook: Path
    output_dir: Path
    parameters: dict
    internal_dir: Path | None = None  # executed notebook (never in the published tree)


@dataclass
class JobResult:
    """Outcome of a job: HTML written, or the failing cell and error message."""

    job: ReportJob
    ok: bool
    html: Path | None = None
    executed: Path | None = None
    error: str = ""
    seconds: dict = field(default_factory=dict)


@dataclass
class ReportResult:
    """What :func:`build_report` produced."""

    index: Path
    methodology: Path
    results: list[JobResult]
    pdf: Path | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every notebook ran."""
        return all(r.ok for r in self.results)


@dataclass(frozen=True)
class MethodologyFigures:
    """The figures of the methodology page, computed from the protected publication of the build.

    Attributes
    ----------
    suppressed_cells : int
        Masked cells over the protected tables of every notebook that ran (each
        notebook's tables are exactly these: it reads them from the same file).
    protection : ProtectionStats or None
        The joint protection's figures (:func:`relais_analysis.privacy.linked.protect_jobs`).
    """

    suppressed_cells: int
    protection: object = None


def methodology_figures(results: list[JobResult], *, year: int, threshold: int,
                        protection: object = None) -> MethodologyFigures:
    """The methodology's figures from the tables the build protected for its notebooks.

    Raises
    ------
    ParameterError
        A job's protected tables are unreadable or of another year or threshold.
    """
    from relais_analysis.privacy.handover import load_protected

    suppressed = 0
    for res in results:
        path = res.job.parameters.get("protected_tables")
        if res.ok and path:
            suppressed += load_protected(path, year=year, threshold=threshold)[0].total_suppressed
    return MethodologyFigures(suppressed, protection)


def _notebooks_dir() -> Path:
    return project_root() / "notebooks"


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


def plan_jobs(dataset: Dataset, *, year: int, data_dir: Path, out_dir: Path, provinces: list[str | None],
              relays: bool, lang: str, threshold: int, population: Path | None = None,
              internal_dir: Path | None = None) -> list[ReportJob]:
    """The notebook runs of a report, Wallonia first.

    Each job writes its published files in a folder under ``out_dir`` and its executed
    notebook in the same relative folder under ``internal_dir`` (default: ``out_dir``).
    """
    internal_dir = internal_dir or out_dir
    jobs = []
    common = {"year": year, "data_dir": str(data_dir.resolve()), "lang": lang, "threshold": threshold,
              "as_of": dataset.as_of.isoformat(), "population_file": str(population.resolve()) if population else None}
    for code in provinces:
        name = province_label(code, lang) if code else label("wallonia", lang)
        key = slug(province_label(code, "fr")) if code else "wallonie"
        folder = out_dir / ("wallonie" if code is None else f"provinces/{key}")
        jobs.append(ReportJob("annual", key, name, _notebooks_dir() / "annual_report.ipynb", folder,
                              {**common, "province": code, "output_dir": str(folder.resolve())},
                              internal_dir / folder.relative_to(out_dir)))
    if relays:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        folders = relay_folders(dataset.relays["relay_id"].astype(str))
        for rec in dataset.relays.itertuples():
            if rec.opened.date() > end or (not _isnat(rec.closed) and rec.closed.date() < start):
                continue
            folder = out_dir / "relais" / folders[str(rec.relay_id)]
            jobs.append(ReportJob("relay", str(rec.relay_id), str(rec.name), _notebooks_dir() / "relay_sheet.ipynb",
                                  folder, {**common, "relay_id": str(rec.relay_id), "output_dir": str(folder.resolve())},
                                  internal_dir / folder.relative_to(out_dir)))
    return jobs


def plan_analysis_jobs(analysis: Analysis, *, out_dir: Path, provinces: list[str | None], relays: bool,
                       internal_dir: Path | None = None) -> list[ReportJob]:
    """The notebook runs of a report of ``analysis`` (Wallonia, checked once): its data, year, language,
    threshold and population file go to every notebook (see :func:`plan_jobs`)."""
    p = analysis.params
    return plan_jobs(analysis.dataset, year=p.year, data_dir=p.data_dir, out_dir=out_dir, provinces=provinces,
                     relays=relays, lang=p.lang, threshold=p.threshold, population=p.population_file,
                     internal_dir=internal_dir)


def _isnat(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def export_html(executed: Path, target: Path, title: str, lang: str = "fr") -> Path:
    """Export an executed notebook to HTML without code, prompts or CDN scripts.

    Raises
    ------
    RelaisError
        If the exported page would still load something from the network.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    for i, cell in enumerate(nb.cells):  # papermill gives its injected cell a random id: number them all
        cell["id"] = f"cell-{i}"
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, language_code=lang)  # <html lang="fr">
    exporter.embed_images = True
    resources = {"metadata": {"name": title}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _CDN_LOADERS.sub("", body).replace("<!-- MathJax configuration -->", "")
    body = _CDN.sub("", body)
    body = _CDN_LINK.sub("", body)
    body = describe_images(body, target.parent / "figures", target.name)
    leftovers = re.findall(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"(?:https?:)?//[^\"]+\"", body)
    if leftovers:
        raise RelaisError(*text_pair("report.error.external_resource", name=target.name, found=leftovers[:3]))
    target.write_text(body, encoding="utf-8")
    return target


def _error_of(executed: Path) -> str:
    """The first failing cell of an executed notebook: index and error message."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except (OSError, ValueError):
        return text("report.batch.unreadable_notebook")
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cellule / cell {i}: {out.get('ename')}: {out.get('evalue')}"
    return text("report.batch.unknown_error")


_QUIET_MANAGER: list[type] = []


def _kernel_manager_class() -> type:
    """Kernel manager that does not interrupt a kernel it is shutting down.

    jupyter_client sends SIGINT to a kernel before asking it to shut down; an idle
    ipykernel then logs ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel``,
    an "ERROR" line on a run that succeeded. A kernel that is shutting down gets the
    shutdown request alone (and is killed if it does not stop within a second).
    """
    if not _QUIET_MANAGER:
        from jupyter_client.manager import AsyncKernelManager

        class QuietShutdownKernelManager(AsyncKernelManager):
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
        message = _error_of(executed) if executed.exists() else f"{type(exc).__name__}: {exc}"
        return JobResult(job, False, None, executed if executed.exists() else None, message, seconds)
    seconds["execute"] = time.perf_counter() - started
    started = time.perf_counter()
    name = "rapport.html" if job.kind == "annual" else "fiche.html"
    page = export_html(executed, job.output_dir / name, job.title, job.parameters["lang"])
    seconds["export"] = time.perf_counter() - started
    return JobResult(job, True, page, executed, "", seconds)


def build_report(
    year: object,
    *,
    data_dir: str | Path,
    out_dir: str | Path = "reports",
    provinces: list[object] | None = None,
    relays: bool = False,
    lang: str = "fr",
    threshold: int = DEFAULT_THRESHOLD,
    pdf: bool = False,
    workers: int | None = None,
    progress: bool = True,
    population: str | Path | None = None,
    accept_losses: bool = False,
    reuse_kernels: bool = True,
    share_work: bool = True,
) -> ReportResult:
    """Build ``OUT_DIR/YEAR/``: reports, maps, figures, tables, index and methodology.

    Parameters
    ----------
    year : int
    data_dir : path
        Validated before any kernel starts.
    out_dir : path, default "reports"
    provinces : list, optional
        Province codes or names; default: Wallonia and all five provinces. ``None``
        items or ``"wallonie"`` mean the regional report.
    relays : bool
        Also a one-page sheet per relay active that year.
    lang : {"fr", "en"}
    threshold : int
        Small-cell threshold (at least 3).
    pdf : bool
        Also print the regional report to PDF with headless Chromium.
    workers : int, optional
        Parallel notebook runs (default: number of cores, at most 4).
    population : path, optional
        Statbel ``TF_SOC_POP_STRUCT_YYYY`` file replacing the bundled 2020 population.
    accept_losses : bool, default False
        Publish even when a relay lost more than 10 % of a table's rows (the report
        then says so on its first page); otherwise :class:`DataLossError`.
    reuse_kernels : bool, default True
        Each worker keeps one warm kernel, reset between notebooks (no state leaks, same
        bytes as fresh kernels); False starts a fresh kernel per notebook.
    share_work : bool, default True
        Notebooks read the validated dataset and the outcome analysis (the same for every
        scope) from a content-keyed cache in the internal folder, computed once per build
        (:mod:`relais_analysis.report.build_cache`; same bytes as without, removed at the end);
        False: every notebook computes them itself.

    Raises
    ------
    ParameterError, InputDataError
        Before any notebook runs.
    DataLossError
        A relay lost more than 10 % of a table's rows, or a table is empty, and
        ``accept_losses`` is False.
    """
    started = time.perf_counter()
    params = check_parameters(data_dir, year, lang=lang, threshold=threshold, population_file=population,
                              accept_losses=accept_losses)
    year, lang, threshold = params.year, params.lang, params.threshold
    scopes: list[str | None]
    if provinces is None:
        scopes = [None, *PROVINCES]
    else:
        scopes = []
        for p in provinces:
            code = reference.check_province(p)
            if code not in scopes:
                scopes.append(code)
    analysis = Analysis.from_parameters(params)  # data, population, losses and year checked before any kernel
    dataset, population = analysis.dataset, params.population_file
    out_root = check_output_dir(check_site_root(Path(out_dir)))
    target, internal = out_root / str(year), internal_root(out_root, year)
    if pdf and None not in scopes:
        raise ParameterError(*text_pair("report.error.no_regional_report"))
    ensure_kernel()
    with Staging(target, internal) as stage:
        write_rejections(dataset, stage.internal / "donnees" / "rejets.csv")  # internal: raw values typed by mistake
        jobs = plan_analysis_jobs(analysis, out_dir=stage.site, provinces=scopes, relays=relays,
                                  internal_dir=stage.internal)
        from relais_analysis.report.build_cache import CACHE_DIR
        from relais_analysis.privacy.canonical import protect_jobs  # the canonical protection of the year

        protected_dir = stage.internal / "tableaux_proteges"
        # The workers start now: their kernels import, and one worker loads the dataset and computes the outcome
        # analysis into the build's cache, while this process protects the tables.
        with _Workers(workers or min(os.cpu_count() or 1, 4), reuse_kernels) as pool:
            if share_work and jobs:  # notebooks use the cache when its folder exists (build_cache.cache_for)
                (protected_dir / CACHE_DIR).mkdir(parents=True)
                if population is None:  # with a population file, the worker loads the dataset as notebooks do
                    _share_dataset(protected_dir / CACHE_DIR, jobs[0].parameters, dataset)
                pool.prefill(protected_dir / CACHE_DIR, jobs[0].parameters)
            jobs, protection = protect_jobs(dataset, jobs, year=year, threshold=threshold, folder=protected_dir)
            results = pool.run(jobs, progress)
        import shutil

        shutil.rmtree(protected_dir / CACHE_DIR, ignore_errors=True)  # a copy of the data, needed by no one now
        failed = [res for res in results if not res.ok]
        figures = methodology_figures(results, year=year, threshold=threshold, protection=protection)
        methodology = write_methodology(stage.site, dataset, results, year=year, lang=lang, threshold=threshold,
                                        protection=figures.protection, suppressed_cells=figures.suppressed_cells)
        index = write_index(stage.site, dataset, results, year=year, lang=lang)
        pdf_path = None
        if pdf and not failed:
            regional = next(r.html for r in results if r.job.key == "wallonie")
            pdf_path = print_pdf(regional, regional.with_suffix(".pdf"))
        _write_log(stage.internal / "journal.txt", results, time.perf_counter() - started)
        staged_site = stage.site
        moves = {staged_site: target, stage.internal: internal}
        stage.commit(site=not failed)
    results = [_moved(res, moves) for res in results]
    for res in results:
        if not res.ok:
            print(text("report.batch.failed", title=res.job.title, error=res.error, executed=res.executed))
    if failed:
        print(text("report.batch.site_kept", target=target))
    return ReportResult(target / index.name, target / methodology.name, results,
                        _rebase(pdf_path, moves), time.perf_counter() - started)


def _rebase(path: Path | None, moves: dict[Path, Path]) -> Path | None:
    """``path`` written under a staging folder, seen from the folder it was swapped into."""
    if path is None:
        return None
    for staged, final in moves.items():
        if path.is_relative_to(staged):
            return final / path.relative_to(staged)
    return path


def _moved(res: JobResult, moves: dict[Path, Path]) -> JobResult:
    import dataclasses

    job = dataclasses.replace(res.job, output_dir=_rebase(res.job.output_dir, moves),
                              internal_dir=_rebase(res.job.internal_dir, moves))
    return dataclasses.replace(res, job=job, html=_rebase(res.html, moves), executed=_rebase(res.executed, moves))


def _write_log(path: Path, results: list[JobResult], seconds: float) -> Path:
    """Build log (internal): each notebook, its time and error."""
    lines = [text("report.batch.log_header", version=__version__, commit=_git_commit(), n=len(results),
                  seconds=f"{seconds:.1f}")]
    for res in results:
        times = ", ".join(f"{k} {v:.1f} s" for k, v in res.seconds.items())
        status = text("report.batch.log_ok" if res.ok else "report.batch.log_failed")
        lines.append(f"{status}\t{res.job.kind}\t{res.job.key}\t{times}\t{res.error}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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
    from relais_analysis.report.content import validate_parameters

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
    from relais_analysis.report.content import validate_parameters

    params = validate_parameters(**{**parameters, "protected_tables": None})
    BuildCache(cache_dir).get_or_compute("dataset", dataset_key(params), lambda: read_dataset(params))


class _Workers:
    """The build's worker processes (one warm kernel each), started before the tables are protected.

    A context manager: leaving it normally waits for the workers (each shuts its kernel
    down); on an exception or Ctrl-C it stops the workers and their kernels at once.
    """

    def __init__(self, workers: int, reuse_kernels: bool) -> None:
        self.reuse_kernels = reuse_kernels
        self.pool = cf.ProcessPoolExecutor(max_workers=max(1, workers), initializer=_ignore_sigint,
                                           initargs=(reuse_kernels,))
        self.prefilled: cf.Future | None = None

    def __enter__(self) -> _Workers:
        return self

    def _pids(self) -> tuple[list[int], list[int]]:
        workers_pids = list(getattr(self.pool, "_processes", None) or {})
        return workers_pids, [pid for worker in workers_pids for pid in descendants(worker)]

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if kind is None:
            workers_pids, kernels = self._pids()
            self.pool.shutdown(wait=True)  # each worker shuts its warm kernel down as it exits
            stop_processes(kernels, grace=0.5)  # any kernel left behind (normally none)
            return
        with holding_sigint():  # Ctrl-C (or a crash): stop the workers and kernels; a second Ctrl-C must wait
            workers_pids, kernels = self._pids()
            self.pool.shutdown(wait=False, cancel_futures=True)
            stop_processes([*kernels, *workers_pids])

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
    with _Workers(workers, reuse_kernels) as pool:
        return pool.run(jobs, progress)
