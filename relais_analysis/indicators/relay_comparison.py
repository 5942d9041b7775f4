"""The relays side by side (index page): parents, children, participations, reach rate, change.

Built from PROTECTED cells only: the year's counts are the cells of Wallonia's
protected ``reach_by_relay`` (the same numbers as each relay sheet), and the previous
year's parents are masked as every publication of that year masks them (its canonical
protection, :func:`previous_year_parents`). The reach rate
(parents per 10,000 inhabitants of the relay's territory, a public figure) and the
change on the previous year are masked whenever a count they are computed from is
masked. The change is not computed for a partial year (extraction date inside the
year): it would set a few months against a full year.

The table's links are declared in :mod:`relais_analysis.privacy.links`
(``relay_comparison``): its counts are the quantities of ``reach_by_relay``, its
rate and change are relations between them.

>>> short_relay_name("Relais Familles Mono – Wavre"), short_relay_name("Relais Familles Mono - Huy"), short_relay_name("Ciney")
('Wavre', 'Huy', 'Ciney')
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.indicators.trends import change, is_partial_year
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed

__all__ = ["COMPARISON_COUNTS", "relay_comparison", "short_relay_name"]

#: Count columns of :func:`relay_comparison`.
COMPARISON_COUNTS = ["parents", "children", "attendances", "parents_previous"]

_PREFIX = re.compile(r"^\s*Relais\s+Familles\s+Mono\s*[–—-]\s*", re.IGNORECASE)


def short_relay_name(name: object) -> str:
    """A relay's name without the repeated "Relais Familles Mono –"."""
    text = "" if name is None or (not isinstance(name, str) and pd.isna(name)) else str(name)
    return _PREFIX.sub("", text).strip() or text.strip()


def territory_population(dataset: object, year: int) -> dict[str, int]:
    """Inhabitants of each relay's territory in ``year`` (public figures: the communes' population)."""
    from relais_analysis.indicators.territory import commune_coverage, territory_communes

    communes = commune_coverage(dataset, year)  # type: ignore[arg-type]
    population = dict(zip(communes["nis"].astype(str), communes["population"]))
    out: dict[str, int] = {}
    for relay, nis in territory_communes(dataset, year)[["relay_id", "nis"]].itertuples(index=False):  # type: ignore[arg-type]
        if str(nis) in population and not pd.isna(population[str(nis)]):
            out[str(relay)] = out.get(str(relay), 0) + int(population[str(nis)])
    return out


def _previous_masks(dataset: object, year: int, threshold: int) -> set:
    """Relay totals of ``year - 1`` masked by every publication of that year.

    The canonical protection of a year (:func:`~relais_analysis.privacy.canonical.year_protection`:
    Wallonia, every province, every relay sheet and the outcome tables together) decides
    the masks of every publication of that year, with or without its relay sheets.
    """
    from relais_analysis.privacy.canonical import year_protection

    previous = year - 1
    return {k for k in year_protection(dataset, previous, threshold=threshold).masked if k[2] == previous}


def previous_year_parents(dataset: object, year: int, *, threshold: int = DEFAULT_THRESHOLD) -> dict[str, object]:
    """Each relay's parents of ``year - 1``, masked wherever a build of that year masks them.

    Masked (:data:`SUPPRESSED`) when the canonical protection of ``year - 1`` masks the relay's
    total (:func:`_previous_masks`); absent for a relay without activity then.

    Raises
    ------
    PrivacyError
        See :func:`relais_analysis.privacy.linked.protect_publication`.
    """
    from relais_analysis.indicators import reach

    previous = int(year) - 1
    try:
        raw = reach.reach_by(dataset, previous, "relay")  # type: ignore[arg-type]
    except (KeyError, ValueError):
        return {}
    masked = _previous_masks(dataset, int(year), threshold)
    out: dict[str, object] = {}
    for relay, parents in zip(raw["relay_id"].astype(str), raw["parents"]):
        if pd.isna(parents):
            continue
        out[relay] = SUPPRESSED if ("parents", f"R:{relay}", previous, "", "") in masked else int(parents)
    return out


def relay_comparison(tables: object, *, population: Mapping[str, int], previous: Mapping[str, object],
                     as_of: object) -> pd.DataFrame:
    """One row per relay of Wallonia's protected ``reach_by_relay``, with rate and change.

    Parameters
    ----------
    tables : TableSet
        Wallonia's PROTECTED tables (``published``).
    population : mapping
        Relay -> inhabitants of its territory (:func:`territory_population`).
    previous : mapping
        Relay -> parents of the previous year, masked as published (:func:`previous_year_parents`).
    as_of : date
        Extraction date: no change for a partial year.

    Returns
    -------
    DataFrame
        ``year``, ``relay_id``, ``relay`` (short name), ``province_nis``, ``parents``, ``children``,
        ``attendances``, ``population``, ``rate_per_10000``, ``parents_previous``, ``change_parents``.

    Raises
    ------
    ParameterError
        The tables are not protected or have no ``reach_by_relay``.
    """
    if not getattr(tables, "published", False):
        raise ParameterError(*text_pair("indicator_error.comparison_unprotected"))
    try:
        by_relay = tables.tables["reach_by_relay"]
    except (AttributeError, KeyError):
        raise ParameterError("Tableau reach_by_relay absent.", "Table reach_by_relay missing.") from None
    rows = []
    for record in by_relay.to_dict("records"):
        relay, year = str(record["relay_id"]), int(record["year"])
        partial = is_partial_year(year, as_of)  # type: ignore[arg-type]
        inhabitants = population.get(relay)
        parents = record["parents"]
        if is_suppressed(parents):
            rate: object = SUPPRESSED
        elif inhabitants and not pd.isna(parents):
            rate = round(int(parents) / inhabitants * 10_000, 1)
        else:
            rate = pd.NA
        prev = pd.NA if partial else previous.get(relay, pd.NA)
        rows.append({"year": year, "relay_id": relay, "relay": short_relay_name(record.get("relay_name")),
                     "province_nis": record.get("province_nis"), "parents": parents,
                     "children": record["children"], "attendances": record["attendances"],
                     "population": inhabitants if inhabitants else pd.NA, "rate_per_10000": rate,
                     "parents_previous": prev, "change_parents": pd.NA if partial else change(parents, prev)})
    columns = ["year", "relay_id", "relay", "province_nis", "parents", "children", "attendances", "population",
               "rate_per_10000", "parents_previous", "change_parents"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ["parents", "children", "attendances", "rate_per_10000", "parents_previous", "change_parents"]:
        frame[column] = frame[column].astype(object)
    frame.attrs["threshold"] = getattr(tables, "threshold", None)
    return frame
