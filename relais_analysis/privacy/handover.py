"""Hand-over of a build's protected tables to its notebooks (internal files, never published).

:func:`save_protected` writes each published scope's protected tables (and the outcome
results protected with them) to the build's internal folder; the notebooks read them back
with :func:`load_protected` and :func:`load_protected_outcomes`. This module imports no
other stage: the outcome chapter and the protection both use it without importing each other.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair

if TYPE_CHECKING:
    from relais_analysis.indicators.tables import TableSet
    from relais_analysis.privacy.linked import Publication

__all__ = ["load_protected", "load_protected_outcomes", "save_protected"]


def save_protected(publication: Publication, folder: str | Path, *, outcomes: dict | None = None) -> dict[str, Path]:
    """Write each scope's protected tables to ``folder`` (internal, never published).

    ``outcomes``: the outcome results protected with them (read back by :func:`load_protected_outcomes`).

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


def _payload(path: Path) -> dict:
    try:
        return pickle.loads(path.read_bytes())  # internal file written by this build (never user input)
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise ParameterError(*text_pair("protection.error.unreadable", path=path)) from exc


def load_protected(path: str | Path, *, year: int, threshold: int) -> tuple[TableSet, dict]:
    """Protected tables written by :func:`save_protected` for one scope, and the build's figures.

    Raises
    ------
    ParameterError
        Missing or unreadable file, or tables of another year or threshold.
    """
    path = Path(path)
    payload = _payload(path)
    try:
        ts = payload["tables"]
    except (KeyError, TypeError) as exc:
        raise ParameterError(*text_pair("protection.error.unreadable", path=path)) from exc
    if ts.year != year or ts.threshold != threshold or not ts.published:
        raise ParameterError(*text_pair("protection.error.other_year", name=path.name, found=ts.year,
                                        found_threshold=ts.threshold, year=year, threshold=threshold))
    return ts, payload.get("stats", {})


def load_protected_outcomes(path: str | Path) -> dict | None:
    """The outcome results protected with the publication (:func:`save_protected`), or None.

    ``{"results": OutcomeResults or None}`` when the build protected them (``results``
    None: no questionnaire that year), None when the file holds none.

    Raises
    ------
    ParameterError
        Missing or unreadable file.
    """
    return _payload(Path(path)).get("outcomes")
