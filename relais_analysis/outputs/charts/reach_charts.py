"""The bar charts of people and activities of the annual report: people per year, by province, by relay, by
activity type (new vs returning parents and retention are in :mod:`.loyalty_charts`, re-exported here).

Every function has the form ``fn(table, *, ax=None, lang="fr", ...) -> Axes`` and draws
a published table (see :mod:`relais_analysis.outputs.charts`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from relais_analysis import i18n
from relais_analysis.outputs.charts.cells import (
    activity_label,
    check_measures,
    check_table,
    order_types,
    short_relay_name,
    single_year,
    table_threshold,
    with_year,
)
from relais_analysis.outputs.charts.drawing import (
    Marks,
    add_footnote,
    draw_series,
    fix_ticks,
    grouped_hbars,
    hbar_height,
    legend,
    measure_patch,
    value_axis,
)
from relais_analysis.outputs.charts.style import PALETTE, house_style, new_axes

__all__ = [
    "STACK",
    "activity_types",
    "new_vs_returning",
    "people_by_province",
    "people_by_relay",
    "people_per_year",
    "retention_rate",
]


def people_per_year(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "fr",
    title: str | None = None,
    partial_year: int | None = None,
    notes: Sequence[str] = (),
) -> Axes:
    """Grouped bars of parents and children reached per year.

    Parameters
    ----------
    table : pandas.DataFrame
        Published :func:`relais_analysis.indicators.reach.reach_per_year` table (region): columns
        ``year``, ``parents``, ``children``; one row per year, drawn in table order.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new 6.3 x 3.6 in figure otherwise.
    lang : {"fr", "en"}
    title : str, optional
        Defaults to "Parents et enfants touchés par année"; ``""`` for none.
    partial_year : int, optional
        Year whose data are incomplete (the extraction year): its bars are hatched and
        a footnote says so.
    notes : sequence of str
        Extra footnote lines (e.g. the source).

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing or holds text.
    """
    i18n.check_lang(lang)
    check_table(table, ["year", "parents", "children"], "people_per_year")
    threshold = table_threshold(table)
    years = [int(y) for y in table["year"]]
    partial = [y == partial_year for y in years]
    with house_style():
        ax = ax if ax is not None else new_axes((6.3, 3.6))
        x = np.arange(len(years), dtype=float)
        marks = Marks()
        for offset, measure in ((-0.2, "parents"), (0.2, "children")):
            marks.update(draw_series(
                ax, x + offset, table[measure].tolist(), color=PALETTE[measure], width=0.38,
                lang=lang, threshold=threshold, partial=partial,
            ))
        ax.set_xticks(x, labels=[str(y) for y in years])
        value_axis(ax, lang, horizontal=False, n=len(years), floor=threshold)
        legend(ax, [measure_patch("parents", lang), measure_patch("children", lang)],
                i18n.text("chart.title_per_year", lang) if title is None else title)
        extra = [i18n.text("chart.partial_year", lang, year=partial_year)] if any(partial) else []
        add_footnote(ax, marks, threshold, lang, [*extra, *notes])
        fix_ticks(ax)
    return ax


def people_by_province(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "fr",
    title: str | None = None,
    measures: Sequence[str] = ("parents", "children"),
    notes: Sequence[str] = (),
) -> Axes:
    """Horizontal grouped bars of people reached by province in one year.

    Parameters
    ----------
    table : pandas.DataFrame
        Published :func:`relais_analysis.indicators.reach.reach_by` table with ``by="province"``:
        ``province_nis`` (names from :func:`relais_analysis.i18n.province_label`) and
        the ``measures`` columns, provinces drawn top to bottom in table order.
    ax : matplotlib.axes.Axes, optional
    lang : {"fr", "en"}
    title : str, optional
        Defaults to "Parents et enfants touchés par province, <year>"; ``""`` for none.
    measures : sequence of str
        Count columns drawn, among ``parents``, ``children``, ``families``,
        ``attendances``, ``activities``.
    notes : sequence of str
        Extra footnote lines. A line always says that a parent may count in several
        provinces.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        If ``lang``, a measure or a province code is invalid, or a column is missing.
    """
    i18n.check_lang(lang)
    measures = check_measures(measures)
    check_table(table, ["province_nis", *measures], "people_by_province", keys=["province_nis"])
    categories = [i18n.province_label(code, lang) for code in table["province_nis"]]
    default = with_year(i18n.text("chart.title_by_province", lang), single_year(table))
    note = i18n.text("chart.multi_province", lang)
    return _people_by_group(table, categories, measures, ax, lang, default if title is None else title, [note, *notes])


def people_by_relay(
    table: pd.DataFrame,
    *,
    ax: Axes | None = None,
    lang: str = "fr",
    title: str | None = None,
    measures: Sequence[str] = ("parents", "children"),
    notes: Sequence[str] = (),
) -> Axes:
    """Horizontal grouped bars of people reached by relay in one year.

    Parameters
    ----------
    table : pandas.DataFrame
        Published :func:`relais_analysis.indicators.reach.reach_by` table with ``by="relay"``:
        ``relay_name`` (a leading "Relais Familles Mono – " is dropped) and the
        ``measures`` columns, relays drawn top to bottom in table order.
    ax, lang, title, measures, notes
        As in :func:`people_by_province`.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        If ``lang`` or a measure is invalid, or a column is missing.
    """
    i18n.check_lang(lang)
    measures = check_measures(measures)
    check_table(table, ["relay_name", *measures], "people_by_relay", keys=["relay_name"])
    categories = [short_relay_name(name) for name in table["relay_name"]]
    default = with_year(i18n.text("chart.title_by_relay", lang), single_year(table))
    note = i18n.text("chart.multi_relay", lang)
    return _people_by_group(table, categories, measures, ax, lang, default if title is None else title, [note, *notes])


def _people_by_group(
    table: pd.DataFrame, categories: list[str], measures: list[str], ax: Axes | None, lang: str,
    title: str, notes: Sequence[str],
) -> Axes:
    threshold = table_threshold(table)
    with house_style():
        ax = ax if ax is not None else new_axes((6.3, hbar_height(len(categories), len(measures))))
        marks = grouped_hbars(ax, table, categories, measures, lang, threshold)
        legend(ax, [measure_patch(m, lang) for m in measures], title)
        add_footnote(ax, marks, threshold, lang, notes)
        fix_ticks(ax)
    return ax


def activity_types(
    table: pd.DataFrame,
    *,
    measure: str = "attendances",
    ax: Axes | None = None,
    lang: str = "fr",
    title: str | None = None,
    notes: Sequence[str] = (),
) -> Axes:
    """Horizontal bars of one measure by activity type in one year.

    Parameters
    ----------
    table : pandas.DataFrame
        Published :func:`relais_analysis.indicators.reach.reach_by` table with
        ``by="activity_type"``: ``type`` (code, labelled with
        :func:`relais_analysis.i18n.label`) and ``measure``. Types are drawn in the
        fixed order of :data:`relais_analysis.i18n.ACTIVITY_TYPES` (comparable across
        years), unknown codes last.
    measure : str, default "attendances"
        ``attendances`` (participations), ``activities`` (held), ``parents``...
    ax, lang, title, notes
        As in :func:`people_per_year`; the default title is "<Mesure> par type
        d'activité, <année>".

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ParameterError
        If ``lang`` or ``measure`` is invalid, or a column is missing.
    """
    i18n.check_lang(lang)
    measure = check_measures([measure])[0]
    check_table(table, ["type", measure], "activity_types", keys=["type"])
    threshold = table_threshold(table)
    ordered = order_types(table)
    categories = [activity_label(code, lang) for code in ordered["type"]]
    default = with_year(i18n.text("chart.title_by_type", lang, measure=i18n.label(measure, lang)), single_year(table))
    with house_style():
        ax = ax if ax is not None else new_axes((6.3, hbar_height(len(categories), 1)))
        marks = grouped_hbars(ax, ordered, categories, [measure], lang, threshold)
        ax.set_title(default if title is None else title)
        add_footnote(ax, marks, threshold, lang, notes)
        fix_ticks(ax)
    return ax


# Split out to keep modules short; imported here so ``reach_charts.new_vs_returning`` still works.
from relais_analysis.outputs.charts.loyalty_charts import STACK, new_vs_returning, retention_rate  # noqa: E402
