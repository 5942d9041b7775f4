"""Ingest and validation: the small fixture, the bad-input corpus, Excel and strict mode."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis import errors
from relais_analysis.intake.ingest import check_losses, load_dataset, loss_problems, write_rejections
from paths import FIXTURES, SMALL

BAD = FIXTURES / "bad_input"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def overlay(case: str, tmp_path: Path) -> Path:
    """The small fixture with the case's files laid over it."""
    target = tmp_path / case
    shutil.copytree(SMALL, target)
    for path in (BAD / case).iterdir():
        if path.name == "expected.json":
            continue
        for old in target.glob(f"{path.stem}.*"):  # a case's relays.csv replaces the fixture's relays.csv
            old.unlink()
        shutil.copy(path, target / path.name)
    return target


def test_small_fixture_is_accepted_whole():
    ds = load_dataset(SMALL)
    summary = ds.summary().set_index("table")
    assert summary["read"].to_dict() == {
        "relays": 4, "territories": 9, "activities": 9, "participants": 13, "attendance": 21,
    }
    assert (summary["rejected"] == 0).all()
    assert ds.synthetic is True
    assert ds.as_of.isoformat() == "2025-10-31"
    # what users typed was resolved to REFNIS codes of the base vintage
    assert ds.relays.set_index("relay_id")["commune"].to_dict() == {
        "R1": "62063", "R2": "92094", "R3": "61031", "R4": "82003",
    }
    assert any("82039" in note for note in ds.notes)
    residence = ds.participants.set_index("participant_id")["residence"]
    assert residence["P03"] == "62096" and residence["P07"] == "92094" and residence["P11"] == "82005"
    assert pd.isna(residence["P10"])
    assert set(ds.activities["type"]) == {
        "atelier_creatif", "rencontre", "sortie_culturelle", "information", "plein_air", "sejour", "evenement",
    }
    assert ds.activities.set_index("activity_id").loc["A3", "date"] == pd.Timestamp("2024-03-20")
    assert ds.participants["role"].value_counts().to_dict() == {"parent": 8, "child": 5}
    assert ds.has_people


@pytest.mark.parametrize("case", CASES)
def test_bad_input_corpus(case, tmp_path):
    expected = json.loads((BAD / case / "expected.json").read_text(encoding="utf-8"))
    folder = overlay(case, tmp_path)
    if "error" in expected:
        error_type = getattr(errors, expected["error"]["type"])
        with pytest.raises(error_type) as info:
            load_dataset(folder)
        assert expected["error"]["contains"] in str(info.value)
        assert info.value.message_fr and info.value.message_en != info.value.message_fr
        return
    ds = load_dataset(folder)
    summary = ds.summary().set_index("table")
    for table, (read, accepted, rejected) in expected["counts"].items():
        assert tuple(summary.loc[table, ["read", "accepted", "rejected"]]) == (read, accepted, rejected)
    for row in summary.itertuples():
        assert row.read == row.accepted + row.rejected
    for kind in ("rejections", "warnings"):
        got = getattr(ds, kind)
        wanted = expected.get(kind, [])
        # every rejected (or warned) row is expected (a row may carry several reasons; each expected one is there)
        assert set(zip(got["file"], got["row"])) == {(e["file"], e["row"]) for e in wanted}, kind
        for exp in wanted:
            match = got[(got["file"] == exp["file"]) & (got["row"] == exp["row"]) & (got["column"] == exp["column"])]
            assert any(exp["reason_en"] in reason for reason in match["reason_en"]), (exp, got.to_dict("records"))
            assert (match["reason_fr"] != match["reason_en"]).all()
            assert (match["sheet"] == exp.get("sheet", "")).all()
            if "suggestion" in exp:
                assert any(exp["suggestion"] in hint for hint in match["suggestion"]), match["suggestion"]
    losses = ds.losses()
    assert (losses["read"] == losses["accepted"] + losses["rejected"]).all()
    assert losses.groupby("table")["read"].sum().to_dict() == summary["read"].to_dict()


def test_every_rejection_counts_a_distinct_row(tmp_path):
    folder = overlay("parent_also_child", tmp_path)
    ds = load_dataset(folder)
    rej = ds.rejections
    for table, report in ds.reports.items():
        rows = rej.loc[rej["table"] == table, "row"].nunique()
        assert report.rejected == rows


def test_strict_mode_stops_at_first_problem(tmp_path):
    folder = overlay("bad_date", tmp_path)
    with pytest.raises(errors.InputDataError) as info:
        load_dataset(folder, strict=True)
    assert info.value.file == "activities.csv" and info.value.row == 11 and info.value.column == "date"


def test_as_of_argument_overrides_dataset_json():
    ds = load_dataset(SMALL, as_of="2024-12-31")
    assert ds.reports["activities"].rejected == 1  # A8 (2025-02-01) is after the extraction date
    assert "A8" not in set(ds.activities["activity_id"])


