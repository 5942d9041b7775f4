"""The loyalty charts of the annual report: new vs returning parents per year, retention.

Split from :mod:`.reach_charts` (same form: ``fn(table, *, ax=None, lang="fr", ...) -> Axes``,
drawing a published table; see :mod:`relais_analysis.outputs.charts`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from relais_analysis import i18n
from relais_analysis.outputs.charts.cells import (
    check_table,
    colon,
    format_cell,
    is_number,
    partial_flags,
    plain,
    table_threshold,
)
from relais_analysis.outputs.charts.drawing import (
    Marks,
    add_footnote,
    draw_series,
    fix_ticks,
    legend,
    mark_partial,
    measure_patch,
    value_axis,
)
from relais_analysis.outputs.charts.style import MUTED_COLOR, PALETTE, TEXT_COLOR, house_style, new_axes
from relais_analysis.privacy import masked as suppression  # the sentinel, its label and the threshold check
from relais_analysis.privacy.masked import is_missing

__all__ = [
    "STACK",
    "new_vs_returning",
    "retention_rate",
]


STACK = ("returning_parents", "new_parents")


def new_vs_returning(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "fr",
    title: str | None = None,
    partial_year: int | None = None,
    notes: Sequence[str] = (),
) -> Axes:
    """Stacked bars of returning (bottom) and new (top) parents per year.

    A segment is drawn only when it and every segment below it are numbers (a
    masked segment has no known height, so nothing can be stacked on it); each
    segment not drawn is written as text above the stack (``"nouveaux : n.p."``,
    ``"revenus : –"``). The total (``parents``) is written above each stack, in bold.

    Parameters
    ----------
    table : pandas.DataFrame
        Published :func:`relais_analysis.indicators.reach.new_and_returning_parents` table:
        ``year``, ``new_parents``, ``returning_parents``, and optionally ``parents``.
    ax, lang, title, partial_year, notes
        As in :func:`people_per_year`.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing.
    """
    i18n.check_lang(lang)
    check_table(table, ["year", *STACK], "new_vs_returning")
    threshold = table_threshold(table)
    years = [int(y) for y in table["year"]]
    totals = table["parents"].tolist() if "parents" in table.columns else [None] * len(years)
    with house_style():
        ax = ax if ax is not None else new_axes((6.3, 3.6))
        marks = Marks()
        for i, year in enumerate(years):
            cells = [table[m].iloc[i] for m in STACK]
            marks.update(_draw_stack(ax, float(i), cells, totals[i], lang, threshold, year == partial_year))
        ax.set_xticks(np.arange(len(years)), labels=[str(y) for y in years])
        value_axis(ax, lang, horizontal=False, n=len(years), floor=threshold, margin=0.18)
        handles = [measure_patch(m, lang) for m in reversed(STACK)]
        legend(ax, handles, i18n.text("chart.title_new_returning", lang) if title is None else title)
        extra = [i18n.text("chart.partial_year", lang, year=partial_year)] if partial_year in years else []
        add_footnote(ax, marks, threshold, lang, [*extra, *notes])
        fix_ticks(ax)
    return ax


def _draw_stack(
    ax: Axes, x: float, cells: list[object], total: object, lang: str, threshold: int, partial: bool
) -> Marks:
    marks = Marks()
    base = 0.0
    pending: list[tuple[str, object]] = []
    for measure, value in zip(STACK, cells):
        if not pending and is_number(value):
            height = float(plain(value))
            bar = ax.bar([x], [height], bottom=base, width=0.6, color=PALETTE[measure], linewidth=0)
            if partial:
                mark_partial(bar.patches[0])
            if height > 0:
                color = "white" if measure == "returning_parents" else TEXT_COLOR
                ax.bar_label(bar, labels=[format_cell(value, lang, threshold)], label_type="center", fontsize=8,
                             color=color)
            base += height
            continue
        pending.append((measure, value))
        if suppression.is_suppressed(value):
            marks.masked = True
        elif not is_number(value):
            marks.missing = True
    short = {"new_parents": i18n.text("chart.new_short", lang), "returning_parents": i18n.text("chart.returning_short", lang)}
    lines = [(f"{short[m]}{colon(lang)}{format_cell(v, lang, threshold)}", MUTED_COLOR) for m, v in pending]
    if total is not None:
        lines.append((format_cell(total, lang, threshold), TEXT_COLOR))
        marks.masked |= suppression.is_suppressed(total)
        marks.missing |= is_missing(total)
    for k, (text, color) in enumerate(lines):
        weight = "bold" if (total is not None and k == len(lines) - 1) else "normal"
        ax.annotate(text, xy=(x, base), xytext=(0, 2 + 11 * k), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, color=color, fontweight=weight)
    return marks


def retention_rate(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "fr",
    title: str | None = None,
    notes: Sequence[str] = (),
) -> Axes:
    """Bars of the share of year-N parents seen again in year N+1.

    Bars whose next year is incomplete (``next_year_partial``) are hatched and
    lighter, and a footnote says the rate is then a lower bound. The value axis runs
    from 0 to 100 %.

    Parameters
    ----------
    table : pandas.DataFrame
        Published :func:`relais_analysis.indicators.reach.retention` table: ``year``,
        ``retention_rate`` (0-1, SUPPRESSED or NA) and optionally
        ``next_year_partial``. X labels read ``2022 → 2023``.
    ax, lang, title, notes
        As in :func:`people_per_year`.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing.
    """
    i18n.check_lang(lang)
    check_table(table, ["year", "retention_rate"], "retention_rate")
    threshold = table_threshold(table)
    years = [int(y) for y in table["year"]]
    partial = partial_flags(table)
    with house_style():
        ax = ax if ax is not None else new_axes((6.3, 3.6))
        x = np.arange(len(years), dtype=float)
        marks = draw_series(
            ax, x, table["retention_rate"].tolist(), color=PALETTE["retention"], width=0.55,
            lang=lang, threshold=threshold, kind="percent", partial=partial,
        )
        ax.set_xticks(x, labels=[f"{y} → {y + 1}" for y in years])
        value_axis(ax, lang, horizontal=False, n=len(years), floor=1.0, kind="percent")
        ax.set_ylabel(i18n.label("retention", lang))
        ax.set_title(i18n.text("chart.title_retention", lang) if title is None else title)
        extra = [i18n.text("chart.partial_next", lang)] if any(partial) else []
        add_footnote(ax, marks, threshold, lang, [*extra, *notes])
        fix_ticks(ax)
    return ax
