"""Territorial coverage: who is covered, how far the nearest relay is, where a next relay would help.

Every function is pure: a validated :class:`~relais_analysis.intake.ingest.Dataset` (plus the
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
- Distances are computed in EPSG:3812 (Belgian Lambert 2008, metres) and reported in
  km. A commune is located by its *representative point* (a point guaranteed to lie
  inside the polygon), never by the polygon itself, whose distance to any point inside
  it would be 0. A relay is located by its coordinates when both latitude and longitude
  are given, else by the representative point of its commune.
- Relay identifiers are ordered "naturally" (digits compared as numbers: ``R2`` before
  ``R10``); ties between equidistant relays go to the first one in that order.
- Provinces are followed by a row for the whole region, ``province_nis`` ``"03000"``,
  ``province_name`` ``"Wallonie"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from relais_analysis.geography import reference
from relais_analysis.config import CRS_ANALYSIS, CRS_WEB, WALLONIA_NIS
from relais_analysis.errors import ParameterError
from relais_analysis.intake.ingest import Dataset
from relais_analysis.text_folding import strip_accents

__all__ = [
    "WALLONIA_NAME",
    "access_distances",
    "active_relays",
    "commune_coverage",
    "next_relay_suggestions",
    "population_coverage",
    "population_within",
    "reach_rates",
    "relay_points",
    "territory_communes",
    "territory_vs_residence",
    "uncovered_communes",
]

#: Name of the region row appended after the provinces.
WALLONIA_NAME = "Wallonie"

_COMMUNE_COLUMNS = ["nis", "name_fr", "province_nis", "province_name", "population"]


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


def _name_key(name: str) -> str:
    """Sort key for French names: accents and case ignored (Écaussinnes among the E)."""
    return strip_accents(name).casefold()


def _year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)


def _communes(year: int, province: str | None = None, population: pd.Series | None = None) -> gpd.GeoDataFrame:
    """Communes of ``year`` (EPSG:3812), optionally of one province, sorted by code.

    ``population``: newer figures by base-vintage code (``Dataset.population``) replacing
    the bundled 1 January 2020 population.
    """
    communes = reference.load_communes(year)
    if population is not None:
        from relais_analysis.geography.population import with_population

        communes = with_population(communes, population)
    if province is not None:
        communes = communes.loc[communes["province_nis"] == province]
    return communes.sort_values("nis").reset_index(drop=True)


def _xy(points: gpd.GeoSeries) -> np.ndarray:
    """(n, 2) array of point coordinates in metres."""
    return np.column_stack([points.x.to_numpy(), points.y.to_numpy()])


def _representative_xy(communes: gpd.GeoDataFrame) -> np.ndarray:
    return _xy(communes.geometry.representative_point())


def _distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix of straight-line distances (km) between rows of ``a`` and rows of ``b``."""
    diff = a[:, None, :] - b[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1]) / 1000.0


def _check_detour(detour_factor: float) -> float:
    try:
        value = float(detour_factor)
    except (TypeError, ValueError):
        value = float("nan")
    if not np.isfinite(value) or value < 1.0:
        raise ParameterError(
            f"Facteur de détour invalide : {detour_factor!r}. Attendu : un nombre >= 1 "
            "(1 = ligne droite ; ~1,3 pour la route en Wallonie rurale).",
            f"Invalid detour factor: {detour_factor!r}. Expected a number >= 1 "
            "(1 = straight line; ~1.3 for roads in rural Wallonia).",
        )
    return value


