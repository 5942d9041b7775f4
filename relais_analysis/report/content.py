"""Content of the report notebooks: one object per annual report or relay sheet.

The notebooks ``annual_report.ipynb`` and ``relay_sheet.ipynb`` hold the narrative
layout and the parameters; everything they show is computed here, so tests can check
it. :class:`AnnualReport` and :class:`RelaySheet` stand on the front door,
:class:`~relais_analysis.analysis.Analysis`: it checks the parameters, loads the data
(from the build's cache in ``relais report``), checks the year and protects the
tables, once. The report then writes the CSV tables, figures, map and a JSON summary
into the output folder, and gives the notebook ready-to-display HTML (package
templates, :mod:`relais_analysis.report.html`) and Markdown, with every word from the
text catalogue (``texts/report.toml``; French by default, user strings escaped).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from relais_analysis.analysis import (Analysis, AnalysisParameters, available_years,
                                      check_report_year, dataset_key, load_analysis_dataset)
from relais_analysis.geography import reference
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import format_int, format_percent, label, province_label, text, text_pair
from relais_analysis.indicators.tables import write_tables
from relais_analysis.intake.dataset import Dataset
from relais_analysis.outputs import charts, static_map
from relais_analysis.outputs.narrative import coverage_sentence, evolution_sentence, headline, people_sentence, scope_name
from relais_analysis.privacy.masked import footnote, is_suppressed
from relais_analysis.privacy.published_xlsx import batched_sheets
from relais_analysis.report import html as fragments
from relais_analysis.report.parameters import ReportParameters, validate_parameters

#: Image formats a report draws: its HTML page embeds PNG; SVG and PDF only when asked (``relais charts``).
REPORT_FORMATS: tuple[str, ...] = ("png",)

__all__ = ["AnnualReport", "ReportParameters", "RelaySheet", "available_years", "check_report_year",
           "dataset_key", "validate_parameters"]


def _shared_dataset(params: AnalysisParameters) -> tuple[Dataset, object, str | None]:
    """The report's dataset, from the build's cache when ``relais report`` runs it (else loaded here).

    Returns the dataset, the build cache (None for a notebook run on its own) and the dataset's key.
    """
    return load_analysis_dataset(params)


def _cells(frame: pd.DataFrame, columns: dict[str, str], lang: str, threshold: int,
           kinds: dict[str, str]) -> list[list[tuple[str, bool]]]:
    """Formatted cells ``(text, numeric)`` of ``frame``'s ``columns``."""
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            value, kind = row[col], kinds.get(col, "int")
            if kind == "percent":
                shown = format_percent(value, lang, threshold=threshold)
            elif kind == "text":
                shown = "" if pd.isna(value) else str(value)
            elif isinstance(value, bool):
                shown = label("covered", lang) if value else label("not_covered", lang)
            else:
                shown = format_int(value, lang, threshold=threshold)
            cells.append((shown, kind != "text"))
        rows.append(cells)
    return rows


def _table_html(frame: pd.DataFrame, columns: dict[str, str], lang: str, threshold: int,
                kinds: dict[str, str] | None = None) -> str:
    """An HTML table with French/English headers and formatted, escaped cells."""
    return fragments.table(list(columns.values()), _cells(frame, columns, lang, threshold, kinds or {}))


