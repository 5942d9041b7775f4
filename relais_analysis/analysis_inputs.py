"""What an analysis starts from: its parameters, checked once, and the dataset they name.

:func:`check_parameters` turns what a user, the CLI or papermill passed into
:class:`AnalysisParameters` (one clear message for a wrong one);
:func:`load_analysis_dataset` loads the data folder (from the build's cache when
``relais report`` runs the analysis) and :func:`check_report_year` refuses a year
without activities. :class:`relais_analysis.analysis.Analysis`, the front door, calls
them; they are importable from :mod:`relais_analysis.analysis` as well.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError

if TYPE_CHECKING:  # imported lazily at run time: the CLI starts fast
    from relais_analysis.intake.ingest import Dataset

__all__ = ["AnalysisParameters", "available_years", "check_parameters", "check_report_year", "dataset_key",
           "load_analysis_dataset", "read_dataset"]


@dataclasses.dataclass(frozen=True)
class AnalysisParameters:
    """Checked parameters of an analysis (what a user, the CLI or papermill passed)."""

    data_dir: Path
    year: int
    province: str | None = None
    relay_id: str | None = None
    lang: str = "fr"
    threshold: int = DEFAULT_THRESHOLD
    as_of: dt.date | None = None
    population_file: Path | None = None
    households_file: Path | None = None
    accept_losses: bool = False
    protected_tables: Path | None = None


def _none(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", "None"))


def _existing_file(value: object, key: str) -> Path | None:
    from relais_analysis.i18n import text_pair

    if _none(value):
        return None
    path = Path(str(value))
    if not path.is_file():
        raise ParameterError(*text_pair(f"analysis.error.{key}", path=path))
    return path


def check_parameters(data_dir: object, year: object, *, province: object = None, relay_id: object = None,
                     lang: object = "fr", threshold: object = None, as_of: object = None,
                     population_file: object = None, households_file: object = None,
                     accept_losses: bool = False, protected_tables: object = None) -> AnalysisParameters:
    """Check and convert every parameter once, with one clear message for a wrong one.

    Accepts what papermill injects (strings for numbers, paths and dates; ``"None"``).
    ``protected_tables`` is the file of this scope's tables protected with the whole
    publication by ``relais report`` (:func:`relais_analysis.privacy.canonical.protect_jobs`).

    Raises
    ------
    ParameterError
        Missing data folder, invalid year, province, language or threshold, a bad date,
        a population, households or protected-tables file that does not exist.

    Examples
    --------
    >>> from relais_analysis.config import project_root
    >>> p = check_parameters(project_root() / "data" / "demo", "2024", province="Liège", threshold="6")
    >>> p.year, p.province, p.threshold
    (2024, '60000', 6)
    >>> check_parameters(project_root() / "data" / "demo", 1999)
    Traceback (most recent call last):
    ...
    relais_analysis.errors.ParameterError: Année invalide : 1999. Attendu : une année à partir de 2019 (p. ex. 2024). / Invalid year: 1999. Expected a year from 2019 on (e.g. 2024).
    """
    from relais_analysis.geography import reference
    from relais_analysis.i18n import check_lang, text_pair
    from relais_analysis.privacy.masked import check_threshold

    if _none(data_dir):
        raise ParameterError(*text_pair("analysis.error.missing_data_dir"))
    folder = Path(str(data_dir))
    if not folder.is_dir():
        raise ParameterError(*text_pair("analysis.error.data_dir_not_found", path=folder))
    if isinstance(threshold, str) and threshold.strip().isdigit():  # papermill -p passes strings
        threshold = int(threshold)
    try:
        extraction = None if _none(as_of) else (as_of if isinstance(as_of, dt.date)
                                                 else dt.date.fromisoformat(str(as_of)))
    except ValueError:
        raise ParameterError(*text_pair("analysis.error.unreadable_date", value=repr(as_of))) from None
    return AnalysisParameters(
        data_dir=folder,
        year=reference.check_year(year),
        province=reference.check_province(None if _none(province) else province),
        relay_id=None if _none(relay_id) else str(relay_id).strip(),
        lang=check_lang(lang),
        threshold=check_threshold(DEFAULT_THRESHOLD if _none(threshold) else threshold),
        as_of=extraction,
        population_file=_existing_file(population_file, "population_not_found"),
        households_file=_existing_file(households_file, "households_not_found"),
        accept_losses=bool(accept_losses),
        protected_tables=_existing_file(protected_tables, "protected_not_found"),
    )


def available_years(dataset: Dataset) -> list[int]:
    """Years with at least one activity, up to the extraction year."""
    years = sorted(int(y) for y in dataset.activities["year"].unique())
    return [y for y in years if y <= dataset.as_of.year]


def check_report_year(year: int, dataset: Dataset) -> int:
    """A report year must have activities in the data (checked once, by :class:`Analysis`).

    Raises
    ------
    ParameterError
        The message lists the years available.
    """
    from relais_analysis.i18n import text

    years = available_years(dataset)
    if year not in years:
        raise ParameterError(*(text("analysis.error.no_data_for_year", lang, year=year,
                                    years=", ".join(map(str, years)) or text("analysis.error.no_years", lang))
                               for lang in ("fr", "en")))
    return year


def dataset_key(params: AnalysisParameters) -> str:
    """Content key of the dataset an analysis loads: data files, extraction date, population file, code.

    Raises
    ------
    ParameterError
        A data or population file disappeared.
    """
    from relais_analysis.report.build_cache import content_key, source_digest

    as_of = params.as_of.isoformat() if params.as_of else f"today {dt.date.today().isoformat()}"
    population = params.population_file.resolve() if params.population_file else None
    return content_key("dataset", source_digest(), params.data_dir.resolve(), as_of, population)


def read_dataset(params: AnalysisParameters) -> Dataset:
    """Load the data folder of ``params`` (with its population file), without any cache.

    Raises
    ------
    InputDataError
        The data folder cannot be used.
    """
    from relais_analysis.intake.ingest import load_dataset

    dataset = load_dataset(str(params.data_dir), as_of=params.as_of)
    if params.population_file is not None:
        from relais_analysis.geography.population import use_population_file

        dataset = use_population_file(dataset, params.population_file)
    return dataset


def load_analysis_dataset(params: AnalysisParameters) -> tuple[Dataset, Any, str | None]:
    """The dataset of ``params``: from the build's cache when ``relais report`` runs the analysis, else loaded.

    Returns the dataset, the build cache (None outside a build that shares its work,
    :func:`relais_analysis.report.build_cache.cache_for`) and the dataset's key in it.

    Raises
    ------
    InputDataError
        The data folder cannot be used.
    """
    from relais_analysis.report.build_cache import cache_for

    cache = cache_for(params.protected_tables)
    if cache is None:
        return read_dataset(params), None, None
    key = dataset_key(params)
    return cache.get_or_compute("dataset", key, lambda: read_dataset(params)), cache, key
