"""Relays and their territories: which relays run in a year, where they are, which communes they cover.

Every function is pure: a validated :class:`~relais_analysis.intake.dataset.Dataset` (plus the
reference geography of :mod:`relais_analysis.geography.reference`) in, a tidy DataFrame out. All of them
take a ``year`` and work on the communes in force that year: the dataset stores commune
codes in the base vintage (2019-2024), which are translated with
:func:`relais_analysis.geography.reference.codes_to_year` (from 2025, Bastogne 82003 and Bertogne 82005
become Bastogne 82039).

Conventions
-----------
- A relay is *active* in a year when it is open on at least one day of it.
- A territory row counts for a year when its validity period, the relay's opening
  period and the calendar year share at least one day (an empty ``valid_from`` means
  "since the relay opened", an empty ``valid_to`` "still valid"). A commune can thus be
  covered in a year by two relays that never ran at the same time (a hand-over).
- A relay is located by its coordinates when both latitude and longitude are given,
  else by the representative point of its commune (a point guaranteed to lie inside
  the polygon), in EPSG:3812 (Belgian Lambert 2008, metres).
- Relay identifiers are ordered "naturally" (digits compared as numbers: ``R2`` before
  ``R10``).
- Provinces are followed by a row for the whole region, ``province_nis`` ``"03000"``,
  ``province_name`` ``"Wallonie"``.

Distances to relays are in :mod:`~relais_analysis.indicators.access`, reach rates and
where each relay's parents live in :mod:`~relais_analysis.indicators.rates`, and the
suggested next relays in :mod:`~relais_analysis.indicators.planning`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from relais_analysis.config import CRS_ANALYSIS, CRS_WEB
from relais_analysis.geography import reference
from relais_analysis.indicators.communes import COMMUNE_COLUMNS, communes_of_year, share, with_region
from relais_analysis.intake.dataset import Dataset

__all__ = [
    "active_relays",
    "commune_coverage",
    "population_coverage",
    "relay_points",
    "territory_communes",
    "uncovered_communes",
]


# --------------------------------------------------------------------------- helpers


def _relay_key(relay_id: object) -> tuple:
    """Natural sort key: ``R2`` < ``R10``; text and number parts alternate, so keys compare."""
    parts = re.split(r"(\d+)", str(relay_id))
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _sorted_relays(ids: Iterable[object]) -> list[str]:
    return sorted({str(i) for i in ids}, key=_relay_key)


def _natural_order(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows sorted by ``columns`` in natural order, index reset."""
    keys = [tuple(_relay_key(v) for v in row) for row in frame[columns].itertuples(index=False)]
    order = sorted(range(len(frame)), key=keys.__getitem__)
    return frame.iloc[order].reset_index(drop=True)


def _year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


# --------------------------------------------------------------------------- relays and territories


def active_relays(dataset: Dataset, year: int) -> pd.DataFrame:
    """Relays open on at least one day of ``year``.

    A relay is active when ``opened <= 31 December`` and (``closed`` is empty or
    ``closed >= 1 January``).

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year, 2019 or later.

    Returns
    -------
    pandas.DataFrame
        One row per active relay, in natural order of ``relay_id``:

        - ``relay_id`` (str): relay code;
        - ``name`` (str): public name;
        - ``organisation`` (str): host organisation;
        - ``commune`` (str): REFNIS code of the relay's commune, vintage of ``year``;
        - ``opened`` (datetime64): opening date;
        - ``closed`` (datetime64): closing date, NaT while open;
        - ``closed_during_year`` (bool): the relay closed on a day of ``year``.

    Raises
    ------
    ParameterError
        If ``year`` is not a valid year.
    """
    return _active_relays(dataset, reference.check_year(year))


def _active_relays(dataset: Dataset, year: int) -> pd.DataFrame:
    start, end = _year_bounds(year)
    relays = dataset.relays
    opened, closed = relays["opened"], relays["closed"]
    active = (opened.isna() | (opened <= end)) & (closed.isna() | (closed >= start))
    out = relays.loc[active.to_numpy(dtype=bool), ["relay_id", "name", "organisation", "commune", "opened", "closed"]]
    out = out.copy()
    out["commune"] = reference.codes_to_year(out["commune"], year)
    out["closed_during_year"] = (out["closed"].notna() & (out["closed"] <= end)).to_numpy(dtype=bool)
    return _natural_order(out, ["relay_id"])


