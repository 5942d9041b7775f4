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

import os
import time
from pathlib import Path

from relais_analysis import __version__
from relais_analysis.analysis import Analysis, check_parameters
from relais_analysis.config import DEFAULT_THRESHOLD, PROVINCES
from relais_analysis.errors import ParameterError
from relais_analysis.geography import reference
from relais_analysis.i18n import text, text_pair
from relais_analysis.intake.ingest import write_rejections
from relais_analysis.privacy.publication import Staging, check_output_dir, check_site_root, internal_root
from relais_analysis.report.export import export_html
from relais_analysis.report.jobs import (KERNEL_NAME, JobResult, MethodologyFigures, ReportJob, ReportResult,
                                         methodology_figures, plan_analysis_jobs, plan_jobs, slug)
from relais_analysis.report.pdf import print_pdf  # the one call below; questionnaire_form imports it from here too
from relais_analysis.report.site_pages import _git_commit, write_index, write_methodology
from relais_analysis.report.workers import Workers, _kernel_manager_class, _run_all, ensure_kernel, run_job

# Names other modules and tests import from here (the build's front door): the jobs, the export,
# the kernel helpers.
__all__ = ["KERNEL_NAME", "JobResult", "MethodologyFigures", "ReportJob", "ReportResult", "build_report",
           "ensure_kernel", "export_html", "methodology_figures", "plan_analysis_jobs", "plan_jobs", "print_pdf",
           "run_job", "slug", "write_methodology"]
_REEXPORTED = (_kernel_manager_class, _run_all)  # used by tests through this module


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
        Parallel notebook runs (default: number of cores, at most 4), never more than notebooks.
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
        from relais_analysis.report.workers import _share_dataset
        from relais_analysis.privacy.canonical import protect_jobs  # the canonical protection of the year

        protected_dir = stage.internal / "tableaux_proteges"
        # The workers start now: their kernels import, and one worker loads the dataset and computes the outcome
        # analysis into the build's cache, while this process protects the tables.
        # No more workers (each with a kernel to warm up, 2-3 s of CPU) than notebooks.
        with Workers(min(workers or min(os.cpu_count() or 1, 4), len(jobs)), reuse_kernels) as pool:
            if share_work and jobs:  # notebooks use the cache when its folder exists (build_cache.cache_for)
                (protected_dir / CACHE_DIR).mkdir(parents=True)
                if population is None:  # with a population file, the worker loads the dataset as notebooks do
                    _share_dataset(protected_dir / CACHE_DIR, jobs[0].parameters, dataset)
                pool.prefill(protected_dir / CACHE_DIR, jobs[0].parameters)
            jobs, protection = protect_jobs(dataset, jobs, year=year, threshold=threshold, folder=protected_dir)
            results = pool.run(jobs, progress)
            pool.close()  # the workers stop their kernels while this process writes the pages
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
