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

import pickle
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from relais_analysis.privacy.audit import AuditResult, audit_system, min_values
from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.privacy.masked import SUPPRESSED, check_threshold, is_suppressed
from relais_analysis.privacy.outcome_links import apply_outcome_masks, outcome_cells
from relais_analysis.privacy.links import Key, LinkedSystem, build_system
from relais_analysis.indicators.tables import PEOPLE_COUNTS, TableSet, publish_tables

__all__ = ["ProtectionStats", "Publication", "load_protected", "methodology_html", "protect_in_publication",
           "protect_jobs", "protect_publication", "protect_scope", "save_protected"]

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
    """Protected table sets of one build, per scope (``"W"``, ``"P:50000"``, ``"R:R01"``)."""

    year: int
    threshold: int
    sets: dict[str, TableSet] = field(default_factory=dict)
    stats: ProtectionStats = field(default_factory=ProtectionStats)
    outcomes: dict[str, pd.DataFrame] = field(default_factory=dict)
    masked: set = field(default_factory=set)


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
        years, masked as the build of their own year masks them (:func:`~relais_analysis.privacy.joint_inputs.past_year_masks`).
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
        raise ParameterError(
            "protect_publication attend les tableaux bruts d'une seule année.",
            "protect_publication expects the raw tables of a single year.")
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
    return Publication(year, threshold, out, stats, published_outcomes, set(masked))


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
            raise PrivacyError(
                f"Tableaux contradictoires autour de {key} ({', '.join(system.tables_of(key))}) : "
                "la protection ne peut pas être vérifiée.",
                f"Contradictory tables around {key} ({', '.join(system.tables_of(key))}): "
                "protection cannot be checked.")
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
            raise PrivacyError(
                f"Impossible de protéger une case masquée de {', '.join(system.tables_of(key))} ({where}) : "
                "publication refusée. Retirez ce tableau ou regroupez ses catégories.",
                f"A masked cell of {', '.join(system.tables_of(key))} ({where}) cannot be protected: "
                "publication refused. Remove this table or merge its categories.")
    raise PrivacyError("La protection n'a pas convergé.", "Protection did not converge.")


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
                    raise PrivacyError(f"Case non reliée : {scope}/{name}/{column}.",
                                       f"Unlinked count cell: {scope}/{name}/{column}.")
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


# --------------------------------------------------------------------------- hand-over to the notebooks


def save_protected(publication: Publication, folder: str | Path, *, outcomes: dict | None = None) -> dict[str, Path]:
    """Write each scope's protected tables to ``folder`` (internal, never published).

    ``outcomes``: the outcome results protected with them (:func:`~relais_analysis.privacy.joint_inputs.load_protected_outcomes`).

    Returns
    -------
    dict
        Scope -> file (pass it to the notebook as ``protected_tables``).

    Raises
    ------
    OSError
        The folder cannot be written.
    """
    from relais_analysis.privacy.publication import safe_file_stem

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for scope, ts in publication.sets.items():
        path = folder / f"{safe_file_stem(scope)}.pickle"  # short and unique whatever the relay code
        path.write_bytes(pickle.dumps({"scope": scope, "tables": ts, "stats": publication.stats.as_dict(),
                                       "outcomes": outcomes}))
        files[scope] = path
    return files


def load_protected(path: str | Path, *, year: int, threshold: int) -> tuple[TableSet, dict]:
    """Protected tables written by :func:`save_protected` for one scope, and the build's figures.

    Raises
    ------
    ParameterError
        Missing or unreadable file, or tables of another year or threshold.
    """
    path = Path(path)
    try:
        payload = pickle.loads(path.read_bytes())  # internal file written by this build (never user input)
        ts: TableSet = payload["tables"]
    except (OSError, pickle.UnpicklingError, KeyError, EOFError) as exc:
        raise ParameterError(f"Tableaux protégés illisibles : {path}.", f"Unreadable protected tables: {path}.") from exc
    if ts.year != year or ts.threshold != threshold or not ts.published:
        raise ParameterError(
            f"Les tableaux protégés {path.name} sont de {ts.year} (seuil {ts.threshold}), pas {year} (seuil {threshold}).",
            f"Protected tables {path.name} are for {ts.year} (threshold {ts.threshold}), not {year} "
            f"(threshold {threshold}).")
    return ts, payload.get("stats", {})


