"""The links between the cells of a publication, declared in one place.

A build publishes many tables (one set per scope: Wallonia, each province, each
relay sheet) whose cells are not independent: the same number appears in several
tables, counts add up across categories and from relays to provinces to Wallonia,
and shares are computed from counts. A reader can combine all of them. This module
turns every count cell of every published table into a *quantity* and lists the
linear relations a reader knows between quantities; :mod:`relais_analysis.privacy.audit`
attacks that system and :mod:`relais_analysis.privacy.linked` protects it.

Quantities
----------
A quantity is a :data:`Key` ``(measure, scope, year, dim, value)``:

- ``measure``: ``parents``, ``children``, ``families``, ``attendances``, ``activities``;
- ``scope``: ``"W"`` (Wallonia), ``"P:<province code>"`` or ``"R:<relay id>"``;
- ``dim``/``value``: a breakdown (``"residence"``/``"25014"``, ``"type"``/``"atelier"``,
  ``"gender"``/``"women"``...), or ``""``/``""`` for the scope's total.

Two cells with the same key are the same number: Brabant wallon's row of the
regional ``reach_by_province`` is Brabant wallon's total of its own
``reach_per_year``; relay R01's row of ``reach_by_relay`` (regional or provincial)
is R01's total, also in ``territory_vs_residence`` and in R01's sheet.

Relations (see :data:`PARTITIONS` and :data:`HIERARCHY`)
--------------------------------------------------------
- *Partition* of a scope's total over a breakdown: exact (``=``) where every person
  or attendance falls in exactly one category (gender, residence for people and
  attendances, activity type for attendances and activities), otherwise bounded
  (total <= sum of categories, each category <= total).
- *Hierarchy* Wallonia > provinces > relays for the same breakdown: attendances and
  activities add up exactly (an activity belongs to one relay, a relay to one
  province); people only bound (one parent can come to two provinces).
- *Rates and shares*: ``rate = numerator / denominator`` with counts on both sides
  (:data:`RATES`); a published rate whose counts are masked is a relation too.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from relais_analysis.config import PROVINCES
from relais_analysis.errors import PrivacyError
from relais_analysis.texts import text_pair
from relais_analysis.privacy.outcome_links import is_outcome_table, outcome_cells, outcome_relations

__all__ = ["HIERARCHY", "PARTITIONS", "RATES", "Key", "Cell", "Relation", "LinkedSystem", "build_system",
           "scope_of", "PEOPLE_MEASURES"]

#: (measure, scope, year, dim, value)
Key = tuple[str, str, int, str, str]
#: (scope, table name, row position, column)
Cell = tuple[str, str, int, str]

REACH = ("parents", "children", "families", "attendances", "activities")
#: Measures counting people: a masked one must keep at least 3 possible values.
PEOPLE_MEASURES = frozenset({"parents", "children", "families"})
_EXACT, _BOUNDED = "=", "<="

#: Per breakdown, measures for which the categories add up exactly to the total
#: (others: total <= sum of categories, each category <= total).
PARTITIONS: dict[str, dict[str, str]] = {
    "residence": {"parents": _EXACT, "children": _EXACT, "families": _EXACT, "attendances": _EXACT,
                  "activities": _BOUNDED},
    "type": {"parents": _BOUNDED, "children": _BOUNDED, "families": _BOUNDED, "attendances": _EXACT,
             "activities": _EXACT},
    "gender": {"parents": _EXACT},
    "new": {"parents": _EXACT},
    "origin": {"parents": _EXACT},
    "apb": {"parents": _EXACT},  # activities per parent (bins)
    "cpf": {"families": _EXACT},  # children per family (bins)
    "retained": {"parents": _BOUNDED},  # seen again next year <= parents
}
#: Breakdowns that nest from relays to provinces to Wallonia: exact for activity counts,
#: bounded for people (a parent counts in each province he or she came to).
HIERARCHY: dict[str, dict[str, str]] = {
    dim: {"parents": _BOUNDED, "children": _BOUNDED, "families": _BOUNDED, "attendances": _EXACT,
          "activities": _EXACT}
    for dim in ("", "type", "residence")
}
HIERARCHY["gender"] = {"parents": _BOUNDED}

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


def _text(value: object) -> str:
    return "?" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _cells_of(name: str, frame: pd.DataFrame, scope: str, year: int) -> Iterator[tuple[int, str, Key]]:
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
            if column in cols and not (column.endswith("_previous") and _is_na(row[column])):
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


def _add_cell(system: LinkedSystem, key: Key, value: object, cell: Cell, strict: bool) -> None:
    old = system.values.get(key, _ABSENT)
    if old is _ABSENT or _is_na(old):
        system.values[key] = value
    elif not (_is_na(value) or _is_masked(old) or _is_masked(value) or old == value):
        if strict:
            raise PrivacyError(*text_pair("privacy_error.inconsistent_link", quantity=key, old=old,
                                          tables=system.tables_of(key), value=value, where=f"{cell[0]}/{cell[1]}"))
        # tables written with other rules: this cell is not the same quantity, keep it apart
        system.conflicts.append(f"{key}: {old!r} / {value!r} ({cell[0]}/{cell[1]})")
        key = (key[0], f"{key[1]}#{cell[0]}/{cell[1]}", *key[2:])
        system.values[key] = value
    elif _is_masked(old) != _is_masked(value) and not _is_na(value):
        system.revealed.add(key)  # masked in one table, shown in another: the reader knows it
        if _is_masked(old):
            system.values[key] = value
    system.cells[key].append(cell)
    system.key_of[cell] = key


_ABSENT = object()


def _is_na(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _is_masked(value: object) -> bool:
    from relais_analysis.privacy.masked import SUPPRESSED

    return value is SUPPRESSED


def build_system(table_sets: Mapping[str, Mapping[str, pd.DataFrame]], default_year: int, *,
                 strict: bool = True, rates: bool = True,
                 labels: Mapping[str, tuple[str, int]] | None = None) -> LinkedSystem:
    """The linked system of a publication.

    Parameters
    ----------
    table_sets : mapping
        Scope (:func:`scope_of`) -> table name -> frame (raw counts, or published
        frames holding :data:`~relais_analysis.privacy.masked.SUPPRESSED`); or any label
        named in ``labels``.
    default_year : int
        Year of the publication (breakdown tables without a year column).
    labels : mapping, optional
        Label -> (scope, publication year) for sets of several builds audited together
        (e.g. ``"W@2025"`` -> ``("W", 2025)``); messages name the labels.
    strict : bool
        Refuse two different values for the same quantity (a build); when auditing
        folders written by other versions, keep the first and record a conflict.
    rates : bool
        Add the relations of published rates. A protection leaves them out: it
        masks every rate computed from a masked count, so the rates it publishes
        only repeat published counts.

    Raises
    ------
    PrivacyError
        Two tables disagree on a quantity they both show (``strict``).
    """
    system = LinkedSystem()
    for label, tables in table_sets.items():
        scope, year = _split(label, default_year, labels)
        for name, frame in tables.items():
            if name == "reach_by_relay" and "province_nis" in frame.columns:
                for relay, prov in zip(frame["relay_id"], frame["province_nis"]):
                    system.relay_province[str(relay)] = str(prov)
                for y in set(frame["year"]) if "year" in frame.columns else {year}:
                    system.complete.add((scope, int(y), "relays-listed"))
            values = frame.to_dict("list")
            for i, column, key in _cells_of(name, frame, scope, year):
                _add_cell(system, key, _count(values[column][i]), (label, name, i, column), strict)
                if key[3]:
                    system.complete.add((key[1], key[2], key[3]))
            if name == "reach_per_year":
                system.complete.add((scope, 0, "years"))
            if name == "reach_by_province" and "year" in frame.columns:
                for y in set(frame["year"]):
                    system.complete.add(("W", int(y), "provinces-listed"))
    _relations(system)
    for terms, lo, hi in outcome_relations(system.values, system.relay_province):
        system.relations.append(Relation(terms, lo, hi, "outcome"))
    _rate_relations(system, table_sets, default_year, rates, labels)
    return system


def _split(label: str, default_year: int, labels: Mapping[str, tuple[str, int]] | None) -> tuple[str, int]:
    """Scope and publication year of a table set (its label is its scope unless ``labels`` says otherwise)."""
    return labels[label] if labels is not None and label in labels else (label, default_year)


def _count(value: object) -> object:
    if _is_na(value) or _is_masked(value):
        return pd.NA if _is_na(value) else value
    return int(value)


def _families(system: LinkedSystem) -> dict[tuple[str, str, int, str], list[Key]]:
    found: dict[tuple[str, str, int, str], list[Key]] = defaultdict(list)
    for key in system.values:
        found[(key[0], key[1], key[2], key[3])].append(key)
    return found


def _bounded(total: Key, parts: list[Key], complete: bool) -> Iterator[Relation]:
    for part in parts:  # each part <= total
        yield Relation(((total, 1.0), (part, -1.0)), 0.0, math.inf, "bounded")
    if complete:  # total <= sum of parts
        yield Relation(((total, -1.0), *((p, 1.0) for p in parts)), 0.0, math.inf, "bounded")


def _exact(total: Key, parts: list[Key], complete: bool, kind: str) -> Relation:
    terms = ((total, 1.0), *((p, -1.0) for p in parts))
    return Relation(terms, 0.0, 0.0 if complete else math.inf, kind)


def _relations(system: LinkedSystem) -> None:
    families = _families(system)
    # partitions of a scope's total
    for (measure, scope, y, dim), parts in families.items():
        if not dim or dim not in PARTITIONS or measure not in PARTITIONS[dim]:
            continue
        total = (measure, scope, y, "", "")
        if total not in system.values:
            continue
        rule = PARTITIONS[dim][measure]
        if rule == _EXACT:
            system.relations.append(_exact(total, sorted(parts), True, "partition"))
        else:
            system.relations.extend(_bounded(total, sorted(parts), dim != "retained"))
    # hierarchy: Wallonia > provinces > relays
    children: dict[str, list[str]] = {"W": [f"P:{p}" for p in PROVINCES]}
    for relay, prov in sorted(system.relay_province.items()):
        children.setdefault(f"P:{prov}", []).append(f"R:{relay}")
    for (measure, scope, y, dim), keys in families.items():
        if scope not in children or dim not in HIERARCHY or measure not in HIERARCHY[dim]:
            continue
        if scope == "W":
            listed = True
        else:
            listed = (scope, y, "relays-listed") in system.complete or ("W", y, "relays-listed") in system.complete
        for key in keys:
            parts = [(measure, child, y, dim, key[4]) for child in children[scope]]
            parts = [p for p in parts if p in system.values or not _absent_is_zero(system, p[1], y, dim)]
            if not any(p in system.cells for p in parts):
                continue
            for part in parts:
                system.values.setdefault(part, pd.NA)  # not published: unknown, >= 0
            if HIERARCHY[dim][measure] == _EXACT:
                system.relations.append(_exact(key, parts, listed, "hierarchy"))
            else:
                system.relations.extend(_bounded(key, parts, listed))


def _absent_is_zero(system: LinkedSystem, child: str, y: int, dim: str) -> bool:
    """Whether a quantity no table shows is known to be zero (its table lists every non-zero row)."""
    if dim:
        return (child, y, dim) in system.complete
    if (child, 0, "years") in system.complete:
        return True  # the child's reach_per_year has no row for that year
    if child.startswith("R:"):
        prov = system.relay_province.get(child[2:])
        return ("W", y, "relays-listed") in system.complete or (f"P:{prov}", y, "relays-listed") in system.complete
    return ("W", y, "provinces-listed") in system.complete


def _rate_relations(system: LinkedSystem, table_sets: Mapping[str, Mapping[str, pd.DataFrame]], default_year: int,
                    relations: bool, labels: Mapping[str, tuple[str, int]] | None = None) -> None:
    from relais_analysis.privacy.masked import is_suppressed

    for label, tables in table_sets.items():
        scope, year = _split(label, default_year, labels)
        for name, frame in tables.items():
            if name not in RATES:
                continue
            keyed = {(i, c): system.key_of[(label, name, i, c)] for i, c, _ in _cells_of(name, frame, scope, year)}
            for rate, (numerator, denominator) in RATES[name].items():
                if rate not in frame.columns:
                    continue
                for i, value in enumerate(frame[rate].tolist()):
                    num = [keyed[(i, c)] for c in numerator if (i, c) in keyed]
                    den: list[Key] = []
                    scale = 1.0
                    if denominator[0] in ("columns", "change"):
                        den = [keyed[(i, c)] for c in denominator[1] if (i, c) in keyed]
                    elif denominator[0] == "total":
                        den = [(denominator[1], scope, year, "", "")]
                        if den[0] not in system.values:
                            continue
                    else:
                        column, per = denominator[1], denominator[2]
                        try:
                            scale = float(frame[column].iloc[i]) / per  # public figure (population...)
                        except (KeyError, TypeError, ValueError):
                            continue  # not published: the rate says nothing more
                        if math.isnan(scale):
                            continue
                    cell = (label, name, i, rate)
                    system.rate_sources[cell] = tuple(num + den)
                    if not relations or is_suppressed(value) or _is_na(value) or not num:
                        continue
                    r, tol = _rate_value(value)
                    r += 1.0 if denominator[0] == "change" else 0.0  # count = (1 + change) * previous
                    # numerator - (r -+ tol) * denominator, denominator >= 0
                    if den:
                        low = tuple((k, 1.0) for k in num) + tuple((k, -(r - tol)) for k in den)
                        high = tuple((k, 1.0) for k in num) + tuple((k, -(r + tol)) for k in den)
                        system.relations.append(Relation(low, 0.0, math.inf, "rate", cell))
                        system.relations.append(Relation(high, -math.inf, 0.0, "rate", cell))
                    else:
                        terms = tuple((k, 1.0) for k in num)
                        system.relations.append(Relation(terms, (r - tol) * scale, (r + tol) * scale, "rate", cell))


def _rate_value(value: object) -> tuple[float, float]:
    """A published rate and half its last printed digit (text read from CSV) or a float tolerance."""
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        decimals = len(text.split(".")[1]) if "." in text and "e" not in text.lower() else 12
        return float(text), 0.5 * 10.0 ** (-decimals) + 1e-12
    return float(value), 1e-9
