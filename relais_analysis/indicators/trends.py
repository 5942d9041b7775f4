"""The programme over its years (index page): parents, children, new and returning parents, activities.

Built from a scope's PROTECTED tables (``reach_per_year`` and ``new_vs_returning`` of
:attr:`relais_analysis.analysis.Analysis.tables`): every count is a cell already
published, masked where the publication masks it. A year whose data stop before
31 December (the extraction date ``Dataset.as_of`` falls inside it) is a *partial*
year: it is labelled with its months ("2025 : janvier-octobre") and left out of the
change figures, which compare two full years only (a partial year is never set
against a full one). A change is masked when either of its counts is.

The table's links (each count is a quantity of Wallonia's linked system; a change is
``count = (1 + change) * previous count``) are declared with the other links
(:mod:`relais_analysis.privacy.links`: its cells in ``link_cells``, the change in ``link_rules.RATES``).

>>> is_partial_year(2025, dt.date(2025, 10, 31)), is_partial_year(2024, dt.date(2025, 10, 31))
(True, False)
>>> period_label(2025, dt.date(2025, 10, 31))
'2025 : janvier-octobre'
>>> period_label(2024, dt.date(2025, 10, 31), "en")
'2024'
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from relais_analysis import i18n
from relais_analysis.config import PROGRAMME_START
from relais_analysis.errors import ParameterError
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed

__all__ = ["TREND_COUNTS", "change", "is_partial_year", "period_label", "programme_trends"]

#: Count columns of :func:`programme_trends` (people and activities, all already published).
TREND_COUNTS = ["parents", "children", "new_parents", "returning_parents", "activities",
                "parents_previous", "activities_previous"]


def is_partial_year(year: int, as_of: dt.date) -> bool:
    """True when the data of ``year`` stop before its 31 December (extraction date inside the year)."""
    return as_of < dt.date(int(year), 12, 31)


def _month_name(month: int, lang: str) -> str:
    from babel.dates import get_month_names

    return str(get_month_names("wide", locale=i18n.LOCALES[lang])[month])


def period_label(year: int, as_of: dt.date, lang: str = "fr") -> str:
    """``"2024"`` for a full year, ``"2025 : janvier-octobre"`` for a partial one.

    Raises
    ------
    ParameterError
        Invalid ``lang``.
    """
    lang = i18n.check_lang(lang)
    if not is_partial_year(year, as_of):
        return str(int(year))
    months = (_month_name(1, lang), _month_name(as_of.month, lang))
    return i18n.text("landing.partial_period", lang, year=int(year), first=months[0], last=months[1])


def change(count: object, previous: object) -> object:
    """Relative change ``count / previous - 1``, rounded to 3 decimals (0.1 % once printed).

    Masked (:data:`SUPPRESSED`) when either count is; missing (``pd.NA``) without a previous count.

    >>> change(110, 100), change(SUPPRESSED, 100) is SUPPRESSED, change(5, 0) is pd.NA
    (0.1, True, True)
    """
    if is_suppressed(count) or is_suppressed(previous):
        return SUPPRESSED
    if count is None or previous is None or pd.isna(count) or pd.isna(previous) or int(previous) == 0:
        return pd.NA
    return round(int(count) / int(previous) - 1, 3)


def programme_trends(tables: object, as_of: dt.date, *, since: int | None = None, lang: str = "fr") -> pd.DataFrame:
    """One row per year since ``since`` (default: the programme's start, 2022) from protected tables.

    Parameters
    ----------
    tables : TableSet
        A scope's PROTECTED tables (``published``), with ``reach_per_year`` and ``new_vs_returning``.
    as_of : date
        Extraction date of the data (``Dataset.as_of``): marks a partial year.
    since : int, optional
    lang : {"fr", "en"}
        Language of the ``period`` column.

    Returns
    -------
    DataFrame
        ``year``, ``period`` (``"2025 : janvier-octobre"``), ``partial``, ``parents``, ``children``,
        ``new_parents``, ``returning_parents``, ``activities``, and for each of parents and activities the
        previous year's count (``*_previous``, only when both years are full) and the change (``change_*``,
        a fraction; missing for a partial year, the first year, or after a partial year).

    Raises
    ------
    ParameterError
        The tables are not protected, or lack ``reach_per_year``.
    """
    if not getattr(tables, "published", False):
        raise ParameterError(*i18n.text_pair("indicator_error.trends_need_protected"))
    try:
        reach = tables.tables["reach_per_year"]
    except (AttributeError, KeyError):
        raise ParameterError(*i18n.text_pair("indicator_error.no_reach_per_year")) from None
    since = PROGRAMME_START.year if since is None else int(since)
    newret = tables.tables.get("new_vs_returning")
    by_year = {} if newret is None else {int(r["year"]): r for r in newret.to_dict("records")}
    rows = []
    previous: dict | None = None
    for record in sorted(reach.to_dict("records"), key=lambda r: int(r["year"])):
        year = int(record["year"])
        if year < since:
            continue
        partial = is_partial_year(year, as_of)
        nr = by_year.get(year, {})
        row = {"year": year, "period": period_label(year, as_of, lang), "partial": partial,
               "parents": record["parents"], "children": record["children"],
               "new_parents": nr.get("new_parents", pd.NA), "returning_parents": nr.get("returning_parents", pd.NA),
               "activities": record["activities"]}
        comparable = previous is not None and not partial and not previous["partial"] and previous["year"] == year - 1
        for measure in ("parents", "activities"):
            prev = previous[measure] if comparable else pd.NA
            row[f"{measure}_previous"] = prev
            row[f"change_{measure}"] = change(row[measure], prev) if comparable else pd.NA
        rows.append(row)
        previous = row
    columns = ["year", "period", "partial", "parents", "children", "new_parents", "returning_parents", "activities",
               "parents_previous", "change_parents", "activities_previous", "change_activities"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns[3:]:
        frame[column] = frame[column].astype(object)
    frame.attrs["threshold"] = getattr(tables, "threshold", None)
    return frame
