"""The pages of a report site written beside the reports: ``index.html`` and ``methodologie.html``.

Both are written by :func:`relais_analysis.report.build.build_report` into the folder being
built (see :mod:`relais_analysis.privacy.publication`), link only what is published, and never
show an error text or a rejected value: the methodology gives counts only.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from relais_analysis import __version__
from relais_analysis.geography import reference
from relais_analysis.config import project_root
from relais_analysis.i18n import format_date, format_int
from relais_analysis.intake.dataset import Dataset
from relais_analysis.indicators.tables import table_order, table_title

if TYPE_CHECKING:
    from relais_analysis.report.jobs import JobResult

__all__ = ["file_size", "render_page", "write_index", "write_methodology"]


def file_size(size: int, lang: str = "fr") -> str:
    """A file size for readers, in kilobytes (1 000 bytes), at least 1; megabytes from 1 000 kB.

    >>> file_size(48_213), file_size(300), file_size(2_460_000), file_size(2_460_000, "en")
    ('48\u202fko', '1\u202fko', '2,5\u202fMo', '2.5\u202fMB')
    """
    from relais_analysis.i18n import format_decimal, text

    if size >= 1_000_000:
        return text("site.megabytes", lang, n=format_decimal(size / 1_000_000, lang, 1))
    return text("site.kilobytes", lang, n=format_int(max(1, round(size / 1000)), lang))


def _git_commit() -> str:
    """The short commit of the package's checkout; ``""`` when unknown."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project_root(), capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


# --------------------------------------------------------------------------- index and methodology

_STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;
line-height:1.5}h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.synthetic{background:#b2182b;color:#fff;
padding:.6rem 1rem;font-weight:bold;border-radius:4px}.failed{color:#b2182b}code{font-size:.9em}
.table-scroll{overflow-x:auto;max-width:100%;margin:.5rem 0}img{max-width:100%;height:auto}
@media (max-width:600px){body{margin:1rem auto;padding:0 .75rem}h1{font-size:1.35rem}h2{font-size:1.1rem}}
"""
_TABLE = re.compile(r"<table\b")


def _scrolling_tables(body: str) -> str:
    """Each table in its own horizontally scrolling box (keyboard-focusable), so the page never scrolls sideways.

    >>> _scrolling_tables('<p>x</p><table><tr><td>1</td></tr></table>')
    '<p>x</p><div class="table-scroll" tabindex="0"><table><tr><td>1</td></tr></table></div>'
    """
    return _TABLE.sub('<div class="table-scroll" tabindex="0"><table', body).replace("</table>", "</table></div>")


def _page(title: str, body: str, lang: str) -> str:
    from markupsafe import Markup

    return render_page("page.html.j2", lang=lang, title=title, style=Markup(_STYLE),
                       body=Markup(_scrolling_tables(body)))


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _template_text(name: str) -> str:
    from importlib import resources

    return (resources.files("relais_analysis") / "templates" / name).read_text(encoding="utf-8")


def _escape_output(value: object) -> object:
    """Every ``{{ value }}`` of a page template is HTML-escaped, except markup built by this package."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value)))


def render_page(template: str, **context: object) -> str:
    """A page of ``relais_analysis/templates/``, its values HTML-escaped (``html.escape``)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FunctionLoader(_template_text), autoescape=False,
                             finalize=_escape_output, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template(template).render(**context)


def _wallonia_tables(results: list[JobResult], year: int) -> tuple[object, int] | None:
    """Wallonia's tables as the build protected them (with every scope), and the threshold; None without them."""
    from relais_analysis.config import DEFAULT_THRESHOLD
    from relais_analysis.privacy.handover import load_protected

    for res in results:
        params = res.job.parameters
        if res.job.kind == "annual" and params.get("province") is None and params.get("protected_tables"):
            threshold = int(params.get("threshold") or DEFAULT_THRESHOLD)
            return load_protected(params["protected_tables"], year=year, threshold=threshold)[0], threshold
    return None


def _documents(root: Path, results: list[JobResult], relay_province: dict[str, str], lang: str) -> list[dict]:
    """The documents, grouped: Wallonia, the provinces, the relay sheets by province (French names)."""
    from relais_analysis.config import PROVINCES
    from relais_analysis.i18n import province_label, text
    from relais_analysis.indicators.relay_comparison import short_relay_name
    from relais_analysis.outcomes import load_instruments
    from relais_analysis.privacy.published_xlsx import WORKBOOK_NAMES

    short_names = {key: inst.short_name for key, inst in load_instruments().items()}
    regional, provinces, relays = [], [], {}
    for res in results:
        folder = res.job.output_dir
        links = []
        if res.ok and res.html:
            word = "documents.report" if res.job.kind == "annual" else "documents.sheet"
            links.append((_rel(res.html, root), text(f"landing.{word}", lang)))
        carte = folder / "carte.html"
        if carte.exists():
            links.append((_rel(carte, root), text("landing.documents.map", lang)))
        workbook = folder / "tableaux" / WORKBOOK_NAMES[lang]
        if workbook.exists():
            links.append((_rel(workbook, root), text("site.workbook", lang, size=file_size(workbook.stat().st_size, lang))))
        tables = []
        if (folder / "tableaux").exists():
            tables = [(_rel(t, root), table_title(t.stem, lang, short_names)) for t in
                      sorted((folder / "tableaux").glob("*.csv"), key=lambda t: table_order(t.stem))]
        name = short_relay_name(res.job.title) if res.job.kind == "relay" else res.job.title
        item = {"name": name, "links": links, "tables": tables, "failed": not res.ok}
        if res.job.kind == "relay":
            code = relay_province.get(str(res.job.parameters.get("relay_id")), "")
            relays.setdefault(code if code in PROVINCES else "", []).append(item)
        elif res.job.parameters.get("province") is None:
            regional.append(item)
        else:
            provinces.append(item)
    groups = []
    if regional:
        groups.append({"heading": text("landing.documents.regional", lang), "subgroups": [{"heading": None,
                                                                                            "docs": regional}]})
    if provinces:
        groups.append({"heading": text("landing.documents.provinces", lang), "subgroups": [{"heading": None,
                                                                                             "docs": provinces}]})
    if relays:
        order = [c for c in PROVINCES if c in relays] + ([""] if "" in relays else [])
        groups.append({"heading": text("landing.documents.relays", lang), "subgroups": [
            {"heading": province_label(c, lang) if c else "–", "docs": relays[c]} for c in order]})
    return groups


def write_index(root: Path, dataset: Dataset, results: list[JobResult], *, year: int, lang: str) -> Path:
    """``index.html``: the year's key figures, the programme since 2022, the relays side by side, the documents.

    The figures and tables come from Wallonia's tables as the build protected them
    (:mod:`relais_analysis.report.landing`); the page's two tables are published under
    ``accueil/tableaux`` through the publication door. Without a Wallonia report in the
    build, the page lists the documents only.

    Raises
    ------
    PrivacyError
        A count below the threshold would be written (never expected: every count is a protected cell).
    ParameterError
        The build's protected tables cannot be read.
    """
    from markupsafe import Markup

    from relais_analysis.i18n import text
    from relais_analysis.privacy.published_columns import machine_table_name
    from relais_analysis.report.landing import landing, write_landing_tables

    protected = _wallonia_tables(results, year)
    page = None
    landing_tables = []
    if protected is not None:
        page = landing(dataset, protected[0], year=year, lang=lang, threshold=protected[1])
        files = write_landing_tables(root, page, year=year, threshold=protected[1], lang=lang)
        landing_tables = [(_rel(f, root), text(f"landing.table.{machine_table_name(f.stem)}", lang))
                          for f in files if f.suffix == ".csv"]
    groups = _documents(root, results, page.relay_province if page else {}, lang)
    if landing_tables:
        groups.append({"heading": text("landing.documents.landing_tables", lang), "subgroups": [
            {"heading": None, "docs": [{"name": text("landing.documents.tables", lang).capitalize(), "links": [],
                                         "tables": landing_tables, "failed": False}]}]})
    title = text("landing.title", lang, year=year)
    since = int(page.tables["programme_trends"]["year"].min()) if page is not None and len(
        page.tables["programme_trends"]) else year
    body = render_page(
        "index.html.j2", lang=lang, title=title, style=Markup(_STYLE + _template_text("index.css")),
        banner=text("landing.synthetic_banner", lang) if dataset.synthetic else "",
        extracted=text("landing.extracted", lang, date=format_date(dataset.as_of, lang)),
        methodology=text("landing.methodology_link", lang), page=page,
        key_figures=text("landing.key_figures", lang, period=page.period) if page else "",
        masked_note=text("landing.masked_note", lang), chart_svg=Markup(page.chart_svg) if page else "",
        trends_heading=text("landing.trends.heading", lang, since=since),
        relays_heading=text("landing.relays.heading", lang, period=page.period) if page else "",
        documents_heading=text("landing.documents.heading", lang), groups=groups,
        not_available=text("landing.documents.not_available", lang), tables_label=text("landing.documents.tables", lang),
    )
    path = root / "index.html"
    path.write_text(body, encoding="utf-8")
    return path


def _losses_html(dataset: Dataset, lang: str) -> str:
    """Paragraph naming the losses accepted with --accept-losses (counts only, never values)."""
    from relais_analysis.i18n import text
    from relais_analysis.intake.ingest import loss_problems

    problems = loss_problems(dataset)
    if not problems:
        return ""
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return (f'<p class="relais-losses"><strong>{html.escape(text("methodology.losses", lang))}</strong>'
            f'{html.escape(text("methodology.losses_text", lang), quote=False)}</p>'
            f"<ul>{items}</ul>")


def catalogue_html(lang: str):  # noqa: ANN201 (a function for templates)
    """``t(key, **fields)`` for page templates: the catalogue text in ``lang``, HTML-escaped, then its fields
    filled (each escaped, except markup built by this package), as :class:`markupsafe.Markup`.

    >>> from markupsafe import Markup
    >>> t = catalogue_html("en")
    >>> print(t("methodology.software.text", version="<1.0>", commit=Markup("<code>abc</code>"), today="1 May"))
    relais_analysis &lt;1.0&gt;, commit <code>abc</code>, produced on 1 May.
    """
    from markupsafe import Markup

    from relais_analysis.i18n import text

    def t(key: str, **fields: object) -> Markup:
        marks = {name: f"\x00{name}\x00" for name in fields}
        out = html.escape(text(key, lang, **marks), quote=False)
        for name, value in fields.items():
            out = out.replace(marks[name], value if isinstance(value, Markup) else html.escape(str(value)))
        return Markup(out)

    return t


def write_methodology(root: Path, dataset: Dataset, results: list[JobResult], *, year: int, lang: str,
                      threshold: int, protection: object = None, suppressed_cells: int = 0) -> Path:
    """``methodologie.html``: data files and SHA-256, extraction date, versions, rules, masking, in ``lang``.

    ``suppressed_cells``: masked cells of the published tables, computed by the build from the
    protected tables its notebooks used (:func:`relais_analysis.report.build.methodology_figures`).
    """
    from markupsafe import Markup

    from relais_analysis.i18n import text
    from relais_analysis.outcomes.chapter import methodology_html as outcomes_methodology_html
    from relais_analysis.privacy.linked import methodology_html

    suppressed = suppressed_cells
    files = "".join(
        f"<tr><td>{html.escape(r.table)}</td><td>{html.escape(r.source)}</td><td>{format_int(r.rows_read, lang)}</td>"
        f"<td>{format_int(r.accepted, lang)}</td><td>{format_int(r.rejected, lang)}</td><td><code>{r.sha256}</code></td></tr>"
        for r in dataset.reports.values()
    )
    params = {"year": year, "lang": lang, "threshold": threshold,
              "reports": ", ".join(r.job.title for r in results)}
    param_rows = "".join(f"<tr><td>{html.escape(text(f'methodology.parameter.{k}', lang))}</td>"
                         f"<td>{html.escape(str(v))}</td></tr>" for k, v in params.items())
    rejected = sum(int(r.rejected) for r in dataset.reports.values())
    merged = year >= reference.MERGER_YEAR
    communes = text(f"methodology.geography.communes_{'after' if merged else 'before'}_merger", lang,
                    n=261 if merged else 262)
    commit = _git_commit() or text("methodology.software.unknown_commit", lang)
    banner = (f'<p class="synthetic">{html.escape(text("landing.synthetic_banner", lang))}</p>'
              if dataset.synthetic else "")
    body = render_page(
        "methodology.html.j2", t=catalogue_html(lang), year=year, banner=Markup(banner),
        extracted=format_date(dataset.as_of, lang), rejected=format_int(rejected, lang),
        losses=Markup(_losses_html(dataset, lang)), files=Markup(files), version=__version__,
        commit=Markup(f"<code>{html.escape(commit)}</code>"),
        today=format_date(dt.date.today(), lang), param_rows=Markup(param_rows),
        population_source=dataset.population_source, communes=communes, below=threshold - 1,
        suppressed=format_int(suppressed, lang), protection=Markup(methodology_html(protection, lang)),
        outcomes=Markup(outcomes_methodology_html(lang) if len(dataset.questionnaires) else ""))
    path = root / "methodologie.html"
    path.write_text(_page(text("methodology.title", lang, year=year), body, lang), encoding="utf-8")
    return path
