"""The tables of the exploration notebooks: French headers and numbers, partial years marked.

Headers come from the one column catalogue (``column.*`` of the text catalogue, the
same entries as the published CSV files: :func:`column_label`); numbers are formatted
by :mod:`relais_analysis.i18n` (``1 500``, ``12,3 %``, never ``0.842069``). A year that
the data's extraction date cuts is labelled with its months (``2025 : janvier-octobre``)
and left out of the year-on-year changes. Re-exported by
:mod:`relais_analysis.report.exploration`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from babel import dates as babel_dates

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.i18n import (
    LABELS,
    LOCALES,
    NO_DATA,
    catalogue,
    check_lang,
    format_decimal,
    format_int,
    format_km,
    format_percent,
    label,
    text,
)
from relais_analysis.privacy.masked import SUPPRESSED, is_missing, is_suppressed
from relais_analysis.privacy.published_columns import YES_NO

if TYPE_CHECKING:
    from relais_analysis.analysis import Analysis

__all__ = ["column_label", "french_table", "is_partial_year", "partial_note", "partial_year", "table_html",
           "year_changes", "year_label"]

#: Columns never shown (identifiers and flags the other columns already say).
_HIDDEN = {"people_countable", "province_nis", "nis", "residence", "residence_province_nis", "communes_added_nis"}
_PERCENT = {"share_new", "retention_rate", "share", "share_women", "share_covered", "share_within",
            "share_with_residence", "share_with_gender", "share_with_birth_year", "share_improved", "share_worse"}
_DECIMAL = {"rate_per_10000", "rate_per_100_households", "mean", "median", "median_before", "median_after",
            "hl_estimate", "hl_ci_low", "hl_ci_high", "mean_entry_stayed", "mean_entry_left"}
_KM = {"distance_km", "radius_km"}
_TEXTS = {"relay_id", "relay_name", "province_name", "name_fr", "residence_name", "type", "relays",
          "nearest_relay", "communes_added_names", "table", "file", "column", "reason_fr", "name", "measure",
          "instrument", "group", "wave", "note"}

# --------------------------------------------------------------------------- partial years


def is_partial_year(year: int, as_of: dt.date) -> bool:
    """True when the extraction date ``as_of`` falls inside ``year`` (before 31 December).

    >>> is_partial_year(2025, dt.date(2025, 10, 31)), is_partial_year(2025, dt.date(2025, 12, 31))
    (True, False)
    """
    return as_of.year == int(year) and (as_of.month, as_of.day) != (12, 31)


def year_label(year: object, as_of: dt.date | None, lang: str = "fr") -> str:
    """A year as readers see it: ``"2024"``, or ``"2025 : janvier-octobre"`` for a partial year.

    Month names are Babel's (``fr_BE``, ``en_GB``). A year without a number gives :data:`NO_DATA`.

    Raises
    ------
    ParameterError
        ``lang`` is not supported.
    """
    check_lang(lang)
    if is_missing(year):
        return NO_DATA
    year = int(year)  # type: ignore[call-overload]
    if as_of is None or not is_partial_year(year, as_of):
        return str(year)
    months = babel_dates.get_month_names("wide", locale=LOCALES[lang])
    return text("exploration.months", lang, year=year, months=f"{months[1]}-{months[as_of.month]}")


def partial_year(analysis: Analysis) -> int | None:
    """The analysis's year when the extraction date cuts it, else None."""
    return analysis.year if is_partial_year(analysis.year, analysis.dataset.as_of) else None


def partial_note(analysis: Analysis) -> str:
    """A sentence saying that the analysis's year is partial, or ``""``."""
    from relais_analysis.i18n import format_date

    if partial_year(analysis) is None:
        return ""
    return text("exploration.partial_note", analysis.lang,
                label=year_label(analysis.year, analysis.dataset.as_of, analysis.lang),
                date=format_date(analysis.dataset.as_of, analysis.lang))


