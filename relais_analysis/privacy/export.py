"""Protected tables ready for export: masked cells as text, and the published CSV.

:func:`write_published_csv` checks a table
(:func:`~relais_analysis.privacy.checks.check_publishable`) and writes it as a
deterministic CSV; :func:`to_publishable_frame` gives the same cells as text
(``"n.p."`` for masked cells, ``""`` for no data).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path

import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.privacy.checks import check_publishable
from relais_analysis.privacy.masked import check_threshold, is_suppressed, masked_label
from relais_analysis.texts import text_pair

__all__ = ["resolve_threshold", "to_publishable_frame", "write_published_csv"]


def resolve_threshold(table: pd.DataFrame, threshold: int | None) -> int:
    """Threshold to publish ``table`` with: ``threshold``, else the one it was masked with, else 5.

    Raises
    ------
    ParameterError
        If ``threshold`` is invalid or differs from ``table.attrs["threshold"]``
        (set by :func:`~relais_analysis.privacy.suppress.suppress_small_counts`).
    """
    recorded = table.attrs.get("threshold")
    if threshold is None:
        return check_threshold(recorded if recorded is not None else DEFAULT_THRESHOLD)
    threshold = check_threshold(threshold)
    if recorded is not None and recorded != threshold:
        raise ParameterError(*text_pair("privacy_error.other_threshold", recorded=recorded, threshold=threshold))
    return threshold


def to_publishable_frame(
    table: pd.DataFrame, lang: str = "fr", *, threshold: int | None = None
) -> pd.DataFrame:
    """Copy of ``table`` ready for export: masked cells as text, no data as ``""``.

    :data:`SUPPRESSED` becomes :func:`masked_label` (``"n.p."``), missing
    values (``pd.NA``, ``None``, ``NaN``, ``NaT``) become ``""``; numbers and other
    values are untouched, and columns with neither keep their dtype.

    Parameters
    ----------
    table : pandas.DataFrame
    lang : {"fr", "en"}
    threshold : int, optional
        Threshold shown in the label; defaults to ``table.attrs["threshold"]``
        (set by :func:`~relais_analysis.privacy.suppress.suppress_small_counts`), else 5.

    Raises
    ------
    ParameterError
        If ``lang`` is invalid, or ``threshold`` is invalid or differs from
        ``table.attrs["threshold"]``.
    """
    label = masked_label(resolve_threshold(table, threshold), lang)
    result = table.copy()
    for k in range(result.shape[1]):
        column = result.iloc[:, k]
        hidden = column.map(is_suppressed).to_numpy(dtype=bool)
        missing = column.isna().to_numpy(dtype=bool)
        if hidden.any() or missing.any():
            cells = [
                label if h else ("" if m else v)
                for v, h, m in zip(column.tolist(), hidden, missing)
            ]
            result.isetitem(k, pd.Series(cells, index=result.index, dtype=object))
    return result


def write_published_csv(
    table: pd.DataFrame,
    path: str | Path,
    *,
    threshold: int | None = None,
    lang: str = "fr",
    count_columns: Sequence[Hashable] | None = None,
) -> Path:
    """Check a table, then write it as a deterministic UTF-8 CSV.

    The file uses ``,`` as separator, ``\\n`` line endings, no byte-order mark,
    numbers in Python notation (``12.5``); masked cells read ``n.p.`` and
    missing values are empty. The index is written unless it is a default
    ``RangeIndex``. Parent directories are created.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~relais_analysis.privacy.suppress.suppress_small_counts` (or any table without counts).
    path : str or Path
    threshold : int, optional
        Defaults to ``table.attrs["threshold"]``, else 5.
    lang : {"fr", "en"}
    count_columns : sequence, optional
        Passed to :func:`check_publishable`.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    PrivacyError
        From :func:`check_publishable`; nothing is written.
    ParameterError
        If ``lang`` or ``threshold`` is invalid.
    """
    threshold = resolve_threshold(table, threshold)
    check_publishable(table, threshold=threshold, count_columns=count_columns)
    frame = to_publishable_frame(table, lang, threshold=threshold)
    default_index = isinstance(table.index, pd.RangeIndex) and table.index.name is None
    text = frame.to_csv(index=not default_index, lineterminator="\n")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path
