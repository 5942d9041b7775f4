"""The canonical protection of a year: one protection per (data, year, threshold), whatever is built.

Every path that publishes tables of a year takes its masks from :func:`year_protection`,
which protects, in one pass (:func:`~relais_analysis.privacy.linked.protect_publication`),
Wallonia, every province, the sheet of every relay active that year and the outcome
chapter's tables, with the rows of past years fixed to the canonical masks of those years
(:func:`past_year_masks`, computed recursively, oldest first). A publishing path only
picks the scopes it publishes:

- ``relais report`` (:func:`protect_jobs`), with or without relay sheets;
- ``relais indicators`` / ``map`` / ``charts``, a notebook run alone, the exploration
  (:func:`protect_in_publication`, through :class:`~relais_analysis.analysis.Analysis`);
- the landing page's previous-year counts (:mod:`relais_analysis.indicators.relay_comparison`);
- ``relais outcomes`` (:func:`outcome_publication`).

The masks are therefore a function of the data, the year and the threshold only: two
publications of a year never show a number that the other masks. (The outcome tables'
labels follow the language; their quantities are linked to nothing but each other, so
the masks of the reach tables do not depend on it.) Results are kept in memory and on
disk, keyed by content (:mod:`relais_analysis.privacy.protection_cache`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

from relais_analysis.config import DEFAULT_THRESHOLD, PROVINCES
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.indicators.tables import TableSet
from relais_analysis.privacy.handover import save_protected
from relais_analysis.privacy.linked import ProtectionStats, Publication, apply_masks, protect_publication
from relais_analysis.privacy.links import Key, scope_of
from relais_analysis.privacy.masked import check_threshold
from relais_analysis.privacy import protection_cache as cache

__all__ = ["COMPUTED", "outcome_publication", "past_year_masks", "protect_in_publication", "protect_jobs",
           "year_protection"]

#: Protections actually computed in this process, per year (neither in memory nor on disk).
COMPUTED: Counter = Counter()
#: Content key -> protection (a few years of a few datasets).
_MEMO: dict[str, Publication] = {}
_MEMO_SIZE = 16
#: Language of the canonical past years' masks (their reach quantities do not depend on it).
_PAST_LANG = "fr"


def year_protection(dataset: object, year: int, *, threshold: int = DEFAULT_THRESHOLD,
                    lang: str = "fr") -> Publication:
    """The canonical protection of ``year``: every scope and the outcome tables, protected together.

    The returned publication is shared (memory cache): read it, never change it.

    Parameters
    ----------
    dataset : Dataset
    year : int
    threshold : int, default 5
    lang : {"fr", "en"}
        Language of the outcome tables and sentences (``results``).

    Returns
    -------
    Publication
        ``sets`` for ``"W"``, every ``"P:<code>"`` and every active relay's ``"R:<id>"``;
        ``outcomes`` and ``results`` (None without questionnaires that year).

    Raises
    ------
    ParameterError
        Invalid year or threshold.
    PrivacyError
        See :func:`~relais_analysis.privacy.linked.protect_publication`: nothing may be published.
    """
    from relais_analysis.geography import reference

    year, threshold = reference.check_year(year), check_threshold(threshold)
    key = cache.protection_key(dataset, year, threshold, lang)
    found = _MEMO.get(key)
    if found is not None:
        return found
    folder = cache.cache_folder(dataset)
    found = cache.read_entry(folder, key)
    if not _valid(found, year, threshold):
        with cache.computing(folder, key):  # another process computing it: wait, then read its entry
            found = cache.read_entry(folder, key)
            if not _valid(found, year, threshold):
                found = _compute(dataset, year, threshold, lang)
                cache.write_entry(folder, key, found)
    while len(_MEMO) >= _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = found
    return found


def _valid(entry: object, year: int, threshold: int) -> bool:
    """An entry read from the disk cache is the publication asked for."""
    return isinstance(entry, Publication) and entry.year == year and entry.threshold == threshold


def _compute(dataset: object, year: int, threshold: int, lang: str) -> Publication:
    from relais_analysis.indicators.tables import indicator_tables, relay_tables
    from relais_analysis.indicators.territory import active_relays
    from relais_analysis.outcomes.analysis import write_sentences
    from relais_analysis.outcomes.chapter import outcome_results

    fixed = past_year_masks(dataset, year, threshold=threshold)  # older years first, each from the cache if it can
    COMPUTED[year] += 1
    shared: dict = {}  # regional tables computed once for every scope
    sets = [indicator_tables(dataset, year, province=code, shared=shared) for code in [None, *PROVINCES]]
    sets += [relay_tables(dataset, year, str(r), shared=shared) for r in active_relays(dataset, year)["relay_id"]]
    results = outcome_results(dataset, year, lang=lang, threshold=threshold)
    publication = protect_publication(sets, threshold=threshold, fixed=fixed,
                                      outcomes=None if results is None else results.tables)
    if results is not None:  # the notebooks show these tables and sentences, not their own
        results.tables = dict(publication.outcomes)
        write_sentences(results)
    publication.results = results
    return publication


def past_year_masks(dataset: object, year: int, *, threshold: int = DEFAULT_THRESHOLD) -> dict[Key, bool]:
    """How the canonical protection of each past year masks its own quantities (True: masked).

    A publication of ``year`` republishes the rows of past years (reach per year, new and
    returning parents, retention); they keep exactly the masks of their own year's
    canonical protection (:func:`year_protection`, relay sheets and outcome tables
    included), so that no two publications, of any years, can be combined.

    Raises
    ------
    PrivacyError
        See :func:`~relais_analysis.privacy.linked.protect_publication`.
    """
    from relais_analysis.indicators.reach import reach_per_year

    fixed: dict[Key, bool] = {}
    for past in sorted(int(y) for y in reach_per_year(dataset)["year"] if int(y) < int(year)):
        fixed.update(year_protection(dataset, past, threshold=threshold, lang=_PAST_LANG).own_masks())
    return fixed


def protect_in_publication(dataset: object, raw: TableSet, *, threshold: int = DEFAULT_THRESHOLD) -> TableSet:
    """One scope's tables (Wallonia, a province or a relay) masked as every publication of the year masks them.

    ``relais indicators``, ``map`` and ``charts``, a notebook run alone and the exploration
    publish one scope: its masks are the canonical ones (:func:`year_protection`). ``raw``
    may differ from the canonical tables where no count is shown (rates per household).

    Raises
    ------
    ParameterError, PrivacyError
        See :func:`~relais_analysis.privacy.linked.apply_masks`.
    """
    return apply_masks(raw, year_protection(dataset, raw.year, threshold=threshold))


def outcome_publication(dataset: object, year: int, *, threshold: int = DEFAULT_THRESHOLD,
                        lang: str = "fr") -> dict:
    """The outcome results of ``year`` as the report publishes them (``relais outcomes``).

    ``{"results": OutcomeResults or None}``, the form :class:`~relais_analysis.outcomes.chapter.OutcomeChapter`
    takes as ``protected``.

    Raises
    ------
    PrivacyError
        See :func:`year_protection`.
    """
    questionnaires = getattr(dataset, "questionnaires", None)
    if questionnaires is None or not len(questionnaires):  # nothing to publish: no protection to compute
        return {"results": None}
    return {"results": year_protection(dataset, year, threshold=threshold, lang=lang).results}


def protect_jobs(dataset: object, jobs: list, *, year: int, threshold: int,
                 folder: str | Path) -> tuple[list, ProtectionStats]:
    """The protected tables of every notebook of a build, taken from the canonical protection of ``year``.

    Writes the scopes the build publishes (annual reports, relay sheets) and the outcome
    results to ``folder`` (internal) and returns the jobs with their ``protected_tables``
    parameter set, and the protection's figures.

    Raises
    ------
    ParameterError
        A job whose scope the canonical protection does not hold (a relay not active that year).
    PrivacyError
        See :func:`year_protection`: nothing is published.
    """
    lang = next((j.parameters.get("lang") for j in jobs if j.parameters.get("lang")), "fr")
    canonical = year_protection(dataset, year, threshold=threshold, lang=lang)
    from relais_analysis.geography import reference

    scopes = [scope_of(None, job.parameters["relay_id"]) if job.kind == "relay"
              else scope_of(reference.check_province(job.parameters.get("province"))) for job in jobs]
    missing = [s for s in scopes if s not in canonical.sets]
    if missing:
        raise ParameterError(*text_pair("protection.error.no_scope", year=year, scope=missing[0]))
    published = replace(canonical, sets={s: canonical.sets[s] for s in dict.fromkeys(scopes)})
    files = save_protected(published, folder, outcomes={"results": canonical.results})
    out = [replace(job, parameters={**job.parameters, "protected_tables": str(Path(files[s]).resolve())})
           for job, s in zip(jobs, scopes)]
    return out, canonical.stats
