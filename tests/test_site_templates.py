"""Every word of the page templates comes from the text catalogue (issue 10), so ``--lang en`` gives English pages.

The templates of ``relais_analysis/templates/`` hold markup and Jinja only: outside ``{{ }}``, ``{% %}`` and
``{# #}`` and outside the HTML tags themselves (attribute values such as ``href="carte.html"`` are file
names), no French-looking word is left (the scan of ``tests/test_texts.py``: accented letters or common French
words). The methodology page is rendered in both languages from ``texts/methodology.toml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from relais_analysis import i18n
from relais_analysis.report.site_pages import catalogue_html, render_page, write_methodology

TEMPLATES = Path(i18n.__file__).parent / "templates"
TEMPLATE_FILES = sorted(TEMPLATES.glob("*.j2"))

#: The French scan of tests/test_texts.py (kept equal to it: a word list, not a dictionary).
_FRENCH = re.compile(
    r"[àâçéèêëîïôûùüÿœÀÂÇÉÈÊËÎÏÔÛÙÜŸŒ]"
    r"|(?<![\w-])(le|la|les|des|du|une|et|pour|par|sur|dans|avec|aucun|aucune|pas|non|données|relais"
    r"|enfants|année|carte|limite|nombre|touchés)(?![\w-])",
    re.IGNORECASE,
)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def french_words(template: str) -> list[str]:
    """French-looking words of a template outside Jinja expressions, statements, comments and HTML tags."""
    visible = _TAG.sub(" ", _JINJA.sub(" ", template))
    return [m.group(0) for m in _FRENCH.finditer(visible)]


def test_scan_finds_french_prose_and_skips_jinja_and_tags() -> None:
    """The scan can fail: French prose is found; the same words inside ``{{ }}`` or a tag are not."""
    sample = ('<h2>Règles de comptage</h2><p>{{ t("methodology.counting.heading") }}</p>'
              '<a href="carte.html">{{ "la carte" }}</a>{# une note #}<li>Une activité appartient au relais</li>')
    assert french_words(sample) == ["è", "Une", "é", "relais"]
    assert french_words('<a href="carte.html">{{ text }}</a>') == []


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=lambda p: p.name)
def test_no_french_word_in_a_template(path: Path) -> None:
    assert french_words(path.read_text(encoding="utf-8")) == []


def test_catalogue_lookup_escapes_text_and_fields() -> None:
    t = catalogue_html("fr")
    out = t("methodology.counting.rate", population_source="<b>Statbel</b>")
    assert "&lt;b&gt;Statbel&lt;/b&gt;" in out and "<b>" not in out
    assert "d'oiseau" in t("methodology.counting.distance")  # the apostrophe stays as written
    with pytest.raises(KeyError):
        t("methodology.no_such_key")


def _methodology(tmp_path: Path, small_dataset, lang: str) -> str:
    job = SimpleNamespace(job=SimpleNamespace(title="Wallonie"))
    path = write_methodology(tmp_path, small_dataset, [job], year=2024, lang=lang, threshold=5, suppressed_cells=7)
    return path.read_text(encoding="utf-8")


def test_methodology_page_in_english(tmp_path: Path, small_dataset) -> None:
    page = _methodology(tmp_path, small_dataset, "en")
    assert '<html lang="en">' in page and "<title>Methodology note 2024</title>" in page
    for heading in ("Data", "Software and parameters", "Counting rules", "Geography", "Protection of small counts"):
        assert f"<h2>{heading}</h2>" in page
    assert "No count of people from 1 to 4 is published." in page and "published tables: 7." in page
    assert "262, REFNIS codes 2019-2024" in page
    for french in ("Règles de comptage", "Données", "Géographie", "Fiche méthodologique", "<td>année</td>"):
        assert french not in page
    assert "<td>year</td><td>2024</td>" in page and "<td>masking threshold</td><td>5</td>" in page


def test_methodology_page_in_french_keeps_its_words(tmp_path: Path, small_dataset) -> None:
    page = _methodology(tmp_path, small_dataset, "fr")
    assert '<html lang="fr">' in page and "<h1>Fiche méthodologique – 2024</h1>" in page
    assert "<h2>Règles de comptage</h2>" in page and "<th>acceptées</th>" in page
    assert "Aucun effectif de personnes entre 1 et 4 n'est publié." in page
    assert "publiés : 7.</p>" in page and "10\u202f000 habitants" in page
    # the parameters in French only (they read "année / year" on the French page)
    assert "<td>année</td><td>2024</td>" in page and "<td>seuil de masquage</td><td>5</td>" in page
    assert not re.search(r"<td>[^<]* / (?:year|language|threshold|reports)</td>", page)


def test_render_page_escapes_values() -> None:
    page = render_page("page.html.j2", lang="fr", title="<script>", style="", body="a & b")
    assert "<title>&lt;script&gt;</title>" in page and "a &amp; b" in page


@pytest.mark.parametrize("narrowest", [None, 3])
def test_protection_paragraph_speaks_the_page_language(narrowest) -> None:
    from relais_analysis.privacy.linked import ProtectionStats, methodology_html

    stats = ProtectionStats(cells_masked=705, quantities_masked=471, primary=200, by_tables=268, by_audit=3,
                            narrowest=narrowest, rates_masked=12, past_years=2)
    english, french = methodology_html(stats, "en"), methodology_html(stats, "fr")
    assert "471" in english and "705" in english and english != french
    assert not re.search(r"[àâçéèêëîïôûù]|\b(les|des|valeurs|masquées)\b", english), english
    assert "valeurs" in french.lower()
