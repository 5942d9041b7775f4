"""The views of the exploration notebooks: one function per notebook, analysis -> HTML.

Each view takes an :class:`~relais_analysis.analysis.Analysis` (a year and a scope) and
returns one HTML block (French tables, charts as inline images with their alt text, the
self-contained map) that :meth:`relais_analysis.report.exploration.Explorer.show` displays
and redraws in place. Tables are the protected ones, except in :func:`quality_view`
(internal counts of file rows, said on the page).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from relais_analysis.config import PROVINCES
from relais_analysis.i18n import NO_DATA, format_decimal, format_int, label, province_label, text
from relais_analysis.privacy.masked import SUPPRESSED, is_missing, is_suppressed
from relais_analysis.report.exploration import (
    figure_html,
    map_html,
    partial_note,
    partial_year,
    table_html,
    with_scope,
    year_changes,
    year_label,
)

if TYPE_CHECKING:
    from relais_analysis.analysis import Analysis

__all__ = ["coverage_view", "heading_html", "outcomes_view", "quality_view", "reach_view"]


def _v(key: str, lang: str, **fields: object) -> str:
    return text(f"exploration_view.{key}", lang, **fields)


_STYLE = ("<style>table.relais-explore{border-collapse:collapse;margin:.3rem 0 1rem 0}"
          "table.relais-explore th,table.relais-explore td{border:1px solid #d0d7de;padding:.2rem .5rem}"
          "table.relais-explore td{font-variant-numeric:tabular-nums}</style>")


def heading_html(analysis: Analysis) -> str:
    """Title of a view (scope and year, partial year marked), the partial-year note and the masking note."""
    from relais_analysis.privacy.masked import footnote

    lang, label_year = analysis.lang, year_label(analysis.year, analysis.dataset.as_of, analysis.lang)
    scope = label("wallonia", lang) if analysis.province is None else province_label(analysis.province, lang)
    if analysis.relay_id is not None:  # (Analysis.scope_label fails for Wallonia: province_label(None))
        names = analysis.dataset.relays.set_index("relay_id")["name"]
        scope = f"{analysis.relay_id} – {names.get(analysis.relay_id, '')}"
    notes = [n for n in (partial_note(analysis), footnote(analysis.threshold, lang)) if n]
    return (_STYLE + f"<h3>{html.escape(scope)} – {html.escape(label_year)}</h3>"
            + "".join(f"<p><em>{html.escape(n)}</em></p>" for n in notes))


def _subset(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    out = frame[[c for c in columns if c in frame.columns]].copy()
    out.attrs = dict(frame.attrs)
    return out


def _mean_activities(table: pd.DataFrame, lang: str, threshold: int) -> str:
    """Mean activities per parent from the protected distribution (masked if any count is)."""
    counts = list(table["parents"])
    if any(is_suppressed(c) for c in counts):
        return format_int(SUPPRESSED, lang, threshold=threshold)
    levels = pd.to_numeric(table["activities"].astype(str).str.rstrip("+"), errors="coerce")
    total = sum(float(c) for c in counts if not is_missing(c))
    if levels.isna().any() or total == 0 or table["activities"].astype(str).str.endswith("+").any():
        return NO_DATA
    return format_decimal(sum(float(n) * float(c) for n, c in zip(levels, counts)) / total, lang, 2)


def reach_view(analysis: Analysis) -> str:
    """Tables and charts of the people reached (``explore_reach``), as one HTML block."""
    from relais_analysis.outputs import charts

    t, lang, as_of = analysis.tables.tables, analysis.lang, analysis.dataset.as_of
    part, th = partial_year(analysis), analysis.threshold
    parts = [heading_html(analysis)]
    per_year = year_changes(t["reach_per_year"], as_of)
    parts.append(table_html(per_year, lang, title=_v("per_year", lang), as_of=as_of, threshold=th))
    people = _subset(t["reach_per_year"], ["year", "parents", "children", "people_countable"])
    parts.append(figure_html(charts.people_per_year(people, lang=lang, partial_year=part),
                             charts.alt_text_people_per_year(people, lang, partial_year=part)))
    new = _subset(t["new_vs_returning"], ["year", "parents", "new_parents", "returning_parents", "share_new"])
    parts.append(table_html(new, lang, title=_v("new", lang), as_of=as_of, threshold=th))
    parts.append(figure_html(charts.new_vs_returning(new, lang=lang, partial_year=part),
                             charts.alt_text_new_vs_returning(new, lang, partial_year=part)))
    group_cols = ["year", "parents", "children", "people_countable"]
    if "reach_by_province" in t:
        frame = t["reach_by_province"]
        parts.append(table_html(frame, lang, title=_v("by_province", lang), threshold=th,
                                columns=["province_name", "parents", "children", "families", "attendances", "activities"]))
        places = _subset(frame, ["year", "province_nis", "province_name", *group_cols[1:]])
        parts.append(figure_html(charts.people_by_province(places, lang=lang),
                                 charts.alt_text_people_by_province(places, lang)))
    if "reach_by_relay" in t:
        frame = t["reach_by_relay"]
        parts.append(table_html(frame, lang, title=_v("by_relay", lang), threshold=th,
                                columns=["relay_id", "relay_name", "parents", "children", "families", "attendances",
                                         "activities"]))
        active = frame.loc[frame["attendances"].map(lambda v: is_suppressed(v) or (not is_missing(v) and v > 0))]
        if len(active) and "reach_by_province" not in t:
            places = _subset(active, ["year", "relay_id", "relay_name", "province_nis", *group_cols[1:]])
            parts.append(figure_html(charts.people_by_relay(places, lang=lang),
                                     charts.alt_text_people_by_relay(places, lang)))
    types = t["reach_by_activity_type"]
    parts.append(table_html(types, lang, title=_v("by_type", lang), threshold=th,
                            columns=["type", "parents", "children", "families", "attendances", "activities"]))
    counts = _subset(types, ["year", "type", "attendances"])
    parts.append(figure_html(charts.activity_types(counts, lang=lang), charts.alt_text_activity_types(counts, lang)))
    parts.append(table_html(t["gender"], lang, title=_v("gender", lang), as_of=as_of, threshold=th))
    if "activities_per_parent" in t:
        dist = t["activities_per_parent"]
        parts.append(table_html(dist, lang, title=_v("per_parent", lang), threshold=th))
        parts.append(f"<p>{html.escape(_v('mean', lang, value=_mean_activities(dist, lang, th)))}</p>")
    if "retention" in t:
        kept = t["retention"]
        parts.append(table_html(kept, lang, title=_v("retention", lang), as_of=as_of, threshold=th))
        shown = kept.loc[kept["year"] + 1 <= analysis.year]
        shown = _subset(shown, list(kept.columns))
        if len(shown):
            parts.append(figure_html(charts.retention_rate(shown, lang=lang),
                                     charts.alt_text_retention_rate(shown, lang)))
    return "\n".join(parts)


def coverage_view(analysis: Analysis, *, with_map: bool = True, indicator: str = "reach_rate") -> str:
    """Tables of territorial coverage and access, and the interactive map (``explore_coverage``)."""
    t, lang, th = analysis.tables.tables, analysis.lang, analysis.threshold
    parts = [heading_html(analysis)]
    if "population_coverage" in t:
        parts.append(table_html(t["population_coverage"], lang, title=_v("coverage", lang), threshold=th))
    if "population_within" in t:
        parts.append(table_html(t["population_within"], lang, title=_v("within", lang), threshold=th,
                                columns=["radius_km", "population_within", "share_within", "communes_within"]))
    communes = t["commune_coverage"]
    if analysis.relay_id is not None:
        parts.append(table_html(communes, lang, title=_v("territory", lang), threshold=th,
                                columns=["name_fr", "province_name", "population", "n_relays", "relays"]))
    else:
        blank = communes.loc[~communes["covered"].astype(bool)].sort_values("population", ascending=False).head(15)
        parts.append(table_html(blank, lang, title=_v("uncovered", lang), threshold=th,
                                columns=["name_fr", "province_name", "population"]))
    if "access_distances" in t:
        far = t["access_distances"].sort_values("distance_km", ascending=False).head(10)
        parts.append(table_html(far, lang, title=_v("far", lang), threshold=th,
                                columns=["name_fr", "population", "nearest_relay", "distance_km"]))
    if "next_relay_suggestions" in t:
        parts.append(table_html(t["next_relay_suggestions"], lang, title=_v("next", lang), threshold=th,
                                columns=["rank", "name_fr", "province_name", "added_population",
                                         "communes_added_names"]))
    parts.append(table_html(t["territory_vs_residence"], lang, title=_v("origin", lang), threshold=th))
    if with_map:
        if analysis.relay_id is None:
            parts.append(f"<h4>{html.escape(_v('map', lang))}</h4>" + map_html(analysis, indicator=indicator))
        else:
            from relais_analysis.indicators.scope import relay_province

            province = relay_province(analysis.dataset).get(analysis.relay_id)
            if isinstance(province, str) and province in PROVINCES:
                wider = with_scope(analysis, analysis.year, province=province)
                parts.append(f"<h4>{html.escape(_v('relay_map', lang, province=province_label(province, lang)))}"
                             f"</h4>" + map_html(wider, indicator=indicator))
    return "\n".join(parts)


def _scope_relays(analysis: Analysis) -> list[str]:
    """Relay ids of the analysis's scope (one relay, a province's relays, or all)."""
    from relais_analysis.indicators.scope import relay_province

    if analysis.relay_id is not None:
        return [analysis.relay_id]
    provinces = relay_province(analysis.dataset)
    return sorted(str(r) for r, p in provinces.items() if analysis.province is None or p == analysis.province)


def quality_view(analysis: Analysis) -> str:
    """Rows read, accepted and rejected, rejection reasons, completeness by relay (``data_quality``)."""
    from relais_analysis.indicators import quality

    lang, dataset = analysis.lang, analysis.dataset
    parts = [heading_html(analysis), f"<p><strong>{html.escape(_v('internal_tables', lang))}</strong></p>"]
    parts.append(table_html(dataset.summary(), lang, title=_v("quality_summary", lang)))
    rejected = quality.rejections_summary(dataset)
    parts.append(table_html(rejected, lang, title=_v("rejections", lang)) if len(rejected)
                 else f"<h4>{html.escape(_v('rejections', lang))}</h4><p>{html.escape(_v('no_rejection', lang))}</p>")
    complete = quality.completeness_by_relay(dataset, analysis.year)
    complete = complete[complete["relay_id"].astype(str).isin(_scope_relays(analysis))]
    parts.append(table_html(complete, lang, title=_v("completeness", lang, year=analysis.year)))
    return "\n".join(parts)


_OUTCOMES: dict[tuple, tuple] = {}


def _outcome_results(analysis: Analysis, wave_from: str, wave_to: str):  # noqa: ANN202
    """The outcome analysis of the dataset (computed once per dataset, waves, language and threshold)."""
    from relais_analysis.outcomes import load_instruments
    from relais_analysis.outcomes.analysis import analyse_outcomes
    from relais_analysis.outcomes.groups import participant_groups

    dataset = analysis.dataset
    key = (id(dataset), wave_from, wave_to, analysis.lang, analysis.threshold)
    if key not in _OUTCOMES or _OUTCOMES[key][0] is not dataset:
        instruments = load_instruments()
        groups = participant_groups(dataset, wave_from, wave_to)
        results = analyse_outcomes(dataset.questionnaires, instruments, wave_from=wave_from, wave_to=wave_to,
                                   lang=analysis.lang, threshold=analysis.threshold, groups=groups)
        _OUTCOMES.clear()
        _OUTCOMES[key] = (dataset, results)
    return _OUTCOMES[key][1]


def outcomes_view(analysis: Analysis, *, wave_from: str = "entree", wave_to: str = "suivi") -> str:
    """Protected outcome tables, sentences and charts; rows of the analysis's year, province or relay
    in the tables by group (``explore_outcomes``)."""
    from relais_analysis.outcomes.charts import alt_text_change, bands_chart, change_chart

    lang, th = analysis.lang, analysis.threshold
    parts = [heading_html(analysis)]
    if not len(analysis.dataset.questionnaires):
        return "\n".join([*parts, f"<p>{html.escape(_v('no_questionnaire', lang))}</p>"])
    results = _outcome_results(analysis, wave_from, wave_to)
    t, instruments = results.tables, results.instruments
    parts.append(f"<p><em>{html.escape(results.note)}</em></p><h4>{html.escape(_v('sentences', lang))}</h4><ul>"
                 + "".join(f"<li>{html.escape(s)}</li>" for s in results.sentences + results.attrition_sentences)
                 + "</ul>")
    change = t.get("outcomes_change")
    if change is not None and len(change):
        parts.append(table_html(change, lang, title=_v("outcome_change", lang), threshold=th,
                                columns=["measure", "n_pairs", "share_improved", "share_worse", "median_before",
                                         "median_after", "hl_estimate", "hl_ci_low", "hl_ci_high", "note"]))
        parts.append(figure_html(change_chart(change, instruments, lang=lang),
                                 alt_text_change(change, instruments, lang=lang)))
    for inst_id, inst in instruments.items():
        bands = t.get(f"outcomes_bands_{inst_id}")
        figure = bands_chart(bands, inst, lang=lang) if bands is not None else None
        if figure is not None:
            parts.append(figure_html(figure, _v("bands", lang, name=inst.short_name)))
    if "outcomes_attrition" in t:
        parts.append(table_html(t["outcomes_attrition"], lang, title=_v("attrition", lang), threshold=th,
                                columns=["instrument", "n_entry", "n_stayed", "n_left", "mean_entry_stayed",
                                         "mean_entry_left"]))
    wanted = {"province": [analysis.province] if analysis.province else list(PROVINCES),
              "relay": _scope_relays(analysis), "year": [str(analysis.year)], "dose": None}
    for by, groups in wanted.items():
        table = t.get(f"outcomes_by_{by}")
        if table is None or not len(table):
            continue
        rows = table if groups is None else table[table["group"].astype(str).isin(groups)]
        if by == "province":
            rows = rows.assign(group=[province_label(g, lang) for g in rows["group"]])
        for inst_id, inst in instruments.items():
            mine = rows[rows["instrument"] == inst_id]
            if len(mine):
                parts.append(table_html(mine, lang, threshold=th,
                                        title=_v("change_by", lang, by=_v(f"by_name.{by}", lang), name=inst.short_name),
                                        columns=["group", "n_pairs", "hl_estimate", "hl_ci_low", "hl_ci_high", "note"]))
    return "\n".join(parts)