class _Content:
    """What annual reports and relay sheets share: the analysis, banner, footnote, figures, summary."""

    params: ReportParameters
    dataset: Dataset
    tables: object
    whole_publication: bool = True

    def _open(self, params: ReportParameters) -> None:
        """Stand on the front door: the data loaded, the year checked and the tables protected once."""
        self.params = params
        #: The front door this report stands on (:class:`~relais_analysis.analysis.Analysis`).
        self.analysis = Analysis.from_parameters(params)
        self.dataset = self.analysis.dataset
        self.build_cache, self.dataset_key = self.analysis.build_cache, self.analysis.dataset_key
        self.tables = self.analysis.tables
        self.whole_publication = self.analysis.whole_publication
        self.outputs: dict[str, list[Path]] = {}

    def style_html(self) -> str:
        """CSS of the exported report (key-figure boxes, tables, print stylesheet); inline, no network."""
        from relais_analysis.report.pdf import print_css

        return fragments.style(print_css())

    def banner_html(self) -> str:
        """Red "données synthétiques" banner on demo data, and an orange one when losses were accepted."""
        return self._synthetic_banner() + self.losses_banner_html()

    def losses_banner_html(self) -> str:
        """Orange banner naming each relay and table that lost too many rows (published with --accept-losses)."""
        from relais_analysis.intake.ingest import LOSS_THRESHOLD, loss_problems

        problems = loss_problems(self.dataset)
        if not problems:
            return ""
        share = format_percent(LOSS_THRESHOLD, self.params.lang, 0, threshold=0)
        return fragments.losses_banner(text("report.banner.losses", self.params.lang, share=share), problems)

    def _synthetic_banner(self) -> str:
        if not self.dataset.synthetic:
            return ""
        return fragments.synthetic_banner(text("report.banner.synthetic", self.params.lang))

    def masking_note(self) -> str:
        """Footnote on masked values, with the number of masked cells."""
        lang, th = self.params.lang, self.tables.threshold
        return text("report.masking_note", lang, footnote=footnote(th, lang), below=th - 1,
                    n=format_int(self.tables.total_suppressed, lang))

    def protection_note(self) -> str:
        """Empty in a build; run alone (JupyterLab), says that its masks are the year's common ones (as in a build)."""
        if getattr(self, "whole_publication", True):
            return ""
        return text("report.protection_note", self.params.lang)

    def figure(self, name: str) -> Path:
        """PNG file of a figure written by ``write_outputs``."""
        return next(p for p in self.outputs[name] if p.suffix == ".png")

    def _write_summary(self, extra: dict) -> Path:
        path = self.params.output_dir / "summary.json"
        summary = {"year": self.tables.year, "province_nis": self.params.province, "relay_id": self.params.relay_id,
                   "threshold": self.tables.threshold, "suppressed_cells": self.tables.total_suppressed,
                   "synthetic": self.dataset.synthetic, "as_of": self.dataset.as_of.isoformat(), **extra}
        path.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        return path


