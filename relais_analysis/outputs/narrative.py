"""Sentences of the reports, generated from the published tables (never hard-coded figures).

Every number goes through :mod:`relais_analysis.i18n` (``1 500``, ``12,3 %``), and a
masked count reads ``n.p.`` (non publié). Functions take a published
:class:`~relais_analysis.indicators.tables.TableSet` and return plain text (Markdown-safe: user
strings never appear in these sentences).
"""

from __future__ import annotations

import pandas as pd

from relais_analysis.i18n import NO_DATA, check_lang, format_int, format_km, format_percent, label, province_label, text
from relais_analysis.privacy.suppression import is_suppressed
from relais_analysis.indicators.tables import TableSet

__all__ = ["coverage_sentence", "evolution_sentence", "headline", "people_sentence", "scope_name"]

def _t(lang: str, key: str, **fields: object) -> str:
    """The catalogue text ``narrative.<key>`` (``texts/narrative.toml``)."""
    return text(f"narrative.{key}", check_lang(lang), **fields)


def scope_name(province_nis: str | None, lang: str = "fr") -> str:
    """``"Wallonie"`` or the province's name."""
    return label("wallonia", lang) if province_nis is None else province_label(province_nis, lang)


def _where(tables: TableSet, lang: str) -> str:
    if tables.province_nis is None:
        return _t(lang, "where_region")
    return _t(lang, f"in_province.{tables.province_nis}")


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
              within=format_percent(within.loc[10.0, "share_within"], lang) if 10.0 in within.index else NO_DATA)
    distances = tables.tables["access_distances"]["distance_km"].dropna()
    if len(distances):
        text += " " + _t(lang, "access", km=format_km(distances.max(), lang))
    return text
