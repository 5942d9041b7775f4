"""Location planning: where the next relays would reach the most people no relay covers yet.

The demand is the communes covered by no relay territory in the year
(:func:`relais_analysis.indicators.territory.commune_coverage`); distances are measured
as in :mod:`relais_analysis.indicators.access` (representative points, EPSG:3812, km,
optionally times a detour factor).
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.geography import reference
from relais_analysis.indicators.access import check_detour_factor, check_radius, distance_km
from relais_analysis.indicators.communes import communes_of_year, households_by_commune, representative_xy
from relais_analysis.indicators.territory import commune_coverage
from relais_analysis.intake.dataset import Dataset
from relais_analysis.text_folding import strip_accents

__all__ = ["next_relay_suggestions"]


def _name_key(name: str) -> str:
    """Sort key for French names: accents and case ignored (Écaussinnes among the E)."""
    return strip_accents(name).casefold()


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
        raise ParameterError(*text_pair("indicator_error.invalid_k", k=k))
    radius = check_radius(radius_km, "radius_km")
    detour = check_detour_factor(detour_factor)
    province = reference.check_province(province)

    communes = communes_of_year(year, province, dataset.population)
    coverage = commune_coverage(dataset, year, province=province)
    demand_mask = ~coverage["covered"].to_numpy(dtype=bool)  # same order (sorted by nis)
    weight_name = "added_population"
    weights = communes["population"].to_numpy(dtype="int64")
    if households is not None:
        weight_name = "added_households"
        hh = households_by_commune(households, year).set_index("nis")["households_single_parent"]
        mapped = communes["nis"].map(hh)
        missing = sorted(communes.loc[demand_mask & mapped.isna().to_numpy(), "nis"])
        if missing:
            raise ParameterError(*text_pair("indicator_error.missing_households", codes=missing[:10]))
        weights = mapped.fillna(0).to_numpy(dtype="int64")

    xy = representative_xy(communes)
    demand_idx = np.flatnonzero(demand_mask)
    reach = distance_km(xy, xy[demand_idx]) * detour <= radius  # candidates x demand
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
