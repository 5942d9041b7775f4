"""Denominators: population per commune (Statbel open data) and private households.

The reference geography carries the population on 1 January 2020. A newer year can
be dropped in from Statbel's open-data file ``TF_SOC_POP_STRUCT_YYYY`` (one row per
commune x sex x age x nationality x civil status, ``MS_POPULATION`` the count).
Households per commune (total and single-parent) are optional; when given, reach
rates are also expressed per 100 single-parent households.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

import pandas as pd

from relais_analysis.errors import InputDataError, ReferenceDataError
from relais_analysis.geography.reference import communes_table
from relais_analysis.intake.readers import read_table_file
from relais_analysis.geography.resolve import get_resolver
from relais_analysis.texts import text, text_pair

__all__ = ["BUNDLED_POPULATION", "PopulationSource", "load_households", "load_statbel_population",
           "population_file_year", "use_population_file", "with_population"]


@dataclasses.dataclass(frozen=True)
class PopulationSource:
    """Where the population denominators of a dataset come from.

    Attributes
    ----------
    name : str
        File name of a Statbel ``TF_SOC_POP_STRUCT_YYYY`` file, or ``"data/reference"``
        for the figures bundled with the reference geography.
    sha256 : str or None
        SHA-256 hex digest of the file; None for the bundled figures.
    year : int or None
        Year of the 1 January population: 2020 for the bundled figures, the
        ``YYYY`` of a Statbel file name, None when the name does not tell.

    Examples
    --------
    ``str()`` gives the text shown in the methodology note:

    >>> str(BUNDLED_POPULATION)
    'Statbel, population au 1er janvier 2020 (data/reference)'
    >>> str(PopulationSource("TF_SOC_POP_STRUCT_2025.txt", "ab12", 2025))
    'TF_SOC_POP_STRUCT_2025.txt (SHA-256 ab12)'
    """

    name: str
    sha256: str | None = None
    year: int | None = None

    @property
    def bundled(self) -> bool:
        """Whether these are the figures bundled with the reference geography."""
        return self.sha256 is None

    def __str__(self) -> str:
        if self.bundled:
            return text("geography_error.bundled_population", year=self.year, name=self.name)
        return f"{self.name} (SHA-256 {self.sha256})"


#: The population bundled with the reference geography (1 January 2020).
BUNDLED_POPULATION = PopulationSource("data/reference", None, 2020)


def population_file_year(name: str) -> int | None:
    """The year of a Statbel ``TF_SOC_POP_STRUCT_YYYY`` file name, or None.

    >>> population_file_year("TF_SOC_POP_STRUCT_2025.zip"), population_file_year("pop.txt")
    (2025, None)
    """
    found = re.search(r"TF_SOC_POP_STRUCT_(\d{4})", name, flags=re.IGNORECASE)
    return int(found.group(1)) if found else None


def _read_any(path: Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise InputDataError(*text_pair("geography_error.file_not_found", path=path), file=str(path))
    if path.suffix.lower() == ".zip":
        return pd.read_csv(path, sep=None, engine="python", dtype=str)
    return read_table_file(path, "population").frame


def load_statbel_population(path: str | Path) -> pd.Series:
    """Population per Walloon commune from a Statbel ``TF_SOC_POP_STRUCT_YYYY`` file.

    Parameters
    ----------
    path : str or Path
        The open-data file, pipe- or comma-separated (``.txt``/``.csv``, or the
        ``.zip`` as downloaded), with at least ``CD_REFNIS`` and ``MS_POPULATION``.

    Returns
    -------
    pandas.Series
        Population (int64) indexed by base-vintage REFNIS code (2025 codes are
        translated back; see :func:`relais_analysis.geography.reference.base_code`), Walloon communes only.

    Raises
    ------
    InputDataError
        If the required columns are missing or a count is not a number.
    """
    frame = _read_any(Path(path))
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    missing = {"CD_REFNIS", "MS_POPULATION"} - set(frame.columns)
    if missing:
        raise InputDataError(
            *text_pair("geography_error.statbel_columns_missing", missing=sorted(missing)),
            file=str(path),
        )
    counts = pd.to_numeric(frame["MS_POPULATION"], errors="coerce")
    if counts.isna().any():
        row = int(counts.isna().to_numpy().argmax()) + 2
        raise InputDataError(*text_pair("geography_error.population_not_number"),
                             file=str(path), row=row, column="MS_POPULATION")
    codes = frame["CD_REFNIS"].astype(str).str.strip().str.zfill(5)
    total = counts.groupby(codes).sum().astype("int64")
    walloon = set(communes_table(2024)["nis"]) | set(communes_table(2025)["nis"])
    total = total[total.index.isin(walloon)]
    if total.empty:
        raise ReferenceDataError(*text_pair("geography_error.no_walloon_commune"))
    if "82039" in total.index:  # 2025 file: split the merged commune by its 2020 shares
        shares = communes_table(2024).set_index("nis").loc[["82003", "82005"], "population"]
        merged = total.pop("82039")
        split = (shares / shares.sum() * merged).round().astype("int64")
        split.iloc[0] += merged - split.sum()
        total = pd.concat([total, split])
    total.index.name = "nis"
    return total.sort_index().rename("population")


def with_population(communes: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """Replace the ``population`` column of a commune table by newer figures.

    Communes missing from ``population`` raise, so a partial file is never used silently.
    """
    out = communes.copy()
    base = out["nis"]
    if "82039" in set(base):
        figures = population.copy()
        figures["82039"] = figures.get("82003", 0) + figures.get("82005", 0)
    else:
        figures = population
    missing = sorted(set(base) - set(figures.index))
    if missing:
        raise ReferenceDataError(*text_pair("geography_error.population_missing", n=len(missing), examples=missing[:5]))
    out["population"] = base.map(figures).astype("int64")
    return out


def load_households(path: str | Path) -> pd.DataFrame:
    """Private households per commune: ``nis``, ``households_total``, ``households_single_parent``.

    The commune column accepts codes, postal codes or names (resolved like input data).

    Raises
    ------
    InputDataError
        Missing columns, non-numeric counts, unknown communes, single-parent
        households above the total.
    """
    path = Path(path)
    frame = read_table_file(path, "households").frame
    frame.columns = [c.strip().lower() for c in frame.columns]
    required = {"nis", "households_total", "households_single_parent"}
    if "commune" in frame.columns and "nis" not in frame.columns:
        frame = frame.rename(columns={"commune": "nis"})
    if not required <= set(frame.columns):
        raise InputDataError(
            *text_pair("geography_error.households_columns", required=sorted(required), found=list(frame.columns)),
            file=path.name,
        )
    resolver = get_resolver()
    rows = []
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        try:
            nis = resolver.resolve(rec["nis"]).nis
            total = int(rec["households_total"])
            single = int(rec["households_single_parent"])
        except (ReferenceDataError, TypeError, ValueError) as exc:
            msg = getattr(exc, "message_fr", str(exc))
            raise InputDataError(text("geography_error.invalid_row", "fr", message=msg),
                                 text("geography_error.invalid_row", "en", message=exc), file=path.name, row=i) from exc
        if single > total or single < 0:
            raise InputDataError(*text_pair("geography_error.households_out_of_range"), file=path.name, row=i)
        rows.append({"nis": nis, "households_total": total, "households_single_parent": single})
    out = pd.DataFrame(rows)
    return out.groupby("nis", as_index=False).sum()


def use_population_file(dataset, path: str | Path):
    """The dataset with its population denominators taken from a Statbel file.

    Parameters
    ----------
    dataset : Dataset
    path : str or Path
        A ``TF_SOC_POP_STRUCT_YYYY`` file (see :func:`load_statbel_population`).

    Returns
    -------
    Dataset
        A copy whose ``population`` is the file's, with ``population_source`` a
        :class:`PopulationSource` naming the file, its SHA-256 and year (shown in the
        methodology note and the maps' source line).

    Raises
    ------
    InputDataError, ReferenceDataError
        The file cannot be read, or it misses Walloon communes.
    """
    path = Path(path)
    figures = load_statbel_population(path)
    with_population(communes_table(2024), figures)  # refuse a file that misses communes, before any use
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    source = PopulationSource(path.name, digest, population_file_year(path.name))
    return dataclasses.replace(dataset, population=figures, population_source=source)
