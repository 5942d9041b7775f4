"""Static charts for print, drawn from published tables (the static map is in :mod:`static_map`).

Every figure function has the form ``fn(table, *, ax=None, lang="fr", ...) -> Axes``:
it draws on ``ax`` (or on a new :class:`matplotlib.figure.Figure`, never through
pyplot) and returns the axes. Inputs are **published** tables (the output of
:func:`relais_analysis.privacy.suppress.suppress_small_counts`), so a count cell may hold:

- a number: a bar is drawn and labelled (``1 500``, ``12,3 %`` in French);
- :data:`~relais_analysis.privacy.masked.SUPPRESSED`: **no bar**; the masked label
  (``"n.p."``, "non publié") is written where the bar would stand and the footnote
  "n.p. : valeur non publiée pour protéger les petits effectifs" is added under the
  axes (the same label for every masked cell: a secondary cell may hold any value);
- ``pd.NA`` (no data): no bar, an en dash ``"–"`` instead (never drawn as zero), and
  the footnote "– : pas de données".

The threshold checked is ``table.attrs["threshold"]`` (set by ``suppress_small_counts``),
else 5.

House style (:func:`house_style`): Okabe-Ito colour-blind-safe palette, DejaVu Sans,
French labels by default (maps use the classes and colours of :mod:`classes`). The
style is applied with :func:`matplotlib.rc_context` while drawing and saving; nothing
changes the global ``rcParams``.

:func:`save_figure` writes deterministic files (same inputs, same bytes): PNG at 200
dpi, SVG and PDF, with the table drawn (``<stem>.csv``, checked publishable, formula-safe) and the
alt text (``<stem>.alt.txt``) beside them. The alt text is produced from the table by
the ``alt_text_*`` functions, so it always says what the chart shows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import numbers
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from relais_analysis import i18n
from relais_analysis.privacy import masked as suppression  # the sentinel, its label and the threshold check
from relais_analysis.indicators import reach
from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.privacy.masked import is_missing as _is_missing
from relais_analysis.privacy.publication import write_published_table
from relais_analysis.indicators.tables import TableSet

__all__ = [
    "HOUSE_RC",
    "PALETTE",
    "activity_types",
    "alt_text_activity_types",
    "alt_text_new_vs_returning",
    "alt_text_people_by_province",
    "alt_text_people_by_relay",
    "alt_text_people_per_year",
    "alt_text_retention_rate",
    "figures_from_tables",
    "house_style",
    "new_vs_returning",
    "people_by_province",
    "people_by_relay",
    "people_per_year",
    "retention_rate",
    "save_figure",
]

# --------------------------------------------------------------------------- style

#: Okabe-Ito colours (colour-blind safe), in their usual order.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
)
#: Colour of each measure, the same in every chart.
PALETTE: dict[str, str] = {
    "parents": "#0072B2",
    "children": "#E69F00",
    "families": "#CC79A7",
    "attendances": "#009E73",
    "activities": "#CC79A7",
    "new_parents": "#56B4E9",
    "returning_parents": "#0072B2",
    "retention": "#D55E00",
    "relays": "#D55E00",  # vermillion: stands out from the blue-green classes of the map
}
_TEXT = "#222222"
_MUTED = "#555555"
_GRID = "#D9D9D9"
_NO_DATA_FACE = "#BDBDBD"
_MASKED_FACE = "#FFFFFF"
_MASKED_HATCH = "#737373"
_SVG_SALT = "relais_analysis"
#: Resolution of PNG files.
PNG_DPI = 200

#: rcParams applied by :func:`house_style`.
HOUSE_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 8,
    "axes.labelsize": 9,
    "axes.labelcolor": _TEXT,
    "axes.edgecolor": "#444444",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO)),
    "axes.formatter.use_locale": False,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "grid.color": _GRID,
    "grid.linewidth": 0.6,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "text.color": _TEXT,
    "hatch.linewidth": 0.8,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.dpi": PNG_DPI,
    "svg.hashsalt": _SVG_SALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style (:data:`HOUSE_RC`) inside a ``with`` block.

    Figure functions and :func:`save_figure` use it themselves; use it around your own
    additions to a figure so they match. The global ``rcParams`` are restored on exit.

    Examples
    --------
    >>> with house_style():  # doctest: +SKIP
    ...     ax.set_ylabel("Parents")
    """
    with matplotlib.rc_context(HOUSE_RC):
        yield


# --------------------------------------------------------------------------- texts

