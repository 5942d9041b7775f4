"""What a reader knows about the cells of a publication: the rules, declared as data.

The quantities and relations of :mod:`relais_analysis.privacy.links` follow these
declarations: which breakdowns partition a total exactly (:data:`PARTITIONS`), which nest
from relays to provinces to Wallonia (:data:`HIERARCHY`), and which published columns are
rates of which counts (:data:`RATES`). The outcome tables' own links
(:mod:`relais_analysis.privacy.outcome_links`) read :data:`RATES` from here; this module
imports nothing of the package, so both link modules read it and neither imports the other
back.
"""

from __future__ import annotations

__all__ = ["BOUNDED", "EXACT", "HIERARCHY", "PARTITIONS", "PEOPLE_MEASURES", "RATES", "REACH", "Cell", "Key",
           "scope_of"]

#: (measure, scope, year, dim, value)
Key = tuple[str, str, int, str, str]
#: (scope, table name, row position, column)
Cell = tuple[str, str, int, str]

REACH = ("parents", "children", "families", "attendances", "activities")
#: Measures counting people: a masked one must keep at least 3 possible values.
PEOPLE_MEASURES = frozenset({"parents", "children", "families"})
#: Relation kinds: the categories add up exactly (``=``), or only bound the total (``<=``).
EXACT, BOUNDED = "=", "<="

#: Per breakdown, measures for which the categories add up exactly to the total
#: (others: total <= sum of categories, each category <= total).
PARTITIONS: dict[str, dict[str, str]] = {
    "residence": {"parents": EXACT, "children": EXACT, "families": EXACT, "attendances": EXACT,
                  "activities": BOUNDED},
    "type": {"parents": BOUNDED, "children": BOUNDED, "families": BOUNDED, "attendances": EXACT,
             "activities": EXACT},
    "gender": {"parents": EXACT},
    "new": {"parents": EXACT},
    "origin": {"parents": EXACT},
    "apb": {"parents": EXACT},  # activities per parent (bins)
    "cpf": {"families": EXACT},  # children per family (bins)
    "retained": {"parents": BOUNDED},  # seen again next year <= parents
}
#: Breakdowns that nest from relays to provinces to Wallonia: exact for activity counts,
#: bounded for people (a parent counts in each province he or she came to).
HIERARCHY: dict[str, dict[str, str]] = {
    dim: {"parents": BOUNDED, "children": BOUNDED, "families": BOUNDED, "attendances": EXACT,
          "activities": EXACT}
    for dim in ("", "type", "residence")
}
HIERARCHY["gender"] = {"parents": BOUNDED}

#: Rate columns per table: (numerator columns, denominator) where the denominator is
#: ``("columns", [...])`` (counts of the same row), ``("total", measure)`` (the
#: scope's total), ``("constant", column, scale)`` (public figure / scale) or ``("change", [column])``
#: (a change c on the previous count: ``count = (1 + c) * previous``).
RATES: dict[str, dict[str, tuple]] = {
    "new_vs_returning": {"share_new": (["new_parents"], ("columns", ["parents"]))},
    "retention": {"retention_rate": (["seen_next_year"], ("columns", ["parents"]))},
    "activities_per_parent": {"share": (["parents"], ("total", "parents"))},
    "children_per_family": {"share": (["families"], ("total", "families"))},
    "gender": {"share_women": (["women"], ("columns", ["women", "men", "x"]))},
    "reach_rates": {"rate_per_10000": (["parents"], ("constant", "population", 10_000)),
                    "rate_per_100_households": (["parents"], ("constant", "single_parent_households", 100))},
    "outcomes_change": {"share_improved": (["n_improved"], ("columns", ["n_pairs"])),
                        "share_worse": (["n_worse"], ("columns", ["n_pairs"]))},
    # index page (indicators.relay_comparison, indicators.trends): a change c is count = (1 + c) * previous
    "relay_comparison": {"rate_per_10000": (["parents"], ("constant", "population", 10_000)),
                         "change_parents": (["parents"], ("change", ["parents_previous"]))},
    "programme_trends": {"change_parents": (["parents"], ("change", ["parents_previous"])),
                         "change_activities": (["activities"], ("change", ["activities_previous"]))},
}


def scope_of(province_nis: str | None = None, relay_id: str | None = None) -> str:
    """Scope label of a table set: ``"W"``, ``"P:50000"`` or ``"R:R01"``."""
    if relay_id is not None:
        return f"R:{relay_id}"
    return "W" if province_nis is None else f"P:{province_nis}"
