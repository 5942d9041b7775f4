"""Drawing helpers shared by the bar charts: bars and placeholders, axes, legend, footnote.

A cell that is not a number gets no bar: its masked label or no-data dash is written
where the bar would stand (:func:`draw_series`), and :func:`add_footnote` explains
the marks used under the axes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from relais_analysis import i18n
from relais_analysis.outputs.charts.cells import format_cell, is_number, plain
from relais_analysis.outputs.charts.style import MUTED_COLOR, PALETTE, TEXT_COLOR
from relais_analysis.privacy import masked as suppression  # the sentinel, its label and the threshold check

__all__ = [
    "Marks",
    "add_footnote",
    "draw_series",
    "fix_ticks",
    "footnote_anchor",
    "grouped_hbars",
    "hbar_height",
    "legend",
    "mark_partial",
    "measure_patch",
    "placeholder",
    "value_axis",
]


@dataclasses.dataclass


class Marks:
    """What was drawn in place of bars, to write the footnote."""

    masked: bool = False
    missing: bool = False

    def update(self, other: Marks) -> None:
        self.masked |= other.masked
        self.missing |= other.missing


def placeholder(ax: Axes, position: float, text: str, horizontal: bool) -> None:
    """Write a masked / no-data label at the base of the bar that is not drawn."""
    ax.annotate(
        text,
        xy=(0.0, position) if horizontal else (position, 0.0),
        xytext=(3, 0) if horizontal else (0, 2),
        textcoords="offset points",
        ha="left" if horizontal else "center",
        va="center" if horizontal else "bottom",
        fontsize=8,
        color=MUTED_COLOR,
        fontstyle="italic",
    )


def draw_series(
    ax: Axes,
    positions: Sequence[float],
    values: Sequence[object],
    *,
    color: str,
    width: float,
    lang: str,
    threshold: int,
    horizontal: bool = False,
    kind: str = "int",
    partial: Sequence[bool] | None = None,
) -> Marks:
    """Bars for the numeric cells, placeholders for the others.

    Returns which placeholders were written. Bars of ``partial`` positions are
    hatched and lighter.
    """
    marks = Marks()
    partial = list(partial) if partial is not None else [False] * len(values)
    drawn = [(p, float(plain(v)), v, part) for p, v, part in zip(positions, values, partial) if is_number(v)]
    for p, v in zip(positions, values):
        if is_number(v):
            continue
        if suppression.is_suppressed(v):
            marks.masked = True
        else:
            marks.missing = True
        placeholder(ax, p, format_cell(v, lang, threshold, kind), horizontal)
    if not drawn:
        return marks
    where = [d[0] for d in drawn]
    sizes = [d[1] for d in drawn]
    if horizontal:
        container = ax.barh(where, sizes, height=width, color=color, linewidth=0)
    else:
        container = ax.bar(where, sizes, width=width, color=color, linewidth=0)
    for patch, (_, _, _, part) in zip(container.patches, drawn):
        if part:
            mark_partial(patch)
    ax.bar_label(
        container, labels=[format_cell(d[2], lang, threshold, kind) for d in drawn], padding=2, fontsize=8, color=TEXT_COLOR
    )
    return marks


def mark_partial(patch: Rectangle) -> None:
    """Lighter, with a dashed outline: the bar of an incomplete year.

    Not hatched: hatching means "valeur masquée" on both maps and in the guide (one symbol,
    one meaning across the publication).
    """
    patch.set_alpha(0.5)
    patch.set_linestyle("--")
    patch.set_linewidth(1.2)
    patch.set_edgecolor(TEXT_COLOR)


def footnote_anchor(ax: Axes) -> Callable[[Any], Bbox]:
    """Position callable: bottom-left corner of the axes and its tick labels."""

    def anchor(renderer: Any) -> Bbox:
        boxes = [ax.bbox, ax.xaxis.get_tightbbox(renderer), ax.yaxis.get_tightbbox(renderer)]
        box = Bbox.union([b for b in boxes if b is not None])
        return Bbox.from_extents(box.x0, box.y0, box.x0 + 1, box.y0 + 1)

    return anchor


def add_footnote(ax: Axes, marks: Marks, threshold: int, lang: str, notes: Sequence[str] = ()) -> None:
    """Write the footnote lines (masked, no data, notes) under the axes."""
    lines = []
    if marks.masked:
        lines.append(suppression.footnote(threshold, lang))
    if marks.missing:
        lines.append(i18n.text("chart.no_data_note", lang))
    lines.extend(str(n) for n in notes if n)
    if not lines:
        return
    ax.annotate(
        "\n".join(lines),
        xy=(0, 0),
        xycoords=footnote_anchor(ax),
        xytext=(0, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=7.5,
        color=MUTED_COLOR,
        gid="footnote",
    )


def value_axis(
    ax: Axes, lang: str, *, horizontal: bool, n: int, floor: float, kind: str = "int", margin: float = 0.12
) -> None:
    """Limits, grid, locator and French/English number formatter of a bar chart.

    Categories sit at 0 .. n-1. Counts start at 0 and the axis reaches at least
    ``floor`` (the threshold, so that ``"n.p."`` placeholders have a scale);
    percentages run from 0 to 100 %. An empty table gets a "Pas de données" label.
    """
    axis = ax.xaxis if horizontal else ax.yaxis
    set_values = ax.set_xlim if horizontal else ax.set_ylim
    if horizontal:
        ax.set_ylim(max(n, 1) - 0.5, -0.5)
    else:
        ax.set_xlim(-0.5, max(n, 1) - 0.5)
    axis.set_major_formatter(i18n.matplotlib_formatter(kind, lang, 0))
    if kind == "percent":
        set_values(0, 1)
    else:
        axis.set_major_locator(MaxNLocator(nbins=5, integer=True, steps=[1, 2, 2.5, 5, 10]))
        ax.margins(**{"x" if horizontal else "y": margin})
        upper = (ax.get_xlim() if horizontal else ax.get_ylim())[1]
        set_values(0, max(upper, floor))
    axis.grid(True)
    ax.spines["bottom" if horizontal else "left"].set_visible(False)
    ax.tick_params(axis="both", length=0)
    if n == 0:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(0.5, 0.5, i18n.label("no_data", lang), transform=ax.transAxes, ha="center", va="center",
                color=MUTED_COLOR, fontstyle="italic")


def fix_ticks(ax: Axes) -> None:
    """Create the first ticks inside the style context; later ones copy them."""
    ax.xaxis.get_major_ticks()
    ax.yaxis.get_major_ticks()


def legend(ax: Axes, handles: list[Any], title: str) -> None:
    """Legend above the axes, in one row, with the title above it."""
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=len(handles),
        borderaxespad=0.3,
        handlelength=1.2,
        columnspacing=1.2,
    )
    if title:
        ax.set_title(title, pad=22)


def measure_patch(measure: str, lang: str) -> Patch:
    """Legend swatch of a measure, in its palette colour."""
    return Patch(facecolor=PALETTE[measure], label=i18n.label(measure, lang))


def grouped_hbars(
    ax: Axes, table: pd.DataFrame, categories: list[str], measures: Sequence[str], lang: str, threshold: int
) -> Marks:
    """Horizontal bars of ``measures`` side by side per category; returns the placeholders written."""
    y = np.arange(len(categories), dtype=float)
    width = 0.8 / len(measures)
    marks = Marks()
    for i, measure in enumerate(measures):
        offset = (i - (len(measures) - 1) / 2) * width
        marks.update(draw_series(
            ax, y + offset, table[measure].tolist(), color=PALETTE[measure], width=width * 0.95,
            lang=lang, threshold=threshold, horizontal=True,
        ))
    ax.set_yticks(y, labels=categories)
    value_axis(ax, lang, horizontal=True, n=len(categories), floor=threshold)
    return marks


def hbar_height(n: int, measures: int) -> float:
    """Figure height (inches) for ``n`` categories of ``measures`` bars."""
    return 1.2 + n * (0.12 + 0.18 * measures)
