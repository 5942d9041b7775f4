"""All the charts of one report, drawn and saved from its published tables (:func:`figures_from_tables`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes

from relais_analysis import i18n
from relais_analysis.errors import ParameterError
from relais_analysis.indicators.tables import TableSet
from relais_analysis.outputs.charts.alt_text import (
    alt_text_activity_types,
    alt_text_new_vs_returning,
    alt_text_people_by_province,
    alt_text_people_by_relay,
    alt_text_people_per_year,
    alt_text_retention_rate,
)
from relais_analysis.outputs.charts.reach_charts import (
    activity_types,
    new_vs_returning,
    people_by_province,
    people_by_relay,
    people_per_year,
    retention_rate,
)
from relais_analysis.outputs.charts.cells import colon
from relais_analysis.outputs.charts.save import save_figure
from relais_analysis.privacy import suppression

__all__ = [
    "figures_from_tables",
]


def _columns(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The drawn columns of a published table, keeping its masking metadata."""
    subset = table[[c for c in columns if c in table.columns]].reset_index(drop=True)
    subset.attrs.update(table.attrs)
    return subset


def figures_from_tables(
    tables: TableSet,
    out_dir: str | Path,
    *,
    lang: str = "fr",
    synthetic: bool = False,
    as_of: dt.date | None = None,
    formats: Sequence[str] = ("png", "svg"),
) -> dict[str, list[Path]]:
    """Draw and save every chart of a report from its published tables (not the map).

    The tables come from :func:`relais_analysis.indicators.tables.publish_tables` (counts already
    protected), so the charts show exactly the numbers of the report's CSV tables.
    Each chart is drawn only if its table is in the set:

    ========================== ==========================================================
    key (file stem)            table
    ========================== ==========================================================
    ``people_per_year``        ``reach_per_year`` (years up to the report's year)
    ``people_by_province``     ``reach_by_province`` (Wallonia)
    ``people_by_relay``        ``reach_by_relay`` (a province), relays with attendances
    ``activity_types``         ``reach_by_activity_type``: attendances
    ``new_vs_returning``       ``new_vs_returning``
    ``retention_rate``         ``retention``: years N with N + 1 <= the report's year
    ========================== ==========================================================

    When ``as_of`` falls before 31 December of the report's year, that year is marked
    incomplete. Charts of synthetic data say so in their footnote and alt text.

    Parameters
    ----------
    tables : TableSet
        Published tables of one year and scope (or of one relay).
    out_dir : str or Path
        Folder for the files (``<key>.png``, ``.svg``, ``.csv``, ``.alt.txt``).
    lang : {"fr", "en"}
    synthetic : bool
    as_of : datetime.date, optional
        Extraction date of the data.
    formats : sequence of {"png", "svg", "pdf"}

    Returns
    -------
    dict of str to list of Path

    Raises
    ------
    ParameterError
        Unprotected tables or an invalid ``lang``.
    """
    i18n.check_lang(lang)
    if not tables.published:
        raise ParameterError(*i18n.text_pair("output_error.chart_needs_published"))
    year, t = tables.year, tables.tables
    partial = year if (as_of is not None and as_of.year == year and (as_of.month, as_of.day) != (12, 31)) else None
    notes = [f"{i18n.label('source', lang)}{colon(lang)}{i18n.label('synthetic_data', lang)}"] if synthetic else []
    out = Path(out_dir)
    results: dict[str, list[Path]] = {}

    def save(key: str, ax: Axes, table: pd.DataFrame, alt: str) -> None:
        alt = " ".join([alt, *[f"{n}." for n in notes]])
        results[key] = save_figure(ax.figure, out / key, table=table, alt_text=alt, formats=formats, lang=lang)

    per_year = _columns(t["reach_per_year"], ["year", "parents", "children", "people_countable"])
    save("people_per_year", people_per_year(per_year, lang=lang, partial_year=partial, notes=notes), per_year,
         alt_text_people_per_year(per_year, lang, partial_year=partial))
    if "reach_by_province" in t:
        cols = ["year", "province_nis", "province_name", "parents", "children", "people_countable"]
        by_place = _columns(t["reach_by_province"], cols)
        save("people_by_province", people_by_province(by_place, lang=lang, notes=notes), by_place,
             alt_text_people_by_province(by_place, lang))
    elif "reach_by_relay" in t:
        relays = t["reach_by_relay"]
        relays = relays.loc[relays["attendances"].map(lambda v: suppression.is_suppressed(v) or (not pd.isna(v) and v > 0))]
        cols = ["year", "relay_id", "relay_name", "province_nis", "parents", "children", "people_countable"]
        by_place = _columns(relays, cols)
        save("people_by_relay", people_by_relay(by_place, lang=lang, notes=notes), by_place,
             alt_text_people_by_relay(by_place, lang))
    types = _columns(t["reach_by_activity_type"], ["year", "type", "attendances"])
    save("activity_types", activity_types(types, lang=lang, notes=notes), types, alt_text_activity_types(types, lang))
    returning = _columns(t["new_vs_returning"], ["year", "parents", "new_parents", "returning_parents", "share_new"])
    save("new_vs_returning", new_vs_returning(returning, lang=lang, partial_year=partial, notes=notes), returning,
         alt_text_new_vs_returning(returning, lang, partial_year=partial))
    if "retention" in t:
        kept = t["retention"]
        kept = _columns(kept.loc[kept["year"] + 1 <= year], list(kept.columns))
        save("retention_rate", retention_rate(kept, lang=lang, notes=notes), kept, alt_text_retention_rate(kept, lang))
    return results