_TEXTS: dict[str, dict[str, str]] = {
    "title_per_year": {"fr": "Parents et enfants touchés par année", "en": "Parents and children reached per year"},
    "title_by_province": {
        "fr": "Parents et enfants touchés par province", "en": "Parents and children reached by province",
    },
    "title_by_relay": {"fr": "Parents et enfants touchés par relais", "en": "Parents and children reached by relay"},
    "title_by_type": {"fr": "{measure} par type d'activité", "en": "{measure} by activity type"},
    "title_new_returning": {"fr": "Nouveaux parents et parents revenus", "en": "New and returning parents"},
    "title_retention": {"fr": "Parents revenus l'année suivante", "en": "Parents returning the following year"},
    "partial_year": {
        "fr": "{year}\u00a0: année incomplète (données partielles)", "en": "{year}: incomplete year (partial data)",
    },
    "partial_next": {
        "fr": "Hachuré\u00a0: année suivante incomplète, le taux est un minimum",
        "en": "Hatched: following year incomplete, the rate is a lower bound",
    },
    "no_data_note": {"fr": "–\u00a0: pas de données", "en": "–: no data"},
    "multi_province": {
        "fr": "Un parent actif dans plusieurs provinces compte dans chacune",
        "en": "A parent active in several provinces counts in each",
    },
    "multi_relay": {
        "fr": "Un parent actif dans plusieurs relais compte dans chacun",
        "en": "A parent active in several relays counts in each",
    },
    "province_boundary": {"fr": "Limite de province", "en": "Province boundary"},
    "not_published_of": {"fr": "{noun}\u00a0: non publié", "en": "{noun}: not published"},
    "of_unpublished": {"fr": "sur un nombre non publié de parents", "en": "of an unpublished number of parents"},
    "no_data_of": {"fr": "{noun}\u00a0: pas de données", "en": "{noun}: no data"},
    "of_parents": {"fr": "sur {n} parents", "en": "of {n} parents"},
    "lower_bound": {"fr": "minimum, année {year} incomplète", "en": "lower bound, {year} incomplete"},
    "new_short": {"fr": "nouveaux", "en": "new"},
    "returning_short": {"fr": "revenus", "en": "returning"},
    "natural_breaks": {"fr": "seuils naturels de Jenks", "en": "Jenks natural breaks"},
    "quantiles": {"fr": "quantiles", "en": "quantiles"},
    "map_of": {"fr": "Carte de {n} communes", "en": "Map of {n} municipalities"},
    "classes": {"fr": "{k} classes ({scheme})", "en": "{k} classes ({scheme})"},
    "communes_n": {"fr": "{n} communes", "en": "{n} municipalities"},
    "communes_1": {"fr": "1 commune", "en": "1 municipality"},
    "relays_n": {"fr": "{n} relais indiqués par des points", "en": "{n} relays shown as dots"},
}


def _text(key: str, lang: str, **fields: object) -> str:
    return _TEXTS[key][lang].format(**fields)


def _colon(lang: str) -> str:
    """French puts a no-break space before a colon."""
    return "\u00a0: " if lang == "fr" else ": "


def _semicolon(lang: str) -> str:
    return "\u00a0; " if lang == "fr" else "; "


# --------------------------------------------------------------------------- cells


def _is_number(value: object) -> bool:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return False
    return not bool(pd.isna(value))


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def _threshold(table: pd.DataFrame) -> int:
    return suppression.check_threshold(table.attrs.get("threshold", DEFAULT_THRESHOLD))


def _format(value: object, lang: str, threshold: int, kind: str = "int") -> str:
    value = _plain(value)
    if kind == "percent":
        return i18n.format_percent(value, lang, 1, threshold=threshold)
    return i18n.format_int(value, lang, threshold=threshold)


def _spoken(value: object, noun: str, lang: str, threshold: int, kind: str = "int") -> str:
    """A value for alt text: ``"696 parents"``, ``"parents : non publié"``, ``"parents : pas de données"``."""
    if suppression.is_suppressed(value):
        return _text("not_published_of", lang, noun=noun) if noun else i18n.label("masked", lang)
    if _is_missing(value):
        return _text("no_data_of", lang, noun=noun) if noun else i18n.label("no_data", lang).lower()
    return f"{_format(value, lang, threshold, kind)} {noun}".strip()


def _check_table(
    table: object, columns: Sequence[str], function: str, keys: Sequence[str] = ("year",)
) -> pd.DataFrame:
    """Check that ``table`` has ``columns`` and that those not in ``keys`` hold cells."""
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"{function} attend un tableau (pandas.DataFrame), pas {type(table).__name__}.",
            f"{function} expects a table (pandas.DataFrame), not {type(table).__name__}.",
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            f"{function} : colonnes manquantes {missing!r} (trouvées : {list(table.columns)!r}).",
            f"{function}: missing columns {missing!r} (found: {list(table.columns)!r}).",
        )
    for column in columns:
        if column in keys:
            continue
        bad = [v for v in table[column].tolist() if not (_is_number(v) or _is_missing(v) or suppression.is_suppressed(v))]
        if bad:
            raise ParameterError(
                f"{function} : la colonne {column!r} doit contenir des nombres, SUPPRESSED ou NA ; "
                f"trouvé {bad[0]!r}.",
                f"{function}: column {column!r} must hold numbers, SUPPRESSED or NA; found {bad[0]!r}.",
            )
    return table


def _single_year(table: pd.DataFrame) -> int | None:
    if "year" not in table.columns:
        return None
    years = pd.unique(table["year"].dropna())
    return int(years[0]) if len(years) == 1 else None