def relay_points(dataset: Dataset, year: int) -> gpd.GeoDataFrame:
    """Location of each active relay, as a point in EPSG:3812.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.

    Returns
    -------
    geopandas.GeoDataFrame
        CRS EPSG:3812, one row per relay of :func:`active_relays`, same order:

        - ``relay_id`` (str), ``name`` (str), ``commune`` (str, vintage of ``year``);
        - ``location_source`` (str): ``"coordinates"`` when both latitude and longitude
          are given (WGS84, reprojected), ``"commune"`` otherwise (representative
          point of the relay's commune: inside it, but not the address);
        - ``geometry`` (Point).

    Raises
    ------
    ParameterError
        If ``year`` is not a valid year.
    """
    year = reference.check_year(year)
    relays = _active_relays(dataset, year)
    coords = dataset.relays.set_index("relay_id")[["latitude", "longitude"]]
    lat = relays["relay_id"].map(coords["latitude"]).astype("float64").to_numpy()
    lon = relays["relay_id"].map(coords["longitude"]).astype("float64").to_numpy()
    has_xy = np.isfinite(lat) & np.isfinite(lon)

    communes = reference.load_communes(year).set_index("nis")
    rep = communes.geometry.representative_point()
    geometry = rep.reindex(relays["commune"].astype(str).to_numpy()).to_numpy()
    if has_xy.any():
        given = gpd.GeoSeries(gpd.points_from_xy(lon[has_xy], lat[has_xy]), crs=CRS_WEB).to_crs(CRS_ANALYSIS)
        geometry[has_xy] = given.to_numpy()

    out = pd.DataFrame(
        {
            "relay_id": relays["relay_id"].to_numpy(),
            "name": relays["name"].to_numpy(),
            "commune": relays["commune"].to_numpy(),
            "location_source": np.where(has_xy, "coordinates", "commune"),
        }
    )
    return gpd.GeoDataFrame(out, geometry=list(geometry), crs=CRS_ANALYSIS)


def territory_communes(dataset: Dataset, year: int) -> pd.DataFrame:
    """Communes of each relay's territory in ``year``.

    A territory row counts when its validity period ``[valid_from, valid_to]`` (empty =
    open-ended), the relay's opening period ``[opened, closed]`` and the year share at
    least one day; only active relays can therefore appear.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.

    Returns
    -------
    pandas.DataFrame
        Deduplicated pairs sorted by relay (natural order), then commune:

        - ``relay_id`` (str): relay code;
        - ``nis`` (str): REFNIS code of a covered commune, vintage of ``year`` (from
          2025, a relay covering Bastogne or Bertogne covers Bastogne 82039).

    Raises
    ------
    ParameterError
        If ``year`` is not a valid year.
    """
    return _territory_communes(dataset, reference.check_year(year))


def _territory_communes(dataset: Dataset, year: int) -> pd.DataFrame:
    start, end = _year_bounds(year)
    terr = dataset.territories
    if terr.empty:
        return pd.DataFrame({"relay_id": pd.Series(dtype="string"), "nis": pd.Series(dtype=str)})
    periods = dataset.relays.set_index("relay_id")[["opened", "closed"]]
    vf, vt = terr["valid_from"], terr["valid_to"]
    opened = terr["relay_id"].map(periods["opened"])
    closed = terr["relay_id"].map(periods["closed"])
    # Three intervals on a line share a point iff they overlap pairwise.
    keep = (
        terr["relay_id"].isin(periods.index)
        & (vf.isna() | (vf <= end)) & (vt.isna() | (vt >= start))  # territory x year
        & (opened.isna() | (opened <= end)) & (closed.isna() | (closed >= start))  # relay x year
        # territory x relay
        & (vt.isna() | opened.isna() | (vt >= opened)) & (vf.isna() | closed.isna() | (vf <= closed))
    )
    rows = terr.loc[keep.to_numpy(dtype=bool)]
    out = pd.DataFrame(
        {
            "relay_id": rows["relay_id"].astype("string").to_numpy(),
            "nis": reference.codes_to_year(rows["commune"], year).astype(str).to_numpy(),
        }
    ).drop_duplicates()
    return _natural_order(out, ["relay_id", "nis"])