def protect_jobs(dataset: object, jobs: list, *, year: int, threshold: int, folder: str | Path) -> tuple[list, ProtectionStats]:
    """Protect the tables of every notebook of a build together, before any kernel starts.

    Computes each job's raw tables (annual report of a scope, or relay sheet), and
    those of Wallonia and every province even when the build does not publish them
    (so that every build of a year masks the same regional and provincial cells),
    and the outcome chapter's results (:func:`~relais_analysis.privacy.joint_inputs.outcome_results`); masks the rows of past
    years as the builds of those years mask them (:func:`~relais_analysis.privacy.joint_inputs.past_year_masks`);
    protects them with :func:`protect_publication`, writes the published scopes to
    ``folder`` (internal) and returns the jobs with their ``protected_tables``
    parameter set. Relay sheets join the system only when they are built: a build
    with relay sheets may mask a few more regional cells than one without, so
    publish one of the two for a year.

    Raises
    ------
    PrivacyError
        See :func:`protect_publication`: nothing is published.
    """
    from dataclasses import replace as _replace

    from relais_analysis.indicators.tables import indicator_tables, relay_tables

    from relais_analysis.config import PROVINCES
    from relais_analysis.privacy.links import scope_of

    lang = next((j.parameters.get("lang") for j in jobs if j.parameters.get("lang")), "fr")
    raw: dict[int, TableSet] = {}
    shared: dict = {}  # regional tables computed once for every scope
    for i, job in enumerate(jobs):
        if job.kind == "relay":
            raw[i] = relay_tables(dataset, year, job.parameters["relay_id"], shared=shared)
        else:
            raw[i] = indicator_tables(dataset, year, province=job.parameters.get("province"), shared=shared)
    # Wallonia and every province are always protected together, even when a build publishes only some of
    # them: two builds of the same year (Wallonia alone, then a province) then mask the same cells.
    built = {_scope(ts) for ts in raw.values()}
    extra = [indicator_tables(dataset, year, province=code, shared=shared) for code in [None, *PROVINCES]
             if scope_of(code) not in built]
    from relais_analysis.privacy.joint_inputs import outcome_results, past_year_masks

    results = outcome_results(dataset, year, lang=lang, threshold=threshold)
    publication = protect_publication([*raw.values(), *extra], threshold=threshold,
                                      outcomes=None if results is None else results.tables,
                                      fixed=past_year_masks(dataset, year, threshold=threshold))
    publication.sets = {scope: ts for scope, ts in publication.sets.items() if scope in built}
    if results is not None:  # the notebooks show these tables and sentences, not their own
        from relais_analysis.outcomes.analysis import write_sentences

        results.tables = dict(publication.outcomes)
        write_sentences(results)
    files = save_protected(publication, folder, outcomes={"results": results})
    out = []
    for i, job in enumerate(jobs):
        path = files[_scope(raw[i])]
        out.append(_replace(job, parameters={**job.parameters, "protected_tables": str(Path(path).resolve())}))
    return out, publication.stats


def methodology_html(stats: ProtectionStats | None) -> str:
    """Paragraph of the methodology page with the audit's figures (French)."""
    from relais_analysis.i18n import format_int

    if stats is None:
        return ""
    narrow = ("aucune case masquée" if stats.narrowest is None and not stats.quantities_masked else
              f"au moins {format_int(stats.narrowest or 0, 'fr')} valeurs possibles (exigé : 3 pour un nombre de "
              "personnes, 2 pour un nombre de participations ou d'activités)" if stats.narrowest else
              "aucune borne supérieure")
    past = (f" ({format_int(stats.past_years, 'fr')} valeur(s) masquée(s) pour cette seule raison)"
            if stats.past_years else "")
    return (
        "<p>Tous les tableaux de cette publication (Wallonie, provinces, fiches relais, évolution des familles) "
        "sont protégés ensemble : "
        "une valeur non publiée l'est dans chaque tableau où elle figure, et une attaque par programmation linéaire "
        "en nombres entiers (toutes les valeurs publiées, les totaux, les sommes des provinces et des relais, les "
        "parts) est menée à chaque construction. Des cases sont ajoutées tant qu'une valeur non publiée peut être "
        "retrouvée exactement ou, pour un nombre de personnes, réduite à moins de 3 valeurs possibles. "
        f"Valeurs non publiées : {format_int(stats.quantities_masked, 'fr')} "
        f"({format_int(stats.cells_masked, 'fr')} cases), dont {format_int(stats.primary, 'fr')} petits effectifs, "
        f"{format_int(stats.by_tables, 'fr')} ajoutées par tableau et {format_int(stats.by_audit, 'fr')} ajoutées "
        f"par l'audit ; taux et parts non publiés : {format_int(stats.rates_masked, 'fr')}. Intervalle le plus "
        f"étroit qu'un lecteur peut prouver : {narrow}. Les lignes des années passées gardent exactement les "
        "cases masquées par la publication de leur année (calculées à nouveau à partir des mêmes données), "
        f"afin que deux rapports annuels ne puissent pas être combinés{past}. Moyennes, médianes, intervalles de confiance et tailles d'effet ne sont pas publiés à côté d'un "
        "effectif masqué.</p>")


def protect_scope(raw: TableSet, *, threshold: int = DEFAULT_THRESHOLD) -> TableSet:
    """Protect one scope's tables together (``relais indicators``, a notebook run alone).

    Raises
    ------
    ParameterError, PrivacyError
        See :func:`protect_publication`.
    """
    return next(iter(protect_publication([raw], threshold=threshold).sets.values()))


def protect_in_publication(dataset: object, raw: TableSet, *, threshold: int = DEFAULT_THRESHOLD,
                           households: pd.DataFrame | None = None) -> TableSet:
    """Protect one scope's tables as ``relais report`` would: together with Wallonia and every province.

    ``relais indicators``, ``map`` and ``charts`` publish one scope; protecting it
    with the others gives the same masked cells as the report of the same year, so
    the two publications cannot be combined against each other.

    Raises
    ------
    ParameterError, PrivacyError
        See :func:`protect_publication`.
    """
    from relais_analysis.config import PROVINCES
    from relais_analysis.indicators.tables import indicator_tables

    shared: dict = {}
    others = [indicator_tables(dataset, raw.year, province=code, households=households, shared=shared)
              for code in [None, *PROVINCES] if code != raw.province_nis or raw.relay_id is not None]
    from relais_analysis.privacy.joint_inputs import past_year_masks

    publication = protect_publication([raw, *others], threshold=threshold,
                                      fixed=past_year_masks(dataset, raw.year, threshold=threshold))
    return publication.sets[_scope(raw)]