# --------------------------------------------------------------------------- drawing helpers


@dataclasses.dataclass
class _Marks:
    """What was drawn in place of bars, to write the footnote."""

    masked: bool = False
    missing: bool = False

    def update(self, other: _Marks) -> None:
        self.masked |= other.masked
        self.missing |= other.missing


def _new_axes(figsize: tuple[float, float], layout: str = "constrained") -> Axes:
    figure = Figure(figsize=figsize, layout=layout)
    return figure.add_subplot()


def _placeholder(ax: Axes, position: float, text: str, horizontal: bool) -> None:
    """Write a masked / no-data label at the base of the bar that is not drawn."""
    ax.annotate(
        text,
        xy=(0.0, position) if horizontal else (position, 0.0),
        xytext=(3, 0) if horizontal else (0, 2),
        textcoords="offset points",
        ha="left" if horizontal else "center",
        va="center" if horizontal else "bottom",
        fontsize=8,
        color=_MUTED,
        fontstyle="italic",
    )


def _draw_series(
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
) -> _Marks:
    """Bars for the numeric cells, placeholders for the others.

    Returns which placeholders were written. Bars of ``partial`` positions are
    hatched and lighter.
    """
    marks = _Marks()
    partial = list(partial) if partial is not None else [False] * len(values)
    drawn = [(p, float(_plain(v)), v, part) for p, v, part in zip(positions, values, partial) if _is_number(v)]
    for p, v in zip(positions, values):
        if _is_number(v):
            continue
        if suppression.is_suppressed(v):
            marks.masked = True
        else:
            marks.missing = True
        _placeholder(ax, p, _format(v, lang, threshold, kind), horizontal)
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
            _mark_partial(patch)
    ax.bar_label(
        container, labels=[_format(d[2], lang, threshold, kind) for d in drawn], padding=2, fontsize=8, color=_TEXT
    )
    return marks


def _mark_partial(patch: Rectangle) -> None:
    """Lighter and hatched: the bar of an incomplete year."""
    patch.set_alpha(0.55)
    patch.set_hatch("////")
    patch.set_edgecolor(_TEXT)


def _footnote_anchor(ax: Axes) -> Callable[[Any], Bbox]:
    """Position callable: bottom-left corner of the axes and its tick labels."""

    def anchor(renderer: Any) -> Bbox:
        boxes = [ax.bbox, ax.xaxis.get_tightbbox(renderer), ax.yaxis.get_tightbbox(renderer)]
        box = Bbox.union([b for b in boxes if b is not None])
        return Bbox.from_extents(box.x0, box.y0, box.x0 + 1, box.y0 + 1)

    return anchor


