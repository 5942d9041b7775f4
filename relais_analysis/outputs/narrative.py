"""Sentences of the reports, generated from the published tables (never hard-coded figures).

Every number goes through :mod:`relais_analysis.i18n` (``1 500``, ``12,3 %``), and a
masked count reads ``n.p.`` (non publié). Functions take a published
:class:`~relais_analysis.indicators.tables.TableSet` and return plain text (Markdown-safe: user
strings never appear in these sentences).
"""

from __future__ import annotations

import pandas as pd

from relais_analysis.i18n import check_lang, format_int, format_km, format_percent, label, province_label
from relais_analysis.privacy.masked import is_suppressed
from relais_analysis.indicators.tables import TableSet

__all__ = ["coverage_sentence", "evolution_sentence", "headline", "people_sentence", "scope_name"]

_T = {
    "fr": {
        "headline": "En {year}, {parents} parents et {children} enfants ont participé à au moins une activité "
                    "des relais {where} ({families} familles, {attendances} participations à {activities} activités).",
        "headline_counts": "En {year}, {attendances} participations à {activities} activités ont été enregistrées "
                           "{where}. Une partie des relais n'a transmis que des comptages : le nombre de personnes "
                           "différentes ne peut pas être calculé.",
        "no_activity": "Aucune activité enregistrée par les relais {where} en {year}.",
        "evolution": "Soit {change} qu'en {previous} ({before} parents).",
        "evolution_masked": "La comparaison avec {previous} n'est pas publiée (effectifs masqués).",
        "women": "{share} des parents touchés dont le genre est connu sont des femmes.",
        "new": "{new} parents venaient pour la première fois ; {returning} avaient déjà participé une année "
               "précédente.",
        "retention": "{rate} des parents de {previous} sont revenus en {year}.",
        "coverage": "Les territoires des relais couvrent {covered} des {communes} communes {where_geo}, où vivent "
                    "{share} de la population ; {within} de la population habite à moins de 10 km d'un relais.",
        "access": "La commune la plus éloignée d'un relais en est à {km} à vol d'oiseau.",
        "where_region": "en Wallonie",
        "where_province": "de la province {name}",
        "where_geo_region": "de Wallonie",
        "where_geo_province": "de la province",
        "more": "{pct} de parents de plus",
        "less": "{pct} de parents de moins",
        "same": "autant de parents",
    },
    "en": {
        "headline": "In {year}, {parents} parents and {children} children took part in at least one relay "
                    "activity {where} ({families} families, {attendances} attendances at {activities} activities).",
        "headline_counts": "In {year}, {attendances} attendances at {activities} activities were recorded {where}. "
                           "Some relays only sent tallies: the number of different people cannot be computed.",
        "no_activity": "No activity recorded by the relays {where} in {year}.",
        "evolution": "That is {change} than in {previous} ({before} parents).",
        "evolution_masked": "The comparison with {previous} is not published (masked counts).",
        "women": "{share} of the parents reached whose gender is known are women.",
        "new": "{new} parents came for the first time; {returning} had taken part in an earlier year.",
        "retention": "{rate} of the {previous} parents came back in {year}.",
        "coverage": "The relays' territories cover {covered} of the {communes} municipalities {where_geo}, home to "
                    "{share} of the population; {within} of the population lives within 10 km of a relay.",
        "access": "The municipality farthest from a relay is {km} away as the crow flies.",
        "where_region": "in Wallonia",
        "where_province": "in the province of {name}",
        "where_geo_region": "of Wallonia",
        "where_geo_province": "of the province",
        "more": "{pct} more parents",
        "less": "{pct} fewer parents",
        "same": "as many parents",
    },
}


def _t(lang: str, key: str, **fields: object) -> str:
    return _T[check_lang(lang)][key].format(**fields)


def scope_name(province_nis: str | None, lang: str = "fr") -> str:
    """``"Wallonie"`` or the province's name."""
    return label("wallonia", lang) if province_nis is None else province_label(province_nis, lang)