class AnnualReport(_Content):
    """One annual report: Wallonia (``province=None``) or one province.

    Parameters
    ----------
    **params
        Notebook parameters, validated by :func:`validate_parameters`.

    Raises
    ------
    ParameterError, InputDataError
        Invalid parameters or data; a year without data.
    """

    def __init__(self, **params: object) -> None:
        self._open(validate_parameters(**params))

    @property
    def scope(self) -> str:
        """"Wallonie" or the province's name."""
        return scope_name(self.params.province, self.params.lang)

    def title(self) -> str:
        """Report title, e.g. "Relais Familles Mono – rapport annuel 2024 – Wallonie"."""
        return text("report.title.annual", self.params.lang, year=self.params.year, scope=self.scope)

    def write_outputs(self, *, map_indicator: str = "reach_rate",
                      formats: tuple[str, ...] = REPORT_FORMATS) -> dict[str, list[Path]]:
        """Write CSV tables, figures (``formats`` + CSV + alt text), the map and ``summary.json``.

        The report page embeds PNG only, so only PNG is drawn by default; ask for
        ``formats=("png", "svg", "pdf")`` (or use ``relais charts --formats``) for print files.

        Raises
        ------
        ParameterError
            An unknown format.
        """
        from relais_analysis.outputs.map_layers import annual_map
        from relais_analysis.outputs.maps import save_map

        out, lang = self.params.output_dir, self.params.lang
        out.mkdir(parents=True, exist_ok=True)
        self.outputs["tables"] = write_tables(self.tables, out / "tableaux", lang=lang)
        with batched_sheets():  # the figures' data join the workbook in one save
            self.outputs.update(charts.figures_from_tables(self.tables, out / "figures", lang=lang, formats=formats,
                                                           synthetic=self.dataset.synthetic, as_of=self.dataset.as_of))
            self.outputs["choropleth"] = self._static_map(out / "figures", formats)
        carte = save_map(annual_map(self.dataset, self.tables, indicator=map_indicator, lang=lang), out / "carte.html")
        self.outputs["map"] = [carte]
        figures = {k: [str(p.relative_to(out)) for p in v] for k, v in self.outputs.items()}
        self.outputs["summary"] = [self._write_summary({"key_figures": self.key_figures_dict(), "files": figures})]
        return self.outputs

    def _static_map(self, folder: Path, formats: tuple[str, ...] = REPORT_FORMATS) -> list[Path]:
        communes = reference.load_communes(self.params.year)
        rates = self.tables.tables["reach_rates"].set_index("nis")
        communes = communes[communes["nis"].isin(rates.index)].copy()
        communes["value"] = communes["nis"].map(rates["rate_per_10000"])
        from relais_analysis.indicators.territory import relay_points

        points = relay_points(self.dataset, self.params.year)
        if self.params.province:
            points = points[points["relay_id"].isin(self.tables.tables["reach_by_relay"]["relay_id"])]
        provinces = reference.load_provinces(self.params.year)
        if self.params.province:
            provinces = provinces[provinces["province_nis"] == self.params.province]
        return static_map.save_choropleth(communes, folder / "choropleth", relays=points, provinces=provinces,
                                          column="value", lang=self.params.lang,
                                          legend_title=label("reach_rate", self.params.lang),
                                          formats=formats)

    def key_figures_dict(self) -> dict[str, object]:
        """Headline numbers of the year (published values; masked ones as the masked label)."""
        lang, th = self.params.lang, self.tables.threshold
        per_year = self.tables.tables["reach_per_year"].set_index("year")
        if self.params.year in per_year.index:
            row = per_year.loc[self.params.year]
        else:  # a scope without any activity this year: every count is a true zero
            row = pd.Series(0, index=["parents", "children", "families", "attendances", "activities"])
        cov = self.tables.tables["population_coverage"].iloc[-1]
        within = self.tables.tables["population_within"].set_index("radius_km")
        return {
            "parents": format_int(row["parents"], lang, threshold=th),
            "children": format_int(row["children"], lang, threshold=th),
            "families": format_int(row["families"], lang, threshold=th),
            "attendances": format_int(row["attendances"], lang, threshold=th),
            "activities": format_int(row["activities"], lang, threshold=th),
            "communes_covered": f"{format_int(cov['communes_covered'], lang)} / {format_int(cov['n_communes'], lang)}",
            "population_covered": format_percent(cov["share_covered"], lang),
            "population_within_10km": format_percent(within.loc[10.0, "share_within"], lang),
        }

    def key_figures_html(self) -> str:
        """The key figures as a row of labelled boxes."""
        lang = self.params.lang
        return fragments.key_figures((str(value), text(f"report.key_figure.{key}", lang))
                                     for key, value in self.key_figures_dict().items())

    def narrative(self) -> str:
        """The opening paragraphs, generated from the published tables."""
        lang = self.params.lang
        first = " ".join(p for p in (headline(self.tables, lang), evolution_sentence(self.tables, lang)) if p)
        return "\n\n".join(p for p in (first, people_sentence(self.tables, lang), coverage_sentence(self.tables, lang))
                           if p)

    def table_html(self, name: str) -> str:
        """One published table as HTML, with headers in the report's language.

        Raises
        ------
        ParameterError
            An unknown table name.
        """
        lang, th = self.params.lang, self.tables.threshold
        frame = self.tables.tables.get(name)
        L = lambda key: label(key, lang)  # noqa: E731
        T = lambda key: text(f"report.column.{key}", lang)  # noqa: E731
        if name == "reach_by_province":
            frame = frame.assign(province_name=[province_label(c, lang) for c in frame["province_nis"]])
            cols = {"province_name": L("province"), "parents": L("parents"), "children": L("children"),
                    "families": L("families"), "attendances": L("attendances"), "activities": L("activities")}
            return _table_html(frame, cols, lang, th, {"province_name": "text"})
        if name == "reach_by_relay":
            cols = {"relay_name": L("relay"), "parents": L("parents"), "children": L("children"),
                    "attendances": L("attendances"), "activities": L("activities")}
            return _table_html(frame, cols, lang, th, {"relay_name": "text"})
        if name == "population_coverage":
            frame = frame.assign(province_name=[province_label(c, lang) for c in frame["province_nis"]])
            cols = {"province_name": L("province"), "n_communes": T("communes"),
                    "communes_covered": T("communes_covered"), "population": L("population"),
                    "share_covered": T("share_covered")}
            return _table_html(frame, cols, lang, th, {"province_name": "text", "share_covered": "percent"})
        if name == "uncovered":
            cov = self.tables.tables["commune_coverage"]
            frame = cov[~cov["covered"]].sort_values("population", ascending=False).head(10)
            cols = {"name_fr": L("commune"), "population": L("population")}
            return _table_html(frame, cols, lang, th, {"name_fr": "text"})
        if name == "next_relay_suggestions":
            cols = {"rank": T("rank"), "name_fr": L("commune"), "added_population": T("added_population")}
            return _table_html(frame, cols, lang, th, {"name_fr": "text"})
        raise ParameterError(*text_pair("report.error.unknown_table", name=repr(name)))

    def heading(self, key: str) -> str:
        """Section heading or short note (Markdown), in the report's language."""
        heading = text(f"report.heading.{key}", self.params.lang)
        up = "../" if self.params.province is None else "../../"  # wallonie/ or provinces/<name>/
        return heading.replace("](../methodologie.html)", f"]({up}methodologie.html)")

    def map_link_html(self) -> str:
        """Link to the self-contained interactive map written beside the report."""
        from relais_analysis.privacy.published_xlsx import WORKBOOK_NAMES

        lang = self.params.lang
        return fragments.map_link(text("report.map_link", lang), workbook=WORKBOOK_NAMES[lang],
                                  workbook_text=text("report.workbook_link", lang))


