"""The printed report (PDF through Debian's Chromium) and one symbol, one meaning on every map (issue 12).

The PDF is read back with pypdf: text runs and image draws with their position on the page (the
content stream's ``cm``/``Tm`` matrices), link annotations, and each page's "page X / Y" footer.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pypdf = pytest.importorskip("pypdf")
from pypdf.generic import ContentStream  # noqa: E402

from paths import ROOT  # noqa: E402
from relais_analysis.report.pdf import PAGE_MARGINS, print_css, print_pdf  # noqa: E402

MM = 72 / 25.4  # PDF points per millimetre


# --------------------------------------------------------------------------- reading a PDF back


def _mult(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]


def page_items(page) -> list[tuple[str, float, float, str]]:
    """``(kind, top, bottom, text)`` of every text run and image draw, in points from the page's bottom."""
    found: list[tuple[str, float, float, str]] = []

    def on_text(text, cm, tm, font, size):
        if text.strip():
            y = _mult(tm, cm)[5]
            found.append(("text", y, y, text.strip()))

    def walk(content, resources, ctm):
        stack = []
        for operands, op in content.operations:
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                ctm = stack.pop() if stack else ctm
            elif op == b"cm":
                ctm = _mult([float(x) for x in operands], ctm)
            elif op == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject["/Subtype"] == "/Image":
                    ys = [ctm[5], ctm[5] + ctm[3]]
                    found.append(("image", max(ys), min(ys), str(operands[0])))
                elif xobject["/Subtype"] == "/Form":
                    matrix = [float(x) for x in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                    walk(ContentStream(xobject, xobject.pdf), xobject.get("/Resources", resources),
                         _mult(matrix, ctm))

    page.extract_text(visitor_text=on_text)
    walk(ContentStream(page.get_contents(), page.pdf), page["/Resources"], [1, 0, 0, 1, 0, 0])
    return found


def link_uris(reader) -> list[str]:
    """Every URI of every link annotation."""
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def heading_texts(page_html: str) -> list[str]:
    """Text of every h1-h4 of an HTML page, whitespace folded, without nbconvert's ``¶`` anchors."""
    texts = []
    for match in re.finditer(r"<(h[1-4])\b[^>]*>(.*?)</\1>", page_html, flags=re.S):
        plain = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(2))).replace("¶", "")
        texts.append(" ".join(plain.split()))
    return texts