def test_rejection_report_csv(tmp_path):
    folder = overlay("optional_gender_unknown", tmp_path)
    with (folder / "activities.csv").open("a", encoding="utf-8") as fh:
        fh.write("A10,R1,2024-06-01,=1+1,62063,Piscine\n")  # row 11: unknown type, formula-like value
    ds = load_dataset(folder)
    path = write_rejections(ds, tmp_path / "rejets.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == (  # a French Excel splits on ";"
        "niveau;table;fichier;feuille;ligne;colonne;valeur;motif;motif en anglais;suggestion")
    report = pd.read_csv(path, encoding="utf-8-sig", sep=";", dtype=str, keep_default_na=False)
    report.columns = ["level", "table", "file", "sheet", "row", "column", "value", "reason_fr", "reason_en",
                      "suggestion"]
    assert report[["level", "file", "row", "column"]].values.tolist() == [
        ["rejet", "activities.csv", "11", "type"],
        ["avertissement", "participants.csv", "2", "gender"],
        ["avertissement", "participants.csv", "6", "gender"],
    ]
    assert report.loc[0, "value"] == "'=1+1"  # neutralised: never runs as a formula
    assert report.loc[1, "suggestion"].startswith("femme") and (report["sheet"] == "").all()
    with pytest.raises(errors.InputDataError, match="is a folder"):
        write_rejections(ds, tmp_path)
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(errors.InputDataError, match="parent folders is a file"):
        write_rejections(ds, blocker / "rejets.csv")


def test_single_excel_workbook(tmp_path):
    folder = tmp_path / "xlsx"
    folder.mkdir()
    with pd.ExcelWriter(folder / "export_relais.xlsx") as writer:
        for sheet, name in [("relais", "relays"), ("territoires", "territories"), ("activités", "activities"),
                            ("participants", "participants"), ("présences", "attendance")]:
            pd.read_csv(SMALL / f"{name}.csv", dtype=str).to_excel(writer, sheet_name=sheet, index=False)
    ds = load_dataset(folder, as_of="2025-10-31")
    summary = ds.summary().set_index("table")
    assert summary["accepted"].to_dict() == {
        "relays": 4, "territories": 9, "activities": 9, "participants": 13, "attendance": 21,
    }
    assert summary.loc["activities", "file"] == "export_relais.xlsx[activités]"


def test_excel_dates_from_real_date_cells(tmp_path):
    folder = tmp_path / "xlsx_dates"
    shutil.copytree(SMALL, folder)
    (folder / "activities.csv").unlink()
    acts = pd.read_csv(SMALL / "activities.csv", dtype=str)
    acts["date"] = pd.to_datetime(acts["date"].str.replace("20/03/2024", "2024-03-20"))  # real Excel date cells
    acts.to_excel(folder / "activites.xlsx", index=False)
    ds = load_dataset(folder)
    assert ds.reports["activities"].accepted == 9
    assert ds.activities["date"].min() == pd.Timestamp("2023-06-01")


def test_aggregate_only_dataset(tmp_path):
    folder = tmp_path / "agg"
    folder.mkdir()
    for name in ("relays", "territories", "activities"):
        shutil.copy(SMALL / f"{name}.csv", folder)
    (folder / "activity_counts.csv").write_text("activity_id;n_parents;n_children\nA1;4;2\nA2;3;-1\nA3;x;1\n",
                                                encoding="utf-8")
    ds = load_dataset(folder, as_of="2025-10-31")
    assert not ds.has_people
    assert ds.reports["activity_counts"].accepted == 1
    assert ds.reports["activity_counts"].rejected == 2
    assert set(ds.rejections["reason_en"]) == {"value below the minimum 0", "unreadable number"}


def test_no_data_folder():
    with pytest.raises(errors.InputDataError, match="Data folder not found"):
        load_dataset("/nonexistent/folder")


def test_typographic_and_misspelt_headers(tmp_path):
    folder = tmp_path / "headers"
    shutil.copytree(SMALL, folder)
    acts = pd.read_csv(SMALL / "activities.csv", dtype=str)
    acts = acts.rename(columns={"date": "Date de l’activité", "type": "Type d’activité"})
    acts["Remarques"] = "à revoir"
    acts.to_csv(folder / "activities.csv", index=False)
    ds = load_dataset(folder)
    assert ds.reports["activities"].accepted == 9  # ’ read as ' : both headers recognised
    assert any("Remarques" in note and "ignor" in note for note in ds.notes)
    acts = acts.rename(columns={"Date de l’activité": "Date de l’activté"})
    acts.to_csv(folder / "activities.csv", index=False)
    with pytest.raises(errors.InputDataError) as info:
        load_dataset(folder)
    assert "Column 'Date de l’activté': did you mean 'date'?" in str(info.value)
    assert "vouliez-vous dire 'date'" in info.value.message_fr


