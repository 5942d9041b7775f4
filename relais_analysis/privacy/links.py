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

from collections.abc import Mapping

import pandas as pd

from relais_analysis.errors import PrivacyError
from relais_analysis.privacy.link_cells import LinkedSystem, Relation, is_na, split_label, table_cells
from relais_analysis.privacy.link_relations import add_rate_relations, add_relations
from relais_analysis.privacy.link_rules import HIERARCHY, PARTITIONS, PEOPLE_MEASURES, RATES, Cell, Key, scope_of
from relais_analysis.privacy.outcome_links import outcome_relations
from relais_analysis.texts import text_pair

__all__ = ["HIERARCHY", "PARTITIONS", "RATES", "Key", "Cell", "Relation", "LinkedSystem", "build_system",
           "scope_of", "PEOPLE_MEASURES"]


def _add_cell(system: LinkedSystem, key: Key, value: object, cell: Cell, strict: bool) -> None:
    old = system.values.get(key, _ABSENT)
    if old is _ABSENT or is_na(old):
        system.values[key] = value
    elif not (is_na(value) or _is_masked(old) or _is_masked(value) or old == value):
        if strict:
            raise PrivacyError(*text_pair("privacy_error.inconsistent_link", quantity=key, old=old,
                                          tables=system.tables_of(key), value=value, where=f"{cell[0]}/{cell[1]}"))
        # tables written with other rules: this cell is not the same quantity, keep it apart
        system.conflicts.append(f"{key}: {old!r} / {value!r} ({cell[0]}/{cell[1]})")
        key = (key[0], f"{key[1]}#{cell[0]}/{cell[1]}", *key[2:])
        system.values[key] = value
    elif _is_masked(old) != _is_masked(value) and not is_na(value):
        system.revealed.add(key)  # masked in one table, shown in another: the reader knows it
        if _is_masked(old):
            system.values[key] = value
    system.cells[key].append(cell)
    system.key_of[cell] = key


_ABSENT = object()


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
        scope, year = split_label(label, default_year, labels)
        for name, frame in tables.items():
            if name == "reach_by_relay" and "province_nis" in frame.columns:
                for relay, prov in zip(frame["relay_id"], frame["province_nis"]):
                    system.relay_province[str(relay)] = str(prov)
                for y in set(frame["year"]) if "year" in frame.columns else {year}:
                    system.complete.add((scope, int(y), "relays-listed"))
            values = frame.to_dict("list")
            for i, column, key in table_cells(name, frame, scope, year):
                _add_cell(system, key, _count(values[column][i]), (label, name, i, column), strict)
                if key[3]:
                    system.complete.add((key[1], key[2], key[3]))
            if name == "reach_per_year":
                system.complete.add((scope, 0, "years"))
            if name == "reach_by_province" and "year" in frame.columns:
                for y in set(frame["year"]):
                    system.complete.add(("W", int(y), "provinces-listed"))
    add_relations(system)
    for terms, lo, hi in outcome_relations(system.values, system.relay_province):
        system.relations.append(Relation(terms, lo, hi, "outcome"))
    add_rate_relations(system, table_sets, default_year, rates, labels)
    return system


def _count(value: object) -> object:
    if is_na(value) or _is_masked(value):
        return pd.NA if is_na(value) else value
    return int(value)
