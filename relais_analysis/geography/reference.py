"""Reference geography of Wallonia: communes and provinces per year, merger crosswalk.

The validated reference files live in ``data/reference/`` (built by
``scripts/build_reference.py`` from Statbel's public files). Two vintages of commune
codes exist in the period the programme covers:

- 2019-2024: 262 Walloon communes;
- from 2025: 261, Bastogne (82003) and Bertogne (82005) having merged into
  Bastogne (82039).

The package stores commune codes in the *base vintage* (2019-2024), the finest one:
every 2025 commune is a union of base communes, so translating base codes to any
year is exact (:func:`codes_to_year`). The only lossy step is reading the merged code
82039 itself, which is mapped back to 82003 (Bastogne, 82 % of the merged
population); :func:`base_code` says so.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd

from relais_analysis.config import CRS_ANALYSIS, FIRST_GEOGRAPHY_YEAR, PROVINCES, reference_dir
from relais_analysis.errors import ParameterError, ReferenceDataError
from relais_analysis.geography.names import normalise_name
from relais_analysis.texts import text_pair

#: First year in which the 2025 commune codes are in force.
MERGER_YEAR = 2025

__all__ = [
    "MERGER_YEAR",
    "base_code",
    "check_province",
    "check_year",
    "codes_to_year",
    "communes_table",
    "load_communes",
    "load_provinces",
    "localities",
    "mergers",
    "reference_file",
    "vintage",
]


def reference_file(name: str) -> Path:
    """Path of a file of the validated reference geography (``data/reference/<name>``).

    Raises
    ------
    ReferenceDataError
        If the file does not exist (the message says how to rebuild it).
    """
    path = reference_dir() / name
    if not path.exists():
        raise ReferenceDataError(
            *text_pair("geography_error.reference_file_missing", path=path),
        )
    return path


@functools.lru_cache(maxsize=None)
def _all_communes() -> pd.DataFrame:
    df = pd.read_csv(
        reference_file("communes.csv"),
        dtype={"nis": str, "arrondissement_nis": str, "province_nis": str, "name_de": str},
        keep_default_na=False,
        na_values={"valid_to": [""]},
    )
    df["population"] = df["population"].astype("int64")
    df["valid_to"] = df["valid_to"].astype("Int64")
    return df


@functools.lru_cache(maxsize=None)
def _merger_table() -> pd.DataFrame:
    df = pd.read_csv(reference_file("mergers_2025.csv"), dtype=str)
    walloon = set(_all_communes()["nis"])
    return df[df["old_nis"].isin(walloon)].reset_index(drop=True)


def check_year(year: object) -> int:
    """Validate a calendar year for the reference geography.

    Parameters
    ----------
    year : object
        Year as given by a user or a notebook parameter (int, or a string of digits).

    Returns
    -------
    int
        The year as an integer.

    Raises
    ------
    ParameterError
        If ``year`` is not an integer from 2019 onwards.
    """
    try:
        value = int(str(year).strip())
        if isinstance(year, float) and not year.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        value = None
    if value is None or value < FIRST_GEOGRAPHY_YEAR or value > 2100:
        raise ParameterError(
            *text_pair("geography_error.invalid_year", year=year, first=FIRST_GEOGRAPHY_YEAR),
        )
    return value


def check_province(province: object) -> str | None:
    """Validate a province given by code or French/English name; ``None`` means Wallonia.

    Returns
    -------
    str or None
        The province's REFNIS code (e.g. ``"60000"``), or None for the whole region.

    Raises
    ------
    ParameterError
        If the province is not one of the five Walloon provinces; the message lists them.
    """
    if province is None or (isinstance(province, str) and province.strip().lower() in {"", "none", "wallonie", "wallonia"}):
        return None
    text = str(province).strip()
    if text in PROVINCES:
        return text
    aliases = {normalise_name(name): code for code, name in PROVINCES.items()}
    aliases.update({"walloon brabant": "20002", "brabant": "20002", "bw": "20002", "luik": "60000", "namen": "90000"})
    key = normalise_name(text).removeprefix("province de ").removeprefix("province du ")
    if key in aliases:
        return aliases[key]
    valid = ", ".join(f"{name} ({code})" for code, name in PROVINCES.items())
    raise ParameterError(
        *text_pair("geography_error.unknown_province", province=province, valid=valid),
    )


def vintage(year: int) -> int:
    """First year of the commune-code vintage in force in ``year`` (2019 or 2025)."""
    return MERGER_YEAR if check_year(year) >= MERGER_YEAR else FIRST_GEOGRAPHY_YEAR


def communes_table(year: int) -> pd.DataFrame:
    """Walloon communes in force in ``year``, without geometry.

    Parameters
    ----------
    year : int
        Calendar year, 2019 or later.

    Returns
    -------
    pandas.DataFrame
        One row per commune, sorted by code, with columns ``nis``, ``name_fr``,
        ``name_nl``, ``name_de`` (official German name of the nine German-speaking
        communes, else empty), ``arrondissement_nis``, ``arrondissement_name``,
        ``province_nis``, ``province_name``, ``population`` (1 January 2020, Statbel).

    Raises
    ------
    ParameterError
        If ``year`` is not a valid year.
    """
    return _communes_in_force(check_year(year)).copy()  # a copy: callers may change theirs


@functools.lru_cache(maxsize=16)
def _communes_in_force(year: int) -> pd.DataFrame:
    """The table of :func:`communes_table`, computed once per year (a protection asks for it hundreds of times)."""
    df = _all_communes()
    in_force = (df["valid_from"] <= year) & (df["valid_to"].isna() | (df["valid_to"] >= year)).astype(bool)
    return df.loc[in_force].drop(columns=["valid_from", "valid_to"]).sort_values("nis").reset_index(drop=True)


@functools.lru_cache(maxsize=4)
def _geometries(web: bool) -> gpd.GeoDataFrame:
    name = "communes_web_4326.parquet" if web else "communes_3812.parquet"
    return gpd.read_parquet(reference_file(name)).set_index("nis")


def load_communes(year: int, *, web: bool = False) -> gpd.GeoDataFrame:
    """Walloon communes in force in ``year`` with their boundaries.

    Parameters
    ----------
    year : int
        Calendar year, 2019 or later: 262 communes up to 2024, 261 from 2025.
    web : bool, default False
        False: full-resolution polygons in EPSG:3812 (Belgian Lambert 2008, metres),
        for analysis. True: coverage-simplified polygons in EPSG:4326 for web maps
        (neighbours share their edges exactly; no gaps, no overlaps).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of :func:`communes_table` plus ``geometry``.

    Raises
    ------
    ParameterError
        If ``year`` is not a valid year.
    ReferenceDataError
        If the reference files are missing.

    Examples
    --------
    >>> communes = load_communes(2024)
    >>> len(communes), int(communes["population"].sum())
    (262, 3645243)
    """
    table = communes_table(year)
    geoms = _geometries(web)
    missing = sorted(set(table["nis"]) - set(geoms.index))
    if missing:
        raise ReferenceDataError(
            *text_pair("geography_error.missing_geometry", missing=missing),
        )
    geometry = geoms.loc[table["nis"], "geometry"].to_numpy()
    return gpd.GeoDataFrame(table, geometry=geometry, crs=geoms.crs if web else CRS_ANALYSIS)


def load_provinces(year: int, *, web: bool = False) -> gpd.GeoDataFrame:
    """The five Walloon provinces in ``year``, dissolved from their communes.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``province_nis``, ``province_name``, ``n_communes``, ``population``,
        ``geometry`` (EPSG:3812, or EPSG:4326 with ``web=True``), sorted by code.
    """
    communes = load_communes(year, web=web)
    grouped = communes.dissolve(
        by=["province_nis", "province_name"],
        aggfunc={"nis": "count", "population": "sum"},
    ).reset_index()
    grouped = grouped.rename(columns={"nis": "n_communes"})
    cols = ["province_nis", "province_name", "n_communes", "population", "geometry"]
    return grouped[cols].sort_values("province_nis").reset_index(drop=True)


@functools.lru_cache(maxsize=1)
def _localities() -> pd.DataFrame:
    return pd.read_csv(reference_file("localities.csv"), dtype=str, keep_default_na=False)


def localities() -> pd.DataFrame:
    """Walloon localities (villages, former communes, sections) and their commune.

    Built by ``scripts/build_reference.py`` from GeoNames and Statbel (CC BY 4.0).

    Returns
    -------
    pandas.DataFrame
        Columns ``locality_fr``, ``postal_code``, ``nis`` (base-vintage commune code)
        and ``commune_fr``, one row per (locality, postal code).

    Raises
    ------
    ReferenceDataError
        If ``data/reference/localities.csv`` is missing.

    Examples
    --------
    >>> table = localities()
    >>> len(table), table["nis"].nunique()
    (1577, 262)
    >>> table.loc[table["locality_fr"] == "Jambes", ["postal_code", "nis", "commune_fr"]].values.tolist()
    [['5100', '92094', 'Namur']]
    """
    return _localities().copy()


def mergers() -> pd.DataFrame:
    """Walloon mergers of 1 January 2025: columns ``old_nis``, ``old_name``, ``new_nis``, ``new_name``, ``date``."""
    return _merger_table().copy()


def base_code(nis: str) -> str:
    """Translate a commune code of any vintage to the base vintage (2019-2024).

    Codes of 2019-2024 are returned unchanged. A 2025 code created by a merger is
    mapped to the former commune that gave the merged one its name (82039 Bastogne
    -> 82003 Bastogne); this is the only lossy translation, documented in the
    methodology note.

    Raises
    ------
    ReferenceDataError
        If ``nis`` is not the code of a Walloon commune of any vintage.
    """
    code = str(nis).strip()
    mapping = _base_codes()
    if code not in mapping:
        raise ReferenceDataError(
            *text_pair("geography_error.not_walloon_code", code=code),
        )
    return mapping[code]


@functools.lru_cache(maxsize=1)
def _base_codes() -> dict[str, str]:
    """Every Walloon code of any vintage -> its base-vintage code."""
    table = _all_communes()
    mapping = {c: c for c in table.loc[table["valid_from"] <= FIRST_GEOGRAPHY_YEAR, "nis"]}
    merged = _merger_table()
    for new_code, olds in merged.groupby("new_nis"):
        same_name = olds.loc[olds["old_name"] == olds["new_name"], "old_nis"]
        mapping[new_code] = str(same_name.iloc[0] if not same_name.empty else olds["old_nis"].iloc[0])
    return mapping


def codes_to_year(codes: pd.Series | list[str], year: int) -> pd.Series:
    """Translate base-vintage commune codes to the codes in force in ``year``.

    Exact for every code: from 2025, 82003 and 82005 both become 82039. Missing
    values stay missing.

    Parameters
    ----------
    codes : Series or list of str
        Codes of the base vintage (as stored by :mod:`relais_analysis.intake.ingest`).
    year : int
        Target year.

    Returns
    -------
    pandas.Series
        Same index as ``codes`` (a list gives a default index), codes of ``year``.
    """
    series = pd.Series(codes, dtype="string") if not isinstance(codes, pd.Series) else codes.astype("string")
    if vintage(year) < MERGER_YEAR:
        return series
    mapping = dict(zip(_merger_table()["old_nis"], _merger_table()["new_nis"]))
    return series.replace(mapping)
