"""The notebook runs of a report: what runs, with which parameters, written where, and what came back.

:func:`plan_jobs` lists the runs of ``relais report`` (Wallonia, provinces, relay sheets);
:class:`JobResult` / :class:`ReportResult` are what :func:`relais_analysis.report.build.build_report`
returns; :func:`methodology_figures` reads the methodology's figures back from the
protected tables the notebooks were given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from relais_analysis.analysis import Analysis
from relais_analysis.config import project_root
from relais_analysis.i18n import label, province_label
from relais_analysis.intake.dataset import Dataset
from relais_analysis.privacy.publication import relay_folders

__all__ = ["KERNEL_NAME", "JobResult", "MethodologyFigures", "ReportJob", "ReportResult", "methodology_figures",
           "plan_analysis_jobs", "plan_jobs", "slug"]

#: Name of the Jupyter kernel the notebooks run with (installed by ``make install``).
KERNEL_NAME = "relais-analysis"


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
        The joint protection's figures (:func:`relais_analysis.privacy.canonical.protect_jobs`).
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
