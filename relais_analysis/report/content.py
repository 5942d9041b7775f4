"""Content of the report notebooks: one object per annual report or relay sheet.

The notebooks ``annual_report.ipynb`` and ``relay_sheet.ipynb`` hold the narrative
layout and the parameters; everything they show is computed here, so tests can check
it: :class:`AnnualReport` loads and validates the data, computes and protects the
tables, writes the CSV tables, figures, map and a JSON summary into the output
folder, and gives the notebook ready-to-display HTML and Markdown (French by
default, user strings escaped).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
from pathlib import Path

import pandas as pd

from relais_analysis.outputs import charts
from relais_analysis.geography import reference
from relais_analysis.outputs import static_map
from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import check_lang, format_int, format_percent, label, province_label
from relais_analysis.intake.dataset import Dataset
from relais_analysis.intake.ingest import load_dataset
from relais_analysis.outputs.narrative import coverage_sentence, evolution_sentence, headline, people_sentence, scope_name
from relais_analysis.privacy.masked import check_threshold, footnote, is_suppressed
from relais_analysis.indicators.tables import TableSet, indicator_tables, relay_tables, write_tables

#: Image formats a report draws: its HTML page embeds PNG; SVG and PDF only when asked (``relais charts``).
REPORT_FORMATS: tuple[str, ...] = ("png",)

__all__ = ["AnnualReport", "ReportParameters", "RelaySheet", "available_years", "check_report_year",
           "dataset_key", "validate_parameters"]


@dataclasses.dataclass(frozen=True)
class ReportParameters:
    """Validated parameters of a report notebook (papermill passes strings and never checks)."""

    year: int
    province: str | None
    data_dir: Path
    output_dir: Path
    lang: str = "fr"
    threshold: int = DEFAULT_THRESHOLD
    relay_id: str | None = None
    as_of: dt.date | None = None
    population_file: Path | None = None
    protected_tables: Path | None = None


_KNOWN = {f.name for f in dataclasses.fields(ReportParameters)}


def validate_parameters(**params: object) -> ReportParameters:
    """Check and convert the parameters of a report notebook.

    Accepts what papermill injects (strings for paths and dates, ``None``), refuses
    unknown names (papermill only warns about them) and wrong values with one clear
    message.

    Raises
    ------
    ParameterError
        Unknown parameter, invalid year, province, language, threshold, or a data
        folder that does not exist.
    """
    unknown = sorted(set(params) - _KNOWN)
    if unknown:
        raise ParameterError(
            f"Paramètre(s) inconnu(s) : {unknown}. Paramètres possibles : {sorted(_KNOWN)}.",
            f"Unknown parameter(s): {unknown}. Valid parameters: {sorted(_KNOWN)}.",
        )
    for required in ("year", "data_dir", "output_dir"):
        if params.get(required) in (None, ""):
            raise ParameterError(f"Paramètre obligatoire manquant : {required}.", f"Missing parameter: {required}.")
    data_dir = Path(str(params["data_dir"]))
    if not data_dir.is_dir():
        raise ParameterError(f"Dossier de données introuvable : {data_dir}.", f"Data folder not found: {data_dir}.")
    relay = params.get("relay_id")
    as_of = params.get("as_of")
    threshold = params.get("threshold", DEFAULT_THRESHOLD)
    if isinstance(threshold, str) and threshold.strip().isdigit():  # papermill -p passes strings
        threshold = int(threshold)
    return ReportParameters(
        year=reference.check_year(params["year"]),
        province=reference.check_province(params.get("province")),
        data_dir=data_dir,
        output_dir=Path(str(params["output_dir"])),
        lang=check_lang(params.get("lang", "fr")),
        threshold=check_threshold(threshold),
        relay_id=None if relay in (None, "", "None") else str(relay),
        as_of=None if as_of in (None, "", "None") else dt.date.fromisoformat(str(as_of)),
        population_file=_population_file(params.get("population_file")),
        protected_tables=_protected_file(params.get("protected_tables")),
    )


def _population_file(value: object) -> Path | None:
    if value in (None, "", "None"):
        return None
    path = Path(str(value))
    if not path.is_file():
        raise ParameterError(f"Fichier de population introuvable : {path}.", f"Population file not found: {path}.")
    return path


def _protected_file(value: object) -> Path | None:
    if value in (None, "", "None"):
        return None
    path = Path(str(value))
    if not path.is_file():
        raise ParameterError(f"Tableaux protégés introuvables : {path}.", f"Protected tables not found: {path}.")
    return path


def _protected(params: ReportParameters, raw: TableSet | None, dataset: Dataset) -> tuple[TableSet, bool]:
    """The tables protected for the whole publication by ``relais report``, or this scope alone.

    Returns the protected set and whether it was protected with the whole publication.

    Raises
    ------
    ParameterError
        Protected tables of another year, threshold or scope.
    """
    from relais_analysis.privacy.linked import load_protected, protect_in_publication

    if params.protected_tables is not None:
        tables = load_protected(params.protected_tables, year=params.year, threshold=params.threshold)[0]
        if (tables.province_nis, tables.relay_id) != (None if params.relay_id else params.province, params.relay_id):
            raise ParameterError(f"Les tableaux protégés {params.protected_tables.name} sont d'un autre territoire.",
                                 f"Protected tables {params.protected_tables.name} are for another scope.")
        return tables, True
    return protect_in_publication(dataset, raw, threshold=params.threshold), False


def available_years(dataset: Dataset) -> list[int]:
    """Years with at least one activity, up to the extraction year."""
    years = sorted(int(y) for y in dataset.activities["year"].unique())
    return [y for y in years if y <= dataset.as_of.year]


def check_report_year(year: int, dataset: Dataset) -> int:
    """A report year must have activities in the data.

    Raises
    ------
    ParameterError
        The message lists the years available.
    """
    years = available_years(dataset)
    if year not in years:
        listed = ", ".join(map(str, years)) or "aucune / none"
        raise ParameterError(
            f"Pas de données pour {year}. Années disponibles : {listed}.",
            f"No data for {year}. Years available: {listed}.",
        )
    return year


def _dataset(data_dir: str, as_of: dt.date | None, population_file: Path | None = None) -> Dataset:
    dataset = load_dataset(data_dir, as_of=as_of)
    if population_file is not None:
        from relais_analysis.geography.population import use_population_file

        dataset = use_population_file(dataset, population_file)
    return dataset


def dataset_key(params: ReportParameters) -> str:
    """Content key of the dataset a report loads: data files, extraction date, population file, code.

    Raises
    ------
    ParameterError
        A data or population file disappeared.
    """
    from relais_analysis.report.build_cache import content_key, source_digest

    as_of = params.as_of.isoformat() if params.as_of else f"today {dt.date.today().isoformat()}"
    population = params.population_file.resolve() if params.population_file else None
    return content_key("dataset", source_digest(), params.data_dir.resolve(), as_of, population)


def _shared_dataset(params: ReportParameters) -> tuple[Dataset, object, str | None]:
    """The report's dataset, read from the build's cache when ``relais report`` runs it (else loaded here).

    Returns the dataset, the build cache (None for a notebook run on its own) and the dataset's key.
    """
    from relais_analysis.report.build_cache import cache_for

    cache = cache_for(params.protected_tables)
    if cache is None:
        return _dataset(str(params.data_dir), params.as_of, params.population_file), None, None
    key = dataset_key(params)
    dataset = cache.get_or_compute("dataset", key, lambda: _dataset(str(params.data_dir), params.as_of,
                                                                    params.population_file))
    return dataset, cache, key


def _table_html(frame: pd.DataFrame, columns: dict[str, str], lang: str, threshold: int,
                kinds: dict[str, str] | None = None) -> str:
    """An HTML table with French/English headers and formatted, escaped cells."""
    kinds = kinds or {}
    head = "".join(f"<th>{html.escape(title)}</th>" for title in columns.values())
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            value, kind = row[col], kinds.get(col, "int")
            if kind == "percent":
                text = format_percent(value, lang, threshold=threshold)
            elif kind == "text":
                text = "" if pd.isna(value) else str(value)
            elif isinstance(value, bool):
                text = label("covered", lang) if value else label("not_covered", lang)
            else:
                text = format_int(value, lang, threshold=threshold)
            align = ' class="num"' if kind != "text" else ""
            cells.append(f"<td{align}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="relais-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


_REPORT_CSS = """
.relais-key-figures{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.relais-key-figures .kf{flex:1 1 10rem;border:1px solid #d0d7de;border-radius:6px;padding:.6rem .8rem;background:#f6f8fa}
.relais-key-figures .kf-value{font-size:1.5rem;font-weight:bold;color:#0072b2}
.relais-key-figures .kf-label{font-size:.9rem;color:#444}
table.relais-table{border-collapse:collapse;margin:.5rem 0 1rem 0;font-size:.95rem}
table.relais-table th,table.relais-table td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
table.relais-table td.num{text-align:right;font-variant-numeric:tabular-nums}
.jp-RenderedImage img{max-width:100%;height:auto}
.jp-RenderedHTMLCommon a:link,.jp-RenderedHTMLCommon a:visited{text-decoration:underline}
"""


class _Content:
    """What annual reports and relay sheets share: banner, footnote, figures, summary."""

    params: ReportParameters
    dataset: Dataset
    tables: TableSet

    def style_html(self) -> str:
        """CSS of the exported report (key-figure boxes, tables, print stylesheet); inline, no network."""
        from relais_analysis.report.pdf import print_css

        return f"<style>{_REPORT_CSS}{print_css()}</style>"

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
        head = {"fr": f"DONNÉES INCOMPLÈTES, publiées en connaissance de cause : plus de {share} des lignes "
                      "d'un relais ou une table entière ont été rejetées à la validation ; les chiffres sous-estiment "
                      "l'activité.",
                "en": f"INCOMPLETE DATA, published knowingly: more than {share} of a relay's rows, or a whole table, "
                      "were rejected at validation; the figures underestimate the activity."}[self.params.lang]
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        return (f'<div class="relais-losses" style="background:#f4a582;color:#000;padding:.6em 1em;margin:.4em 0;'
                f'border-radius:4px"><strong>{html.escape(head)}</strong><ul>{items}</ul></div>')

    def _synthetic_banner(self) -> str:
        if not self.dataset.synthetic:
            return ""
        text = {"fr": "DONNÉES SYNTHÉTIQUES : ce rapport est construit sur des données de démonstration, "
                      "aucune personne réelle n'y figure.",
                "en": "SYNTHETIC DATA: this report is built on demo data; no real person appears in it."}
        return (f'<div class="relais-synthetic" style="background:#b2182b;color:#fff;padding:.6em 1em;'
                f'font-weight:bold;border-radius:4px">{html.escape(text[self.params.lang])}</div>')

    def masking_note(self) -> str:
        """Footnote on masked values, with the number of masked cells."""
        lang, th = self.params.lang, self.tables.threshold
        n = format_int(self.tables.total_suppressed, lang)
        if lang == "fr":
            return (f"*{footnote(th, lang)}.* Aucun effectif entre 1 et {th - 1} n'est publié, et d'autres cases, "
                    f"de toute valeur, ne le sont pas non plus, pour qu'on ne puisse pas le retrouver par "
                    f"soustraction ({n} cases non publiées dans les tableaux de ce rapport). « – » : pas de données.")
        return (f"*{footnote(th, lang)}.* No count from 1 to {th - 1} is published, nor are other cells, of any "
                f"value, so that it cannot be recovered by subtraction ({n} cells not published in this "
                "report's tables). “–”: no data.")

    def protection_note(self) -> str:
        """Empty in a build; run alone (JupyterLab), says that only this report's tables were protected together."""
        if getattr(self, "whole_publication", True):
            return ""
        return {"fr": " Carnet exécuté seul : ses tableaux sont protégés avec ceux de la Wallonie et des provinces ; "
                      "la protection commune à toute la publication (fiches relais comprises) est appliquée par "
                      "`relais report`.",
                "en": " Notebook run on its own: its tables are protected with those of Wallonia and the provinces; "
                      "the protection shared by the whole publication (relay sheets included) is applied by "
                      "`relais report`."}[
            self.params.lang]

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
        self.params = validate_parameters(**params)
        self.dataset, self.build_cache, self.dataset_key = _shared_dataset(self.params)
        check_report_year(self.params.year, self.dataset)
        raw = None if self.params.protected_tables else indicator_tables(self.dataset, self.params.year,
                                                                         province=self.params.province)
        self.tables, self.whole_publication = _protected(self.params, raw, self.dataset)
        self.outputs: dict[str, list[Path]] = {}

    @property
    def scope(self) -> str:
        """"Wallonie" or the province's name."""
        return scope_name(self.params.province, self.params.lang)

    def title(self) -> str:
        """Report title, e.g. "Relais Familles Mono – rapport annuel 2024 – Wallonie"."""
        word = {"fr": "rapport annuel", "en": "annual report"}[self.params.lang]
        return f"Relais Familles Mono – {word} {self.params.year} – {self.scope}"

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
        legend = {"fr": "Parents touchés pour 10 000 habitants", "en": "Parents reached per 10,000 inhabitants"}
        return static_map.save_choropleth(communes, folder / "choropleth", relays=points, provinces=provinces,
                                      column="value", lang=self.params.lang, legend_title=legend[self.params.lang],
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
        names = {"fr": {"parents": "parents", "children": "enfants", "families": "familles",
                        "attendances": "participations", "activities": "activités",
                        "communes_covered": "communes couvertes", "population_covered": "de la population couverte",
                        "population_within_10km": "de la population à moins de 10 km d'un relais"},
                 "en": {"parents": "parents", "children": "children", "families": "families",
                        "attendances": "attendances", "activities": "activities",
                        "communes_covered": "municipalities covered", "population_covered": "of the population covered",
                        "population_within_10km": "of the population within 10 km of a relay"}}[lang]
        boxes = "".join(
            f'<div class="kf"><div class="kf-value">{html.escape(str(v))}</div>'
            f'<div class="kf-label">{html.escape(names[k])}</div></div>'
            for k, v in self.key_figures_dict().items()
        )
        return f'<div class="relais-key-figures">{boxes}</div>'

    def narrative(self) -> str:
        """The opening paragraphs, generated from the published tables."""
        lang = self.params.lang
        first = " ".join(p for p in (headline(self.tables, lang), evolution_sentence(self.tables, lang)) if p)
        return "\n\n".join(p for p in (first, people_sentence(self.tables, lang), coverage_sentence(self.tables, lang))
                           if p)

    def table_html(self, name: str) -> str:
        """One published table as HTML, with headers in the report's language."""
        lang, th = self.params.lang, self.tables.threshold
        frame = self.tables.tables.get(name)
        L = lambda key: label(key, lang)  # noqa: E731
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
            cols = {"province_name": L("province"), "n_communes": "Communes" if lang == "fr" else "Municipalities",
                    "communes_covered": {"fr": "Communes couvertes", "en": "Covered"}[lang],
                    "population": L("population"),
                    "share_covered": {"fr": "Part de la population couverte", "en": "Share covered"}[lang]}
            return _table_html(frame, cols, lang, th, {"province_name": "text", "share_covered": "percent"})
        if name == "uncovered":
            cov = self.tables.tables["commune_coverage"]
            frame = cov[~cov["covered"]].sort_values("population", ascending=False).head(10)
            cols = {"name_fr": L("commune"), "population": L("population")}
            return _table_html(frame, cols, lang, th, {"name_fr": "text"})
        if name == "next_relay_suggestions":
            cols = {"rank": "Rang" if lang == "fr" else "Rank", "name_fr": L("commune"),
                    "added_population": {"fr": "Population non couverte à moins de 10 km",
                                         "en": "Uncovered population within 10 km"}[lang]}
            return _table_html(frame, cols, lang, th, {"name_fr": "text"})
        raise ParameterError(f"Tableau inconnu : {name!r}.", f"Unknown table: {name!r}.")

    def heading(self, key: str) -> str:
        """Section heading or short note (Markdown), in the report's language."""
        text = _HEADINGS[self.params.lang][key]
        up = "../" if self.params.province is None else "../../"  # wallonie/ or provinces/<name>/
        return text.replace("](../methodologie.html)", f"]({up}methodologie.html)")

    def map_link_html(self) -> str:
        """Link to the self-contained interactive map written beside the report."""
        text = {"fr": "Ouvrir la carte interactive (fonctionne hors ligne)",
                "en": "Open the interactive map (works offline)"}[self.params.lang]
        book = {"fr": ("tableaux.xlsx", "Tous les tableaux dans un classeur Excel"),  # issue 12: written by write_tables
                "en": ("tables.xlsx", "All tables in one Excel workbook")}[self.params.lang]
        return (f'<p class="relais-map-link"><a href="carte.html">{html.escape(text)}</a> · '
                f'<a href="tableaux/{book[0]}">{html.escape(book[1])}</a></p>')


_HEADINGS = {
    "fr": {
        "people": "## Personnes touchées",
        "provinces_note": "*Un parent venu dans deux provinces compte dans chacune : la somme des provinces peut "
                          "dépasser le total wallon.*",
        "activities": "## Activités",
        "loyalty": "## Nouveaux parents et fidélisation",
        "coverage": "## Couverture territoriale",
        "uncovered": "### Communes non couvertes les plus peuplées (zones blanches)",
        "next_relay": "### Où un nouveau relais toucherait-il le plus d'habitants non couverts ?",
        "relays": "## Par relais",
        "method_link": "Voir la [fiche méthodologique](../methodologie.html) pour les sources et les règles de calcul.",
    },
    "en": {
        "people": "## People reached",
        "provinces_note": "*A parent who came in two provinces counts in each: provinces may add up to more than "
                          "Wallonia.*",
        "activities": "## Activities",
        "loyalty": "## New and returning parents",
        "coverage": "## Territorial coverage",
        "uncovered": "### Most populated uncovered municipalities",
        "next_relay": "### Where would a new relay reach the most uncovered inhabitants?",
        "relays": "## By relay",
        "method_link": "See the [methodology note](../methodologie.html) for sources and rules.",
    },
}


class RelaySheet(_Content):
    """One-page summary of a relay for its social worker and host organisation."""

    def __init__(self, **params: object) -> None:
        self.params = validate_parameters(**params)
        if not self.params.relay_id:
            raise ParameterError("relay_id est obligatoire pour une fiche relais.", "relay_id is required.")
        self.dataset, self.build_cache, self.dataset_key = _shared_dataset(self.params)
        check_report_year(self.params.year, self.dataset)
        raw = None if self.params.protected_tables else relay_tables(self.dataset, self.params.year,
                                                                     self.params.relay_id)
        self.tables, self.whole_publication = _protected(self.params, raw, self.dataset)
        self.relay = self.dataset.relays.set_index("relay_id").loc[self.params.relay_id]
        self.outputs: dict[str, list[Path]] = {}

    def title(self) -> str:
        """Sheet title with the relay's name (escape it before putting it in HTML)."""
        word = {"fr": "fiche relais", "en": "relay sheet"}[self.params.lang]
        return f"{self.relay['name']} – {word} {self.params.year}"

    def header_html(self) -> str:
        """Relay name, host organisation and opening dates, escaped."""
        lang = self.params.lang
        host = {"fr": "Organisation hôte", "en": "Host organisation"}[lang]
        return (f"<h1>{html.escape(str(self.relay['name']))}</h1>"  # the sheet's title: its one h1
                f"<p>{host} : {html.escape(str(self.relay['organisation']))}</p>")

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
        self.outputs.update(charts.figures_from_tables(self.tables, out / "figures", lang=self.params.lang,
                                                       formats=formats,
                                                       synthetic=self.dataset.synthetic, as_of=self.dataset.as_of))
        self.outputs["summary"] = [self._write_summary({"relay_name": str(self.relay["name"])})]
        return self.outputs

    def narrative(self) -> str:
        """Reach of the relay this year, and where its parents live."""
        lang, th = self.params.lang, self.tables.threshold
        per_year = self.tables.tables["reach_per_year"].set_index("year")
        if self.params.year not in per_year.index:
            return {"fr": "Aucune activité enregistrée cette année.", "en": "No activity recorded this year."}[lang]
        row = per_year.loc[self.params.year]
        origin = self.tables.tables["territory_vs_residence"]
        own = origin["in_own_territory"].iloc[0] if len(origin) else pd.NA
        if lang == "fr":
            text = (f"En {self.params.year}, le relais a organisé {format_int(row['activities'], lang, threshold=th)} "
                    f"activités ; {format_int(row['parents'], lang, threshold=th)} parents et "
                    f"{format_int(row['children'], lang, threshold=th)} enfants y ont participé.")
            if not pd.isna(own) and not is_suppressed(own):
                text += f" {format_int(own, lang, threshold=th)} de ces parents habitent le territoire du relais."
        else:
            text = (f"In {self.params.year}, the relay held {format_int(row['activities'], lang, threshold=th)} "
                    f"activities; {format_int(row['parents'], lang, threshold=th)} parents and "
                    f"{format_int(row['children'], lang, threshold=th)} children took part.")
            if not pd.isna(own) and not is_suppressed(own):
                text += f" {format_int(own, lang, threshold=th)} of these parents live in the relay's territory."
        return text

    def territory_html(self) -> str:
        """The communes of the relay's territory with their population."""
        frame = self.tables.tables["commune_coverage"].sort_values("name_fr")
        lang = self.params.lang
        cols = {"name_fr": label("commune", lang), "population": label("population", lang)}
        return _table_html(frame, cols, lang, self.tables.threshold, {"name_fr": "text"})
