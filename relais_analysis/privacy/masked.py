"""What a cell of a protected table holds, and how a masked cell reads.

Cell conventions of a suppressed table (the output of
:func:`relais_analysis.privacy.suppress.suppress_small_counts`):

- count: a Python ``int`` (``0`` stays ``0``: a zero is never masked);
- masked: :data:`SUPPRESSED`;
- no data: ``pd.NA`` (distinct from zero, never masked);
- rate: a Python ``float`` (or :data:`SUPPRESSED`, or ``pd.NA``).

Count and rate columns of a suppressed table always have ``object`` dtype. Outputs
render :data:`SUPPRESSED` as ``"n.p."`` (:func:`masked_label`) with the footnote
"valeur non publiée pour protéger les petits effectifs" (:func:`footnote`), true for
primary and secondary cells alike.

This module is a leaf of the package (it imports only :mod:`relais_analysis.config`,
:mod:`relais_analysis.errors` and the text catalogue :mod:`relais_analysis.texts`), so
:mod:`relais_analysis.i18n` can recognise the sentinel without importing the rest of the
privacy stage; the list of languages comes from
:data:`relais_analysis.config.SUPPORTED_LANGS`, shared with ``i18n``. Its messages and
the footnote are in the catalogue (``privacy_error.*``, ``privacy.masked_footnote``).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD, MIN_THRESHOLD, SUPPORTED_LANGS
from relais_analysis.errors import ParameterError
from relais_analysis.texts import text, text_pair

__all__ = [
    "SUPPRESSED",
    "check_threshold",
    "footnote",
    "is_missing",
    "is_number",
    "is_suppressed",
    "masked_label",
]


# --------------------------------------------------------------------------- sentinel


class _Suppressed:
    """Type of the :data:`SUPPRESSED` sentinel (a singleton).

    - ``repr`` and ``str`` give ``SUPPRESSED``; outputs use :func:`masked_label`.
    - Hashable, picklable and copyable: unpickling/copying gives the same object,
      so ``value is SUPPRESSED`` always works.
    - ``bool(SUPPRESSED)`` is ``True`` (a masked cell always hides a count of at
      least 1) and never raises, unlike ``pd.NA``.
    - ``==`` is identity; ``<``, ``<=``, ``>``, ``>=`` are always ``False`` (like NaN),
      so pandas comparisons and sorting on object columns do not crash.
    - Arithmetic raises ``TypeError``: a sum over masked cells must fail loudly.
    - ``pd.isna(SUPPRESSED)`` is ``False``: masked is not "no data".
    """

    __slots__ = ()
    _instance: _Suppressed | None = None

    def __new__(cls) -> _Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __reduce__(self) -> str:
        return "SUPPRESSED"

    def __bool__(self) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("relais_analysis.privacy.masked.SUPPRESSED")

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    def __lt__(self, other: object) -> bool:
        return False

    __le__ = __gt__ = __ge__ = __lt__


#: Marker of a masked cell (see :class:`_Suppressed`).
SUPPRESSED = _Suppressed()


def is_suppressed(value: object) -> bool:
    """Whether ``value`` is the :data:`SUPPRESSED` marker."""
    return value is SUPPRESSED


# --------------------------------------------------------------------------- labels


def check_threshold(threshold: object) -> int:
    """Validate a small-cell threshold and return it as an ``int``.

    Raises
    ------
    ParameterError
        If ``threshold`` is not an integer or is below ``MIN_THRESHOLD`` (3).
    """
    if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, numbers.Integral):
        raise ParameterError(*text_pair("privacy_error.threshold_not_integer", threshold=threshold))
    if threshold < MIN_THRESHOLD:
        raise ParameterError(*text_pair("privacy_error.threshold_too_low", threshold=threshold,
                                        minimum=MIN_THRESHOLD, default=DEFAULT_THRESHOLD))
    return int(threshold)


def _check_lang(lang: str) -> str:
    if lang not in SUPPORTED_LANGS:
        raise ParameterError(*text_pair("privacy_error.unknown_language", language=lang,
                                        valid=", ".join(SUPPORTED_LANGS)))
    return lang


def masked_label(threshold: int = DEFAULT_THRESHOLD, lang: str = "fr") -> str:
    """Text shown in place of a masked cell: ``"n.p."`` ("non publié" / "not published").

    One label for every masked cell, true for all of them: a cell masked because it
    is small (primary suppression) and a cell masked to protect another one
    (secondary suppression, which may hold any value) read the same, so a reader is
    never told that a masked value is small. Same text in both languages; the
    threshold is still checked (it appears in the methodology, not in the label).

    Examples
    --------
    >>> masked_label(), masked_label(10, "en")
    ('n.p.', 'n.p.')

    Raises
    ------
    ParameterError
        If ``threshold`` is invalid or ``lang`` is not ``"fr"`` or ``"en"``.
    """
    _check_lang(lang)
    check_threshold(threshold)
    return "n.p."


def footnote(threshold: int = DEFAULT_THRESHOLD, lang: str = "fr") -> str:
    """Footnote explaining masked cells, true for every one of them.

    Examples
    --------
    >>> footnote()
    'n.p.\\xa0: valeur non publiée pour protéger les petits effectifs'
    >>> footnote(5, "en")
    'n.p.: value not published to protect small counts'

    Raises
    ------
    ParameterError
        If ``threshold`` is invalid or ``lang`` is not ``"fr"`` or ``"en"``.
    """
    return text("privacy.masked_footnote", _check_lang(lang), label=masked_label(threshold, lang))


# --------------------------------------------------------------------------- cell helpers


def is_missing(value: object) -> bool:
    """"No data": ``None``, ``pd.NA``, ``NaN`` or ``NaT`` (never :data:`SUPPRESSED`, never zero)."""
    if value is SUPPRESSED or np.ndim(value) != 0:
        return False
    return bool(pd.isna(value))


def is_number(value: object) -> bool:
    """A real number that is not a boolean (``True`` is not a count)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))

