"""Cells of published tables as the charts read them: checks, numbers, spoken values.

A count cell of a published table holds a number,
:data:`~relais_analysis.privacy.suppression.SUPPRESSED` or ``pd.NA``; these helpers
check tables, format cells (``1 500``, ``n.p.``, ``–``) and say them in alt texts.
Texts come from the catalogue (``chart.*`` keys, :func:`relais_analysis.i18n.text`).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from relais_analysis import i18n
from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.indicators import reach
from relais_analysis.privacy import suppression
from relais_analysis.privacy.suppression import is_missing

__all__ = [
    "activity_label",
    "check_measures",
    "check_table",
    "colon",
    "format_cell",
    "is_number",
    "order_types",
    "partial_flags",
    "plain",
    "short_relay_name",
    "single_year",
    "spoken",
    "table_threshold",
    "with_year",
]


def colon(lang: str) -> str:
    """``"\u00a0: "`` in French, ``": "`` in English (catalogue key ``punct.colon``)."""
    return i18n.text("punct.colon", lang)


def is_number(value: object) -> bool:
    """Whether ``value`` is a real number (not a bool, not NaN)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return False
    return not bool(pd.isna(value))


def plain(value: object) -> object:
    """A numpy scalar as the Python number it holds; anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def table_threshold(table: pd.DataFrame) -> int:
    """The threshold of a published table (``attrs["threshold"]``, else 5), checked.

    Raises
    ------
    ParameterError
        If the table's threshold is invalid.
    """
    return suppression.check_threshold(table.attrs.get("threshold", DEFAULT_THRESHOLD))


def format_cell(value: object, lang: str, threshold: int, kind: str = "int") -> str:
    """A cell as drawn: ``"1\u202f500"``, ``"12,3\u00a0%"`` (``kind="percent"``), masked label or dash."""
    value = plain(value)
    if kind == "percent":
        return i18n.format_percent(value, lang, 1, threshold=threshold)
    return i18n.format_int(value, lang, threshold=threshold)


def spoken(value: object, noun: str, lang: str, threshold: int, kind: str = "int") -> str:
    """A value for alt text: ``"696 parents"``, ``"parents : non publié"``, ``"parents : pas de données"``."""
    if suppression.is_suppressed(value):
        return i18n.text("chart.not_published_of", lang, noun=noun) if noun else i18n.label("masked", lang)
    if is_missing(value):
        return i18n.text("chart.no_data_of", lang, noun=noun) if noun else i18n.label("no_data", lang).lower()
    return f"{format_cell(value, lang, threshold, kind)} {noun}".strip()


def check_table(
    table: object, columns: Sequence[str], function: str, keys: Sequence[str] = ("year",)
) -> pd.DataFrame:
    """Check that ``table`` has ``columns`` and that those not in ``keys`` hold cells."""
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            *i18n.text_pair("output_error.chart_not_a_table", function=function, type_name=type(table).__name__),
        )
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ParameterError(
            *i18n.text_pair("output_error.chart_missing_columns", function=function, missing=missing,
                            found=list(table.columns)),
        )
    for column in columns:
        if column in keys:
            continue
        bad = [v for v in table[column].tolist() if not (is_number(v) or is_missing(v) or suppression.is_suppressed(v))]
        if bad:
            raise ParameterError(
                *i18n.text_pair("output_error.chart_column_not_numbers", function=function, column=column, value=bad[0]),
            )
    return table


def single_year(table: pd.DataFrame) -> int | None:
    """The table's year if it holds exactly one, else ``None``."""
    if "year" not in table.columns:
        return None
    years = pd.unique(table["year"].dropna())
    return int(years[0]) if len(years) == 1 else None


def check_measures(measures: Sequence[str]) -> list[str]:
    """``measures`` as a list of known count columns.

    Raises
    ------
    ParameterError
        If a measure is unknown or none is given.
    """
    known = list(reach.COUNT_COLUMNS)
    measures = [measures] if isinstance(measures, str) else list(measures)
    bad = [m for m in measures if m not in known]
    if bad or not measures:
        raise ParameterError(
            *i18n.text_pair("output_error.unknown_measures", bad=bad, valid=', '.join(known)),
        )
    return measures


def short_relay_name(name: object) -> str:
    """A relay's name without the leading "Relais Familles Mono – "."""
    text = "" if is_missing(name) else str(name)
    return re.sub(r"^Relais Familles Mono\s*[–-]\s*", "", text)


def activity_label(code: object, lang: str) -> str:
    """Label of an activity type code; an unknown code as it is."""
    try:
        return i18n.label(str(code), lang)
    except KeyError:
        return str(code)


def order_types(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in the fixed display order of :data:`relais_analysis.i18n.ACTIVITY_TYPES`, unknown codes last."""
    order = {code: i for i, code in enumerate(i18n.ACTIVITY_TYPES)}
    rank = table["type"].map(lambda c: order.get(c, len(order))).to_numpy()
    return table.iloc[np.argsort(rank, kind="stable")]


def with_year(title: str, year: int | None) -> str:
    """``"<title>, <year>"``, or ``title`` when there is no single year."""
    return f"{title}, {year}" if year is not None else title


def partial_flags(table: pd.DataFrame) -> list[bool]:
    """Per row, whether the following year is incomplete (``next_year_partial``)."""
    if "next_year_partial" not in table.columns:
        return [False] * len(table)
    return [bool(v) if not is_missing(v) else False for v in table["next_year_partial"]]