def _fold(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def check_printed(pdf: Path, page_html: str) -> dict[str, int]:
    """Assert the layout rules of a printed report; return a few figures of the PDF."""
    reader = pypdf.PdfReader(pdf)
    n = len(reader.pages)
    headings = [_fold(h) for h in heading_texts(page_html)]
    bottom_margin = float(PAGE_MARGINS["bottom"].removesuffix("mm")) * MM
    top_margin = float(PAGE_MARGINS["top"].removesuffix("mm")) * MM
    images_drawn = 0
    for number, page in enumerate(reader.pages, start=1):
        assert f"page {number} / {n}" in _fold(page.extract_text()), f"page {number}: no 'page {number} / {n}'"
        height = float(page.mediabox.height)
        body = [item for item in page_items(page) if item[1] > bottom_margin - 1]  # the footer sits below
        assert body, f"page {number} is empty"
        for kind, top, bottom, name in body:
            if kind == "image":
                images_drawn += 1
                # 4 pt: Chromium rounds the page and its margins to whole CSS pixels
                assert bottom >= bottom_margin - 4 and top <= height - top_margin + 4, (
                    f"page {number}: image {name} runs off the page ({bottom:.0f}-{top:.0f} pt)")
        lowest = min(item[2] for item in body)
        last_line = _fold(" ".join(t for kind, top, _, t in body if kind == "text" and abs(top - lowest) < 1))
        is_heading = bool(last_line) and any(last_line in h and len(last_line) >= 4 for h in headings)
        assert not is_heading, f"page {number} ends with the heading {last_line!r}"
    images_in_page = len(re.findall(r"<img\b", page_html))
    assert images_drawn == images_in_page, "an image is cut across pages (drawn twice) or missing"
    uris = link_uris(reader)
    assert not [u for u in uris if u.lower().startswith("file:")]
    assert b"file://" not in pdf.read_bytes()
    return {"pages": n, "images": images_drawn, "uris": len(uris)}


# --------------------------------------------------------------------------- the printer on a small page


@pytest.mark.browser
def test_links_to_the_site_become_text_and_web_links_stay(tmp_path: Path) -> None:
    site = tmp_path / "2024"
    (site / "wallonie").mkdir(parents=True)
    (site / "index.html").write_text("<html lang='fr'><body>index</body></html>", encoding="utf-8")
    page = site / "wallonie" / "rapport.html"
    page.write_text(
        "<html lang='fr'><head><meta charset='utf-8'></head><body><main class='jp-Notebook'>"  # a notebook export
        "<h1 id='haut'>Rapport</h1>"
        "<p>Le <a href='tableaux/parents.csv'>tableau des parents</a>, la "
        "<a href='../methodologie.html'>fiche méthodologique</a>, "
        "<a href='https://www.iweps.be/'>IWEPS</a> et <a href='#haut'>le haut</a>.</p>"
        "<iframe src='carte.html' title='carte'></iframe></main></body></html>",
        encoding="utf-8",
    )
    pdf = print_pdf(page, tmp_path / "rapport.pdf")
    reader = pypdf.PdfReader(pdf)
    text = _fold(reader.pages[0].extract_text())
    assert "tableau des parents (voir le site du rapport : wallonie/tableaux/parents.csv)" in text
    assert "fiche méthodologique (voir le site du rapport : methodologie.html)" in text
    assert "IWEPS (https://www.iweps.be/)" in text  # the address printed after the link
    assert "page 1 / 1" in text
    uris = link_uris(reader)
    assert uris == ["https://www.iweps.be/"]  # the only link left that leaves the page
    assert b"file://" not in pdf.read_bytes()


@pytest.mark.browser
def test_other_pages_keep_their_own_print_rules(tmp_path: Path) -> None:
    """A page that is not a notebook export (the questionnaire) gets no report stylesheet."""
    page = tmp_path / "questionnaire.html"
    page.write_text("<html lang='fr'><body><p><a href='https://www.iweps.be/'>IWEPS</a></p></body></html>",
                    encoding="utf-8")
    text = _fold(pypdf.PdfReader(print_pdf(page, tmp_path / "q.pdf")).pages[0].extract_text())
    assert "IWEPS" in text and "https://www.iweps.be/" not in text and "page 1 / 1" in text


@pytest.mark.browser
def test_english_page_gets_english_notes(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text("<html lang='en'><body><p><a href='tables/a.csv'>table</a></p></body></html>", encoding="utf-8")
    text = _fold(pypdf.PdfReader(print_pdf(page, tmp_path / "report.pdf")).pages[0].extract_text())
    # no index.html above: the page's own folder stands for the site
    assert "table (see the report's website: tables/a.csv)" in text


def test_print_stylesheet_rules() -> None:
    css = print_css()
    assert css.count("@media print") == 1
    for rule in ("break-after: avoid", "break-inside: avoid", "max-height", "display: table-header-group",
                 'content: " (" attr(href) ")"', "iframe"):
        assert rule in css, rule


# --------------------------------------------------------------------------- the regional report


@pytest.mark.slow
@pytest.mark.browser
def test_regional_report_pdf_layout(demo_site, tmp_path: Path) -> None:
    """The session build's regional report, printed with the build's own function."""
    report = demo_site.site / "wallonie" / "rapport.html"
    page_html = report.read_text(encoding="utf-8")
    assert "@media print" in page_html  # the print stylesheet is part of the page (printing from a browser)
    pdf = print_pdf(report, tmp_path / "rapport.pdf")
    figures = check_printed(pdf, page_html)
    assert figures["pages"] > 1 and figures["images"] >= 6
    text = _fold(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    assert "voir le site du rapport : wallonie/carte.html" in text
    first = page_items(pypdf.PdfReader(pdf).pages[0])
    assert any(kind == "image" for kind, *_ in first), "the first page holds no figure (half empty)"


@pytest.mark.browser
def test_checker_catches_a_heading_left_at_the_bottom(tmp_path: Path) -> None:
    """The layout check can fail: a heading forced to the foot of a page is found."""
    page = tmp_path / "orphan.html"
    page.write_text(
        "<html lang='fr'><body><div style='height:228mm'></div><h2>Titre orphelin</h2>"
        "<div style='break-before:page'>suite</div></body></html>", encoding="utf-8")
    pdf = print_pdf(page, tmp_path / "orphan.pdf")
    with pytest.raises(AssertionError, match="ends with the heading 'Titre orphelin'"):
        check_printed(pdf, page.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- one symbol, one meaning


def test_hatching_means_masked_on_both_maps_and_in_the_guide() -> None:
    from relais_analysis.geography import reference
    from relais_analysis.outputs import classes, static_map
    from relais_analysis.outputs.charts.style import MASKED_FACE, MASKED_HATCH
    from relais_analysis.outputs.maps import legend as map_legend
    from relais_analysis.outputs.maps.layers import DOTS_ID, HATCH_ID, MASKED_FILL, MASKED_STROKE
    from relais_analysis.i18n import label
    from relais_analysis.privacy.masked import SUPPRESSED, footnote

    masked_text, not_covered_text = footnote(5, "fr"), label("not_covered", "fr")
    # printed map: the one hatched legend entry is the masked value
    communes = reference.load_communes(2024)
    values = list(np.round(np.random.default_rng(3).gamma(2.0, 6.0, len(communes)), 1))
    values[:4] = [SUPPRESSED] * 4
    communes["rate"] = pd.Series(values, index=communes.index, dtype=object)
    ax = static_map.choropleth(communes, column="rate", legend_title="Taux")
    legend = ax.get_legend()
    hatched = [t.get_text() for h, t in zip(legend.legend_handles, legend.get_texts()) if h.get_hatch()]
    assert hatched == [masked_text]
    # interactive map: the hatch pattern is the masked row, dots the not-covered row, same colours as print
    found = classes.classify([float(v) for v in values if isinstance(v, float)])
    rows = map_legend.legend_html(value_label="Taux", classes=found, lang="fr", threshold=5, relays=False,
                                  territories=False, provinces=False)
    meaning = dict(re.findall(r'fill="url\(#([\w-]+)\)"/></svg><span class="rfm-label">([^<]+)</span>', rows))
    assert meaning == {HATCH_ID: html_lib.escape(masked_text, quote=False), DOTS_ID: not_covered_text}
    patterns = map_legend._PATTERNS
    hatch = patterns.split(f'id="{HATCH_ID}"')[1].split("</pattern>")[0]
    dots = patterns.split(f'id="{DOTS_ID}"')[1].split("</pattern>")[0]
    assert "<line" in hatch and "<circle" not in hatch and "<circle" in dots and "<line" not in dots
    assert (MASKED_FILL.lower(), MASKED_STROKE.lower()) == (MASKED_FACE.lower(), MASKED_HATCH.lower())
    assert f'fill="{MASKED_FILL}"' in hatch and f'stroke="{MASKED_STROKE}"' in hatch
    # the guide says the same: every phrase about hatching is about masked values
    guide = (ROOT / "docs" / "guide-utilisateur.md").read_text(encoding="utf-8")
    phrases = [p for p in re.split(r"[.;]\s", " ".join(guide.split())) if "hachur" in p.lower()]
    assert phrases and all(("masquée" in p or "non publiée" in p) and "couverte" not in p for p in phrases)
