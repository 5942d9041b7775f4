"""Alt texts of the charts, built from the same published tables as the charts.

Each ``alt_text_*`` function says what its chart shows ("Parents et enfants touchés par
année : 2022 : 696 parents, 569 enfants ; ..."); masked counts read "non publié",
missing ones "pas de données".
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from relais_analysis import i18n
from relais_analysis.outputs.charts.cells import (
    activity_label,
    check_measures,
    check_table,
    colon,
    order_types,
    partial_flags,
    short_relay_name,
    single_year,
    spoken,
    table_threshold,
    with_year,
)
from relais_analysis.outputs.charts.loyalty_charts import STACK
from relais_analysis.privacy import masked as suppression  # the sentinel, its label and the threshold check
from relais_analysis.privacy.masked import is_missing

__all__ = [
    "alt_text_activity_types",
    "alt_text_new_vs_returning",
    "alt_text_people_by_province",
    "alt_text_people_by_relay",
    "alt_text_people_per_year",
    "alt_text_retention_rate",
    "join_alt_text",
]


def join_alt_text(title: str, items: list[str], lang: str, tail: Sequence[str] = ()) -> str:
    """``"<title> : <item> ; <item>."`` followed by the ``tail`` sentences."""
    body = i18n.text("punct.semicolon", lang).join(items)
    text = f"{title}{colon(lang)}{body}." if items else f"{title}."
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
    check_table(table, ["year", "parents", "children"], "alt_text_people_per_year")
    threshold = table_threshold(table)
    nouns = {m: i18n.label(m, lang).lower() for m in ("parents", "children")}
    items = [
        f"{int(row.year)}{colon(lang)}"
        + ", ".join(spoken(getattr(row, m), nouns[m], lang, threshold) for m in ("parents", "children"))
        for row in table.itertuples(index=False)
    ]
    tail = [i18n.text("chart.partial_year", lang, year=partial_year)] if partial_year in [int(y) for y in table["year"]] else []
    return join_alt_text(i18n.text("chart.title_per_year", lang), items, lang, tail)


def _alt_by_group(table: pd.DataFrame, categories: list[str], measures: list[str], title: str, lang: str,
                  tail: Sequence[str]) -> str:
    threshold = table_threshold(table)
    items = []
    for name, (_, row) in zip(categories, table.iterrows()):
        said = ", ".join(spoken(row[m], i18n.label(m, lang).lower(), lang, threshold) for m in measures)
        items.append(f"{name}{colon(lang)}{said}")
    return join_alt_text(title, items, lang, tail)


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
    measures = check_measures(measures)
    check_table(table, ["province_nis", *measures], "alt_text_people_by_province", keys=["province_nis"])
    categories = [i18n.province_label(code, lang) for code in table["province_nis"]]
    title = with_year(i18n.text("chart.title_by_province", lang), single_year(table))
    return _alt_by_group(table, categories, measures, title, lang, [i18n.text("chart.multi_province", lang)])


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
    measures = check_measures(measures)
    check_table(table, ["relay_name", *measures], "alt_text_people_by_relay", keys=["relay_name"])
    categories = [short_relay_name(name) for name in table["relay_name"]]
    title = with_year(i18n.text("chart.title_by_relay", lang), single_year(table))
    return _alt_by_group(table, categories, measures, title, lang, [i18n.text("chart.multi_relay", lang)])


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
    measure = check_measures([measure])[0]
    check_table(table, ["type", measure], "alt_text_activity_types", keys=["type"])
    threshold = table_threshold(table)
    ordered = order_types(table)
    items = [
        f"{activity_label(code, lang)}{colon(lang)}{spoken(value, '', lang, threshold)}"
        for code, value in zip(ordered["type"], ordered[measure])
    ]
    title = with_year(i18n.text("chart.title_by_type", lang, measure=i18n.label(measure, lang)), single_year(table))
    return join_alt_text(title, items, lang)


def alt_text_new_vs_returning(table: pd.DataFrame, lang: str = "fr", *, partial_year: int | None = None) -> str:
    """Alt text of :func:`new_vs_returning` ("2023 : 936 nouveaux, 248 revenus, sur 1 184 parents ; ...").

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing.
    """
    i18n.check_lang(lang)
    check_table(table, ["year", *STACK], "alt_text_new_vs_returning")
    threshold = table_threshold(table)
    items = []
    for _, row in table.iterrows():
        parts = [
            spoken(row["new_parents"], i18n.text("chart.new_short", lang), lang, threshold),
            spoken(row["returning_parents"], i18n.text("chart.returning_short", lang), lang, threshold),
        ]
        if "parents" in table.columns:
            parts.append(_of_parents(row["parents"], lang, threshold))
        items.append(f"{int(row['year'])}{colon(lang)}{', '.join(parts)}")
    tail = [i18n.text("chart.partial_year", lang, year=partial_year)] if partial_year in [int(y) for y in table["year"]] else []
    return join_alt_text(i18n.text("chart.title_new_returning", lang), items, lang, tail)


def _of_parents(value: object, lang: str, threshold: int) -> str:
    """``"sur 1 184 parents"``, ``"sur un nombre non publié de parents"``."""
    if suppression.is_suppressed(value):
        return i18n.text("chart.of_unpublished", lang)
    if is_missing(value):
        return i18n.text("chart.no_data_of", lang, noun=i18n.label("parents", lang).lower())
    return i18n.text("chart.of_parents", lang, n=spoken(value, "", lang, threshold))


def alt_text_retention_rate(table: pd.DataFrame, lang: str = "fr") -> str:
    """Alt text of :func:`retention_rate` ("2022 → 2023 : 35,6 % (248 sur 696 parents) ; ...").

    Raises
    ------
    ParameterError
        If ``lang`` is invalid or a column is missing.
    """
    i18n.check_lang(lang)
    check_table(table, ["year", "retention_rate"], "alt_text_retention_rate")
    threshold = table_threshold(table)
    items = []
    for (_, row), partial in zip(table.iterrows(), partial_flags(table)):
        year = int(row["year"])
        text = f"{year} → {year + 1}{colon(lang)}{spoken(row['retention_rate'], '', lang, threshold, 'percent')}"
        details = []
        if "seen_next_year" in table.columns and "parents" in table.columns:
            seen = spoken(row["seen_next_year"], "", lang, threshold)
            details.append(f"{seen} {_of_parents(row['parents'], lang, threshold)}")
        if partial:
            details.append(i18n.text("chart.lower_bound", lang, year=year + 1))
        items.append(text + (f" ({', '.join(details)})" if details else ""))
    return join_alt_text(i18n.text("chart.title_retention", lang), items, lang)