def test_losses_per_relay_and_table_checked_by_hand(tmp_path):
    folder = tmp_path / "losses"
    shutil.copytree(SMALL, folder)
    acts = (folder / "activities.csv").read_text(encoding="utf-8").replace("A4,R3,2024-04-12", "A4,R3,2024-04-31")
    (folder / "activities.csv").write_text(acts, encoding="utf-8")  # R3's only activity: unreadable date
    parts = (folder / "participants.csv").read_text(encoding="utf-8").replace("P13,F07,parent", "P13,F07,grand-mère")
    (folder / "participants.csv").write_text(parts, encoding="utf-8")  # P13 (first seen at A1, R1): unknown role
    ds = load_dataset(folder)
    losses = ds.losses().set_index(["relay_id", "table"])[["read", "accepted", "rejected"]]
    got = {key: tuple(int(v) for v in row) for key, row in zip(losses.index, losses.values)}
    assert {k: v for k, v in got.items() if k[1] in {"activities", "participants", "attendance"}} == {
        ("R1", "activities"): (3, 3, 0), ("R2", "activities"): (3, 3, 0),
        ("R3", "activities"): (1, 0, 1), ("R4", "activities"): (2, 2, 0),
        # participants belong to the relay of their first attendance row: P01-P05, P13 -> R1; P06-P09 -> R2; ...
        ("R1", "participants"): (6, 5, 1), ("R2", "participants"): (4, 4, 0),
        ("R3", "participants"): (1, 1, 0), ("R4", "participants"): (2, 2, 0),
        # attendance rows belong to the relay of their activity: A1 (5) + A2 (3) + A7 (2) = 10 for R1, P13's lost
        ("R1", "attendance"): (10, 9, 1), ("R2", "attendance"): (6, 6, 0),
        ("R3", "attendance"): (2, 0, 2), ("R4", "attendance"): (3, 3, 0),
    }
    assert sum(v[0] for k, v in got.items() if k[1] == "territories") == 9
    problems = loss_problems(ds)
    assert problems == [
        "relais R3, table activities : 1 ligne(s) rejetée(s) sur 1 (100\u00a0%)",
        "relais R3, table attendance : 2 ligne(s) rejetée(s) sur 2 (100\u00a0%)",
        "relais R1, table participants : 1 ligne(s) rejetée(s) sur 6 (17\u00a0%)",
    ]  # R1 attendance, 1 of 10 = 10 %, is not more than 10 %
    with pytest.raises(errors.DataLossError, match="relais R3, table activities") as info:
        check_losses(ds)
    assert info.value.exit_code == 1 and "(et 2 autre(s) problème(s))" in info.value.message_fr
    assert check_losses(ds, accept=True) == problems
    assert check_losses(load_dataset(SMALL)) == []


def test_every_activity_rejected_is_a_loss(tmp_path):
    folder = tmp_path / "all_lost"
    shutil.copytree(SMALL, folder)
    lines = (SMALL / "activities.csv").read_text(encoding="utf-8").splitlines()
    (folder / "activities.csv").write_text("\n".join([lines[0]] + [ln.replace(",R", ",X", 1) for ln in lines[1:]])
                                           + "\n", encoding="utf-8")
    ds = load_dataset(folder)
    assert ds.reports["activities"].accepted == 0 and ds.reports["attendance"].accepted == 0
    problems = loss_problems(ds)
    assert problems[0] == "table activities (activities.csv) : aucune ligne acceptée sur 9"
    # rows of unknown relays X1..X4 are their own losses; attendance follows its activity's (unknown) relay
    losses = ds.losses()
    assert set(losses.loc[losses["table"] == "activities", "relay_id"]) == {"X1", "X2", "X3", "X4"}
    assert int(losses["read"].sum()) == int(ds.summary()["read"].sum())


def test_blank_lines_and_untied_rows_do_not_block_publication_alone(tmp_path):
    folder = tmp_path / "untied"
    shutil.copytree(SMALL, folder)
    att = (SMALL / "attendance.csv").read_text(encoding="utf-8")
    (folder / "attendance.csv").write_text(att.replace("A3,P06\n", "A3,P06\n\n") + "A99,P01\n", encoding="utf-8")
    ds = load_dataset(folder)  # 23 rows read: 21 + an empty line + an unknown activity
    assert tuple(ds.summary().set_index("table").loc["attendance", ["read", "accepted", "rejected"]]) == (23, 21, 2)
    untied = ds.losses().set_index(["relay_id", "table"]).loc[("", "attendance")]
    assert (untied["read"], untied["rejected"], untied["blank"]) == (2, 2, 1)
    assert loss_problems(ds) == []  # 1 of 22 rows that held something, tied to no relay: 4.5 %
    with (folder / "attendance.csv").open("a", encoding="utf-8") as fh:
        fh.write("A98,P01\nA97,P02\n")  # 3 of 24 rows (12.5 %) now point to unknown activities
    assert loss_problems(load_dataset(folder)) == [
        "table attendance : 3 ligne(s) rejetée(s) sans relais identifiable, sur 24 (12\u00a0%)"
    ]
