"""Protected outcome tables and sentences: suppression, the 10-pair rule, no causal wording."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from relais_analysis.errors import PrivacyError
from relais_analysis.outcomes import load_instruments
from relais_analysis.outcomes.analysis import analyse_outcomes
from relais_analysis.outcomes.sentences import (
    FORBIDDEN_PHRASES,
    CausalWordingError,
    check_no_causal_wording,
    honesty_note,
)
from relais_analysis.outcomes.statistics import paired_change
from relais_analysis.outcomes.tables import INSUFFICIENT, change_table, write_outcome_tables
from relais_analysis.privacy.checks import check_publishable
from relais_analysis.privacy.masked import SUPPRESSED


@pytest.fixture(scope="module")
def instruments():
    return load_instruments()


def _questionnaires(instruments, n_pairs, n_entry_only, *, seed=0, inst_id="djg6", shift=-1):
    rng = np.random.default_rng(seed)
    inst = instruments[inst_id]
    rows = []
    for i in range(n_pairs + n_entry_only):
        base = rng.integers(1, 4, size=len(inst.item_ids))
        rows.append({"participant_id": f"P{i:04d}", "wave": "entree", "instrument": inst_id,
                     **dict(zip(inst.item_ids, base))})
        if i < n_pairs:
            after = np.clip(base + rng.integers(shift, 2, size=len(base)), 1, 3)
            rows.append({"participant_id": f"P{i:04d}", "wave": "suivi", "instrument": inst_id,
                         **dict(zip(inst.item_ids, after))})
    return pd.DataFrame(rows)


def test_small_counts_are_masked_in_the_change_table(instruments):
    djg = instruments["djg6"]
    # 12 pairs: 9 improved, 2 unchanged, 1 worse (small counts must be masked)
    before, after = [4] * 12, [3] * 9 + [4] * 2 + [5]
    scored = pd.DataFrame({"participant_id": [f"P{i}" for i in range(12)] * 2,
                           "wave": ["entree"] * 12 + ["suivi"] * 12, "score": before + after})
    table = change_table([paired_change(scored, djg)], instruments)
    row = table.iloc[0]
    assert row["n_pairs"] == 12
    assert row["n_unchanged"] is SUPPRESSED and row["n_worse"] is SUPPRESSED
    assert row["n_improved"] == 9  # two masked cells in the row: their sum (3) is known, neither value is
    assert row["share_worse"] is SUPPRESSED
    check_publishable(table, count_columns=["n_pairs", "n_improved", "n_unchanged", "n_worse"])


def test_fewer_than_ten_pairs_publish_no_estimate(instruments, tmp_path):
    res = analyse_outcomes(_questionnaires(instruments, 9, 20), instruments)
    row = res.tables["outcomes_change"].query("score == 'score'").iloc[0]
    assert row["n_pairs"] == 9 and row["note"] == INSUFFICIENT["fr"]
    assert all(pd.isna(row[c]) for c in ("hl_estimate", "hl_ci_low", "mean_change", "wilcoxon_p", "cohen_dz"))
    assert "effectif insuffisant" in res.sentences[0]
    assert "outcomes_bands_djg6" not in res.tables
    paths = write_outcome_tables(res.tables, tmp_path)
    text = (tmp_path / "evolution_entree_suivi.csv").read_text(encoding="utf-8-sig")
    assert "effectif insuffisant" in text


def test_small_pair_counts_are_masked_everywhere(instruments, tmp_path):
    res = analyse_outcomes(_questionnaires(instruments, 3, 30), instruments)
    assert res.tables["outcomes_change"].iloc[0]["n_pairs"] is SUPPRESSED
    att = res.tables["outcomes_attrition"].iloc[0]
    assert att["n_stayed"] is SUPPRESSED and att["n_left"] is SUPPRESSED  # secondary, 33 - 30 = 3 otherwise
    waves = res.tables["outcomes_waves_djg6"]
    assert waves.loc[1, "n"] is SUPPRESSED and pd.isna(waves.loc[1, "mean"])
    assert "3 parents" not in " ".join(res.sentences + res.attrition_sentences)
    write_outcome_tables(res.tables, tmp_path)
    for path in tmp_path.glob("*.csv"):  # no cell "3", whatever the separator
        cells = [c for line in path.read_text(encoding="utf-8-sig").splitlines() for c in re.split("[;,]", line)]
        assert cells and "3" not in cells, path.name


def test_full_analysis_sentences_cis_and_files(instruments, tmp_path):
    res = analyse_outcomes(_questionnaires(instruments, 60, 40, seed=2), instruments)
    row = res.tables["outcomes_change"].query("score == 'score'").iloc[0]
    assert row["hl_ci_low"] <= row["hl_estimate"] <= row["hl_ci_high"]
    assert row["mean_ci_low"] <= row["mean_change"] <= row["mean_ci_high"]
    sentence = res.sentences[0]
    assert "IC à 95 %" in sentence and "a évolué" in sentence and "traduction française de travail" in sentence
    bands = res.tables["outcomes_bands_djg6"]
    assert bands.loc["total", "total"] == 60
    paths = write_outcome_tables(res.tables, tmp_path)
    assert {p.name for p in paths} == {"evolution_entree_suivi.csv", "evolution_sans_reponse_au_suivi.csv",
                                       "evolution_reponses_par_vague_djg6.csv", "evolution_niveaux_entree_suivi_djg6.csv"}
    english = write_outcome_tables(res.tables, tmp_path / "en", lang="en")
    assert {p.name for p in english} == {"outcomes_change.csv", "outcomes_attrition.csv", "outcomes_waves_djg6.csv",
                                         "outcomes_bands_djg6.csv"}
    english = analyse_outcomes(_questionnaires(instruments, 60, 40, seed=2), instruments, lang="en")
    assert "95% CI" in english.sentences[0] and "working French translation" in english.sentences[0]


def test_unprotected_table_is_refused(instruments, tmp_path):
    res = analyse_outcomes(_questionnaires(instruments, 12, 12), instruments)
    raw = res.tables["outcomes_attrition"].copy()
    raw.loc[0, "n_left"] = 3
    with pytest.raises(PrivacyError):
        write_outcome_tables({"outcomes_attrition": raw}, tmp_path)
    assert not (tmp_path / "evolution_sans_reponse_au_suivi.csv").exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("phrase", FORBIDDEN_PHRASES)
def test_every_forbidden_phrase_is_caught(phrase):
    with pytest.raises(CausalWordingError):
        check_no_causal_wording(f"Le score de solitude a baissé, {phrase.upper()} les activités.")


@pytest.mark.parametrize("text", ["La solitude a baissé grâce aux activités.", "Le programme a réduit l’isolement.",
                                  "Loneliness fell thanks to the relays.", "Le relais a permis de rompre l'isolement."])
def test_causal_sentences_are_refused(text):
    with pytest.raises(CausalWordingError):
        check_no_causal_wording(text)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_generated_texts_are_not_causal(instruments, lang):
    res = analyse_outcomes(_questionnaires(instruments, 40, 40, seed=4), instruments, lang=lang)
    for text in res.sentences + res.attrition_sentences + [honesty_note(lang)]:
        check_no_causal_wording(text)
    assert "10" in honesty_note(lang)


def test_attrition_sentence_when_leavers_are_lonelier(instruments):
    djg = instruments["djg6"]
    rows = []
    for i in range(30):
        lonely = i >= 15  # the 15 lonelier parents leave
        answers = [1, 3, 3, 1, 3, 1] if lonely else [3, 1, 1, 3, 1, 3]
        rows.append({"participant_id": f"P{i:02d}", "wave": "entree", "instrument": "djg6",
                     **dict(zip(djg.item_ids, answers))})
        if not lonely:
            rows.append({"participant_id": f"P{i:02d}", "wave": "suivi", "instrument": "djg6",
                         **dict(zip(djg.item_ids, answers))})
    res = analyse_outcomes(pd.DataFrame(rows), instruments)
    assert res.attrition_sentences[0].startswith(
        "DJG-6 : les parents qui n'ont pas répondu au suivi (15) étaient plus isolés à l'entrée")


def test_attrition_sentence_uses_the_protected_count(instruments):
    # 3 stayed (masked), 30 left: n_left is masked too (secondary), so the sentence must not show 30
    res = analyse_outcomes(_questionnaires(instruments, 3, 30), instruments)
    assert res.tables["outcomes_attrition"].iloc[0]["n_left"] is SUPPRESSED
    assert "30" not in res.attrition_sentences[0] and "non publié" in res.attrition_sentences[0]
