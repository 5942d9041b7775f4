"""Small-cell suppression: mask small counts, and enough other counts to protect them.

:func:`suppress_small_counts` masks every count from 1 to ``threshold - 1``
(*primary* suppression) and enough other counts that no masked value can be
recomputed from row or column totals (*secondary* suppression,
:mod:`relais_analysis.privacy.equations` describes how). Masked cells hold the
:data:`~relais_analysis.privacy.masked.SUPPRESSED` sentinel (cell conventions in
:mod:`relais_analysis.privacy.masked`). Before anything is published,
:func:`relais_analysis.privacy.checks.check_publishable` refuses a table that still
holds a small count or a column identifying people;
:func:`relais_analysis.privacy.export.write_published_csv` always calls it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.privacy.checks import check_columns
from relais_analysis.privacy.equations import (
    Cell,
    build_equations,
    is_known,
    secondary_by_cycles,
    secondary_by_groups,
)
from relais_analysis.privacy.masked import SUPPRESSED, check_threshold, is_missing, is_number, is_suppressed
from relais_analysis.texts import text_pair

__all__ = ["suppress_small_counts"]


def _as_count(value: object, column: Hashable, label: Hashable) -> Any:
    """Return ``value`` as a Python int, or ``pd.NA``; refuse anything else."""
    if value is SUPPRESSED:
        raise ParameterError(*text_pair("privacy_error.already_masked", column=column, label=label),
                             column=str(column))
    if is_missing(value):
        return pd.NA
    if is_number(value) and float(value).is_integer() and value >= 0:
        return int(value)
    raise ParameterError(*text_pair("privacy_error.not_a_count", column=column, value=value, label=label),
                         column=str(column))


def _row_position(table: pd.DataFrame, label: Hashable | None) -> int | None:
    if label is None:
        return None
    positions = np.flatnonzero(table.index == label)
    if len(positions) != 1:
        raise ParameterError(*text_pair("privacy_error.total_row_not_once", label=label, n=len(positions)))
    return int(positions[0])


def _as_rate(value: object) -> Any:
    if is_missing(value):
        return pd.NA
    return float(value) if is_number(value) else value


def _suppress_rates(
    result: pd.DataFrame,
    rate_columns: Mapping[Hashable, Hashable | Sequence[Hashable]],
    count_columns: list[Hashable],
) -> int:
    n_masked = 0
    for rate, sources in rate_columns.items():
        if isinstance(sources, str) or not isinstance(sources, Sequence):
            sources = [sources]
        check_columns(result, [rate])
        if rate in count_columns:
            raise ParameterError(*text_pair("privacy_error.count_and_rate", rate=rate))
        unknown = [s for s in sources if s not in count_columns]
        if unknown:
            raise ParameterError(*text_pair("privacy_error.rate_not_from_counts", rate=rate,
                                            count_columns=count_columns, unknown=unknown))
        hidden = np.zeros(len(result), dtype=bool)
        for source in sources:
            hidden |= result[source].map(is_suppressed).to_numpy(dtype=bool)
        out = [
            SUPPRESSED if hide else _as_rate(v) for v, hide in zip(result[rate].tolist(), hidden)
        ]
        result[rate] = pd.Series(out, index=result.index, dtype=object)
        n_masked += int(hidden.sum())
    return n_masked


def suppress_small_counts(
    table: pd.DataFrame,
    count_columns: Sequence[Hashable],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    additive_rows: bool = True,
    additive_columns: bool = False,
    total_row: Hashable | None = None,
    total_column: Hashable | None = None,
    rate_columns: Mapping[Hashable, Hashable | Sequence[Hashable]] | None = None,
) -> pd.DataFrame:
    """Mask small counts, and enough other counts to protect them.

    Parameters
    ----------
    table : pandas.DataFrame
        True counts (ints, integral floats, or NA for "no data"). Not modified.
        The index labels rows (e.g. province names); it must be unique if
        ``total_row`` is given.
    count_columns : sequence of column labels
        Columns holding counts of people (or of anything derived from them).
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are masked. At least 3.
    additive_rows : bool, default True
        Within each count column, the rows add up to a total that is (or may be)
        published: each column gets 0 or at least 2 masked cells.
    additive_columns : bool, default False
        Within each row, the count columns add up to a published total (a
        cross-tab): each row gets 0 or at least 2 masked cells.
    total_row : index label, optional
        Row of the table holding the column totals (e.g. ``"Wallonie"``). It is
        published, is not a member of the column groups (it is their total), and
        is masked itself if small. Requires ``additive_rows``.
    total_column : column label, optional
        Count column holding the row totals (e.g. ``"total"``); the counterpart
        of ``total_row``. Requires ``additive_columns``.
    rate_columns : mapping, optional
        Rate column -> count column (or list of count columns) it was computed
        from. A rate is masked when one of its counts is masked.

    Returns
    -------
    pandas.DataFrame
        A copy. Count and rate columns have ``object`` dtype and hold Python ints
        (counts), floats (rates), :data:`SUPPRESSED` or ``pd.NA``; other columns
        are untouched. ``attrs`` gains ``threshold``, ``suppressed_primary`` and
        ``suppressed_secondary`` (numbers of masked count cells) and
        ``suppressed_rates``.

    Raises
    ------
    ParameterError
        If the threshold is below 3, a column or the total row is missing, a
        count is negative, fractional or already masked, or options conflict.
    PrivacyError
        If a small count cannot be protected without masking a zero (only in
        cross-tabs with ``additive_columns=True``, e.g. ``[[3, 10], [10, 0]]``).

    Notes
    -----
    A total published elsewhere that is itself between 1 and ``threshold - 1``
    is assumed to be masked there (:func:`~relais_analysis.privacy.checks.check_publishable` would refuse it),
    so it is not used to protect the cells it sums. :mod:`relais_analysis.privacy.equations`
    describes the algorithm.

    Examples
    --------
    >>> t = pd.DataFrame({"parents": [12, 3, 40, 0, 7]})
    >>> suppress_small_counts(t, ["parents"])["parents"].tolist()
    [12, SUPPRESSED, 40, 0, SUPPRESSED]
    """
    threshold = check_threshold(threshold)
    count_columns = check_columns(table, count_columns)
    if total_row is not None and not additive_rows:
        raise ParameterError(*text_pair("privacy_error.total_row_needs_additive_rows"))
    if total_column is not None and (not additive_columns or total_column not in count_columns):
        raise ParameterError(*text_pair("privacy_error.total_column_not_a_count"))
    t_row = _row_position(table, total_row)
    t_col = count_columns.index(total_column) if total_column is not None else None

    values: dict[Cell, Any] = {}
    for j, column in enumerate(count_columns):
        for i, (label, value) in enumerate(table[column].items()):
            values[(i, j)] = _as_count(value, column, label)

    masked: dict[Cell, str] = {
        cell: "primary" for cell, v in values.items() if v is not pd.NA and 0 < v < threshold
    }
    equations = [
        eq
        for eq in build_equations(
            len(table), len(count_columns),
            additive_rows=additive_rows, additive_columns=additive_columns,
            total_row=t_row, total_column=t_col,
        )
        if is_known(eq, values, threshold)
    ]
    secondary_by_groups(equations, values, masked)
    secondary_by_cycles(
        equations, values, masked, lambda c: (table.index[c[0]], count_columns[c[1]])
    )

    result = table.copy()
    for j, column in enumerate(count_columns):
        cells = [SUPPRESSED if (i, j) in masked else values[(i, j)] for i in range(len(table))]
        result[column] = pd.Series(cells, index=result.index, dtype=object)
    n_rates = _suppress_rates(result, rate_columns or {}, count_columns)
    result.attrs.update(
        threshold=threshold,
        suppressed_primary=sum(kind == "primary" for kind in masked.values()),
        suppressed_secondary=sum(kind == "secondary" for kind in masked.values()),
        suppressed_rates=n_rates,
    )
    return result
