"""Report chapter 'Ce qui a changé pour les familles' and its methodology section."""

from __future__ import annotations


import pytest

from relais_analysis.privacy.published_columns import file_stem
from relais_analysis.outcomes.chapter import OutcomeChapter, methodology_html
from relais_analysis.outcomes.sentences import check_no_causal_wording
from paths import DEMO



@pytest.fixture(scope="module")
def demo(demo_dataset):
    return demo_dataset


def test_wallonia_chapter(demo, tmp_path):
    chapter = OutcomeChapter(demo, 2024)
    paths = chapter.write(tmp_path)
    assert (tmp_path / "tableaux" / "evolution_entree_suivi.csv") in paths
    assert [p.name for p in chapter.figures][:1] == ["outcomes_change.png"]
    text = chapter.html() + chapter.table_html() + chapter.attrition_html()
    check_no_causal_wording(text)
    assert "IC à 95 %" in text and "ont évolué" in text and "plus isolés à l&#x27;entrée" in text
    assert "traduction française de travail" in text and "échelle non validée" in text
    assert text.count("<tr>") == 1 + len(chapter.results.tables["outcomes_change"])


def test_province_and_relay_lines_come_from_the_protected_group_tables(demo):
    province = OutcomeChapter(demo, 2024, province="60000")
    assert "parents de cette province" in province.html()
    assert province.write("/nonexistent") == [] and province.table_html() == ""
    relays = OutcomeChapter(demo, 2024).results.tables["outcomes_by_relay"]
    masked = relays.loc[relays["note"] != "", "group"].iloc[0]
    text = OutcomeChapter(demo, 2024, relay_id=masked).html()
    assert "non publié" in text or "effectif insuffisant" in text


def test_years_and_datasets_without_questionnaires(demo, small_dataset):
    assert "Aucun questionnaire" in OutcomeChapter(demo, 2025).html()
    small = OutcomeChapter(small_dataset, 2024)
    assert small.results is None and "Aucun questionnaire" in small.html() and small.write("/nonexistent") == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_methodology_lists_instruments_rules_and_sources(lang):
    text = methodology_html(lang)
    for word in ("De Jong Gierveld", "Kocalevent", "Stewart-Brown", "Hodges-Lehmann", "Wilcoxon", "d_z", "10"):
        assert word in text
    check_no_causal_wording(text)


@pytest.mark.slow
def test_demo_site_has_the_chapter_and_protected_tables(demo_site):
    wallonia = demo_site.site / "wallonie"
    page = (wallonia / "rapport.html").read_text(encoding="utf-8")
    assert "Ce qui a changé pour les familles" in page and "IC à 95 %" in page
    assert "grâce au programme" not in page.lower()
    for name in ("outcomes_change", "outcomes_attrition", "outcomes_by_relay", "outcomes_bands_djg6"):
        assert (wallonia / "tableaux" / f"{file_stem(name)}.csv").exists(), name  # evolution_*.csv
    method = (demo_site.site / "methodologie.html").read_text(encoding="utf-8")
    assert "Hodges-Lehmann" in method and "De Jong Gierveld" in method
    province = next(p for p in demo_site.site.iterdir() if p.is_dir() and p.name == "provinces")
    namur = next(province.glob("*namur*")) / "rapport.html"
    assert "parents de cette province" in namur.read_text(encoding="utf-8")


def test_cli_outcomes(tmp_path, capsys):
    from relais_analysis.cli import main

    assert main(["outcomes", "--year", "2024", "--data", str(DEMO), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "plus isolés à l'entrée" in out and "IC à 95 %" in out
    assert (tmp_path / "tableaux" / "evolution_entree_suivi.csv").exists()
    assert (tmp_path / "figures" / "outcomes_change.png").exists()
    assert main(["outcomes", "--year", "2025", "--data", str(DEMO), "--out", str(tmp_path)]) == 0
    assert "Aucun questionnaire" in capsys.readouterr().out
    assert main(["outcomes", "--year", "2024", "--data", str(DEMO), "--out", str(tmp_path), "--threshold", "1"]) == 2