def year_changes(table: pd.DataFrame, as_of: dt.date, columns: Sequence[str] = ("parents", "children")) -> pd.DataFrame:
    """Add ``change_<column>``: the change on the previous year, between full years only.

    A partial year (see :func:`is_partial_year`) and the year after a gap get no change
    (missing); a change involving a masked count is masked too.

    >>> t = pd.DataFrame({"year": [2023, 2024, 2025], "parents": [1000, 1500, 1300]})
    >>> year_changes(t, dt.date(2025, 10, 31), ["parents"])["change_parents"].tolist()
    [None, 0.5, None]
    """
    out = table.copy()
    years = [int(y) for y in out["year"]]
    for column in columns:
        values, changes = list(out[column]), []
        for i, year in enumerate(years):
            if i == 0 or years[i - 1] != year - 1 or is_partial_year(year, as_of):
                changes.append(None)
            elif is_suppressed(values[i]) or is_suppressed(values[i - 1]):
                changes.append(SUPPRESSED)
            elif is_missing(values[i]) or is_missing(values[i - 1]) or values[i - 1] == 0:
                changes.append(None)
            else:
                changes.append(float(values[i]) / float(values[i - 1]) - 1.0)
        out[f"change_{column}"] = pd.Series(changes, index=out.index, dtype=object)
    return out


# --------------------------------------------------------------------------- tables


def column_label(column: str, lang: str = "fr") -> str:
    """The header of a table column in ``lang`` (the column name itself when unknown).

    >>> column_label("new_parents"), column_label("share_covered", "en")
    ('Nouveaux parents', 'Share of the population covered')
    """
    check_lang(lang)
    if f"column.{column}" in catalogue():
        return text(f"column.{column}", lang)
    return label(column, lang) if column in LABELS else column


def _format_cell(value: object, column: str, lang: str, threshold: int) -> str:
    if is_suppressed(value) or is_missing(value):
        return format_int(value, lang, threshold=threshold)
    if isinstance(value, bool) or column in ("covered", "unstable", "overlap", "next_year_partial"):
        yes, no = YES_NO[lang]
        if column == "covered":
            return label("covered", lang) if value else label("not_covered", lang)
        return yes if value else no
    if column == "type":
        return label(str(value), lang) if str(value) in LABELS else str(value)
    if column in _TEXTS or not isinstance(value, (int, float)):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)
    if column in _PERCENT or column.startswith("change"):
        return format_percent(value, lang, threshold=threshold)
    if column in _DECIMAL:
        return format_decimal(value, lang, threshold=threshold)
    if column in _KM:
        return format_km(value, lang, 0 if float(value).is_integer() else 1)
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(value, lang, 2, threshold=threshold)
    return format_int(value, lang, threshold=threshold)


def french_table(frame: pd.DataFrame, lang: str = "fr", *, threshold: int | None = None,
                 columns: Iterable[str] | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """A table ready to read: headers in ``lang``, every cell a formatted string.

    Parameters
    ----------
    frame : DataFrame
        A (protected) table; masked cells show the masked label, missing ones ``–``.
    lang : {"fr", "en"}
    threshold : int, optional
        Threshold of the masked label (default: ``frame.attrs["threshold"]``, else 5).
    columns : iterable of str, optional
        Columns to show, in order (default: every column but identifiers).
    as_of : date, optional
        Extraction date: a partial year in a ``year`` column reads ``2025 : janvier-octobre``.

    Raises
    ------
    ParameterError
        ``lang`` is not supported.
    KeyError
        A requested column is not in ``frame``.
    """
    check_lang(lang)
    threshold = int(threshold or frame.attrs.get("threshold", DEFAULT_THRESHOLD))
    shown = list(columns) if columns is not None else [c for c in frame.columns if c not in _HIDDEN]
    missing = [c for c in shown if c not in frame.columns]
    if missing:
        raise KeyError(f"Columns not in the table: {missing}. Available: {list(frame.columns)}.")
    out = {}
    for column in shown:
        if column == "year":
            out[column_label(column, lang)] = [year_label(v, as_of, lang) for v in frame[column]]
        else:
            out[column_label(column, lang)] = [_format_cell(v, column, lang, threshold) for v in frame[column]]
    return pd.DataFrame(out, index=range(len(frame)), dtype=object)


def table_html(frame: pd.DataFrame, lang: str = "fr", *, title: str | None = None, **options: Any) -> str:
    """:func:`french_table` as an escaped HTML table (numbers right-aligned), with an optional title."""
    shown = french_table(frame, lang, **options)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    source = list(options["columns"]) if options.get("columns") is not None else [
        c for c in frame.columns if c not in _HIDDEN]
    numeric = [c not in _TEXTS and c != "province_name" for c in source]
    right = ' style="text-align:right"'
    rows = "".join(
        "<tr>" + "".join(f"<td{right if num else ''}>{html.escape(str(v))}</td>" for v, num in zip(row, numeric))
        + "</tr>" for row in shown.itertuples(index=False))
    caption = f"<h4>{html.escape(title)}</h4>" if title else ""
    return (f'{caption}<table class="relais-explore"><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")
