"""Classes of a commune indicator, shared by the interactive and the printed maps.

Both maps (:mod:`relais_analysis.outputs.maps` in the browser, :func:`relais_analysis.outputs.charts.choropleth`
on paper) classify the same values the same way, so a funder comparing the two sees the
same classes, colours and legend: zero is a class of its own, the positive values are split
by mapclassify's exact Fisher-Jenks optimisation (deterministic, unlike its sampled
``NaturalBreaks``) or by quantiles, on ColorBrewer's colour-blind-safe YlGnBu palette.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np

from relais_analysis import i18n
from relais_analysis.errors import ParameterError

__all__ = [
    "MAX_CLASSES", "RANGE_SEPARATOR", "SCHEMES", "VALUE_KINDS", "MapClasses", "check_choice", "check_k", "check_number",
    "classify", "format_number",
]

#: Classification schemes accepted by :func:`coverage_map` and :func:`classify`.
SCHEMES: tuple[str, ...] = ("natural_breaks", "quantiles")
#: Kinds of indicator, which decide number formatting (rate: 1 decimal; share: %).
VALUE_KINDS: tuple[str, ...] = ("rate", "count", "km", "share")
#: At most this many classes of positive values (the zero class comes on top).
MAX_CLASSES = 8
#: Values are classified at this resolution, finer than any legend label: a distance
#: of 0.2 m (a relay placed at the commune's point, coordinates rounded) is a zero.
_RESOLUTION: dict[str, int] = {"rate": 3, "km": 3, "share": 5}  # decimals kept
#: Between the bounds of a class in the legend: ``"12,3 – 45,6"`` (no-break spaces).
RANGE_SEPARATOR = "\u00a0\u2013\u00a0"

# ColorBrewer YlGnBu (colour-blind safe, print friendly), by number of classes.
_YLGNBU: dict[int, tuple[str, ...]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
    8: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
        "#0c2c84"),
    9: ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
        "#253494", "#081d58"),
}


def check_choice(value: object, choices: Sequence[str], name: str) -> str:
    """Return ``value`` if it is one of ``choices`` (``name`` is the parameter's name).

    Raises
    ------
    ParameterError
        Listing the valid values.
    """
    if value not in choices:
        raise ParameterError(
            *i18n.text_pair("output_error.unknown_choice", name=name, value=value, valid=', '.join(choices)),
        )
    return value  # type: ignore[return-value]


def check_k(k: object) -> int:
    """Return ``k`` as an int if it is a number of classes from 1 to :data:`MAX_CLASSES`.

    Raises
    ------
    ParameterError
        If ``k`` is not a whole number in that range.
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= MAX_CLASSES:
        raise ParameterError(
            *i18n.text_pair("output_error.invalid_classes", k=k, max_classes=MAX_CLASSES),
        )
    return int(k)


def check_number(value: object, column: str, row: object) -> float:
    """``value`` as a float if it is a finite number >= 0 (``column``/``row`` name it in the error).

    Raises
    ------
    ParameterError
        If ``value`` is not a number, not finite, or negative.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ParameterError(
            *i18n.text_pair("output_error.column_not_numbers", column=column, value=value, row=row),
            column=column,
        )
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ParameterError(
            *i18n.text_pair("output_error.column_negative", column=column, value=value, row=row),
            column=column,
        )
    return number


def format_number(
    value: float, kind: str, lang: str, *, unit: bool = True, decimals: int = 1
) -> str:
    """A non-missing number as the reader sees it; ``unit=False`` drops "km" (legend)."""
    if kind == "count":
        return i18n.format_int(value, lang)
    if kind == "share":
        return i18n.format_percent(value, lang, decimals)
    if kind == "km" and unit:
        return i18n.format_km(value, lang, decimals)
    return i18n.format_decimal(value, lang, decimals)


@dataclass(frozen=True)
class MapClasses:
    """Classes of a commune indicator, as drawn and as listed in the legend.

    Attributes
    ----------
    bins : tuple of float
        Upper bounds of the classes of positive values (mapclassify's ``bins``; with
        no more distinct values than classes, the distinct values themselves).
    labels : tuple of str
        Legend text of each class of positive values (formatted bounds).
    colors : tuple of str
        Fill colour of each class of positive values.
    zero_label, zero_color : str or None
        Legend text and colour of the zero class, ``None`` when no value is zero.
    scheme : str
        ``"natural_breaks"`` or ``"quantiles"``.
    value_kind : str
        Kind of the values (resolution of :meth:`color_for`).
    """

    bins: tuple[float, ...]
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    zero_label: str | None
    zero_color: str | None
    scheme: str
    value_kind: str = "rate"

    def color_for(self, value: float) -> str:
        """Fill colour of a classified value (zero or positive).

        Raises
        ------
        ValueError
            If ``value`` is zero but no zero class exists, or there is no class at all.
        """
        value = _snap(value, self.value_kind)
        if value == 0:
            if self.zero_color is None:
                raise ValueError("no zero class: classify() saw no zero")
            return self.zero_color
        if not self.bins:
            raise ValueError("no class of positive values: classify() saw none")
        position = int(np.searchsorted(self.bins, value, side="left"))
        return self.colors[min(position, len(self.bins) - 1)]

    def position(self, value: float) -> int:
        """Row of a classified value in :meth:`legend` (zero class first)."""
        offset = 0 if self.zero_color is None else 1
        value = _snap(value, self.value_kind)
        if value == 0 and self.zero_color is not None:
            return 0
        if not self.bins:
            raise ValueError("no class of positive values: classify() saw none")
        return offset + min(int(np.searchsorted(self.bins, value, side="left")), len(self.bins) - 1)

    def legend(self) -> list[tuple[str, str]]:
        """``(colour, label)`` of each class, zero class first."""
        rows = list(zip(self.colors, self.labels, strict=True))
        if self.zero_color is not None and self.zero_label is not None:
            rows.insert(0, (self.zero_color, self.zero_label))
        return rows


def _snap(value: float, kind: str) -> float:
    """``value`` at the classification resolution (counts unchanged)."""
    return round(value, _RESOLUTION[kind]) if kind in _RESOLUTION else value


def _palette(n: int) -> tuple[str, ...]:
    if n <= 0:
        return ()
    if n == 1:
        return (_YLGNBU[3][1],)
    if n == 2:
        return (_YLGNBU[3][0], _YLGNBU[3][2])
    return _YLGNBU[n]


def _breaks(values: np.ndarray, scheme: str, k: int) -> tuple[float, ...]:
    """Upper bounds of the classes of ``values`` (positive, sorted)."""
    distinct = np.unique(values)
    if len(distinct) <= k:
        return tuple(float(v) for v in distinct)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Numba not installed")
        warnings.filterwarnings("ignore", message="Not enough unique values")
        if scheme == "quantiles":
            bins = mapclassify.Quantiles(values, k=k).bins
        else:
            bins = mapclassify.FisherJenks(values, k=k).bins
    return tuple(float(b) for b in np.unique(bins))


def _legend_decimals(bounds: Sequence[float], kind: str, lang: str) -> int:
    """Fewest decimals (1 to 3) that keep distinct bounds distinct in the legend.

    Distances of 0.01 and 0.04 km would otherwise both read "0,0".
    """
    distinct = len(set(bounds))
    for decimals in (1, 2):
        texts = {format_number(b, kind, lang, unit=False, decimals=decimals) for b in bounds}
        if len(texts) == distinct:
            return decimals
    return 3


def _class_labels(values: np.ndarray, bins: tuple[float, ...], kind: str, lang: str) -> list[str]:
    """Legend text of each class: ``"lower – upper"`` (a single value when exact).

    The first class starts at the smallest value, the next ones at the previous upper
    bound; counts show whole-number ranges (``"13 – 20"``); other kinds one decimal,
    or more where one would show two different bounds alike.
    """
    exact = len(np.unique(values)) == len(bins)
    decimals = _legend_decimals([float(values.min()), *bins] if bins else [], kind, lang)

    def fmt(number: float) -> str:
        return format_number(number, kind, lang, unit=False, decimals=decimals)

    labels = []
    for i, upper in enumerate(bins):
        if exact:
            labels.append(fmt(upper))
            continue
        lower = float(values.min()) if i == 0 else bins[i - 1]
        if kind == "count":
            high = math.floor(upper)
            low = min(math.ceil(lower) if i == 0 else math.floor(lower) + 1, high)
            text = fmt(high) if low == high else fmt(low) + RANGE_SEPARATOR + fmt(high)
        else:
            text = fmt(lower) + RANGE_SEPARATOR + fmt(upper)
        labels.append(text)
    return labels


def classify(
    values: Iterable[float],
    *,
    scheme: str = "natural_breaks",
    k: int = 5,
    value_kind: str = "rate",
    lang: str = "fr",
) -> MapClasses:
    """Classify indicator values for a choropleth: a zero class plus ``k`` classes.

    Values are first rounded to 3 decimals (shares: 5), so that a sub-metre distance
    counts as zero. Zeros get a class of their own (the palette's lightest colour); the
    positive values are split by mapclassify (:class:`~mapclassify.FisherJenks` for
    ``"natural_breaks"``, :class:`~mapclassify.Quantiles`). With ``k`` or fewer
    distinct positive values, each value is its own class.

    Parameters
    ----------
    values : iterable of float
        The values to classify: no missing or masked value (filter them first).
    scheme : {"natural_breaks", "quantiles"}
    k : int, default 5
        Classes of positive values, 1 to :data:`MAX_CLASSES`.
    value_kind : {"rate", "count", "km", "share"}
        Formatting of the legend bounds.
    lang : {"fr", "en"}

    Returns
    -------
    MapClasses

    Raises
    ------
    ParameterError
        If a parameter is invalid, or a value is not a finite number >= 0.
    """
    scheme = check_choice(scheme, SCHEMES, "scheme")
    k = check_k(k)
    value_kind = check_choice(value_kind, VALUE_KINDS, "value_kind")
    i18n.check_lang(lang)
    array = np.array(
        [_snap(check_number(v, "value", i), value_kind) for i, v in enumerate(values)], dtype=float
    )
    positive = np.sort(array[array > 0])
    has_zero = bool((array == 0).any())
    bins = _breaks(positive, scheme, k) if len(positive) else ()
    colors = _palette(len(bins) + has_zero)
    zero_label = None
    if has_zero:
        zero_label = i18n.format_percent(0, lang, 0) if value_kind == "share" else "0"
    return MapClasses(
        bins=bins,
        labels=tuple(_class_labels(positive, bins, value_kind, lang)),
        colors=colors[has_zero:],
        zero_label=zero_label,
        zero_color=colors[0] if has_zero else None,
        scheme=scheme,
        value_kind=value_kind,
    )
