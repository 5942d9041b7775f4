"""Access: how far each commune is from the nearest active relay, and who lives within a radius.

Conventions
-----------
- Distances are computed in EPSG:3812 (Belgian Lambert 2008, metres) and reported in
  km. A commune is located by its *representative point* (a point guaranteed to lie
  inside the polygon), never by the polygon itself, whose distance to any point inside
  it would be 0. A relay is located as in
  :func:`relais_analysis.indicators.territory.relay_points`.
- Straight-line distances can be multiplied by a detour factor (1.0 = as the crow
  flies; road distances in rural Wallonia are about 1.3 times longer).
- Ties between equidistant relays go to the first one in natural order (``R2`` before
  ``R10``).
- Provinces are followed by a row for the whole region, ``province_nis`` ``"03000"``,
  ``province_name`` ``"Wallonie"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.geography import reference
from relais_analysis.indicators.communes import communes_of_year, representative_xy, share, with_region, xy
from relais_analysis.indicators.territory import relay_points
from relais_analysis.intake.dataset import Dataset

__all__ = ["access_distances", "check_detour_factor", "check_radius", "distance_km", "population_within"]


def distance_km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Matrix of straight-line distances (km) between rows of ``a`` and rows of ``b`` (metres).

    >>> distance_km(np.array([[0.0, 0.0]]), np.array([[3000.0, 4000.0], [0.0, 500.0]])).tolist()
    [[5.0, 0.5]]
    """
    diff = a[:, None, :] - b[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1]) / 1000.0


def check_detour_factor(detour_factor: object) -> float:
    """``detour_factor`` as a float >= 1.

    Raises
    ------
    ParameterError
        If it is not a finite number of at least 1.
    """
    try:
        value = float(detour_factor)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not np.isfinite(value) or value < 1.0:
        raise ParameterError(*text_pair("indicator_error.invalid_detour_factor", value=detour_factor))
    return value


def check_radius(value: object, name: str = "radius_km") -> float:
    """``value`` as a strictly positive number of km; ``name`` is the parameter named in the message.

    Raises
    ------
    ParameterError
        If it is not a finite number above 0.
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    if not np.isfinite(number) or number <= 0:
        raise ParameterError(*text_pair("indicator_error.invalid_radius", name=name, value=value))
    return number


def access_distances(
    dataset: Dataset, year: int, *, detour_factor: float = 1.0, province: str | None = None
) -> pd.DataFrame:
    """Distance from each commune to the nearest active relay.

    The commune is located at its representative point (inside the polygon; a
    polygon's own distance to a point inside it would be 0), each relay at
    :func:`~relais_analysis.indicators.territory.relay_points`. The nearest relay is searched among all relays active at
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
    detour = check_detour_factor(detour_factor)
    return _access_distances(dataset, year, detour, reference.check_province(province))


def _access_distances(dataset: Dataset, year: int, detour: float, province: str | None) -> pd.DataFrame:
    communes = communes_of_year(year, province, dataset.population)
    out = pd.DataFrame(communes[["nis", "name_fr", "province_nis", "population"]]).reset_index(drop=True)
    points = relay_points(dataset, year)
    if points.empty:
        out["nearest_relay"] = pd.Series(pd.NA, index=out.index, dtype="string")
        out["distance_km"] = np.nan
        return out
    dist = distance_km(representative_xy(communes), xy(points.geometry))  # relays already in natural order
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
    radii = sorted({check_radius(r, "radius_km") for r in radii_km})
    if not radii:
        raise ParameterError(*text_pair("indicator_error.no_radius"))
    year = reference.check_year(year)
    distances = _access_distances(dataset, year, check_detour_factor(detour_factor), None)
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
        summed = with_region(table, ["population_within", "communes_within", "population", "n_communes"])
        summed.insert(0, "radius_km", float(radius))
        summed["share_within"] = share(summed["population_within"], summed["population"])
        frames.append(summed)
    columns = ["radius_km", "province_nis", "province_name", "population_within", "share_within",
               "communes_within", "population", "n_communes"]
    return pd.concat(frames, ignore_index=True)[columns]