def _where(tables: TableSet, lang: str) -> str:
    if tables.province_nis is None:
        return _t(lang, "where_region")
    name = province_label(tables.province_nis, lang)
    if lang == "fr":
        article = {"20002": "du Brabant wallon", "50000": "du Hainaut", "60000": "de Liège",
                   "80000": "du Luxembourg", "90000": "de Namur"}[tables.province_nis]
        return f"de la province {article}"
    return _t(lang, "where_province", name=name)


def _year_row(tables: TableSet, year: int) -> pd.Series | None:
    per_year = tables.tables["reach_per_year"].set_index("year")
    return per_year.loc[year] if year in per_year.index else None


def headline(tables: TableSet, lang: str = "fr") -> str:
    """Parents, children, families, attendances and activities of the year, in one sentence."""
    row = _year_row(tables, tables.year)
    th = tables.threshold
    if row is None or row["activities"] == 0:
        return _t(lang, "no_activity", where=_where(tables, lang), year=tables.year)
    fields = {k: format_int(row[k], lang, threshold=th) for k in ("parents", "children", "families", "attendances",
                                                                   "activities")}
    key = "headline" if row["people_countable"] == "yes" else "headline_counts"
    return _t(lang, key, year=tables.year, where=_where(tables, lang), **fields)


def evolution_sentence(tables: TableSet, lang: str = "fr") -> str:
    """Change in unique parents since the previous year (empty if no previous year)."""
    now, before = _year_row(tables, tables.year), _year_row(tables, tables.year - 1)
    if now is None or before is None or now["people_countable"] != "yes" or before["people_countable"] != "yes":
        return ""
    if is_suppressed(now["parents"]) or is_suppressed(before["parents"]) or not before["parents"]:
        return _t(lang, "evolution_masked", previous=tables.year - 1)
    ratio = now["parents"] / before["parents"] - 1
    if abs(ratio) < 0.0005:
        change = _t(lang, "same")
    else:
        change = _t(lang, "more" if ratio > 0 else "less", pct=format_percent(abs(ratio), lang))
    return _t(lang, "evolution", change=change, previous=tables.year - 1,
              before=format_int(before["parents"], lang, threshold=tables.threshold))


def people_sentence(tables: TableSet, lang: str = "fr") -> str:
    """Women's share, new vs returning parents and retention, as far as published."""
    if not tables.people_countable:
        return ""
    th, parts = tables.threshold, []
    gender = tables.tables["gender"].iloc[0]
    if not is_suppressed(gender["share_women"]) and not pd.isna(gender["share_women"]):
        parts.append(_t(lang, "women", share=format_percent(gender["share_women"], lang, decimals=0)))
    new = tables.tables["new_vs_returning"].set_index("year")
    if tables.year in new.index:
        row = new.loc[tables.year]
        parts.append(_t(lang, "new", new=format_int(row["new_parents"], lang, threshold=th),
                        returning=format_int(row["returning_parents"], lang, threshold=th)))
    ret = tables.tables["retention"].set_index("year")
    if tables.year - 1 in ret.index:
        rate = ret.loc[tables.year - 1, "retention_rate"]
        if is_suppressed(rate) or not pd.isna(rate):
            parts.append(_t(lang, "retention", rate=format_percent(rate, lang, decimals=0, threshold=th),
                            previous=tables.year - 1, year=tables.year))
    return " ".join(parts)


def coverage_sentence(tables: TableSet, lang: str = "fr") -> str:
    """Communes covered, population share covered and within 10 km, farthest commune."""
    cov = tables.tables["population_coverage"].iloc[-1]
    within = tables.tables["population_within"].set_index("radius_km")
    where_geo = _t(lang, "where_geo_region" if tables.province_nis is None else "where_geo_province")
    text = _t(lang, "coverage", covered=format_int(cov["communes_covered"], lang),
              communes=format_int(cov["n_communes"], lang), where_geo=where_geo,
              share=format_percent(cov["share_covered"], lang),
              within=format_percent(within.loc[10.0, "share_within"], lang) if 10.0 in within.index else "–")
    distances = tables.tables["access_distances"]["distance_km"].dropna()
    if len(distances):
        text += " " + _t(lang, "access", km=format_km(distances.max(), lang))
    return text
