"""Report content: parameters validation and generated French narrative on the hand-made fixture."""

from __future__ import annotations


import pytest

from relais_analysis.outputs import narrative
from relais_analysis.indicators import tables
from relais_analysis.report.content import AnnualReport, validate_parameters
from relais_analysis.errors import ParameterError
from paths import SMALL



def test_parameters_arrive_as_strings_and_are_checked(tmp_path):
    params = validate_parameters(year="2024", province="Liège", data_dir=str(SMALL), output_dir=str(tmp_path),
                                 lang="fr", threshold="5", relay_id=None, as_of="2025-10-31")
    assert (params.year, params.province, params.threshold, params.as_of.isoformat()) == (2024, "60000", 5,
                                                                                         "2025-10-31")
    with pytest.raises(ParameterError, match="Unknown parameter"):
        validate_parameters(year=2024, data_dir=str(SMALL), output_dir=str(tmp_path), yaer=2024)
    with pytest.raises(ParameterError, match="Hainaut"):
        validate_parameters(year=2024, province="Flandre", data_dir=str(SMALL), output_dir=str(tmp_path))
    with pytest.raises(ParameterError, match="at least 3"):
        validate_parameters(year=2024, data_dir=str(SMALL), output_dir=str(tmp_path), threshold=2)
    with pytest.raises(ParameterError, match="fr, en"):
        validate_parameters(year=2024, data_dir=str(SMALL), output_dir=str(tmp_path), lang="de")


def test_year_without_data_lists_available_years(tmp_path):
    with pytest.raises(ParameterError, match="Years available: 2023, 2024, 2025"):
        AnnualReport(year=2022, data_dir=str(SMALL), output_dir=str(tmp_path))


def test_headline_from_published_tables(demo_indicator_tables):
    pub = tables.publish_tables(demo_indicator_tables[None])
    text = narrative.headline(pub, "fr")
    assert text.startswith("En 2024, 1\u202f500 parents et 1\u202f264 enfants ont participé à au moins une activité "
                           "des relais en Wallonie")
    assert narrative.headline(pub, "en").startswith("In 2024, 1,500 parents and 1,264 children took part")
    assert "Soit 26,7\u00a0% de parents de plus qu'en 2023 (1\u202f184 parents)." in narrative.evolution_sentence(pub, "fr")
    assert "146 des 262 communes" in narrative.coverage_sentence(pub, "fr")


def test_small_counts_read_as_masked_in_sentences(small_dataset):
    pub = tables.publish_tables(tables.indicator_tables(small_dataset, 2024, province="Luxembourg"))
    text = narrative.headline(pub, "fr")
    assert "n.p. parents" in text and "de la province du Luxembourg" in text


def test_province_without_data_says_so(tmp_path):
    """Issue 8: a province without activity gave ``KeyError: 2024`` in the notebook's first cell."""
    report = AnnualReport(year=2024, province="Hainaut", data_dir=str(SMALL), output_dir=str(tmp_path))
    report.write_outputs()
    assert report.key_figures_dict()["parents"] == "0" and report.key_figures_dict()["activities"] == "0"
    assert "Aucune activité enregistrée par les relais de la province du Hainaut en 2024." in report.narrative()
    assert (tmp_path / "figures" / "people_per_year.png").exists() and (tmp_path / "carte.html").exists()
    english = AnnualReport(year=2024, province="Hainaut", data_dir=str(SMALL), output_dir=str(tmp_path), lang="en")
    assert "No activity recorded by the relays in the province of Hainaut in 2024." in english.narrative()


def test_relay_without_data_says_so(tmp_path):
    import shutil

    import pandas as pd

    from relais_analysis.report.content import RelaySheet

    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    activities = pd.read_csv(data / "activities.csv", dtype=str, keep_default_na=False)
    gone = set(activities.loc[activities["relay_id"] == "R4", "activity_id"])
    activities[~activities["activity_id"].isin(gone)].to_csv(data / "activities.csv", index=False)
    attendance = pd.read_csv(data / "attendance.csv", dtype=str, keep_default_na=False)
    attendance[~attendance["activity_id"].isin(gone)].to_csv(data / "attendance.csv", index=False)
    assert gone  # R4 had activities in the fixture
    sheet = RelaySheet(year=2024, relay_id="R4", data_dir=str(data), output_dir=str(tmp_path / "out"))
    sheet.write_outputs()
    assert sheet.narrative() == "Aucune activité enregistrée cette année."
