"""Reach set against the territory: rates per commune, and where each relay's parents live.

The counts of parents come from :mod:`relais_analysis.indicators.reach`; the
population (or single-parent households) and the territories from the reference
geography and :mod:`relais_analysis.indicators.territory`. Residences and territories
are both taken in the commune vintage of the year (from 2025, Bastogne 82003 and
Bertogne 82005 become Bastogne 82039).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.geography import reference
from relais_analysis.indicators.communes import communes_of_year, households_by_commune
from relais_analysis.indicators.territory import active_relays, territory_communes
from relais_analysis.intake.dataset import Dataset

__all__ = ["reach_rates", "territory_vs_residence"]


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ParameterError(*text_pair("indicator_error.invalid_count", name=name, value=value))
    return int(value)


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
        raise ParameterError(*text_pair("indicator_error.parents_not_series", kind=kind))
    counts = pd.to_numeric(parents_by_commune, errors="coerce")
    index = pd.Series(parents_by_commune.index, dtype="string")
    known = index.notna().to_numpy()
    counts, index = counts[known], index[known]
    if counts.isna().any() or (counts < 0).any() or (counts != counts.round()).any():
        raise ParameterError(*text_pair("indicator_error.parents_not_counts"))
    codes = reference.codes_to_year(index.str.strip().reset_index(drop=True), year).astype(str)
    parents = pd.Series(counts.to_numpy(), index=codes.to_numpy()).groupby(level=0).sum()
    all_codes = set(reference.communes_table(year)["nis"])
    unknown = sorted(set(parents.index) - all_codes)
    if unknown:
        raise ParameterError(*text_pair("indicator_error.unknown_commune_codes", year=year, codes=unknown[:10]))
    communes = pd.DataFrame(communes_of_year(year, province, dataset.population)[["nis", "name_fr", "province_nis",
                                                                                 "population"]])
    out = communes.reset_index(drop=True)
    out["parents"] = out["nis"].map(parents).fillna(0).astype("int64")
    population = out["population"].astype("float64")
    out["rate_per_10000"] = out["parents"] / population.where(population > 0) * 10000
    unstable = out["population"] < min_population
    if households is not None:
        hh = households_by_commune(households, year).set_index("nis")["households_single_parent"]
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
