"""The questionnaires table: contract, rejections with file/row/column/value, rows in = accepted + rejected."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis.errors import InputDataError
from relais_analysis.intake.ingest import load_dataset
from relais_analysis.intake.schema import TABLES, datapackage_descriptor
from paths import SMALL

HEADER = "participant_id,vague,date,instrument,osss_1,osss_2,osss_3,djg_1\n"


def _folder(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    (folder / "questionnaires.csv").write_text(header + body, encoding="utf-8")
    return folder


def test_dataset_without_questionnaires_still_loads(small_dataset):
    dataset = small_dataset  # load_dataset(SMALL), once per session
    assert len(dataset.questionnaires) == 0
    assert "questionnaires" not in set(dataset.summary()["table"])
    assert not TABLES["questionnaires"].required


def test_every_bad_row_is_reported_and_rows_add_up(tmp_path):
    body = (
        "P01,entree,2024-03-01,osss3,2,3,4,\n"          # 2: accepted
        "P01,Suivi,01/09/2024,OSSS-3,3,4,oui,\n"        # 3: 'oui' is not an OSSS answer -> rejected (osss_3)
        "P99,entree,2024-03-01,osss3,2,3,4,\n"          # 4: unknown participant
        "P02,entree,2024-03-01,osss3,2,3,4,\n"          # 5: a child answering an adult instrument
        "P03,entree,2021-12-01,osss3,2,3,4,\n"          # 6: before the programme
        "P03,entree,2026-01-01,osss3,2,3,4,\n"          # 7: after the extraction date
        "P03,plus tard,2024-03-01,osss3,2,3,4,\n"       # 8: unknown wave
        "P01,entree,2024-03-02,osss3,2,3,4,\n"          # 9: same wave twice
        "P03,entree,2024-03-01,osss3,2,9,4,\n"          # 10: impossible code
        "P03,entree,2024-03-01,yoga,2,3,4,\n"           # 11: unknown instrument
        "P06,entree,2024-03-01,osss3,2,3,4,1\n"         # 12: answer in a column of another instrument
        "\n"                                            # 13: blank row
        "P06,suivi,2024-09-01,osss3,2,3,,\n"            # 14: accepted (a blank item is allowed)
        "P07,2024-02-01,,djg6,,,,plus ou moins\n"       # 15: dated wave -> entree, label answer accepted
    )
    dataset = load_dataset(_folder(tmp_path, body))
    report = dataset.reports["questionnaires"]
    assert (report.rows_read, report.accepted, report.rejected) == (14, 3, 11)
    rej = dataset.rejections[dataset.rejections["table"] == "questionnaires"].set_index("row")
    assert set(rej.index) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
    assert rej.loc[3, "column"] == "osss_3" and rej.loc[3, "value"] == "oui"
    assert "inconnu" in rej.loc[4, "reason_fr"] and rej.loc[4, "value"] == "P99"
    assert "enfant" in rej.loc[5, "reason_fr"]
    assert "lancement" in rej.loc[6, "reason_fr"]
    assert "extraction" in rej.loc[7, "reason_fr"]
    assert "vague inconnue" in rej.loc[8, "reason_fr"]
    assert "même vague" in rej.loc[9, "reason_fr"] and "same wave" in rej.loc[9, "reason_en"]
    assert rej.loc[10, "column"] == "osss_2" and rej.loc[10, "value"] == "9"
    assert "instrument inconnu" in rej.loc[11, "reason_fr"]
    assert rej.loc[12, "column"] == "djg_1"
    assert rej.loc[13, "reason_fr"] == "ligne vide"
    assert (rej["file"] == "questionnaires.csv").all()
    q = dataset.questionnaires
    assert q["wave"].tolist() == ["entree", "suivi", "entree"]  # rows 2, 14, 15
    djg = q[q["instrument"] == "djg6"].iloc[0]
    assert djg["participant_id"] == "P07" and djg["djg_1"] == 2 and str(djg["date"].date()) == "2024-02-01"
    assert pd.isna(q.iloc[1]["osss_3"])


def test_dated_waves_are_numbered_in_date_order(tmp_path):
    body = ("P01,2024-09-01,,osss3,2,3,4,\n" "P01,2024-03-01,,osss3,2,3,4,\n"
            "P01,2025-03-01,,osss3,2,3,4,\n" "P01,2025-06-01,,osss3,2,3,4,\n")
    dataset = load_dataset(_folder(tmp_path, body))
    q = dataset.questionnaires.sort_values("date")
    assert q["wave"].tolist() == ["entree", "suivi", "sortie"]
    assert dataset.reports["questionnaires"].rejected == 1


def test_strict_mode_stops_at_the_first_problem(tmp_path):
    folder = _folder(tmp_path, "P01,entree,2024-03-01,osss3,2,3,4,\nP99,entree,2024-03-01,osss3,2,3,4,\n")
    with pytest.raises(InputDataError) as info:
        load_dataset(folder, strict=True)
    assert info.value.row == 3 and info.value.file == "questionnaires.csv"


def test_missing_required_column_is_one_clear_error(tmp_path):
    folder = _folder(tmp_path, "P01,2024-03-01,2\n", header="participant_id,date,osss_1\n")
    with pytest.raises(InputDataError, match="wave"):
        load_dataset(folder)


def test_demo_questionnaires_are_all_accepted(demo_dataset):
    dataset = demo_dataset
    report = dataset.reports["questionnaires"]
    assert report.rows_read == report.accepted == len(dataset.questionnaires) > 5000
    entry = dataset.questionnaires.query("wave == 'entree' and instrument == 'djg6'")
    follow = dataset.questionnaires.query("wave == 'suivi' and instrument == 'djg6'")
    parents_2024 = 1500  # tests/test_demo.py checks the demo's 2024 parents
    assert 0.55 <= len(entry) / parents_2024 <= 0.65
    assert 0.4 <= len(follow) / len(entry) <= 0.6


def test_contract_lists_the_questionnaires_table():
    names = [r["name"] for r in datapackage_descriptor()["resources"]]
    assert "questionnaires" in names
    on_disk = json.loads((Path(__file__).resolve().parents[1] / "data" / "datapackage.json").read_text("utf-8"))
    assert "questionnaires" in [r["name"] for r in on_disk["resources"]]
