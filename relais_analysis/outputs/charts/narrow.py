"""A figure's second, narrow rendering for phones, and the sizes of its text.

A chart drawn 6.3 in wide and shown on a 390 px phone is scaled down to about 55 %: its 8.5 pt tick labels
become 6 CSS px. :func:`narrow_layout` lays the same figure out again, temporarily, 3.6 in wide (346 CSS px)
with larger type (every text at least :data:`NARROW_MIN_PT`), long labels and titles wrapped, and a legend
standing beside the axes moved under them; the figure is restored on exit. :func:`text_sizes` measures the
smallest and largest text of a rendered figure, in pixels of the image (written into each PNG by
:func:`relais_analysis.outputs.charts.save_figure`, so that a browser test can turn them into CSS pixels).
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Iterator
from typing import Any

from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

__all__ = ["NARROW_MIN_PT", "NARROW_WIDTH_IN", "narrow_layout", "text_sizes"]

#: Width of the narrow rendering: 3.6 in, 346 CSS px (a 390 px phone shows it at about its own size).
NARROW_WIDTH_IN = 3.6

#: Smallest type of the narrow rendering, in points (9.5 pt: 12.7 CSS px at the rendering's own size).
NARROW_MIN_PT = 9.5

#: Every text of the narrow rendering is this much larger than on the wide one (then at least the minimum).
NARROW_SCALE = 1.15

#: Average width of a DejaVu Sans character, in ems (to wrap a text to the figure's width).
_EM_PER_CHAR = 0.6

#: Category labels of a bar chart are wrapped to this many characters.
_LABEL_CHARS = 16


def _visible_texts(fig: Figure) -> list[Text]:
    """The texts a drawing of ``fig`` shows: visible, not empty, not on a hidden axes or axis (a map's)."""
    hidden: set[int] = set()
    for ax in fig.axes:
        for part in (ax, ax.xaxis, ax.yaxis) if not ax.get_visible() else (ax.xaxis, ax.yaxis):
            if part is ax or not (ax.axison and part.get_visible()):
                hidden.update(id(t) for t in part.findobj(Text))
    return [t for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.figure is not None and id(t) not in hidden]


def text_sizes(fig: Figure, dpi: float, *, draw: bool = True) -> tuple[float, float]:
    """Smallest and largest font size of the visible texts of a figure, in pixels at ``dpi``.

    The figure is drawn first (tick labels get their texts at drawing time), unless ``draw=False``
    says it has just been drawn (saved).

    Raises
    ------
    ValueError
        If the figure holds no visible text.

    Examples
    --------
    >>> fig = Figure(figsize=(2, 1))
    >>> ax = fig.add_subplot()
    >>> ax.set_xticks([]), ax.set_yticks([])  # no tick labels
    ([], [])
    >>> _ = ax.set_title("Titre", fontsize=12), ax.text(0.5, 0.5, "note", fontsize=6)
    >>> text_sizes(fig, 200)
    (16.7, 33.3)
    """
    if draw:
        fig.draw_without_rendering()  # creates the tick labels with their final texts
    sizes = [t.get_fontsize() for t in _visible_texts(fig)]
    if not sizes:
        raise ValueError("figure without visible text")
    return round(min(sizes) * dpi / 72, 1), round(max(sizes) * dpi / 72, 1)


def _wrap(text: str, chars: int) -> str:
    return "\n".join(textwrap.fill(line, max(chars, 8), break_long_words=False) or line for line in text.split("\n"))


def _category_axis(ax: Any) -> Any | None:
    """The axis of an axes whose tick labels are words (the categories of a horizontal bar chart)."""
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return ax.yaxis if any(any(c.isalpha() for c in label) for label in labels) else None


@contextlib.contextmanager
def narrow_layout(fig: Figure) -> Iterator[Figure]:
    """Lay ``fig`` out for a phone inside a ``with`` block; restore it on exit.

    The figure is :data:`NARROW_WIDTH_IN` wide, its height grown for the larger type and the wrapped lines;
    every text is :data:`NARROW_SCALE` times larger, and at least :data:`NARROW_MIN_PT`; titles, footnotes
    and legends wrap to the width; word labels of a category axis wrap to 16 characters; a legend placed to
    the right of its axes (the static map's) moves under them.

    Raises
    ------
    ValueError
        Never on a drawn figure; only if matplotlib cannot draw it.
    """
    for ax in fig.axes:  # formats the tick labels (their texts), without drawing the whole figure
        ax.get_xticklabels(), ax.get_yticklabels()
    width, height = fig.get_size_inches()
    saved_texts: list[tuple[Text, str, float]] = []
    saved_ticks: list[tuple[Any, list[str], Any]] = []
    saved_legends: list[tuple[Legend, Any, Any]] = []
    extra_lines = 0
    for ax in fig.axes:
        axis = _category_axis(ax)
        if axis is not None:
            labels = [t.get_text() for t in axis.get_ticklabels()]
            saved_ticks.append((axis, labels, axis.get_ticklocs()))
            wrapped = [_wrap(label, _LABEL_CHARS) for label in labels]
            extra_lines += sum(w.count("\n") for w in wrapped)
            axis.set_ticks(axis.get_ticklocs(), labels=wrapped)
        legend = ax.get_legend()
        if legend is not None:
            anchor = legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted())
            if anchor.x0 >= 0.99:  # beside the axes (the map's): at the bottom of the figure instead
                saved_legends.append((legend, legend._loc, legend.get_bbox_to_anchor()))
                legend.set_bbox_to_anchor((0.01, 0.01), transform=fig.transFigure)
                legend._loc = 3  # lower left
                legend.set_in_layout(False)
    for text in _visible_texts(fig):
        size = text.get_fontsize()
        saved_texts.append((text, text.get_text(), size))
        new_size = max(size * NARROW_SCALE, NARROW_MIN_PT)
        text.set_fontsize(new_size)
        chars = int(0.85 * NARROW_WIDTH_IN * 72 / (new_size * _EM_PER_CHAR))
        content = text.get_text()
        if len(max(content.split("\n"), key=len)) > chars and not _is_tick_label(text):
            wrapped = _wrap(content, chars)
            extra_lines += wrapped.count("\n") - content.count("\n")
            text.set_text(wrapped)
    new_height = height * 1.12 + extra_lines * NARROW_MIN_PT * 1.3 / 72
    fig.set_size_inches(NARROW_WIDTH_IN, new_height)
    engine = fig.get_layout_engine()
    if saved_legends and engine is not None:  # the axes above the legend, as tall as their aspect needs
        fig.draw_without_rendering()
        below = max(leg.get_window_extent().height for leg, _, _ in saved_legends) / fig.dpi + 0.1
        ax = saved_legends[0][0].axes
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        above = NARROW_WIDTH_IN * abs(y1 - y0) / max(abs(x1 - x0), 1e-9) + 0.4 if ax.get_aspect() != "auto" \
            else height
        fig.set_size_inches(NARROW_WIDTH_IN, above + below)
        engine.set(rect=(0, below / (above + below), 1, above / (above + below)))
    try:
        yield fig
    finally:
        for text, content, size in saved_texts:
            text.set_text(content)
            text.set_fontsize(size)
        for axis, labels, locs in saved_ticks:
            axis.set_ticks(locs, labels=labels)
        if saved_legends and engine is not None:
            engine.set(rect=(0, 0, 1, 1))
        for legend, loc, anchor in saved_legends:
            legend._loc = loc
            legend.set_in_layout(True)
            legend.set_bbox_to_anchor(anchor)
        fig.set_size_inches(width, height)


def _is_tick_label(text: Text) -> bool:
    return any(text in (*ax.get_xticklabels(), *ax.get_yticklabels()) for ax in text.figure.axes)

