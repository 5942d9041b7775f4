"""Labels and number formatting in French (default) and English.

Numbers are formatted with Babel (locales ``fr_BE`` and ``en_GB``), never with the
system locale (no French locale is installed on the build machines). What Babel
2.18 gives, and therefore what these functions return:

- ``format_int(1500)``: ``"1\\u202f500"`` / ``"1,500"``
- ``format_percent(0.123)``: ``"12,3\\u00a0%"`` / ``"12.3%"``
- ``format_decimal(3.25)``: ``"3,2"`` / ``"3.2"`` (half to even)
- ``format_km(12.34)``: ``"12,3\\u00a0km"`` / ``"12.3\\u00a0km"``
- ``format_date(date(2025, 10, 31))``: ``"31 octobre 2025"`` / ``"31 October 2025"``

The French thousands separator is a narrow no-break space (U+202F), the space
before ``%`` a no-break space (U+00A0), as in Babel's ``fr_BE`` data.

Every formatter maps :data:`~relais_analysis.privacy.masked.SUPPRESSED` to the masked
label (``"<\\u00a05"``) and "no data" (``None``, ``pd.NA``, ``NaN``, ``NaT``) to
:data:`NO_DATA`, an en dash ``"–"`` in both languages (never ``"0"``).

Text catalogue
--------------
Every word a reader sees lives in one catalogue (:mod:`relais_analysis.texts`, whose
functions this module re-exports), French and English side by side:
``relais_analysis/texts/<domain>.toml`` (package data), loaded once on first use.
A key is ``<domain>.<name>``: the file name, then the TOML table path, e.g. the table
``[title_per_year]`` of ``chart.toml`` is ``"chart.title_per_year"`` and
``[chapter.heading]`` of ``outcome.toml`` is ``"outcome.chapter.heading"``. Each key
has exactly ``fr`` and ``en``; ``{name}`` fields are filled by :meth:`str.format`
(write a literal brace as ``{{``). Invisible characters are written as escapes
(``\\u00a0`` no-break space, ``\\u202f`` narrow no-break space) so they can be seen.

- :func:`text` ``(key, lang, **fields)``: one text, e.g.
  ``text("chart.partial_year", "fr", year=2024)`` -> ``"2024\\u00a0: année incomplète
  (données partielles)"``;
- :func:`text_pair` ``(key, **fields)``: ``(fr, en)``, the two messages of a
  :class:`~relais_analysis.errors.RelaisError` (``ParameterError(*text_pair(...))``);
- :func:`text_keys` ``(prefix)``: the keys under a prefix (``"province."``...);
- :func:`templates` ``(prefix, lang)``: the unfilled texts under a prefix, by short name;
- :func:`label` ``(name, lang)`` is ``text("label." + name, lang)``;
- :func:`catalogue` ``()``: every key -> ``{"fr", "en"}``, read-only.

To add a text: add a table to the domain's file (or a new ``<domain>.toml``; the
folder is package data as a whole), with both ``fr`` and ``en`` and the same fields
in both; ``tests/test_texts.py`` checks that, and that the key is unique.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import numbers
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from babel import Locale
from babel import dates as _babel_dates
from babel import numbers as _babel_numbers

from relais_analysis.config import DEFAULT_THRESHOLD, PROVINCES, SUPPORTED_LANGS, WALLONIA_NIS
from relais_analysis.errors import ParameterError
from relais_analysis.privacy.masked import is_missing, is_suppressed, masked_label
from relais_analysis.texts import catalogue, check_lang, templates, text, text_keys, text_pair

if TYPE_CHECKING:
    from matplotlib.ticker import FuncFormatter

__all__ = [
    "NO_DATA",
    "SUPPORTED_LANGS",
    "catalogue",
    "check_lang",
    "format_date",
    "format_decimal",
    "format_int",
    "format_km",
    "format_percent",
    "label",
    "matplotlib_formatter",
    "province_label",
    "templates",
    "text",
    "text_keys",
    "text_pair",
]

#: Babel locale used for each language.
LOCALES: dict[str, str] = {"fr": "fr_BE", "en": "en_GB"}
#: Text of a "no data" cell in both languages (en dash, U+2013).
NO_DATA = "\u2013"

_NBSP = "\u00a0"
_NNBSP = "\u202f"


# --------------------------------------------------------------------------- numbers


def _special(value: object, lang: str, threshold: int) -> str | None:
    """Text for masked and missing values, ``None`` for anything else."""
    check_lang(lang)
    if is_suppressed(value):
        return masked_label(threshold, lang)
    if is_missing(value):
        return NO_DATA
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise ParameterError(*text_pair("format_error.not_a_number", value=value))
    return None


def _check_decimals(decimals: object) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ParameterError(*text_pair("format_error.invalid_decimals", decimals=decimals))
    return int(decimals)


def _decimal_pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def format_int(value: object, lang: str = "fr", *, threshold: int = DEFAULT_THRESHOLD) -> str:
    """Format a count: ``1500`` -> ``"1\\u202f500"`` (fr) / ``"1,500"`` (en).

    Parameters
    ----------
    value : int, float, SUPPRESSED or missing
        A float is rounded to a whole number (half to even: ``2.5`` -> ``"2"``).
    lang : {"fr", "en"}
    threshold : int, default 5
        Threshold shown for :data:`~relais_analysis.privacy.masked.SUPPRESSED` (``"<\\u00a05"``).

    Returns
    -------
    str
        French uses a narrow no-break space (U+202F) between thousands, as Babel's
        ``fr_BE`` data does. ``0`` gives ``"0"``; missing values give :data:`NO_DATA`.

    Raises
    ------
    ParameterError
        If ``lang`` is not supported or ``value`` is not a number.
    """
    special = _special(value, lang, threshold)
    if special is not None:
        return special
    return _babel_numbers.format_decimal(value, format="#,##0", locale=LOCALES[lang])


def format_decimal(
    value: object, lang: str = "fr", decimals: int = 1, *, threshold: int = DEFAULT_THRESHOLD
) -> str:
    """Format a number with a fixed number of decimals: ``3.25`` -> ``"3,2"`` / ``"3.2"``.

    Rounding is Babel's: half to even on the shortest decimal form of the float
    (``3.25`` -> ``"3,2"``, ``3.35`` -> ``"3,4"``, ``0.45`` -> ``"0,4"``). Thousands are
    grouped as in :func:`format_int`.

    Raises
    ------
    ParameterError
        If ``lang`` or ``decimals`` is invalid or ``value`` is not a number.
    """
    decimals = _check_decimals(decimals)
    special = _special(value, lang, threshold)
    if special is not None:
        return special
    return _babel_numbers.format_decimal(
        value, format=_decimal_pattern(decimals), locale=LOCALES[lang]
    )


def format_percent(
    share: object, lang: str = "fr", decimals: int = 1, *, threshold: int = DEFAULT_THRESHOLD
) -> str:
    """Format a share as a percentage: ``0.123`` -> ``"12,3\\u00a0%"`` / ``"12.3%"``.

    ``share`` is a fraction (1.0 is 100 %). The pattern is the locale's own percent
    pattern with ``decimals`` decimals: French puts a no-break space (U+00A0) before
    ``%``, English none. Rounding as in :func:`format_decimal`.

    Raises
    ------
    ParameterError
        If ``lang`` or ``decimals`` is invalid or ``share`` is not a number.
    """
    decimals = _check_decimals(decimals)
    special = _special(share, lang, threshold)
    if special is not None:
        return special
    base = Locale.parse(LOCALES[lang]).percent_formats[None].pattern
    pattern = base.replace("#,##0", _decimal_pattern(decimals), 1)
    return _babel_numbers.format_percent(share, format=pattern, locale=LOCALES[lang])


def format_km(value: object, lang: str = "fr", decimals: int = 1) -> str:
    """Format a distance in kilometres: ``12.34`` -> ``"12,3\\u00a0km"`` / ``"12.3\\u00a0km"``.

    A no-break space (U+00A0) separates number and unit. Missing values give
    :data:`NO_DATA` (without unit).

    Raises
    ------
    ParameterError
        If ``lang`` or ``decimals`` is invalid or ``value`` is not a number.
    """
    text = format_decimal(value, lang, decimals)
    if is_missing(value) or is_suppressed(value):
        return text
    return f"{text}{_NBSP}km"


def format_date(value: object, lang: str = "fr") -> str:
    """Format a date in full: ``"31 octobre 2025"`` / ``"31 October 2025"``.

    Accepts a ``date``, a ``datetime``/``Timestamp`` (time ignored) or an ISO string
    (``"2025-10-31"``, as papermill passes dates). French writes the first day of a
    month ``"1er"`` (``"1er octobre 2025"``), which Babel does not do. Missing values
    give :data:`NO_DATA`.

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or ``value`` is not a date.
    """
    check_lang(lang)
    if is_missing(value):
        return NO_DATA
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ParameterError(*text_pair("format_error.invalid_date", value=value)) from None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if not isinstance(value, _dt.date):
        raise ParameterError(*text_pair("format_error.not_a_date", value=value))
    text = _babel_dates.format_date(value, format="long", locale=LOCALES[lang])
    if lang == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return text


# --------------------------------------------------------------------------- labels


class _Labels(Mapping[str, Mapping[str, str]]):
    """Read-only view of the ``label.*`` texts of the catalogue, by short name."""

    def __getitem__(self, name: str) -> Mapping[str, str]:
        return catalogue()[f"label.{name}"]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return (key.removeprefix("label.") for key in text_keys("label."))

    def __len__(self) -> int:
        return len(text_keys("label."))


#: UI labels, name -> {"fr": ..., "en": ...}: the ``label.*`` keys of the catalogue
#: (``texts/label.toml``). Sentence case, no final punctuation.
LABELS: Mapping[str, Mapping[str, str]] = _Labels()

#: Activity type codes, in display order.
ACTIVITY_TYPES: tuple[str, ...] = (
    "atelier_creatif", "sortie_culturelle", "plein_air", "sejour",
    "rencontre", "information", "evenement", "autre",
)


def label(key: str, lang: str = "fr") -> str:
    """UI label for ``key``: ``text("label." + key, lang)`` (see :data:`LABELS`).

    ``label("masked")`` is the short form; the footnote with the threshold is
    :func:`relais_analysis.privacy.masked.footnote`.

    Raises
    ------
    KeyError
        If ``key`` is unknown; the message suggests close keys.
    ParameterError
        If ``lang`` is not supported.
    """
    check_lang(lang)
    try:
        return catalogue()[f"label.{key}"][lang]
    except (KeyError, TypeError):
        close = difflib.get_close_matches(str(key), list(LABELS), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        known = ", ".join(LABELS)
        raise KeyError(f"Unknown label key {key!r}.{hint} Known keys: {known}.") from None


def province_label(nis: object, lang: str = "fr") -> str:
    """Name of a Walloon province from its REFNIS code (``20002`` or ``"20002"``).

    ``"03000"`` (the Walloon Region) gives ``"Wallonie"`` / ``"Wallonia"``.

    Raises
    ------
    ParameterError
        If the code is not a Walloon province (the message lists the valid codes)
        or ``lang`` is not supported.
    """
    check_lang(lang)
    code = str(nis).strip()
    if isinstance(nis, numbers.Integral) or code.isdigit():
        code = code.zfill(5)
    if code == WALLONIA_NIS:
        return label("wallonia", lang)
    if code not in PROVINCES:
        raise ParameterError(*text_pair("format_error.unknown_province_code", nis=nis, valid=", ".join(PROVINCES)))
    return text(f"province.{code}", lang)


# --------------------------------------------------------------------------- matplotlib

_FORMATTERS: dict[str, Callable[..., str]] = {
    "int": lambda x, lang, decimals: format_int(x, lang),
    "decimal": format_decimal,
    "percent": format_percent,
    "km": format_km,
}


def matplotlib_formatter(kind: str = "int", lang: str = "fr", decimals: int = 1) -> FuncFormatter:
    """Tick formatter for matplotlib axes using this module's formatting.

    Parameters
    ----------
    kind : {"int", "decimal", "percent", "km"}
        ``"percent"`` expects shares (0.25 -> ``"25,0\\u00a0%"``).
    lang : {"fr", "en"}
    decimals : int, default 1
        Ignored for ``"int"``.

    Examples
    --------
    >>> ax.yaxis.set_major_formatter(matplotlib_formatter("percent", "fr", 0))  # doctest: +SKIP

    Raises
    ------
    ParameterError
        If ``kind``, ``lang`` or ``decimals`` is invalid.
    """
    from matplotlib.ticker import FuncFormatter

    check_lang(lang)
    _check_decimals(decimals)
    if kind not in _FORMATTERS:
        raise ParameterError(*text_pair("format_error.unknown_format_kind", kind=kind, valid=", ".join(_FORMATTERS)))
    function = _FORMATTERS[kind]

    def _format(x: Any, pos: Any = None) -> str:
        return function(x, lang, decimals)

    return FuncFormatter(_format)
