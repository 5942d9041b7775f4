"""Printable questionnaire: generated from the instrument files, offline, escaped, PDF through Chromium."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from clirun import relais

from relais_analysis.cli import main
from relais_analysis.outcomes import load_instruments
from relais_analysis.outcomes.instruments import bundled_dir
from relais_analysis.outcomes.questionnaire_form import questionnaire_html


def test_form_shows_every_item_and_every_code():
    instruments = load_instruments()
    page = questionnaire_html(instruments)
    for inst in instruments.values():
        assert inst.name("fr") in page.replace("&#x27;", "'")
        for item in inst.items:
            assert f'data-item="{item.id}"' in page
            assert f'<span class="code">{item.options[-1].code}</span>' in page
        assert inst.source("licence", "fr").split()[0] in page
    assert page.count("traduction française de travail, à valider") == 3  # DJG-6, OSSS-3, SWEMWBS
    assert "échelle non validée" in page
    assert "http" not in page.split("</style>")[0]  # nothing loaded from the network


def test_user_text_is_escaped(tmp_path):
    data = yaml.safe_load((bundled_dir() / "programme.yaml").read_text(encoding="utf-8"))
    data["id"] = "local"
    data["items"][0]["fr"] = "<script>alert(1)</script> & co"
    (tmp_path / "local.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    page = questionnaire_html(load_instruments(tmp_path), only=["local"])
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


def test_english_form():
    page = questionnaire_html(lang="en", only=["swemwbs"])
    assert "I've been feeling useful." in page.replace("&#x27;", "'") and "all of the time" in page


def test_cli_html_only(tmp_path, capsys):
    assert main(["questionnaire", str(tmp_path), "--no-pdf", "--only", "djg6", "osss3"]) == 0
    page = (tmp_path / "questionnaire.html").read_text(encoding="utf-8")
    assert "De Jong Gierveld" in page and "SWEMWBS" not in page
    assert main(["questionnaire", str(tmp_path), "--only", "nope"]) == 2
    assert "inconnu" in capsys.readouterr().err


@pytest.mark.browser
def test_pdf_and_offline_rendering(tmp_path, browser_page):
    # the PDF is printed on a thread of its own: Playwright's sync API cannot nest in the browser fixture's loop
    with ThreadPoolExecutor(1) as thread:
        done = thread.submit(relais, "questionnaire", str(tmp_path)).result(timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "questionnaire.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    page = browser_page.goto(tmp_path / "questionnaire.html")
    assert page.locator("tr[data-item]").count() == sum(len(i.items) for i in load_instruments().values())
    assert browser_page.problems() == []