def _check_positive(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if not np.isfinite(number) or number <= 0:
        raise ParameterError(
            f"{name} invalide : {value!r}. Attendu : un nombre de km strictement positif (p. ex. 10).",
            f"Invalid {name}: {value!r}. Expected a strictly positive number of km (e.g. 10).",
        )
    return number


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError(
            f"{name} invalide : {value!r}. Attendu : un entier positif ou nul.",
            f"Invalid {name}: {value!r}. Expected a non-negative integer.",
        )
    return int(value)


def _with_region(frame: pd.DataFrame, sums: Sequence[str]) -> pd.DataFrame:
    """Sum ``sums`` per province (sorted by code), then append the Wallonia row."""
    provinces = (
        frame.groupby(["province_nis", "province_name"], as_index=False, sort=True)[list(sums)].sum()
    )
    total = {"province_nis": WALLONIA_NIS, "province_name": WALLONIA_NAME}
    total.update({col: frame[col].sum() for col in sums})
    out = pd.concat([provinces, pd.DataFrame([total])], ignore_index=True)
    for col in sums:
        out[col] = out[col].astype("int64")
    return out


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("float64")
    return (part.astype("float64") / whole.where(whole > 0)).astype("float64")


def _households_by_commune(households: pd.DataFrame, year: int) -> pd.DataFrame:
    """Households table (base-vintage ``nis``) summed per commune code of ``year``."""
    required = {"nis", "households_total", "households_single_parent"}
    if not isinstance(households, pd.DataFrame) or not required <= set(households.columns):
        found = list(households.columns) if isinstance(households, pd.DataFrame) else type(households).__name__
        raise ParameterError(
            f"Table des ménages invalide : colonnes attendues {sorted(required)}, trouvé {found!r}.",
            f"Invalid households table: expected columns {sorted(required)}, found {found!r}.",
        )
    frame = pd.DataFrame(
        {
            "nis": reference.codes_to_year(households["nis"].astype("string").str.strip(), year).to_numpy(),
            "households_total": pd.to_numeric(households["households_total"]).to_numpy(),
            "households_single_parent": pd.to_numeric(households["households_single_parent"]).to_numpy(),
        }
    )
    out = frame.groupby("nis", as_index=False, sort=True)[["households_total", "households_single_parent"]].sum()
    out["nis"] = out["nis"].astype(str)
    return out


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
    year = reference.check_year(year)
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
    relays = active_relays(dataset, year)
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
    year = reference.check_year(year)
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
    communes = pd.DataFrame(_communes(year, province, dataset.population)[_COMMUNE_COLUMNS])
    terr = territory_communes(dataset, year)
    lists = terr.groupby("nis")["relay_id"].agg(lambda ids: ", ".join(_sorted_relays(ids)))
    counts = terr.groupby("nis")["relay_id"].nunique()
    out = communes.copy()
    out["n_relays"] = out["nis"].map(counts).fillna(0).astype("int64")
    out["covered"] = out["n_relays"] > 0
    listed = lists.to_dict()
    out["relays"] = pd.Series([listed.get(code, "") for code in out["nis"]], index=out.index, dtype=str)
    out["overlap"] = out["n_relays"] > 1
    return out[_COMMUNE_COLUMNS + ["covered", "n_relays", "relays", "overlap"]].reset_index(drop=True)


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
    out = _with_region(table, ["n_communes", "communes_covered", "population", "population_covered"])
    out["share_covered"] = _share(out["population_covered"], out["population"])
    return out


# --------------------------------------------------------------------------- distances


def access_distances(
    dataset: Dataset, year: int, *, detour_factor: float = 1.0, province: str | None = None
) -> pd.DataFrame:
    """Distance from each commune to the nearest active relay.

    The commune is located at its representative point (inside the polygon; a
    polygon's own distance to a point inside it would be 0), each relay at
    :func:`relay_points`. The nearest relay is searched among all relays active at
    some point of ``year`` (a relay that closed in June still counts), across
    province borders.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.
    detour_factor : float, default 1.0
        Multiplier applied to the straight-line distance. 1.0 = straight line (as
        the crow flies); road distances in rural Wallonia are typically about 1.3
        times the straight line. Must be >= 1.
    province : str, optional
        Restrict the rows to the communes of one province (code or name).

    Returns
    -------
    pandas.DataFrame
        One row per commune (sorted by code), never duplicated:

        - ``nis``, ``name_fr``, ``province_nis`` (str);
        - ``population`` (int);
        - ``nearest_relay`` (str): code of the nearest active relay; on an exact tie,
          the first in natural order (``R2`` before ``R10``); NA when no relay is
          active;
        - ``distance_km`` (float): straight-line distance in km (EPSG:3812) times
          ``detour_factor``; NaN when no relay is active.

    Raises
    ------
    ParameterError
        If ``year`` or ``province`` is not valid, or ``detour_factor < 1``.
    """
    year = reference.check_year(year)
    detour = _check_detour(detour_factor)
    province = reference.check_province(province)
    communes = _communes(year, province, dataset.population)
    out = pd.DataFrame(communes[["nis", "name_fr", "province_nis", "population"]]).reset_index(drop=True)
    points = relay_points(dataset, year)
    if points.empty:
        out["nearest_relay"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["distance_km"] = np.nan
        return out
    dist = _distance_km(_representative_xy(communes), _xy(points.geometry))  # relays already in natural order
    best = np.argmin(dist, axis=1)  # first minimum = lowest relay in natural order
    out["nearest_relay"] = pd.array(points["relay_id"].to_numpy()[best], dtype="string")
    out["distance_km"] = dist[np.arange(len(out)), best] * detour
    return out


def population_within(
    dataset: Dataset,
    year: int,
    radii_km: Sequence[float] = (5, 10, 20),
    *,
    detour_factor: float = 1.0,
) -> pd.DataFrame:
    """Population living within a given distance of an active relay, per province and for Wallonia.

    A commune counts as a whole when its representative point lies within the radius
    (after applying ``detour_factor``) of at least one active relay (see
    :func:`access_distances`).

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.
    radii_km : sequence of float, default (5, 10, 20)
        Radii in km (> 0); duplicates are dropped and the output is sorted by radius.
    detour_factor : float, default 1.0
        As in :func:`access_distances` (1.0 = straight line, ~1.3 = road in rural areas).

    Returns
    -------
    pandas.DataFrame
        Long format, one row per radius x (province, then Wallonia ``"03000"``):

        - ``radius_km`` (float);
        - ``province_nis``, ``province_name`` (str);
        - ``population_within`` (int): population of the communes within the radius;
        - ``share_within`` (float, 0-1): ``population_within / population``;
        - ``communes_within`` (int): number of those communes;
        - ``population`` (int), ``n_communes`` (int): totals of the province/region.

    Raises
    ------
    ParameterError
        If ``year`` is not valid, a radius is not a positive number, or
        ``detour_factor < 1``.
    """
    if isinstance(radii_km, (int, float)):
        radii_km = [radii_km]
    radii = sorted({_check_positive(r, "radius_km") for r in radii_km})
    if not radii:
        raise ParameterError("Aucun rayon donné (radii_km vide).", "No radius given (empty radii_km).")
    distances = access_distances(dataset, year, detour_factor=detour_factor)
    names = reference.communes_table(year).set_index("nis")["province_name"]
    distances["province_name"] = distances["nis"].map(names)
    frames = []
    for radius in radii:
        within = (distances["distance_km"] <= radius).to_numpy(dtype=bool)
        table = distances.assign(
            n_communes=1,
            communes_within=within.astype("int64"),
            population_within=np.where(within, distances["population"], 0),
        )
        summed = _with_region(table, ["population_within", "communes_within", "population", "n_communes"])
        summed.insert(0, "radius_km", float(radius))
        summed["share_within"] = _share(summed["population_within"], summed["population"])
        frames.append(summed)
    columns = ["radius_km", "province_nis", "province_name", "population_within", "share_within",
               "communes_within", "population", "n_communes"]
    return pd.concat(frames, ignore_index=True)[columns]


# --------------------------------------------------------------------------- rates


def reach_rates(
    dataset: Dataset,
    year: int,
    parents_by_commune: pd.Series,
    *,
    households: pd.DataFrame | None = None,
    min_population: int = 1000,
    min_households: int = 100,
    province: str | None = None,
) -> pd.DataFrame:
    """Parents reached per commune relative to its population (and single-parent households).

    The parents counts are not computed here: pass them (unique parents resident in
    each commune, as computed by the reach module).

    Parameters
    ----------
    dataset : Dataset
        Validated dataset (kept for a uniform signature; the counts come from
        ``parents_by_commune``).
    year : int
        Calendar year; rows are the communes in force that year.
    parents_by_commune : pandas.Series
        Unique parents per commune of residence, indexed by REFNIS code of the
        ``year`` vintage. Base-vintage codes are translated too (82003 and 82005 are
        summed into 82039 from 2025). Entries with a missing code (unknown residence)
        cannot be placed and are ignored.
    households : DataFrame, optional
        Private households per commune, columns ``nis`` (base vintage, translated and
        summed to ``year``), ``households_total``, ``households_single_parent``
        (see :func:`relais_analysis.geography.population.load_households`).
    min_population : int, default 1000
        Below this population a rate is flagged ``unstable``.
    min_households : int, default 100
        Below this number of single-parent households (when ``households`` is given)
        a rate is flagged ``unstable``.
    province : str, optional
        Restrict to one province (code or name).

    Returns
    -------
    pandas.DataFrame
        One row per commune (sorted by code):

        - ``nis``, ``name_fr``, ``province_nis`` (str); ``population`` (int);
        - ``parents`` (int): unique parents resident there (0 when absent from
          ``parents_by_commune``);
        - ``rate_per_10000`` (float): ``parents / population * 10000``;
        - ``single_parent_households`` (Int64, NA when the commune is missing from
          the table) and ``rate_per_100_households`` (float:
          ``parents / single_parent_households * 100``), only when ``households`` is
          given;
        - ``unstable`` (bool): ``population < min_population``, or (``households``
          given) fewer than ``min_households`` single-parent households or none
          known. In a small commune one parent more or less moves the rate a lot
          (a Poisson count of a few units has a relative error near 1/sqrt(count)),
          so these rates should not be ranked or mapped against the others.

    Raises
    ------
    ParameterError
        If ``year`` or ``province`` is not valid, ``parents_by_commune`` is not a
        Series of non-negative whole numbers indexed by Walloon commune codes, a
        threshold is negative, or ``households`` lacks its columns.
    """
    year = reference.check_year(year)
    province = reference.check_province(province)
    min_population = _check_count(min_population, "min_population")
    min_households = _check_count(min_households, "min_households")
    if not isinstance(parents_by_commune, pd.Series):
        kind = type(parents_by_commune).__name__
        raise ParameterError(
            f"parents_by_commune doit être une Series indexée par code REFNIS ; reçu {kind}.",
            f"parents_by_commune must be a Series indexed by REFNIS code; got {kind}.",
        )
    counts = pd.to_numeric(parents_by_commune, errors="coerce")
    index = pd.Series(parents_by_commune.index, dtype="string")
    known = index.notna().to_numpy()
    counts, index = counts[known], index[known]
    if counts.isna().any() or (counts < 0).any() or (counts != counts.round()).any():
        raise ParameterError(
            "parents_by_commune doit contenir des nombres entiers positifs ou nuls.",
            "parents_by_commune must hold non-negative whole numbers.",
        )
    codes = reference.codes_to_year(index.str.strip().reset_index(drop=True), year).astype(str)
    parents = pd.Series(counts.to_numpy(), index=codes.to_numpy()).groupby(level=0).sum()
    all_codes = set(reference.communes_table(year)["nis"])
    unknown = sorted(set(parents.index) - all_codes)
    if unknown:
        raise ParameterError(
            f"Codes de commune inconnus en {year} dans parents_by_commune : {unknown[:10]}.",
            f"Unknown commune codes for {year} in parents_by_commune: {unknown[:10]}.",
        )
    communes = pd.DataFrame(_communes(year, province, dataset.population)[["nis", "name_fr", "province_nis", "population"]])
    out = communes.reset_index(drop=True)
    out["parents"] = out["nis"].map(parents).fillna(0).astype("int64")
    population = out["population"].astype("float64")
    out["rate_per_10000"] = out["parents"] / population.where(population > 0) * 10000
    unstable = out["population"] < min_population
    if households is not None:
        hh = _households_by_commune(households, year).set_index("nis")["households_single_parent"]
        single = out["nis"].map(hh).astype("Int64")
        out["single_parent_households"] = single
        denominator = single.astype("float64")
        out["rate_per_100_households"] = (
            out["parents"] / denominator.where(denominator > 0) * 100
        ).astype("float64")
        unstable = unstable | (single.isna() | (single < min_households)).fillna(True).astype(bool)
    out["unstable"] = unstable.to_numpy(dtype=bool)
    return out


def territory_vs_residence(dataset: Dataset, year: int) -> pd.DataFrame:
    """Where the parents each relay reached live, relative to its territory.

    Parents are participants with role ``parent`` in person-level attendance of the
    relay's activities dated in ``year``; each parent is counted once per relay (a
    parent attending two relays counts for each). Residences and territories are
    both taken in the commune vintage of ``year``. Activities recorded only as
    aggregate counts (``activity_counts``) cannot be placed and are not counted.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.

    Returns
    -------
    pandas.DataFrame
        One row per active relay (natural order), all counts int; the last four
        columns sum to ``parents``:

        - ``relay_id`` (str);
        - ``parents``: unique parents who attended at least one of its activities;
        - ``in_own_territory``: living in a commune of the relay's territory that year;
        - ``in_other_territory``: living in a commune covered only by other relays;
        - ``uncovered``: living in a commune no relay covers that year;
        - ``unknown_residence``: residence not given.

    Raises
    ------
    ParameterError
        If ``year`` is not valid.
    """
    year = reference.check_year(year)
    relays = active_relays(dataset, year)[["relay_id"]]
    terr = territory_communes(dataset, year)
    activities = dataset.activities.loc[dataset.activities["year"] == year, ["activity_id", "relay_id"]]
    parents = dataset.participants.loc[dataset.participants["role"] == "parent", ["participant_id", "residence"]]
    links = (
        dataset.attendance[["activity_id", "participant_id"]]
        .merge(activities, on="activity_id")
        .merge(parents, on="participant_id")
        [["relay_id", "participant_id", "residence"]]
        .drop_duplicates(["relay_id", "participant_id"])
    )
    links["residence"] = reference.codes_to_year(links["residence"], year).to_numpy()
    own_pairs = set(zip(terr["relay_id"].astype(str), terr["nis"].astype(str)))
    covered = set(terr["nis"].astype(str))
    unknown = links["residence"].isna().to_numpy(dtype=bool)
    residence = links["residence"].astype(str).to_numpy()
    own = np.array([(r, c) in own_pairs for r, c in zip(links["relay_id"].astype(str), residence)], dtype=bool)
    own &= ~unknown
    in_covered = np.isin(residence, list(covered)) & ~unknown
    links = links.assign(
        parents=1,
        in_own_territory=own.astype("int64"),
        in_other_territory=(in_covered & ~own).astype("int64"),
        uncovered=(~in_covered & ~unknown).astype("int64"),
        unknown_residence=unknown.astype("int64"),
    )
    columns = ["parents", "in_own_territory", "in_other_territory", "uncovered", "unknown_residence"]
    sums = links.groupby("relay_id")[columns].sum()
    out = relays.copy()
    for col in columns:
        out[col] = out["relay_id"].map(sums[col]).fillna(0).astype("int64")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- location planning


def next_relay_suggestions(
    dataset: Dataset,
    year: int,
    *,
    k: int = 5,
    radius_km: float = 10.0,
    households: pd.DataFrame | None = None,
    detour_factor: float = 1.0,
    province: str | None = None,
) -> pd.DataFrame:
    """Where the next relays would reach the most uncovered people: greedy maximal covering.

    Method: the Maximal Covering Location Problem (Church & ReVelle, 1974, "The
    maximal covering location problem", *Papers of the Regional Science Association*
    32), solved with its greedy heuristic. Demand points are the representative points
    of the communes covered by no territory in ``year``, weighted by population (or by
    single-parent households when ``households`` is given). Candidate sites are the
    representative points of all communes of ``year`` (a site in a covered commune
    may serve uncovered neighbours). At each of ``k`` steps the candidate whose radius
    covers the largest not-yet-covered demand weight is chosen (ties: lowest commune
    code), and the demand it covers is removed. The greedy answer is a suggestion for
    discussion, not an optimum (it is guaranteed to reach at least 63 % of the best
    possible weight for ``k`` sites), and ignores roads, public transport and where
    partner organisations are.

    Parameters
    ----------
    dataset : Dataset
        Validated dataset.
    year : int
        Calendar year.
    k : int, default 5
        Number of sites to suggest (>= 1); fewer rows when the demand runs out.
    radius_km : float, default 10.0
        A site covers the demand points within this distance (> 0).
    households : DataFrame, optional
        Households per commune (``nis`` base vintage, ``households_total``,
        ``households_single_parent``); when given, demand is weighted by
        single-parent households instead of population.
    detour_factor : float, default 1.0
        Straight-line distances are multiplied by it before comparing with the
        radius (1.0 = straight line, ~1.3 = road in rural Wallonia).
    province : str, optional
        Restrict demand and candidate sites to one province (code or name).

    Returns
    -------
    pandas.DataFrame
        One row per chosen site, in order of choice:

        - ``rank`` (int): 1 for the first choice;
        - ``nis``, ``name_fr``, ``province_nis``, ``province_name`` (str): the site's commune;
        - ``added_population`` (int), or ``added_households`` (int) when
          ``households`` is given: demand weight newly covered by this site;
        - ``communes_added`` (int): uncovered communes newly covered;
        - ``communes_added_names`` (str): their French names, sorted, joined with ``", "``;
        - ``communes_added_nis`` (str): their codes, sorted, joined with ``", "``.

        Added weights are non-increasing with the rank; no commune is added twice.

    Raises
    ------
    ParameterError
        If ``year`` or ``province`` is not valid, ``k < 1``, ``radius_km <= 0``,
        ``detour_factor < 1``, or ``households`` lacks columns or an uncovered commune.
    """
    year = reference.check_year(year)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k invalide : {k!r}. Attendu : un entier >= 1.",
                             f"Invalid k: {k!r}. Expected an integer >= 1.")
    radius = _check_positive(radius_km, "radius_km")
    detour = _check_detour(detour_factor)
    province = reference.check_province(province)

    communes = _communes(year, province, dataset.population)
    coverage = commune_coverage(dataset, year, province=province)
    demand_mask = ~coverage["covered"].to_numpy(dtype=bool)  # same order (sorted by nis)
    weight_name = "added_population"
    weights = communes["population"].to_numpy(dtype="int64")
    if households is not None:
        weight_name = "added_households"
        hh = _households_by_commune(households, year).set_index("nis")["households_single_parent"]
        mapped = communes["nis"].map(hh)
        missing = sorted(communes.loc[demand_mask & mapped.isna().to_numpy(), "nis"])
        if missing:
            raise ParameterError(
                f"Ménages monoparentaux absents pour des communes non couvertes : {missing[:10]}.",
                f"Single-parent households missing for uncovered communes: {missing[:10]}.",
            )
        weights = mapped.fillna(0).to_numpy(dtype="int64")

    xy = _representative_xy(communes)
    demand_idx = np.flatnonzero(demand_mask)
    reach = _distance_km(xy, xy[demand_idx]) * detour <= radius  # candidates x demand
    remaining = np.ones(len(demand_idx), dtype=bool)
    demand_weight = weights[demand_idx]
    names = communes["name_fr"].to_numpy()
    codes = communes["nis"].to_numpy()

    rows = []
    for rank in range(1, int(k) + 1):
        if not remaining.any():
            break
        gains = reach[:, remaining] @ demand_weight[remaining]
        best = int(np.argmax(gains))  # communes sorted by code: first maximum = lowest nis
        if gains[best] <= 0:
            break
        newly = reach[best] & remaining
        remaining &= ~newly
        added = demand_idx[newly]
        rows.append(
            {
                "rank": rank,
                "nis": codes[best],
                "name_fr": names[best],
                "province_nis": communes["province_nis"].iloc[best],
                "province_name": communes["province_name"].iloc[best],
                weight_name: int(gains[best]),
                "communes_added": int(newly.sum()),
                "communes_added_names": ", ".join(sorted(names[added], key=_name_key)),
                "communes_added_nis": ", ".join(sorted(codes[added])),
            }
        )
    columns = ["rank", "nis", "name_fr", "province_nis", "province_name", weight_name,
               "communes_added", "communes_added_names", "communes_added_nis"]
    out = pd.DataFrame(rows, columns=columns)
    for col in ("rank", weight_name, "communes_added"):
        out[col] = out[col].astype("int64")
    return out