# --------------------------------------------------------------------------- coverage


def commune_coverage(dataset: Dataset, year: int, *, province: str | None = None) -> pd.DataFrame:
    """Which relays cover each commune in ``year``.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.
    province : str, optional
        Province code or name (see :func:`relais_analysis.geography.reference.check_province`);
        default: all of Wallonia.

    Returns
    -------
    pandas.DataFrame
        One row per commune of ``year`` (of the province), sorted by code:

        - ``nis``, ``name_fr``, ``province_nis``, ``province_name`` (str);
        - ``population`` (int): population on 1 January 2020 (reference geography);
        - ``covered`` (bool): in the territory of at least one relay that year;
        - ``n_relays`` (int): number of relays whose territory includes it that year
          (two relays that took over from one another during the year both count);
        - ``relays`` (str): their codes, natural order, joined with ``", "`` (empty
          when uncovered);
        - ``overlap`` (bool): ``n_relays > 1``.

    Raises
    ------
    ParameterError
        If ``year`` or ``province`` is not valid.
    """
    year = reference.check_year(year)
    province = reference.check_province(province)
    communes = pd.DataFrame(communes_of_year(year, province, dataset.population)[COMMUNE_COLUMNS])
    terr = _territory_communes(dataset, year)
    lists = terr.groupby("nis")["relay_id"].agg(lambda ids: ", ".join(_sorted_relays(ids)))
    counts = terr.groupby("nis")["relay_id"].nunique()
    out = communes.copy()
    out["n_relays"] = out["nis"].map(counts).fillna(0).astype("int64")
    out["covered"] = out["n_relays"] > 0
    listed = lists.to_dict()
    out["relays"] = pd.Series([listed.get(code, "") for code in out["nis"]], index=out.index, dtype=str)
    out["overlap"] = out["n_relays"] > 1
    return out[COMMUNE_COLUMNS + ["covered", "n_relays", "relays", "overlap"]].reset_index(drop=True)


def uncovered_communes(dataset: Dataset, year: int, *, province: str | None = None) -> pd.DataFrame:
    """The "zones blanches": communes in no relay's territory in ``year``.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.
    province : str, optional
        Restrict to one province (code or name).

    Returns
    -------
    pandas.DataFrame
        The uncovered rows of :func:`commune_coverage` (same columns; ``covered`` is
        False, ``n_relays`` 0, ``relays`` empty), sorted by population descending,
        then by code.

    Raises
    ------
    ParameterError
        If ``year`` or ``province`` is not valid.
    """
    table = commune_coverage(dataset, year, province=province)
    out = table.loc[~table["covered"]]
    return out.sort_values(["population", "nis"], ascending=[False, True], kind="stable").reset_index(drop=True)


def population_coverage(dataset: Dataset, year: int) -> pd.DataFrame:
    """Communes and population covered by a relay territory, per province and for Wallonia.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.

    Returns
    -------
    pandas.DataFrame
        One row per province (sorted by code) then one for Wallonia
        (``province_nis`` ``"03000"``, ``province_name`` ``"Wallonie"``):

        - ``province_nis``, ``province_name`` (str);
        - ``n_communes`` (int): communes of ``year``;
        - ``communes_covered`` (int): communes in at least one territory;
        - ``population`` (int): population (1 January 2020);
        - ``population_covered`` (int): population of the covered communes;
        - ``share_covered`` (float, 0-1): ``population_covered / population``.

    Raises
    ------
    ParameterError
        If ``year`` is not valid.
    """
    table = commune_coverage(dataset, year)
    table = table.assign(
        n_communes=1,
        communes_covered=table["covered"].astype("int64"),
        population_covered=table["population"].where(table["covered"], 0),
    )
    out = with_region(table, ["n_communes", "communes_covered", "population", "population_covered"])
    out["share_covered"] = share(out["population_covered"], out["population"])
    return out
