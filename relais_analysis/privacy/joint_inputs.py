"""What the joint protection of a build takes besides the tables of its own year.

- :func:`outcome_results`: the outcome chapter's results, whose tables join the
  linked system (:mod:`relais_analysis.privacy.outcome_links`);
- :func:`past_year_masks`: how the build of each past year masks its quantities,
  forced on the rows of past years that a build republishes;
- :func:`load_protected_outcomes`: the outcome results protected with a build, read
  back by the notebooks.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.privacy.linked import _scope, protect_publication
from relais_analysis.privacy.links import Key, build_system

__all__ = ["load_protected_outcomes", "outcome_results", "past_year_masks"]

#: (id(dataset), past year, threshold) -> (dataset, masks): a process computes each past year once.
_CACHE: dict[tuple[int, int, int], tuple[object, dict[Key, bool]]] = {}


def load_protected_outcomes(path: str | Path) -> dict | None:
    """The outcome results protected with the publication (:func:`save_protected`), or None.

    ``{"results": OutcomeResults or None}`` when the build protected them (``results``
    None: no questionnaire that year), None when the file holds none.

    Raises
    ------
    ParameterError
        Missing or unreadable file.
    """
    path = Path(path)
    try:
        payload = pickle.loads(path.read_bytes())  # internal file written by this build (never user input)
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise ParameterError(f"Tableaux protégés illisibles : {path}.", f"Unreadable protected tables: {path}.") from exc
    return payload.get("outcomes")


def outcome_results(dataset: object, year: int, *, lang: str = "fr", threshold: int = DEFAULT_THRESHOLD) -> object:
    """The outcome chapter's results of a year (tables protected table by table), or None without questionnaires."""
    from relais_analysis.outcomes.chapter import OutcomeChapter

    return OutcomeChapter(dataset, year, lang=lang, threshold=threshold).results


def past_year_masks(dataset: object, year: int, *, threshold: int = DEFAULT_THRESHOLD) -> dict[Key, bool]:
    """How the build of each past year masks its own quantities (True: masked).

    A build of ``year`` republishes the rows of past years (reach per year, new and
    returning parents, retention). Masked as this build's own tables require, they
    would differ from what the build of their year published, and a reader holding
    both sites would combine them. Instead each past year ``Y`` is protected as the
    build of ``Y`` protects it (Wallonia and every province, from the same data), and
    its quantities keep exactly those masks: a deterministic function of the data, the
    same whatever the year of the build and whichever build comes first. (Quantities
    of different years share no relation, so the masks of ``Y`` do not depend on the
    years before it.)

    Raises
    ------
    PrivacyError
        See :func:`protect_publication`.
    """
    from relais_analysis.config import PROVINCES
    from relais_analysis.indicators.reach import reach_per_year
    from relais_analysis.indicators.tables import indicator_tables

    fixed: dict[Key, bool] = {}
    for past in sorted(int(y) for y in reach_per_year(dataset)["year"] if int(y) < year):
        cached = _CACHE.get((id(dataset), past, threshold))
        if cached is None or cached[0] is not dataset:
            shared: dict = {}
            sets = [indicator_tables(dataset, past, province=code, shared=shared, counts_only=True)
                    for code in [None, *PROVINCES]]
            publication = protect_publication(sets, threshold=threshold)
            system = build_system({_scope(ts): ts.tables for ts in sets}, past, rates=False)
            cached = (dataset, {key: key in publication.masked for key in system.cells if key[2] == past})
            while len(_CACHE) >= 8:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[(id(dataset), past, threshold)] = cached
        fixed.update(cached[1])
    return fixed
