"""What the index page shows: key figures, the programme's years, the relays side by side, the documents.

Every number comes from the build's PROTECTED tables (Wallonia's set, protected with every
scope of the build: :func:`relais_analysis.privacy.canonical.protect_jobs`) or from public
figures (relays open, communes covered, inhabitants, the IWEPS count of single-parent
households). The two tables of the page (:func:`relais_analysis.indicators.trends.programme_trends`,
:func:`relais_analysis.indicators.relay_comparison.relay_comparison`) are written through the
publication door (:func:`relais_analysis.privacy.publication.write_published_table`) with a
``tables.json`` manifest, so that :func:`relais_analysis.privacy.audit.audit_folder` attacks them
with the rest of the site; their links are declared in :mod:`relais_analysis.privacy.links`.

>>> change_text(0.267), change_text(-0.5), change_text(0.0)
('+26,7\\xa0%', '-50,0\\xa0%', '0,0\\xa0%')
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relais_analysis.config import (
    DEFAULT_THRESHOLD,
    PROVINCES,
    SINGLE_PARENT_HOUSEHOLDS_SOURCE,
    WALLONIA_SINGLE_PARENT_HOUSEHOLDS,
)
from relais_analysis.i18n import format_date, format_decimal, format_int, format_percent, province_label, text
from relais_analysis.privacy.masked import is_suppressed

__all__ = ["LANDING_FOLDER", "Landing", "change_text", "landing", "trend_chart_svg", "write_landing_tables"]

#: Folder of the index page's own tables in the published site.
LANDING_FOLDER = "accueil/tableaux"


@dataclass
class Landing:
    """Everything the index page shows above its documents (already formatted, in ``lang``)."""

    period: str
    chart_caption: str
    figures: list[tuple[str, str]]
    share: str
    source: str
    chart_svg: str
    trends_head: list[str]
    trends_rows: list[list[str]]
    trends_note: str
    relays_head: list[str]
    relays_rows: list[list[str]]
    relays_note: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    relay_province: dict[str, str] = field(default_factory=dict)


def change_text(value: object, lang: str = "fr") -> str:
    """A change as a signed percentage (``+26,7 %``), ``n.p.`` when masked, ``–`` when missing."""
    if is_suppressed(value) or value is None or pd.isna(value):
        return format_percent(value, lang)
    sign = "+" if float(value) > 0 else ""
    return sign + format_percent(float(value), lang)


def trend_chart_svg(trends: pd.DataFrame, lang: str = "fr") -> str:
    """A small inline SVG bar chart of parents per year; a masked year has no bar, a partial year is lighter.

    The chart is an image with its text alternative (``role="img"``, ``aria-label`` and ``<title>``).
    """
    values = [v for v in trends["parents"] if not (is_suppressed(v) or pd.isna(v))]
    top = max([int(v) for v in values] + [1])
    n = max(len(trends), 1)
    width, height, base = 320, 150, 120
    step = width / n
    bars, spoken = [], []
    for i, row in enumerate(trends.to_dict("records")):
        x = i * step + step * 0.2
        label = format_int(row["parents"], lang)
        spoken.append(f"{row['period']} : {label}" if lang == "fr" else f"{row['period']}: {label}")
        if not (is_suppressed(row["parents"]) or pd.isna(row["parents"])):
            h = int(row["parents"]) / top * (base - 25)
            fill = "#9ecae1" if row["partial"] else "#2171b5"
            bars.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{step * 0.6:.1f}" height="{h:.1f}" '
                        f'fill="{fill}" stroke="#08519c"/>')
            y_text = base - h - 4
        else:
            y_text = base - 4
        bars.append(f'<text x="{x + step * 0.3:.1f}" y="{y_text:.1f}" text-anchor="middle" font-size="12">'
                    f"{html.escape(label)}</text>")
        year = str(row["year"]) + ("*" if row["partial"] else "")
        bars.append(f'<text x="{x + step * 0.3:.1f}" y="{base + 16}" text-anchor="middle" font-size="12">'
                    f"{year}</text>")
    alt = text("landing.chart_alt", lang, values=" ; ".join(spoken) if lang == "fr" else "; ".join(spoken))
    return (f'<svg class="trend-chart" viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(alt)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{html.escape(alt)}</title>'
            f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#555"/>{"".join(bars)}</svg>')


def _value(frame: pd.DataFrame, year: int, column: str) -> object:
    rows = frame[frame["year"].astype(int) == int(year)]
    return rows[column].iloc[0] if len(rows) and column in rows.columns else pd.NA


def _relay_provinces(dataset: object, year: int, by_relay: pd.DataFrame) -> dict[str, str]:
    """Relay -> province code: from Wallonia's ``reach_by_relay``, else from the relay's commune."""
    from relais_analysis.indicators.territory import commune_coverage

    out = {str(r): str(p) for r, p in zip(by_relay["relay_id"], by_relay["province_nis"]) if not pd.isna(p)}
    communes = commune_coverage(dataset, year)  # type: ignore[arg-type]
    province_of = dict(zip(communes["nis"].astype(str), communes["province_nis"].astype(str)))
    for relay, commune in zip(dataset.relays["relay_id"].astype(str), dataset.relays["commune"].astype(str)):  # type: ignore[attr-defined]
        out.setdefault(relay, province_of.get(commune, ""))
    return out


def landing(dataset: object, tables: object, *, year: int, lang: str = "fr",
            threshold: int = DEFAULT_THRESHOLD) -> Landing:
    """The index page's figures and tables from Wallonia's protected tables of the build.

    Raises
    ------
    ParameterError
        ``tables`` is not a protected set.
    PrivacyError
        See :func:`relais_analysis.indicators.relay_comparison.previous_year_parents`.
    """
    from relais_analysis.indicators.territory import active_relays, commune_coverage
    from relais_analysis.indicators.relay_comparison import previous_year_parents, relay_comparison, \
        territory_population
    from relais_analysis.indicators.trends import is_partial_year, period_label, programme_trends

    as_of = dataset.as_of  # type: ignore[attr-defined]
    reach = tables.tables["reach_per_year"]  # type: ignore[attr-defined]
    trends = programme_trends(tables, as_of, lang=lang)
    previous = {} if is_partial_year(year, as_of) else previous_year_parents(dataset, year, threshold=threshold)
    comparison = relay_comparison(tables, population=territory_population(dataset, year), previous=previous,
                                  as_of=as_of)
    families = _value(reach, year, "families")
    share = families if is_suppressed(families) or pd.isna(families) else int(families) / WALLONIA_SINGLE_PARENT_HOUSEHOLDS
    covered = int(commune_coverage(dataset, year)["covered"].sum())  # type: ignore[arg-type]
    figures = [(format_int(_value(reach, year, "parents"), lang, threshold=threshold), text("landing.figure.parents", lang)),
               (format_int(_value(reach, year, "children"), lang, threshold=threshold), text("landing.figure.children", lang)),
               (format_int(families, lang, threshold=threshold), text("landing.figure.families", lang)),
               (format_int(len(active_relays(dataset, year)), lang), text("landing.figure.relays", lang)),  # type: ignore[arg-type]
               (format_int(covered, lang), text("landing.figure.communes", lang)),
               (format_percent(share, lang), text("landing.figure.share_households", lang,
                                                   households=format_int(WALLONIA_SINGLE_PARENT_HOUSEHOLDS, lang)))]
    period = period_label(year, as_of, lang)
    partial = [r for r in trends.to_dict("records") if r["partial"]]
    trends_note = "" if not partial else text("landing.trends.partial_note", lang, period=partial[-1]["period"],
                                              date=format_date(as_of, lang))
    trends_head = [text(f"landing.trends.{k}", lang) for k in ("year", "parents", "children", "new_parents",
                                                                "returning_parents", "activities", "change_parents",
                                                                "change_activities")]
    not_compared = text("landing.not_compared", lang)
    trends_rows = [[r["period"], *(format_int(r[c], lang, threshold=threshold) for c in
                                   ("parents", "children", "new_parents", "returning_parents", "activities")),
                    *(not_compared if r["partial"] else change_text(r[c], lang)
                      for c in ("change_parents", "change_activities"))]
                   for r in trends.to_dict("records")]
    relay_province = _relay_provinces(dataset, year, comparison)
    relays_head = [text("landing.relays.relay", lang), text("landing.relays.province", lang), text("landing.trends.parents", lang), text("landing.trends.children", lang),
                   text("landing.relays.participations", lang), text("landing.relays.rate", lang),
                   text("landing.relays.change", lang, previous=year - 1)]
    partial_year = is_partial_year(year, as_of)
    relays_rows = [[r["relay"], province_label(relay_province.get(r["relay_id"]) or None, lang)
                    if relay_province.get(r["relay_id"]) in PROVINCES else "",
                    format_int(r["parents"], lang, threshold=threshold), format_int(r["children"], lang, threshold=threshold),
                    format_int(r["attendances"], lang, threshold=threshold),
                    _rate_text(r["rate_per_10000"], lang),
                    not_compared if partial_year else change_text(r["change_parents"], lang)]
                   for r in comparison.to_dict("records")]
    relays_note = text("landing.relays.partial_note", lang, period=period) if partial_year else ""
    caption = text("landing.chart_caption", lang)
    if partial:
        caption += " " + text("landing.chart_partial", lang, period=partial[-1]["period"])
    return Landing(period, caption, figures, figures[-1][0], text("landing.figure.source", lang,
                                                         source=SINGLE_PARENT_HOUSEHOLDS_SOURCE),
                   trend_chart_svg(trends, lang), trends_head, trends_rows, trends_note, relays_head, relays_rows,
                   relays_note, {"programme_trends": trends, "relay_comparison": comparison}, relay_province)


def _rate_text(value: object, lang: str) -> str:
    if is_suppressed(value) or value is None or pd.isna(value):
        return format_decimal(value, lang, 1)
    return format_decimal(float(value), lang, 1)


def write_landing_tables(root: Path, page: Landing, *, year: int, threshold: int, lang: str = "fr") -> list[Path]:
    """Write the page's tables under ``root/accueil/tableaux`` through the publication door, with their manifest.

    Raises
    ------
    PrivacyError
        A count from 1 to ``threshold - 1`` is left (never expected: every count is a protected cell).
    """
    from relais_analysis.indicators.relay_comparison import COMPARISON_COUNTS
    from relais_analysis.indicators.trends import TREND_COUNTS
    from relais_analysis.privacy.published_columns import file_stem
    from relais_analysis.privacy.published_csv import manifest_entry, update_manifest, write_excel_csv

    folder = root / LANDING_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    counts = {"programme_trends": TREND_COUNTS, "relay_comparison": COMPARISON_COUNTS}
    written, manifest = [], []
    for name, frame in page.tables.items():
        path = write_excel_csv(frame, folder / f"{file_stem(name, lang)}.csv", threshold=threshold, lang=lang,
                               count_columns=counts[name])
        masked = int(sum(is_suppressed(v) for c in counts[name] for v in frame[c]))
        titles = {code: text(f"landing.table.{name}", code) for code in ("fr", "en")}
        manifest.append({**manifest_entry(name, path.name, frame, lang, titles),
                         "people_count_columns": counts[name], "suppressed_cells": masked})
        written.append(path)
    meta = {"year": year, "scope": "accueil", "province_nis": None, "relay_id": None, "published": True,
            "threshold": threshold, "suppressed_cells": sum(m["suppressed_cells"] for m in manifest)}
    (folder / "tables.json").unlink(missing_ok=True)  # rewritten whole: the page's tables of this build only
    update_manifest(folder / "tables.json", manifest, **meta)
    return [*written, folder / "tables.json"]

