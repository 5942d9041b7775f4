"""Instrument files: schema, consistency, user-added instruments, hand-checked scoring."""

from __future__ import annotations

import doctest
import importlib
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from relais_analysis.errors import InputDataError
from relais_analysis.outcomes import InstrumentError, load_instrument, load_instruments
from relais_analysis.outcomes.instruments import bundled_dir
from relais_analysis.outcomes.scoring import score_questionnaires

MODULES = ["instruments", "scoring", "statistics", "tables", "sentences", "validate", "questionnaire_form",
           "analysis", "charts", "groups", "chapter", "commands"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(f"relais_analysis.outcomes.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_bundled_instruments_load_with_sources_and_licences():
    found = load_instruments()
    assert set(found) == {"djg6", "osss3", "swemwbs", "programme"}
    for inst in found.values():
        assert inst.raw["source"]["reference"] and inst.raw["source"]["licence"]
    assert not found["programme"].validated
    assert all(found[i].working_translation for i in ("djg6", "osss3", "swemwbs"))
    assert found["djg6"].direction == "lower_is_better"


def test_sources_read_in_the_page_language():
    """The methodology page is French first: the licences, scoring notes and the SWEMWBS conversion note are
    written in both languages (citations stay as published); the French page holds none of the English prose."""
    from relais_analysis.outcomes.chapter import methodology_html
    from relais_analysis.outcomes.instruments import in_language

    found = load_instruments()
    english_prose = ["Free to use", "Free of charge", "Transcribed from secondary copies", "as used by Sciensano",
                     "questions on the programme's stated aims", "Programme material"]
    french, english = methodology_html("fr", found), methodology_html("en", found)
    unescaped = french.replace("&#x27;", "'")
    assert [words for words in english_prose if words in unescaped] == []
    assert all(words in english.replace("&#x27;", "'") for words in english_prose)
    assert "Recopiée de copies secondaires" in unescaped and "Libre d'utilisation" in unescaped
    assert in_language(found["swemwbs"].raw["score"]["conversion"]["source"], "en").startswith("Raw-to-metric")
    assert found["djg6"].source("reference", "fr") == found["djg6"].source("reference", "en")  # a citation
    assert found["programme"].source("scoring_reference", "fr") == ""  # none given


@pytest.fixture()
def djg():
    return load_instruments()["djg6"]


def _frame(rows, inst):
    return pd.DataFrame(rows, columns=inst.item_ids)


def test_djg_scoring_by_hand(djg):
    # items: 1 emptiness (E), 2 rely (S), 3 trust (S), 4 miss people (E), 5 close (S), 6 rejected (E)
    # codes 1 yes, 2 more or less, 3 no; E scores yes/mol, S scores no/mol
    rows = [
        [3, 1, 1, 3, 1, 3],        # nobody lonely: 0
        [1, 3, 3, 1, 3, 1],        # all lonely: 6 (E 3, S 3)
        [2, 2, 2, 2, 2, 2],        # "more or less" everywhere counts on both sides: 6
        [1, 1, 3, None, 1, 3],     # one missing: total 1 + 0 + 1 + 0 + 0 = 2, E missing, S = 1
        [1, None, 3, None, 1, 3],  # two missing: total missing
    ]
    out = score_questionnaires(_frame(rows, djg), djg)
    assert out["score"].tolist()[:4] == [0, 6, 6, 2]
    assert np.isnan(out["score"][4])
    assert out["subscale_emotional"].tolist()[:3] == [0, 3, 3] and np.isnan(out["subscale_emotional"][3])
    assert out["subscale_social"].tolist()[:4] == [0, 3, 3, 1]
    assert out["band"].tolist() == ["not_lonely", "severely_lonely", "severely_lonely", "moderately_lonely", None]
    assert out["n_missing"].tolist() == [0, 0, 0, 1, 2]


def test_osss3_scoring_and_bands():
    osss = load_instruments()["osss3"]
    out = score_questionnaires(_frame([[1, 1, 1], [4, 5, 5], [2, 3, 3], [3, 4, 4], [2, None, 5]], osss), osss)
    assert out["score"].tolist()[:4] == [3, 14, 8, 11]
    assert np.isnan(out["score"][4])
    assert out["band"].tolist()[:4] == ["poor", "strong", "poor", "moderate"]


def test_swemwbs_raw_and_metric():
    swem = load_instruments()["swemwbs"]
    out = score_questionnaires(_frame([[1] * 7, [5] * 7, [3] * 7, [4, 4, 4, 4, 4, 4, 5], [3] * 6 + [None]], swem),
                               swem)
    assert out["score"].tolist()[:4] == [7, 35, 21, 29]
    # published conversion: 7 -> 7.00, 35 -> 35.00, 21 -> 19.25, 29 -> 26.02
    assert out["metric"].tolist()[:4] == [7.0, 35.0, 19.25, 26.02]
    assert np.isnan(out["metric"][4])


def test_swemwbs_conversion_is_monotonic_and_complete():
    table = load_instruments()["swemwbs"].conversion
    raw = sorted(table)
    assert raw == list(range(7, 36))
    assert all(table[a] < table[b] for a, b in zip(raw, raw[1:]))


def test_programme_dont_know_counts_as_missing():
    prog = load_instruments()["programme"]
    out = score_questionnaires(_frame([[1, 1, 2, 1], [1, 9, 1, 1], [2, 2, 2, 2]], prog), prog)
    assert out["score"].tolist()[0] == 3 and np.isnan(out["score"][1]) and out["score"][2] == 0


def test_impossible_code_is_refused(djg):
    with pytest.raises(InputDataError, match="djg_2"):
        score_questionnaires(_frame([[1, 7, 1, 1, 1, 1]], djg), djg)


def test_user_adds_an_instrument_by_adding_a_file(tmp_path):
    data = yaml.safe_load((bundled_dir() / "osss3.yaml").read_text(encoding="utf-8"))
    data["id"] = "osss3_local"
    data["items"] = data["items"][:2]
    data["score"].update(min=2, max=9, bands=[{"id": "low", "min": 2, "max": 5, "fr": "bas", "en": "low"},
                                               {"id": "high", "min": 6, "max": 9, "fr": "haut", "en": "high"}])
    (tmp_path / "local.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    found = load_instruments(tmp_path)
    assert "osss3_local" in found and "djg6" in found
    out = score_questionnaires(pd.DataFrame({"osss_1": [4], "osss_2": [5]}), found["osss3_local"])
    assert out["score"].tolist() == [9] and out["band"].tolist() == ["high"]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("source"), "source"),
        (lambda d: d["items"][0].update(answers="nope"), "nope"),
        (lambda d: d["score"].update(max=15), "3-14"),
        (lambda d: d["score"]["bands"][1].update(min=10), "bandes"),
        (lambda d: d.update(direction="up"), "direction"),
    ],
)
def test_invalid_definitions_are_refused_with_the_file_name(tmp_path, change, message):
    data = yaml.safe_load((bundled_dir() / "osss3.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InstrumentError, match=message) as info:
        load_instrument(path)
    assert "broken.yaml" in str(info.value)


def test_duplicate_ids_are_refused(tmp_path):
    shutil.copy(bundled_dir() / "djg6.yaml", tmp_path / "again.yaml")
    with pytest.raises(InstrumentError, match="djg6"):
        load_instruments(tmp_path)


def test_incomplete_conversion_is_refused(tmp_path):
    data = yaml.safe_load((bundled_dir() / "swemwbs.yaml").read_text(encoding="utf-8"))
    data["score"]["conversion"]["table"] = data["score"]["conversion"]["table"][:-1]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InstrumentError, match="conversion"):
        load_instrument(tmp_path / "s.yaml")