class RelaySheet(_Content):
    """One-page summary of a relay for its social worker and host organisation.

    Raises
    ------
    ParameterError, InputDataError
        Invalid parameters (``relay_id`` is required) or data; a year without data.
    """

    def __init__(self, **params: object) -> None:
        checked = validate_parameters(**params)
        if not checked.relay_id:
            raise ParameterError(*text_pair("report.error.relay_required"))
        self._open(checked)
        self.relay = self.dataset.relays.set_index("relay_id").loc[self.params.relay_id]

    def title(self) -> str:
        """Sheet title with the relay's name (escape it before putting it in HTML)."""
        return text("report.title.relay_sheet", self.params.lang, name=self.relay["name"], year=self.params.year)

    def header_html(self) -> str:
        """Relay name, host organisation and opening dates, escaped."""
        lang = self.params.lang
        return fragments.relay_header(str(self.relay["name"]), text("report.relay.host", lang),
                                      str(self.relay["organisation"]), text("punct.colon", lang))

    def write_outputs(self, *, formats: tuple[str, ...] = REPORT_FORMATS) -> dict[str, list[Path]]:
        """Write the sheet's CSV tables, figures (``formats``, default PNG only) and ``summary.json``.

        Raises
        ------
        ParameterError
            An unknown format.
        """
        out = self.params.output_dir
        out.mkdir(parents=True, exist_ok=True)
        self.outputs["tables"] = write_tables(self.tables, out / "tableaux", lang=self.params.lang)
        with batched_sheets():  # the figures' data join the workbook in one save
            self.outputs.update(charts.figures_from_tables(self.tables, out / "figures", lang=self.params.lang,
                                                           formats=formats, synthetic=self.dataset.synthetic,
                                                           as_of=self.dataset.as_of))
        self.outputs["summary"] = [self._write_summary({"relay_name": str(self.relay["name"])})]
        return self.outputs

    def narrative(self) -> str:
        """Reach of the relay this year, and where its parents live."""
        lang, th = self.params.lang, self.tables.threshold
        per_year = self.tables.tables["reach_per_year"].set_index("year")
        if self.params.year not in per_year.index:
            return text("report.relay.no_activity", lang)
        row = per_year.loc[self.params.year]
        origin = self.tables.tables["territory_vs_residence"]
        own = origin["in_own_territory"].iloc[0] if len(origin) else pd.NA
        sentence = text("report.relay.reach", lang, year=self.params.year,
                        activities=format_int(row["activities"], lang, threshold=th),
                        parents=format_int(row["parents"], lang, threshold=th),
                        children=format_int(row["children"], lang, threshold=th))
        if not pd.isna(own) and not is_suppressed(own):
            sentence += text("report.relay.own_territory", lang, n=format_int(own, lang, threshold=th))
        return sentence

    def territory_html(self) -> str:
        """The communes of the relay's territory with their population."""
        frame = self.tables.tables["commune_coverage"].sort_values("name_fr")
        lang = self.params.lang
        cols = {"name_fr": label("commune", lang), "population": label("population", lang)}
        return _table_html(frame, cols, lang, self.tables.threshold, {"name_fr": "text"})
