"""Every count cell of a published table as a quantity, and the system they form.

:func:`table_cells` is the declaration of shared cells (which cell of which table shows
which quantity, see :mod:`relais_analysis.privacy.links`); :class:`LinkedSystem` holds the
quantities, their cells and the relations between them (:class:`Relation`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from relais_analysis.privacy.link_rules import REACH, Cell, Key
from relais_analysis.privacy.outcome_links import is_outcome_table, outcome_cells

__all__ = ["LinkedSystem", "Relation", "is_na", "split_label", "table_cells"]


def _text(value: object) -> str:
    return "?" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def table_cells(name: str, frame: pd.DataFrame, scope: str, year: int) -> Iterator[tuple[int, str, Key]]:
    """Every count cell of one table with its quantity key (the declaration of shared cells)."""
    if is_outcome_table(name):
        yield from outcome_cells(name, frame, year)
        return
    cols = set(frame.columns)
    rows = frame.to_dict("records")
    for i, row in enumerate(rows):
        y = int(row["year"]) if "year" in row and not pd.isna(row["year"]) else year
        if name == "reach_per_year":
            keys = {m: (m, scope, y, "", "") for m in REACH}
        elif name == "reach_by_province":
            keys = {m: (m, f"P:{row['province_nis']}", y, "", "") for m in REACH}
        elif name == "reach_by_relay":
            keys = {m: (m, f"R:{row['relay_id']}", y, "", "") for m in REACH}
        elif name == "reach_by_activity_type":
            keys = {m: (m, scope, y, "type", _text(row["type"])) for m in REACH}
        elif name == "reach_by_residence":
            keys = {m: (m, scope, y, "residence", _text(row["residence"])) for m in REACH}
        elif name == "reach_rates":
            keys = {"parents": ("parents", "W", year, "residence", _text(row["nis"]))}
        elif name == "new_vs_returning":
            keys = {"parents": ("parents", scope, y, "", ""), "new_parents": ("parents", scope, y, "new", "new"),
                    "returning_parents": ("parents", scope, y, "new", "returning")}
        elif name == "retention":
            keys = {"parents": ("parents", scope, y, "", ""),
                    "seen_next_year": ("parents", scope, y, "retained", "yes")}
        elif name == "activities_per_parent":
            keys = {"parents": ("parents", scope, year, "apb", _text(row["activities"]))}
        elif name == "children_per_family":
            keys = {"families": ("families", scope, year, "cpf", _text(row["children_reached"]))}
        elif name == "gender":
            keys = {"parents": ("parents", scope, y, "", "")}
            keys.update({g: ("parents", scope, y, "gender", g) for g in ("women", "men", "x", "unknown")})
        elif name == "territory_vs_residence":
            relay = f"R:{row['relay_id']}"
            keys = {"parents": ("parents", relay, year, "", "")}
            keys.update({c: ("parents", relay, year, "origin", c)
                         for c in ("in_own_territory", "in_other_territory", "uncovered", "unknown_residence")})
        elif name == "relay_comparison":  # index page: the cells of reach_by_relay, and last year's parents
            relay = f"R:{row['relay_id']}"
            keys = {m: (m, relay, y, "", "") for m in ("parents", "children", "attendances")}
            keys["parents_previous"] = ("parents", relay, y - 1, "", "")
        elif name == "programme_trends":  # index page: the cells of reach_per_year and new_vs_returning
            keys = {m: (m, "W", y, "", "") for m in ("parents", "children", "activities")}
            keys.update(new_parents=("parents", "W", y, "new", "new"),
                        returning_parents=("parents", "W", y, "new", "returning"),
                        parents_previous=("parents", "W", y - 1, "", ""),
                        activities_previous=("activities", "W", y - 1, "", ""))
        else:
            keys = {}
        for column, key in keys.items():
            if column in cols and not (column.endswith("_previous") and is_na(row[column])):
                yield i, column, key


@dataclass(frozen=True)
class Relation:
    """``lo <= sum(coef * quantity) + constant <= hi`` (constants folded in later)."""

    terms: tuple[tuple[Key, float], ...]
    lo: float
    hi: float
    kind: str  # "partition", "hierarchy", "rate"
    cell: Cell | None = None  # the rate cell of a rate relation


@dataclass
class LinkedSystem:
    """Every count cell of a publication, its quantity, and the relations between quantities.

    Attributes
    ----------
    values : dict
        Quantity -> value: an int, :data:`~relais_analysis.privacy.masked.SUPPRESSED` (in a
        published system) or ``pd.NA`` (no data).
    cells : dict
        Quantity -> the cells showing it.
    relations : list of Relation
    rate_sources : dict
        Rate cell -> the quantities it is computed from.
    revealed : set
        Quantities masked in one table but shown in another (a published system
        where protection was not shared).
    """

    values: dict[Key, Any] = field(default_factory=dict)
    cells: dict[Key, list[Cell]] = field(default_factory=lambda: defaultdict(list))
    relations: list[Relation] = field(default_factory=list)
    rate_sources: dict[Cell, tuple[Key, ...]] = field(default_factory=dict)
    complete: set[tuple[str, int, str]] = field(default_factory=set)
    relay_province: dict[str, str] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    key_of: dict[Cell, Key] = field(default_factory=dict)
    revealed: set[Key] = field(default_factory=set)

    def tables_of(self, key: Key) -> list[str]:
        """``scope/table`` names showing a quantity (for messages)."""
        return sorted({f"{c[0]}/{c[1]}" for c in self.cells.get(key, [])})


def is_na(value: object) -> bool:
    """``None``, ``pd.NA`` or NaN: no data (never :data:`~relais_analysis.privacy.masked.SUPPRESSED`)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def split_label(label: str, default_year: int, labels: Mapping[str, tuple[str, int]] | None) -> tuple[str, int]:
    """Scope and publication year of a table set (its label is its scope unless ``labels`` says otherwise)."""
    return labels[label] if labels is not None and label in labels else (label, default_year)