def _add_footnote(ax: Axes, marks: _Marks, threshold: int, lang: str, notes: Sequence[str] = ()) -> None:
    """Write the footnote lines (masked, no data, notes) under the axes."""
    lines = []
    if marks.masked:
        lines.append(suppression.footnote(threshold, lang))
    if marks.missing:
        lines.append(_text("no_data_note", lang))
    lines.extend(str(n) for n in notes if n)
    if not lines:
        return
    ax.annotate(
        "\n".join(lines),
        xy=(0, 0),
        xycoords=_footnote_anchor(ax),
        xytext=(0, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=7.5,
        color=_MUTED,
        gid="footnote",
    )


def _value_axis(
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
                color=_MUTED, fontstyle="italic")


def _fix_ticks(ax: Axes) -> None:
    """Create the first ticks inside the style context; later ones copy them."""
    ax.xaxis.get_major_ticks()
    ax.yaxis.get_major_ticks()


def _legend(ax: Axes, handles: list[Any], title: str) -> None:
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


def _measure_patch(measure: str, lang: str) -> Patch:
    return Patch(facecolor=PALETTE[measure], label=i18n.label(measure, lang))


def _with_year(title: str, year: int | None) -> str:
    return f"{title}, {year}" if year is not None else title


# --------------------------------------------------------------------------- charts


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
    _check_table(table, ["year", "parents", "children"], "people_per_year")
    threshold = _threshold(table)
    years = [int(y) for y in table["year"]]
    partial = [y == partial_year for y in years]
    with house_style():
        ax = ax if ax is not None else _new_axes((6.3, 3.6))
        x = np.arange(len(years), dtype=float)
        marks = _Marks()
        for offset, measure in ((-0.2, "parents"), (0.2, "children")):
            marks.update(_draw_series(
                ax, x + offset, table[measure].tolist(), color=PALETTE[measure], width=0.38,
                lang=lang, threshold=threshold, partial=partial,
            ))
        ax.set_xticks(x, labels=[str(y) for y in years])
        _value_axis(ax, lang, horizontal=False, n=len(years), floor=threshold)
        _legend(ax, [_measure_patch("parents", lang), _measure_patch("children", lang)],
                _text("title_per_year", lang) if title is None else title)
        extra = [_text("partial_year", lang, year=partial_year)] if any(partial) else []
        _add_footnote(ax, marks, threshold, lang, [*extra, *notes])
        _fix_ticks(ax)
    return ax


def _grouped_hbars(
    ax: Axes, table: pd.DataFrame, categories: list[str], measures: Sequence[str], lang: str, threshold: int
) -> _Marks:
    y = np.arange(len(categories), dtype=float)
    width = 0.8 / len(measures)
    marks = _Marks()
    for i, measure in enumerate(measures):
        offset = (i - (len(measures) - 1) / 2) * width
        marks.update(_draw_series(
            ax, y + offset, table[measure].tolist(), color=PALETTE[measure], width=width * 0.95,
            lang=lang, threshold=threshold, horizontal=True,
        ))
    ax.set_yticks(y, labels=categories)
    _value_axis(ax, lang, horizontal=True, n=len(categories), floor=threshold)
    return marks


def _hbar_height(n: int, measures: int) -> float:
    return 1.2 + n * (0.12 + 0.18 * measures)


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
    measures = _check_measures(measures)
    _check_table(table, ["province_nis", *measures], "people_by_province", keys=["province_nis"])
    categories = [i18n.province_label(code, lang) for code in table["province_nis"]]
    default = _with_year(_text("title_by_province", lang), _single_year(table))
    note = _text("multi_province", lang)
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
    measures = _check_measures(measures)
    _check_table(table, ["relay_name", *measures], "people_by_relay", keys=["relay_name"])
    categories = [_short_relay_name(name) for name in table["relay_name"]]
    default = _with_year(_text("title_by_relay", lang), _single_year(table))
    note = _text("multi_relay", lang)
    return _people_by_group(table, categories, measures, ax, lang, default if title is None else title, [note, *notes])


def _short_relay_name(name: object) -> str:
    text = "" if _is_missing(name) else str(name)
    return re.sub(r"^Relais Familles Mono\s*[–-]\s*", "", text)


def _check_measures(measures: Sequence[str]) -> list[str]:
    known = list(reach.COUNT_COLUMNS)
    measures = [measures] if isinstance(measures, str) else list(measures)
    bad = [m for m in measures if m not in known]
    if bad or not measures:
        raise ParameterError(
            f"Mesure(s) inconnue(s) : {bad!r}. Valeurs possibles : {', '.join(known)}.",
            f"Unknown measure(s): {bad!r}. Valid values: {', '.join(known)}.",
        )
    return measures


def _people_by_group(
    table: pd.DataFrame, categories: list[str], measures: list[str], ax: Axes | None, lang: str,
    title: str, notes: Sequence[str],
) -> Axes:
    threshold = _threshold(table)
    with house_style():
        ax = ax if ax is not None else _new_axes((6.3, _hbar_height(len(categories), len(measures))))
        marks = _grouped_hbars(ax, table, categories, measures, lang, threshold)
        _legend(ax, [_measure_patch(m, lang) for m in measures], title)
        _add_footnote(ax, marks, threshold, lang, notes)
        _fix_ticks(ax)
    return ax


def _activity_label(code: object, lang: str) -> str:
    try:
        return i18n.label(str(code), lang)
    except KeyError:
        return str(code)


def _order_types(table: pd.DataFrame) -> pd.DataFrame:
    order = {code: i for i, code in enumerate(i18n.ACTIVITY_TYPES)}
    rank = table["type"].map(lambda c: order.get(c, len(order))).to_numpy()
    return table.iloc[np.argsort(rank, kind="stable")]


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
    measure = _check_measures([measure])[0]
    _check_table(table, ["type", measure], "activity_types", keys=["type"])
    threshold = _threshold(table)
    ordered = _order_types(table)
    categories = [_activity_label(code, lang) for code in ordered["type"]]
    default = _with_year(_text("title_by_type", lang, measure=i18n.label(measure, lang)), _single_year(table))
    with house_style():
        ax = ax if ax is not None else _new_axes((6.3, _hbar_height(len(categories), 1)))
        marks = _grouped_hbars(ax, ordered, categories, [measure], lang, threshold)
        ax.set_title(default if title is None else title)
        _add_footnote(ax, marks, threshold, lang, notes)
        _fix_ticks(ax)
    return ax


_STACK = ("returning_parents", "new_parents")


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
    _check_table(table, ["year", *_STACK], "new_vs_returning")
    threshold = _threshold(table)
    years = [int(y) for y in table["year"]]
    totals = table["parents"].tolist() if "parents" in table.columns else [None] * len(years)
    with house_style():
        ax = ax if ax is not None else _new_axes((6.3, 3.6))
        marks = _Marks()
        for i, year in enumerate(years):
            cells = [table[m].iloc[i] for m in _STACK]
            marks.update(_draw_stack(ax, float(i), cells, totals[i], lang, threshold, year == partial_year))
        ax.set_xticks(np.arange(len(years)), labels=[str(y) for y in years])
        _value_axis(ax, lang, horizontal=False, n=len(years), floor=threshold, margin=0.18)
        handles = [_measure_patch(m, lang) for m in reversed(_STACK)]
        _legend(ax, handles, _text("title_new_returning", lang) if title is None else title)
        extra = [_text("partial_year", lang, year=partial_year)] if partial_year in years else []
        _add_footnote(ax, marks, threshold, lang, [*extra, *notes])
        _fix_ticks(ax)
    return ax


def _draw_stack(
    ax: Axes, x: float, cells: list[object], total: object, lang: str, threshold: int, partial: bool
) -> _Marks:
    marks = _Marks()
    base = 0.0
    pending: list[tuple[str, object]] = []
    for measure, value in zip(_STACK, cells):
        if not pending and _is_number(value):
            height = float(_plain(value))
            bar = ax.bar([x], [height], bottom=base, width=0.6, color=PALETTE[measure], linewidth=0)
            if partial:
                _mark_partial(bar.patches[0])
            if height > 0:
                color = "white" if measure == "returning_parents" else _TEXT
                ax.bar_label(bar, labels=[_format(value, lang, threshold)], label_type="center", fontsize=8,
                             color=color)
            base += height
            continue
        pending.append((measure, value))
        if suppression.is_suppressed(value):
            marks.masked = True
        elif not _is_number(value):
            marks.missing = True
    short = {"new_parents": _text("new_short", lang), "returning_parents": _text("returning_short", lang)}
    lines = [(f"{short[m]}{_colon(lang)}{_format(v, lang, threshold)}", _MUTED) for m, v in pending]
    if total is not None:
        lines.append((_format(total, lang, threshold), _TEXT))
        marks.masked |= suppression.is_suppressed(total)
        marks.missing |= _is_missing(total)
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
    _check_table(table, ["year", "retention_rate"], "retention_rate")
    threshold = _threshold(table)
    years = [int(y) for y in table["year"]]
    partial = _partial_flags(table)
    with house_style():
        ax = ax if ax is not None else _new_axes((6.3, 3.6))
        x = np.arange(len(years), dtype=float)
        marks = _draw_series(
            ax, x, table["retention_rate"].tolist(), color=PALETTE["retention"], width=0.55,
            lang=lang, threshold=threshold, kind="percent", partial=partial,
        )
        ax.set_xticks(x, labels=[f"{y} → {y + 1}" for y in years])
        _value_axis(ax, lang, horizontal=False, n=len(years), floor=1.0, kind="percent")
        ax.set_ylabel(i18n.label("retention", lang))
        ax.set_title(_text("title_retention", lang) if title is None else title)
        extra = [_text("partial_next", lang)] if any(partial) else []
        _add_footnote(ax, marks, threshold, lang, [*extra, *notes])
        _fix_ticks(ax)
    return ax


def _partial_flags(table: pd.DataFrame) -> list[bool]:
    if "next_year_partial" not in table.columns:
        return [False] * len(table)
    return [bool(v) if not _is_missing(v) else False for v in table["next_year_partial"]]


# --------------------------------------------------------------------------- alt texts


def _alt(title: str, items: list[str], lang: str, tail: Sequence[str] = ()) -> str:
    body = _semicolon(lang).join(items)
    text = f"{title}{_colon(lang)}{body}." if items else f"{title}."
    return " ".join([text, *[f"{t}." for t in tail if t]])


def alt_text_people_per_year(table: pd.DataFrame, lang: str = "fr", *, partial_year: int | None = None) -> str:
    """Alt text of :func:`people_per_year`, built from the same table.

    Returns
    -------
    str
        e.g. "Parents et enfants touchés par année : 2022 : 696 parents, 569 enfants ; ...".
        Masked counts read "parents : non publié", missing ones "parents : pas de données".

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing.
    """
    i18n.check_lang(lang)
    _check_table(table, ["year", "parents", "children"], "alt_text_people_per_year")
    threshold = _threshold(table)
    nouns = {m: i18n.label(m, lang).lower() for m in ("parents", "children")}
    items = [
        f"{int(row.year)}{_colon(lang)}"
        + ", ".join(_spoken(getattr(row, m), nouns[m], lang, threshold) for m in ("parents", "children"))
        for row in table.itertuples(index=False)
    ]
    tail = [_text("partial_year", lang, year=partial_year)] if partial_year in [int(y) for y in table["year"]] else []
    return _alt(_text("title_per_year", lang), items, lang, tail)


def _alt_by_group(table: pd.DataFrame, categories: list[str], measures: list[str], title: str, lang: str,
                  tail: Sequence[str]) -> str:
    threshold = _threshold(table)
    items = []
    for name, (_, row) in zip(categories, table.iterrows()):
        spoken = ", ".join(_spoken(row[m], i18n.label(m, lang).lower(), lang, threshold) for m in measures)
        items.append(f"{name}{_colon(lang)}{spoken}")
    return _alt(title, items, lang, tail)


def alt_text_people_by_province(
    table: pd.DataFrame, lang: str = "fr", *, measures: Sequence[str] = ("parents", "children")
) -> str:
    """Alt text of :func:`people_by_province` ("... par province, 2024 : Hainaut : 410 parents, ...").

    Raises
    ------
    ParameterError
        If ``lang``, a measure or a province code is invalid, or a column is missing.
    """
    i18n.check_lang(lang)
    measures = _check_measures(measures)
    _check_table(table, ["province_nis", *measures], "alt_text_people_by_province", keys=["province_nis"])
    categories = [i18n.province_label(code, lang) for code in table["province_nis"]]
    title = _with_year(_text("title_by_province", lang), _single_year(table))
    return _alt_by_group(table, categories, measures, title, lang, [_text("multi_province", lang)])


def alt_text_people_by_relay(
    table: pd.DataFrame, lang: str = "fr", *, measures: Sequence[str] = ("parents", "children")
) -> str:
    """Alt text of :func:`people_by_relay`.

    Raises
    ------
    ParameterError
        If ``lang`` or a measure is invalid, or a column is missing.
    """
    i18n.check_lang(lang)
    measures = _check_measures(measures)
    _check_table(table, ["relay_name", *measures], "alt_text_people_by_relay", keys=["relay_name"])
    categories = [_short_relay_name(name) for name in table["relay_name"]]
    title = _with_year(_text("title_by_relay", lang), _single_year(table))
    return _alt_by_group(table, categories, measures, title, lang, [_text("multi_relay", lang)])


def alt_text_activity_types(table: pd.DataFrame, lang: str = "fr", *, measure: str = "attendances") -> str:
    """Alt text of :func:`activity_types`.

    Returns
    -------
    str
        e.g. "Participations par type d'activité, 2024 : Atelier créatif : 1 234 ; ...".

    Raises
    ------
    ParameterError
        If ``lang`` or ``measure`` is invalid, or a column is missing.
    """
    i18n.check_lang(lang)
    measure = _check_measures([measure])[0]
    _check_table(table, ["type", measure], "alt_text_activity_types", keys=["type"])
    threshold = _threshold(table)
    ordered = _order_types(table)
    items = [
        f"{_activity_label(code, lang)}{_colon(lang)}{_spoken(value, '', lang, threshold)}"
        for code, value in zip(ordered["type"], ordered[measure])
    ]
    title = _with_year(_text("title_by_type", lang, measure=i18n.label(measure, lang)), _single_year(table))
    return _alt(title, items, lang)


def alt_text_new_vs_returning(table: pd.DataFrame, lang: str = "fr", *, partial_year: int | None = None) -> str:
    """Alt text of :func:`new_vs_returning` ("2023 : 936 nouveaux, 248 revenus, sur 1 184 parents ; ...").

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing.
    """
    i18n.check_lang(lang)
    _check_table(table, ["year", *_STACK], "alt_text_new_vs_returning")
    threshold = _threshold(table)
    items = []
    for _, row in table.iterrows():
        parts = [
            _spoken(row["new_parents"], _text("new_short", lang), lang, threshold),
            _spoken(row["returning_parents"], _text("returning_short", lang), lang, threshold),
        ]
        if "parents" in table.columns:
            parts.append(_of_parents(row["parents"], lang, threshold))
        items.append(f"{int(row['year'])}{_colon(lang)}{', '.join(parts)}")
    tail = [_text("partial_year", lang, year=partial_year)] if partial_year in [int(y) for y in table["year"]] else []
    return _alt(_text("title_new_returning", lang), items, lang, tail)


def _of_parents(value: object, lang: str, threshold: int) -> str:
    """``"sur 1 184 parents"``, ``"sur un nombre non publié de parents"``."""
    if suppression.is_suppressed(value):
        return _text("of_unpublished", lang)
    if _is_missing(value):
        return _text("no_data_of", lang, noun=i18n.label("parents", lang).lower())
    return _text("of_parents", lang, n=_spoken(value, "", lang, threshold))


def alt_text_retention_rate(table: pd.DataFrame, lang: str = "fr") -> str:
    """Alt text of :func:`retention_rate` ("2022 → 2023 : 35,6 % (248 sur 696 parents) ; ...").

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing.
    """
    i18n.check_lang(lang)
    _check_table(table, ["year", "retention_rate"], "alt_text_retention_rate")
    threshold = _threshold(table)
    items = []
    for (_, row), partial in zip(table.iterrows(), _partial_flags(table)):
        year = int(row["year"])
        text = f"{year} → {year + 1}{_colon(lang)}{_spoken(row['retention_rate'], '', lang, threshold, 'percent')}"
        details = []
        if "seen_next_year" in table.columns and "parents" in table.columns:
            seen = _spoken(row["seen_next_year"], "", lang, threshold)
            details.append(f"{seen} {_of_parents(row['parents'], lang, threshold)}")
        if partial:
            details.append(_text("lower_bound", lang, year=year + 1))
        items.append(text + (f" ({', '.join(details)})" if details else ""))
    return _alt(_text("title_retention", lang), items, lang)


# --------------------------------------------------------------------------- saving

FORMATS = ("png", "svg", "pdf")


def _metadata(fmt: str, title: str, alt_text: str) -> dict[str, Any]:
    if fmt == "png":
        return {"Software": None, "Title": title, "Description": alt_text}
    if fmt == "svg":
        return {"Date": None, "Creator": None, "Description": alt_text}
    return {
        "CreationDate": None, "ModDate": None, "Producer": None, "Creator": None, "Title": title, "Subject": alt_text,
    }


def _figure_title(figure: Figure, alt_text: str) -> str:
    titles = [ax.get_title(loc) for ax in figure.axes for loc in ("left", "center", "right") if ax.get_title(loc)]
    return " / ".join(titles) if titles else alt_text


def _accessible_svg(svg: bytes, name: str, title: str, alt_text: str) -> bytes:
    """Add ``role="img"``, ``<title>`` and ``<desc>`` right after the root ``<svg>`` tag.

    Their ids derive from the file name (``<name>-title``, ``<name>-desc``) so that
    several figures inlined in one HTML page keep unique ids.
    """
    text = svg.decode("utf-8")
    match = re.search(r"<svg\b[^>]*>", text)
    if match is None:  # pragma: no cover - matplotlib always writes one
        return svg
    ident = re.sub(r"[^A-Za-z0-9_-]", "-", name) or "figure"
    tag = match.group(0).replace("<svg ", f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" ', 1)
    extra = (f'\n <title id="{ident}-title">{escape(title)}</title>'
             f'\n <desc id="{ident}-desc">{escape(alt_text)}</desc>')
    return (text[: match.start()] + tag + extra + text[match.end():]).encode("utf-8")


def _check_formats(formats: Sequence[str]) -> list[str]:
    formats = [formats] if isinstance(formats, str) else list(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise ParameterError(
            f"Format(s) d'image inconnu(s) : {bad!r}. Valeurs possibles : {', '.join(FORMATS)}.",
            f"Unknown image format(s): {bad!r}. Valid values: {', '.join(FORMATS)}.",
        )
    return formats


def save_figure(
    fig: Figure,
    path_stem: str | Path,
    *,
    table: pd.DataFrame | None = None,
    alt_text: str,
    formats: Sequence[str] = ("png", "svg"),
    lang: str = "fr",
    count_columns: Sequence[str] | None = None,
) -> list[Path]:
    """Write a figure deterministically, with its table and alt text beside it.

    Same figure, same bytes: the SVG hash salt is fixed and dates/software are
    stripped (PNG ``Software``; SVG ``Date``, ``Creator``; PDF ``CreationDate``,
    ``ModDate``, ``Producer``, ``Creator``). PNG files are 200 dpi. The alt text is
    embedded in every file: PNG ``Description`` text chunk (and ``Title``), SVG
    ``<title>`` (the axes titles, else the alt text) and ``<desc>`` (the alt text)
    as first children of the root element, which gets ``role="img"`` and
    ``aria-labelledby`` (ids ``<stem name>-title``/``-desc``), and PDF ``Subject``
    (and ``Title``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        e.g. ``ax.figure`` of a chart function.
    path_stem : str or Path
        Path without extension: ``out/people_per_year`` gives
        ``out/people_per_year.png``... Parent folders are created.
    table : pandas.DataFrame, optional
        Published table the figure was drawn from, written to ``<stem>.csv`` through
        :func:`relais_analysis.privacy.publication.write_published_table` (formula-safe) **before** any image,
        so a table with an unmasked small count stops everything.
    alt_text : str
        Text alternative (see the ``alt_text_*`` functions); also written to
        ``<stem>.alt.txt`` (UTF-8, final newline).
    formats : sequence of {"png", "svg", "pdf"}
    lang : {"fr", "en"}
        Language of the masked label in the CSV.
    count_columns : sequence of str, optional
        Passed to :func:`relais_analysis.privacy.checks.check_publishable`.

    Returns
    -------
    list of Path
        The images in ``formats`` order, then the CSV (if ``table``), then the alt text.

    Raises
    ------
    PrivacyError
        If ``table`` is not publishable (nothing is written).
    ParameterError
        If a format is unknown, ``alt_text`` is empty or ``lang`` is invalid.
    """
    i18n.check_lang(lang)
    formats = _check_formats(formats)
    if not isinstance(alt_text, str) or not alt_text.strip():
        raise ParameterError(
            "Texte alternatif manquant : décrivez la figure (voir les fonctions alt_text_*).",
            "Missing alt text: describe the figure (see the alt_text_* functions).",
        )
    stem = Path(path_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    csv_path = None
    if table is not None:
        csv_path = write_published_table(table, stem.parent / f"{stem.name}.csv", lang=lang,
                                         count_columns=count_columns)  # checked, formula-safe
    title = _figure_title(fig, alt_text)
    with house_style():
        for fmt in formats:
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=_metadata(fmt, title, alt_text))
            data = buffer.getvalue()
            if fmt == "svg":
                data = _accessible_svg(data, stem.name, title, alt_text)
            path = stem.parent / f"{stem.name}.{fmt}"
            path.write_bytes(data)
            written.append(path)
    if csv_path is not None:
        written.append(csv_path)
    alt_path = stem.parent / f"{stem.name}.alt.txt"
    alt_path.write_bytes((alt_text.strip() + "\n").encode("utf-8"))
    written.append(alt_path)
    return written


# --------------------------------------------------------------------------- annual figures


def _columns(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The drawn columns of a published table, keeping its masking metadata."""
    subset = table[[c for c in columns if c in table.columns]].reset_index(drop=True)
    subset.attrs.update(table.attrs)
    return subset


def figures_from_tables(
    tables: TableSet,
    out_dir: str | Path,
    *,
    lang: str = "fr",
    synthetic: bool = False,
    as_of: dt.date | None = None,
    formats: Sequence[str] = ("png", "svg"),
) -> dict[str, list[Path]]:
    """Draw and save every chart of a report from its published tables (not the map).

    The tables come from :func:`relais_analysis.indicators.tables.publish_tables` (counts already
    protected), so the charts show exactly the numbers of the report's CSV tables.
    Each chart is drawn only if its table is in the set:

    ========================== ==========================================================
    key (file stem)            table
    ========================== ==========================================================
    ``people_per_year``        ``reach_per_year`` (years up to the report's year)
    ``people_by_province``     ``reach_by_province`` (Wallonia)
    ``people_by_relay``        ``reach_by_relay`` (a province), relays with attendances
    ``activity_types``         ``reach_by_activity_type``: attendances
    ``new_vs_returning``       ``new_vs_returning``
    ``retention_rate``         ``retention``: years N with N + 1 <= the report's year
    ========================== ==========================================================

    When ``as_of`` falls before 31 December of the report's year, that year is marked
    incomplete. Charts of synthetic data say so in their footnote and alt text.

    Parameters
    ----------
    tables : TableSet
        Published tables of one year and scope (or of one relay).
    out_dir : str or Path
        Folder for the files (``<key>.png``, ``.svg``, ``.csv``, ``.alt.txt``).
    lang : {"fr", "en"}
    synthetic : bool
    as_of : datetime.date, optional
        Extraction date of the data.
    formats : sequence of {"png", "svg", "pdf"}

    Returns
    -------
    dict of str to list of Path

    Raises
    ------
    ParameterError
        Unprotected tables or an invalid ``lang``.
    """
    i18n.check_lang(lang)
    if not tables.published:
        raise ParameterError("Les graphiques ne se dessinent qu'à partir de tableaux publiés (masqués).",
                             "Charts are only drawn from published (protected) tables.")
    year, t = tables.year, tables.tables
    partial = year if (as_of is not None and as_of.year == year and (as_of.month, as_of.day) != (12, 31)) else None
    notes = [f"{i18n.label('source', lang)}{_colon(lang)}{i18n.label('synthetic_data', lang)}"] if synthetic else []
    out = Path(out_dir)
    results: dict[str, list[Path]] = {}

    def save(key: str, ax: Axes, table: pd.DataFrame, alt: str) -> None:
        alt = " ".join([alt, *[f"{n}." for n in notes]])
        results[key] = save_figure(ax.figure, out / key, table=table, alt_text=alt, formats=formats, lang=lang)

    per_year = _columns(t["reach_per_year"], ["year", "parents", "children", "people_countable"])
    save("people_per_year", people_per_year(per_year, lang=lang, partial_year=partial, notes=notes), per_year,
         alt_text_people_per_year(per_year, lang, partial_year=partial))
    if "reach_by_province" in t:
        cols = ["year", "province_nis", "province_name", "parents", "children", "people_countable"]
        by_place = _columns(t["reach_by_province"], cols)
        save("people_by_province", people_by_province(by_place, lang=lang, notes=notes), by_place,
             alt_text_people_by_province(by_place, lang))
    elif "reach_by_relay" in t:
        relays = t["reach_by_relay"]
        relays = relays.loc[relays["attendances"].map(lambda v: suppression.is_suppressed(v) or (not pd.isna(v) and v > 0))]
        cols = ["year", "relay_id", "relay_name", "province_nis", "parents", "children", "people_countable"]
        by_place = _columns(relays, cols)
        save("people_by_relay", people_by_relay(by_place, lang=lang, notes=notes), by_place,
             alt_text_people_by_relay(by_place, lang))
    types = _columns(t["reach_by_activity_type"], ["year", "type", "attendances"])
    save("activity_types", activity_types(types, lang=lang, notes=notes), types, alt_text_activity_types(types, lang))
    returning = _columns(t["new_vs_returning"], ["year", "parents", "new_parents", "returning_parents", "share_new"])
    save("new_vs_returning", new_vs_returning(returning, lang=lang, partial_year=partial, notes=notes), returning,
         alt_text_new_vs_returning(returning, lang, partial_year=partial))
    if "retention" in t:
        kept = t["retention"]
        kept = _columns(kept.loc[kept["year"] + 1 <= year], list(kept.columns))
        save("retention_rate", retention_rate(kept, lang=lang, notes=notes), kept, alt_text_retention_rate(kept, lang))
    return results
