"""Printable French questionnaire generated from the instrument files.

The paper form and the analysis read the same files, so they cannot disagree: the
items, their order, the answer options and their codes (printed small next to each
box, they are what goes into the ``questionnaires`` table), the recall period, and
the flags "traduction de travail, à valider" and "non validé". Sources and licences
are printed at the end. HTML is self-contained (no network); PDF through Debian's
Chromium (:func:`relais_analysis.report.build.print_pdf`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from relais_analysis.i18n import check_lang, text
from relais_analysis.outcomes.instruments import Instrument, load_instruments
from relais_analysis.outcomes.sentences import translation_flag

__all__ = ["questionnaire_html", "write_questionnaire"]

_CSS = """
@page{size:A4;margin:15mm 12mm}
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10.5pt;color:#111;max-width:50rem;margin:1rem auto;
line-height:1.35}
h1{font-size:16pt;margin:0 0 .3rem}h2{font-size:12.5pt;margin:1.2rem 0 .2rem;break-after:avoid}
.meta{display:grid;grid-template-columns:repeat(3,1fr);gap:.5rem 1rem;border:1px solid #999;padding:.5rem;
margin:.6rem 0}
.meta span{display:inline-block;min-width:9rem;border-bottom:1px solid #777;height:1.1rem}
.flag{font-size:9pt;color:#8a3b00;font-style:italic;margin:.1rem 0}
.instr{font-size:9.5pt;margin:.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;table-layout:fixed;break-inside:avoid;margin-bottom:.4rem}
th,td{border:1px solid #bbb;padding:.25rem .3rem;vertical-align:top}
th{font-size:8.5pt;font-weight:normal;background:#f2f2f2;text-align:center}
td.q{width:46%}td.a{text-align:center;white-space:nowrap}
.box{display:inline-block;width:.8rem;height:.8rem;border:1px solid #222;vertical-align:middle}
.code{font-size:7pt;color:#666;margin-left:.15rem}
.sources{font-size:8pt;color:#444;margin-top:1.2rem;border-top:1px solid #999;padding-top:.4rem}
section{break-inside:avoid-page}
"""

def _text(key: str, lang: str, **fields: object) -> str:
    return text(f"questionnaire.{key}", lang, **fields)


def _section(inst: Instrument, lang: str) -> str:
    parts = [f'<section id="{escape(inst.id)}"><h2>{escape(inst.name(lang))}</h2>']
    flag = translation_flag(inst, lang)
    if flag:
        parts.append(f'<p class="flag">{escape(flag)}</p>')
    for key in ("instructions", "recall_period"):
        wording = inst.text(key, lang)
        if wording:
            line = _text("period", lang, text=wording) if key == "recall_period" else wording
            parts.append(f'<p class="instr">{escape(line)}</p>')
    # one table per run of items sharing an answer set (columns = that set's options)
    runs: list[list] = []
    for item in inst.items:
        if runs and runs[-1][0].answer_set == item.answer_set:
            runs[-1].append(item)
        else:
            runs.append([item])
    number = 0
    for run in runs:
        options = run[0].options
        head = "".join(f"<th>{escape(o.label(lang))}</th>" for o in options)
        parts.append(f'<table><thead><tr><th>{_text("question", lang)}</th>{head}</tr></thead><tbody>')
        for item in run:
            number += 1
            cells = "".join(f'<td class="a"><span class="box"></span><span class="code">{o.code}</span></td>'
                            for o in options)
            parts.append(f'<tr data-item="{escape(item.id)}"><td class="q">{number}. {escape(item.text(lang))}</td>'
                         f"{cells}</tr>")
        parts.append("</tbody></table>")
    parts.append("</section>")
    return "".join(parts)


def questionnaire_html(instruments: dict[str, Instrument] | None = None, *, lang: str = "fr",
                       only: list[str] | None = None) -> str:
    """The printable questionnaire as one self-contained HTML page.

    Parameters
    ----------
    instruments : dict, optional
        Default: the bundled instruments.
    lang : {"fr", "en"}
    only : list of str, optional
        Instrument ids to include, in this order (default: all).

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        If ``lang`` is not supported.
    KeyError
        If ``only`` names an unknown instrument.

    Examples
    --------
    >>> page = questionnaire_html(only=["osss3"])
    >>> "Combien de personnes" in page and "traduction française de travail" in page
    True
    """
    lang = check_lang(lang)
    instruments = instruments if instruments is not None else load_instruments()
    chosen = [instruments[i] for i in (only or list(instruments))]
    words = {key: _text(key, lang) for key in ("title", "code", "date", "wave", "waves", "intro", "sources", "codes")}
    meta = (f'<div class="meta"><div>{words["code"]}<br><span></span></div><div>{words["date"]}<br><span></span>'
            f'</div><div>{words["wave"]}<br>{words["waves"]}</div></div>')
    sources = "".join(
        f"<p><b>{escape(i.short_name)}</b> – {escape(i.source('reference', lang))} "
        f"<i>{escape(i.source('licence', lang))}</i> "
        f"{escape(i.text('translation_note', lang))} "
        f"{escape(i.raw['score']['missing_rule'][lang])}</p>" for i in chosen)
    body = "".join(_section(i, lang) for i in chosen)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{words["title"]}</title>'
            f"<style>{_CSS}</style></head><body><h1>{words['title']}</h1>{meta}<p>{escape(words['intro'])}</p>"
            f'{body}<div class="sources"><h2>{words["sources"]}</h2><p>{escape(words["codes"])}</p>{sources}</div>'
            "</body></html>\n")


def write_questionnaire(out_dir: str | Path, *, lang: str = "fr", pdf: bool = True,
                        instruments: dict[str, Instrument] | None = None,
                        only: list[str] | None = None) -> list[Path]:
    """Write ``questionnaire.html`` (and ``questionnaire.pdf``) into ``out_dir``.

    Raises
    ------
    ParameterError
        If ``lang`` is invalid, or ``pdf`` is asked and Chromium or Playwright is missing.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / f"questionnaire{'' if lang == 'fr' else '_' + lang}.html"
    html_path.write_text(questionnaire_html(instruments, lang=lang, only=only), encoding="utf-8")
    paths = [html_path]
    if pdf:
        from relais_analysis.report.build import print_pdf

        paths.append(print_pdf(html_path, html_path.with_suffix(".pdf")))
    return paths
