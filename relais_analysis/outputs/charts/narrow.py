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
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["NARROW_MIN_PT", "NARROW_WIDTH_IN", "fit_width", "narrow_layout", "text_sizes"]

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


def _wrap(text: str, chars: int, *, break_words: bool = False) -> str:
    """``text`` wrapped to ``chars`` per line (at least 8), at spaces and hyphens; with ``break_words`` a word
    longer than a line is cut too (a category label: a relay named ``=HYPERLINK("http://x";"Cliquez")`` would
    otherwise take the whole width from its bars)."""
    return "\n".join(textwrap.fill(line, max(chars, 8), break_long_words=break_words) or line
                     for line in text.split("\n"))


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
    the right of its axes (the static map's) moves under them. What still runs past an edge once drawn at
    that width (a legend of several columns, a title that starts after the category labels) is made to fit
    by :func:`fit_width`: call it inside the block after drawing (saving) the figure, and draw again while
    it returns True.

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
            wrapped = [_wrap(label, _LABEL_CHARS, break_words=True) for label in labels]
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
    state = _NarrowState({id(t): content for t, content, _ in saved_texts}, fits=not saved_legends)
    _ACTIVE[id(fig)] = state
    try:
        yield fig
    finally:
        for text, content, size in saved_texts:
            text.set_text(content)
            text.set_fontsize(size)
        for axis, labels, locs in saved_ticks:
            axis.set_ticks(locs, labels=labels)
        _ACTIVE.pop(id(fig), None)
        for ax, legend in state.replaced:
            ax.legend_ = legend
        if saved_legends and engine is not None:
            engine.set(rect=(0, 0, 1, 1))
        for legend, loc, anchor in saved_legends:
            legend._loc = loc
            legend.set_in_layout(True)
            legend.set_bbox_to_anchor(anchor)
        fig.set_size_inches(width, height)


def _outside(box: Any, right: float) -> bool:
    return box.x1 > right + 0.5 or box.x0 < -0.5


def _above(ax: Any, legend: Legend) -> bool:
    """A legend standing above its axes, under the axes' title (the reach charts'): it keeps its columns, since
    the title stands at a fixed distance above the axes, where a taller legend would cover it."""
    return legend.get_bbox_to_anchor().transformed(ax.transAxes.inverted()).y0 >= 0.99


def _single_column(ax: Any, legend: Legend) -> Legend:
    """A one-column copy of ``legend`` (same entries, place, sizes and spacing), made ``ax``'s legend."""
    title = legend.get_title()
    copy = ax.legend(handles=legend.legend_handles, labels=[t.get_text() for t in legend.texts], ncols=1,
                     loc=legend._loc, bbox_to_anchor=legend.get_bbox_to_anchor().transformed(
                         ax.transAxes.inverted()).bounds,  # where the legend was, in the axes' coordinates
                     fontsize=legend.texts[0].get_fontsize(), title=title.get_text() or None,
                     title_fontsize=title.get_fontsize(), frameon=legend.get_frame_on(),
                     borderaxespad=legend.borderaxespad, handlelength=legend.handlelength,
                     handletextpad=legend.handletextpad, columnspacing=legend.columnspacing,
                     labelspacing=legend.labelspacing)
    copy.set_in_layout(legend.get_in_layout())
    return copy


@dataclass
class _NarrowState:
    """What :func:`fit_width` needs inside a :func:`narrow_layout` block: the texts as they were before it
    (wrapped again from them) and the legends it replaced (put back on exit)."""

    originals: dict[int, str]
    fits: bool  # False for a map, whose legend narrow_layout already placed under it
    replaced: list[tuple[Any, Legend]] = field(default_factory=list)


#: Figures inside a narrow_layout block (id -> state).
_ACTIVE: dict[int, _NarrowState] = {}


def fit_width(fig: Figure, dpi: float | None = None) -> bool:
    """Inside :func:`narrow_layout`, on the figure as just drawn (saved): make fit what runs past an edge.

    A legend of several columns whose words run past the figure gets one column (not one above its axes,
    :func:`_above`); a text (not a tick label) running past the left or right edge wraps again, from its
    original text, to the room it has (a left-aligned title starts where its axes start, after the category
    labels). The figure grows by the new lines. Returns whether anything changed: the figure is then to be
    drawn (saved) again, and checked again. :func:`narrow_layout` puts the original legends back on exit.
    A figure that fits is left untouched, so it costs nothing more than its one drawing.

    ``dpi`` is the resolution of that drawing (``savefig(dpi=...)``; default the figure's): the texts keep
    the measures of their last drawing, so they are measured at its resolution.

    Raises
    ------
    RuntimeError
        Outside a ``narrow_layout`` block of this figure.
    """
    state = _ACTIVE.get(id(fig))
    if state is None:
        raise RuntimeError("fit_width is called inside narrow_layout(fig), after drawing the figure")
    if not state.fits:
        return False
    figure_dpi = fig.dpi
    fig.dpi = figure_dpi if dpi is None else dpi  # as savefig sets it while drawing; put back below
    try:
        changed, grow = _fit_texts(fig, state)
    finally:
        fig.dpi = figure_dpi
    if grow > 0:
        width, height = fig.get_size_inches()
        fig.set_size_inches(width, height + grow)
    return changed


def _fit_texts(fig: Figure, state: _NarrowState) -> tuple[bool, float]:
    """:func:`fit_width`'s measures and changes (the figure at the resolution it was drawn): whether anything
    changed, and the inches the figure is to grow."""
    right, grow, changed = fig.bbox.x1, 0.0, False
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None or legend._ncols <= 1 or not legend.texts or _above(ax, legend):
            continue
        if not _outside(Bbox.union([t.get_window_extent() for t in legend.texts]), right):  # its words
            continue
        rows = -(-len(legend.texts) // legend._ncols)
        size = legend.texts[0].get_fontsize()
        if all(legend is not old for _, old in state.replaced):
            state.replaced.append((ax, legend))
        _single_column(ax, legend)
        changed = True
        grow += (len(legend.texts) - rows) * size * (1 + legend.labelspacing) / 72
    for text in _visible_texts(fig):
        box = text.get_window_extent()
        if not _outside(box, right) or _is_tick_label(text) or box.width <= 0:
            continue
        content = text.get_text()
        room = right - box.x0 if 0 <= box.x0 < right else right
        longest = max(len(line) for line in content.split("\n"))
        wrapped = _wrap(state.originals.get(id(text), content), int(longest * room / box.width * 0.95))
        if wrapped != content:
            text.set_text(wrapped)
            changed = True
            grow += max(0, wrapped.count("\n") - content.count("\n")) * text.get_fontsize() * 1.3 / 72
    return changed, grow


def _is_tick_label(text: Text) -> bool:
    return any(text in (*ax.get_xticklabels(), *ax.get_yticklabels()) for ax in text.figure.axes)

