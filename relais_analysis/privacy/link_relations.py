"""The relations a reader knows between the quantities of a publication (partitions, hierarchy, rates).

Called by :func:`relais_analysis.privacy.links.build_system` once every cell is a
quantity: :func:`add_relations` adds the partitions of each scope's totals and the
hierarchy Wallonia > provinces > relays (:data:`~relais_analysis.privacy.link_rules.PARTITIONS`,
:data:`~relais_analysis.privacy.link_rules.HIERARCHY`); :func:`add_rate_relations` the
published rates and shares (:data:`~relais_analysis.privacy.link_rules.RATES`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping

import pandas as pd

from relais_analysis.config import PROVINCES
from relais_analysis.privacy.link_cells import LinkedSystem, Relation, is_na, split_label, table_cells
from relais_analysis.privacy.link_rules import EXACT, HIERARCHY, PARTITIONS, RATES, Key

__all__ = ["add_rate_relations", "add_relations"]


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


def add_relations(system: LinkedSystem) -> None:
    """Add the partitions of each scope's totals and the hierarchy Wallonia > provinces > relays to ``system``.

    Quantities of the hierarchy that no table shows (and that are not known to be zero) enter
    ``system.values`` as ``pd.NA``: unknown, >= 0.
    """
    families = _families(system)
    # partitions of a scope's total
    for (measure, scope, y, dim), parts in families.items():
        if not dim or dim not in PARTITIONS or measure not in PARTITIONS[dim]:
            continue
        total = (measure, scope, y, "", "")
        if total not in system.values:
            continue
        rule = PARTITIONS[dim][measure]
        if rule == EXACT:
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
            if HIERARCHY[dim][measure] == EXACT:
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


def add_rate_relations(system: LinkedSystem, table_sets: Mapping[str, Mapping[str, pd.DataFrame]], default_year: int,
                       relations: bool, labels: Mapping[str, tuple[str, int]] | None = None) -> None:
    """Record each published rate's sources (``system.rate_sources``) and, with ``relations``, add its relation.

    A published rate ``r`` (``tol``: half its last printed digit) puts its numerator between
    ``(r - tol)`` and ``(r + tol)`` times its denominator (counts, or a public figure); masked
    and missing rates add no relation.
    """
    from relais_analysis.privacy.masked import is_suppressed

    for label, tables in table_sets.items():
        scope, year = split_label(label, default_year, labels)
        for name, frame in tables.items():
            if name not in RATES:
                continue
            keyed = {(i, c): system.key_of[(label, name, i, c)] for i, c, _ in table_cells(name, frame, scope, year)}
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
                    if not relations or is_suppressed(value) or is_na(value) or not num:
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
