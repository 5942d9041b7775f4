"""One protection for a whole publication: every table of every scope, masked as one system.

A build publishes the tables of Wallonia, of each province and of each relay sheet
(:mod:`relais_analysis.indicators.tables`). Protected one by one, each is safe, but together they
are not: a reader subtracts a province from Wallonia, reads a masked count back from a
share, or finds a relay's masked row shown in another scope's table.
:func:`protect_publication` therefore protects them together:

1. every count cell becomes a quantity linked to the others
   (:mod:`relais_analysis.privacy.links`): a quantity masked in one table is
   masked in every table showing it;
2. *primary* suppression: counts from 1 to ``threshold - 1``;
3. the classic per-table *secondary* suppression
   (:func:`relais_analysis.indicators.tables.publish_tables`) as a starting point;
4. the attack (:func:`relais_analysis.privacy.audit.audit_system`): while a masked quantity
   can be pinned down (fewer than 2 possible values, 3 for people), the smallest
   published count sharing a relation with it is masked too;
5. rates and shares are masked whenever one of the counts they are computed from is.

If a masked quantity cannot be protected (no published count left to mask beside it),
the build refuses to publish, naming the table (:class:`~relais_analysis.errors.PrivacyError`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from relais_analysis.privacy.audit import AuditResult, audit_system, min_values
from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.i18n import format_int, text, text_pair
from relais_analysis.privacy.masked import SUPPRESSED, check_threshold, is_suppressed
from relais_analysis.privacy.outcome_links import apply_outcome_masks, outcome_cells
from relais_analysis.privacy.links import Key, LinkedSystem, build_system
from relais_analysis.indicators.tables import PEOPLE_COUNTS, TableSet, publish_tables

__all__ = ["ProtectionStats", "Publication", "apply_masks", "methodology_html", "protect_publication",
           "protect_scope"]

_MAX_ROUNDS = 60


@dataclass
class ProtectionStats:
    """Figures of a joint protection (shown on the methodology page).

    Attributes
    ----------
    cells_masked : int
        Masked count cells over all published tables (a quantity shown in two tables counts twice).
    quantities_masked : int
        Distinct masked quantities.
    primary : int
        Quantities masked because they are between 1 and ``threshold - 1``.
    by_tables : int
        Quantities added by per-table secondary suppression.
    by_audit : int
        Quantities added because the attack could pin a masked one down.
    narrowest : int or None
        Fewest possible values the attack leaves to a masked quantity (a proven
        lower bound; ``None`` when nothing is masked).
    narrowest_where : str
        Tables showing that quantity.
    rates_masked : int
    past_years : int
        Quantities of past years masked only because the build of their own year masks them.
    rounds : int
    seconds : float
    """

    cells_masked: int = 0
    quantities_masked: int = 0
    primary: int = 0
    by_tables: int = 0
    by_audit: int = 0
    narrowest: int | None = None
    narrowest_where: str = ""
    rates_masked: int = 0
    past_years: int = 0
    rounds: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """Plain dict (JSON)."""
        return dict(self.__dict__)


@dataclass
class Publication:
    """Protected table sets of one build, per scope (``"W"``, ``"P:50000"``, ``"R:R01"``).

    ``masked``: the masked quantities; ``quantities``: every quantity shown by a count cell
    of the protected tables; ``results``: the outcome chapter's results whose tables are
    ``outcomes`` (set by :func:`relais_analysis.privacy.canonical.year_protection`).
    """

    year: int
    threshold: int
    sets: dict[str, TableSet] = field(default_factory=dict)
    stats: ProtectionStats = field(default_factory=ProtectionStats)
    outcomes: dict[str, pd.DataFrame] = field(default_factory=dict)
    masked: set = field(default_factory=set)
    quantities: frozenset = frozenset()
    results: object = None

    def own_masks(self) -> dict[Key, bool]:
        """Whether each quantity of the publication's own year is masked (past years' rows left out)."""
        return {key: key in self.masked for key in self.quantities if key[2] == self.year}


def _scope(ts: TableSet) -> str:
    from relais_analysis.privacy.links import scope_of

    return scope_of(ts.province_nis, getattr(ts, "relay_id", None))


def protect_publication(raw: Mapping[str, TableSet] | list[TableSet], *,
                        threshold: int = DEFAULT_THRESHOLD, outcomes: Mapping[str, pd.DataFrame] | None = None,
                        fixed: Mapping[Key, bool] | None = None) -> Publication:
    """Protect every table of every scope of one build together.

    Parameters
    ----------
    raw : mapping or list of TableSet
        Unprotected table sets (:func:`~relais_analysis.indicators.tables.indicator_tables`,
        :func:`~relais_analysis.indicators.tables.relay_tables`) of one year; a mapping is keyed
        by scope, a list is keyed by each set's own scope.
    threshold : int, default 5
    outcomes : mapping, optional
        The outcome chapter's tables (:mod:`relais_analysis.outcomes`), already
        protected table by table; published in the Wallonia report, linked to each
        other and to the provinces and relays (:mod:`relais_analysis.privacy.outcome_links`).
    fixed : mapping, optional
        Quantities whose masking is decided elsewhere (True: masked): the rows of past
        years, masked as the build of their own year masks them (:func:`~relais_analysis.privacy.canonical.past_year_masks`).
        The audit never masks more of them.

    Returns
    -------
    Publication

    Raises
    ------
    ParameterError
        Invalid threshold, sets of different years, or an already protected set.
    PrivacyError
        A masked count that no further suppression can protect (the message names
        the table), or two tables disagreeing on a number they both show.
    """
    started = time.perf_counter()
    threshold = check_threshold(threshold)
    sets = dict(raw) if isinstance(raw, Mapping) else {_scope(ts): ts for ts in raw}
    years = {ts.year for ts in sets.values()}
    if len(years) != 1 or any(ts.published for ts in sets.values()):
        raise ParameterError(*text_pair("protection.error.single_year"))
    year = years.pop()
    table_sets = {s: dict(ts.tables) for s, ts in sets.items()}
    outcomes = {n: t for n, t in (outcomes or {}).items() if t is not None}
    table_sets.setdefault("W", {}).update(outcomes)
    system = build_system(table_sets, year, rates=False)
    masked: dict[Key, str] = {
        k: "primary" for k, v in system.values.items()
        if k in system.cells and isinstance(v, int) and 0 < v < threshold
    }
    for name, frame in outcomes.items():  # masked by the outcome tables' own rules
        for i, column, _ in outcome_cells(name, frame, year):
            key = system.key_of[("W", name, i, column)]
            if is_suppressed(frame[column].iloc[i]):
                masked.setdefault(key, "tables")
    for scope, ts in sets.items():
        published = publish_tables(ts, threshold=threshold)
        for name, frame in published.tables.items():
            for column in PEOPLE_COUNTS[name][0]:
                if column not in frame.columns:
                    continue
                for i, value in enumerate(frame[column].tolist()):
                    key = system.key_of.get((scope, name, i, column))
                    if is_suppressed(value) and key is not None:
                        masked.setdefault(key, "tables")
    frozen = set(fixed or ())
    for key, hide in (fixed or {}).items():
        if key not in system.cells:
            continue
        if hide:
            masked.setdefault(key, "past")
        elif masked.get(key) != "primary":
            masked.pop(key, None)
    system.revealed -= set(masked)  # every cell of a masked quantity is masked below
    rounds, result = _audit_until_safe(system, masked, frozen)
    stats = ProtectionStats(
        quantities_masked=len(masked), primary=sum(v == "primary" for v in masked.values()),
        by_tables=sum(v == "tables" for v in masked.values()), by_audit=sum(v == "audit" for v in masked.values()),
        rounds=rounds)
    narrow = result.narrowest()
    if narrow is not None:
        key, (lo, hi) = narrow
        stats.narrowest = int(hi - lo + 1) if hi != float("inf") else None
        stats.narrowest_where = ", ".join(system.tables_of(key))
    out = {scope: _apply(ts, scope, system, set(masked), threshold) for scope, ts in sets.items()}
    published_outcomes = {name: apply_outcome_masks(name, frame, system, set(masked), year, threshold)
                          for name, frame in outcomes.items()}
    stats.cells_masked = sum(ts.total_suppressed for ts in out.values()) + sum(
        int(t.attrs.get("suppressed_cells", 0)) for t in published_outcomes.values())
    stats.rates_masked = sum(int(ts.tables[n].attrs.get("suppressed_rates", 0)) for ts in out.values()
                             for n in ts.tables) + sum(int(t.attrs.get("suppressed_rates", 0))
                                                       for t in published_outcomes.values())
    stats.past_years = sum(v == "past" for v in masked.values())
    stats.seconds = time.perf_counter() - started
    return Publication(year, threshold, out, stats, published_outcomes, set(masked), frozenset(system.cells))


def _audit_until_safe(system: LinkedSystem, masked: dict[Key, str],
                      frozen: set[Key] = frozenset()) -> tuple[int, AuditResult]:
    by_key: dict[Key, list[int]] = defaultdict(list)
    for r, rel in enumerate(system.relations):
        for key, _ in rel.terms:
            by_key[key].append(r)
    cache: dict = {}  # components left unchanged by a round are not solved again
    for rounds in range(1, _MAX_ROUNDS + 1):
        result = audit_system(system, set(masked), cache=cache)
        if result.inconsistent:
            key = result.inconsistent[0]
            raise PrivacyError(*text_pair("protection.error.contradictory", key=key,
                                          tables=", ".join(system.tables_of(key))))
        if not result.unsafe:
            return rounds, result
        stuck = []
        for key in result.unsafe:
            choice = _cheapest_neighbour(system, key, masked, by_key, frozen)
            if choice is None:
                stuck.append(key)
            else:
                masked[choice] = "audit"
        if stuck and len(stuck) == len(result.unsafe):  # no progress: nothing left to mask
            key = stuck[0]
            where = f"{key[0]} {key[4]}".strip()
            raise PrivacyError(*text_pair("protection.error.cannot_protect", tables=", ".join(system.tables_of(key)),
                                          where=where))
    raise PrivacyError(*text_pair("protection.error.no_convergence"))


def _cheapest_neighbour(system: LinkedSystem, key: Key, masked: dict[Key, str],
                        by_key: dict[Key, list[int]], frozen: set[Key] = frozenset()) -> Key | None:
    """Published positive count to mask beside ``key``.

    Looks at the relations of ``key`` first, then, through masked quantities, at
    relations further away (breadth first). At the nearest distance: a breakdown
    cell rather than a scope's total, in an exact relation rather than a bound, the
    smallest.
    """
    seen, frontier = {key}, [key]
    while frontier:
        best: tuple | None = None
        following = []
        for current in frontier:
            for r in by_key.get(current, []):
                rel = system.relations[r]
                rank = 0 if rel.lo == rel.hi else 1
                for other, _ in rel.terms:
                    if other in seen:
                        continue
                    value = system.values.get(other)
                    if other in masked or is_suppressed(value) or not isinstance(value, int):
                        seen.add(other)
                        following.append(other)  # masked or unknown: look beyond it
                        continue
                    if other not in system.cells or value <= 0 or other in frozen:
                        continue
                    # a scope's total (headline figure) only as a last resort; then equalities, then smallest
                    candidate = (other[3] == "", rank, value, -min_values(other), other)
                    if best is None or candidate < best:
                        best = candidate
        if best is not None:
            return best[-1]
        frontier = following
    return None


def _apply(ts: TableSet, scope: str, system: LinkedSystem, masked: set[Key], threshold: int) -> TableSet:
    from relais_analysis.privacy.links import RATES as LINK_RATES

    out: dict[str, pd.DataFrame] = {}
    counted: dict[str, int] = {}
    for name, frame in ts.tables.items():
        result = frame.copy()
        n_masked = n_rates = 0
        for column in [c for c in PEOPLE_COUNTS[name][0] if c in frame.columns]:
            cells = []
            for i, value in enumerate(frame[column].tolist()):
                key = system.key_of.get((scope, name, i, column))
                if key is None:
                    raise PrivacyError(*text_pair("protection.error.unlinked", scope=scope, table=name, column=column))
                hide = key in masked
                n_masked += hide
                cells.append(SUPPRESSED if hide else (pd.NA if pd.isna(value) else int(value)))
            result[column] = pd.Series(cells, index=result.index, dtype=object)
        for rate in LINK_RATES.get(name, {}):
            if rate not in frame.columns:
                continue
            cells = []
            for i, value in enumerate(frame[rate].tolist()):
                sources = system.rate_sources.get((scope, name, i, rate), ())
                hide = any(s in masked for s in sources)
                n_rates += hide
                cells.append(SUPPRESSED if hide else (pd.NA if pd.isna(value) else float(value)))
            result[rate] = pd.Series(cells, index=result.index, dtype=object)
        result.attrs.update(threshold=threshold, suppressed_primary=n_masked, suppressed_secondary=0,
                            suppressed_rates=n_rates, protection="publication")
        out[name], counted[name] = result, n_masked
    return replace(ts, tables=out, published=True, threshold=threshold, suppressed_cells=counted)




def apply_masks(raw: TableSet, publication: Publication) -> TableSet:
    """One scope's raw tables masked exactly as ``publication`` masks them.

    For a scope whose tables differ from the protected ones only where no count is shown
    (e.g. rates per household computed from another households file): every count cell
    of ``raw`` must be a quantity of ``publication``.

    Raises
    ------
    ParameterError
        ``raw`` is already protected or of another year.
    PrivacyError
        A count cell of ``raw`` that ``publication`` did not protect.
    """
    if raw.published or raw.year != publication.year:
        raise ParameterError(*text_pair("protection.error.single_year"))
    scope = _scope(raw)
    system = build_system({scope: dict(raw.tables)}, raw.year, rates=False)
    for cell, key in system.key_of.items():
        if key not in publication.quantities:
            raise PrivacyError(*text_pair("protection.error.not_canonical", scope=scope, table=cell[1], key=key,
                                          year=raw.year))
    return _apply(raw, scope, system, publication.masked, publication.threshold)


def methodology_html(stats: ProtectionStats | None, lang: str = "fr") -> str:
    """Paragraph of the methodology page with the audit's figures (``protection.methodology.*`` texts)."""
    if stats is None:
        return ""

    def n(value: int) -> str:
        return format_int(value, lang)

    narrow = (text("protection.methodology.none_masked", lang) if stats.narrowest is None and not
              stats.quantities_masked else
              text("protection.methodology.narrowest", lang, n=n(stats.narrowest or 0)) if stats.narrowest else
              text("protection.methodology.unbounded", lang))
    past = text("protection.methodology.past_only", lang, n=n(stats.past_years)) if stats.past_years else ""
    paragraph = text("protection.methodology.paragraph", lang, quantities=n(stats.quantities_masked),
                     cells=n(stats.cells_masked), primary=n(stats.primary), by_tables=n(stats.by_tables),
                     by_audit=n(stats.by_audit), rates=n(stats.rates_masked), narrow=narrow, past=past)
    return f"<p>{paragraph}</p>"


def protect_scope(raw: TableSet, *, threshold: int = DEFAULT_THRESHOLD) -> TableSet:
    """Protect one table set's tables together, on their own (a set that is no scope of a dataset's year).

    A real scope of a dataset is published with the masks of its year instead
    (:func:`relais_analysis.privacy.canonical.protect_in_publication`).

    Raises
    ------
    ParameterError, PrivacyError
        See :func:`protect_publication`.
    """
    return next(iter(protect_publication([raw], threshold=threshold).sets.values()))
