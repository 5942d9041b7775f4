"""Tests of ``relais demo --workbooks``: 19 realistic relay workbooks that assemble to exactly the demo data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from relais_analysis.geography import reference
from relais_analysis.workbooks.assemble import assemble
from relais_analysis.cli import main
from relais_analysis.demo.dataset import DEMO_AS_OF
from relais_analysis.demo.workbooks import MANIFEST_NAME, PLANTED, write_demo_workbooks
from relais_analysis.workbooks.feedback import write_feedback
from relais_analysis.indicators.reach import reach_per_year


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("classeurs")
    return out, write_demo_workbooks(out)


@pytest.fixture(scope="module")
def assembled(written, tmp_path_factory: pytest.TempPathFactory):
    folder, _ = written
    data = tmp_path_factory.mktemp("assembled")
    result = assemble(folder, data, as_of=DEMO_AS_OF)
    write_feedback(result, data / "retours")
    return result


def test_nineteen_workbooks_and_a_manifest(written) -> None:
    folder, result = written
    assert len(result.workbooks) == 19
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and len(manifest["planted_errors"]) == len(PLANTED) == 6
    assert {p.name for p in folder.iterdir()} == {p.name for p in result.workbooks} | {MANIFEST_NAME}


def test_assembled_numbers_are_exactly_the_demo(assembled, demo_dataset) -> None:
    demo = demo_dataset  # load_dataset(data/demo), once per session
    mine = reach_per_year(assembled.dataset)
    pd.testing.assert_frame_equal(mine, reach_per_year(demo))
    year_2024 = mine.set_index("year").loc[2024]
    assert (year_2024["parents"], year_2024["children"]) == (1500, 1264)
    assert len(assembled.dataset.participants) == len(demo.participants)
    assert len(assembled.dataset.attendance) == len(demo.attendance)
    assert assembled.dataset.synthetic


def test_feedback_lists_exactly_the_planted_errors(written, assembled) -> None:
    _, result = written
    planted = {(p["relay_id"], p["sheet"], p["row"]) for p in result.planted}
    found = set()
    for path in sorted((assembled.out_dir / "retours").glob("retour_R*.xlsx")):
        relay = path.stem.removeprefix("retour_")
        ws = load_workbook(path)["À corriger"]
        found |= {(relay, row[0], row[1]) for row in ws.iter_rows(min_row=2, values_only=True) if row[1]}
    assert found == planted
    acc = assembled.accounts
    assert (acc["read"] == acc["accepted"] + acc["rejected"]).all()
    assert int(acc["rejected"].sum()) == 6 and int(acc["warnings"].sum()) == 0


def test_workbooks_are_realistic(written, assembled) -> None:
    folder, _ = written
    r02 = load_workbook(folder / "R02_Nivelles.xlsx")
    r07 = load_workbook(folder / "R07_Mouscron.xlsx")
    assert r07["Participants"]["A2"].value == r02["Participants"]["A2"].value == "P001"  # colliding local codes
    assert r02["Activités"]["B1"].value == "Date de l’activité"  # typographic apostrophe
    dates = [c.value for c in load_workbook(folder / "R04_Mons.xlsx")["Activités"]["B"][1:]]
    assert any(isinstance(d, dt.datetime) for d in dates) and any(isinstance(d, str) for d in dates)
    assert "Remarques" in [c.value for c in load_workbook(folder / "R03_Charleroi.xlsx")["Activités"][1]]
    typed = pd.Series([c.value for c in r07["Participants"]["F"][1:]]).dropna()
    communes = set(reference.communes_table(2024)["name_fr"])
    villages = set(reference.localities()["locality_fr"]) - communes
    assert typed.isin(villages).sum() >= 10 and typed.isin(communes).sum() >= 100  # villages as people write them
    ledger = assembled.workbooks.set_index("workbook")
    assert ledger.loc["Tournai export présences.xlsx", "how"] == "nom du fichier"
    assert ledger.loc["activites_2022-2025.xlsx", "how"] == "colonne relais"
    assert any("149 participant(s)" in n for n in assembled.notes)  # people of two relays, keyed codes


def test_assemble_line_groups_its_counts(assembled) -> None:
    """``relais assemble``'s line: rows read = accepted + rejected, thousands grouped as in French."""
    from relais_analysis.commands.workbooks import assembled_line

    line = assembled_line(assembled)
    read, accepted, rejected = (int(assembled.accounts[c].sum()) for c in ("read", "accepted", "rejected"))
    assert read == accepted + rejected and read >= 1000
    grouped = f"{read // 1000}\u202f{read % 1000:03d}"
    assert f"19 classeur(s) rattaché(s), 0 refusé(s) ; lignes lues {grouped} = acceptées " in line, line
    assert f"+ rejetées {rejected} ;" in line


def test_cli_demo_workbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(tmp_path), "--workbooks"]) == 0
    assert "19 classeurs" in capsys.readouterr().out


def test_assembled_questionnaires_give_exactly_the_demo_outcomes(written, assembled, demo_dataset) -> None:
    from relais_analysis.outcomes.analysis import analyse_outcomes
    from relais_analysis.outcomes.groups import participant_groups

    folder, _ = written
    sheet = load_workbook(folder / "R07_Mouscron.xlsx", read_only=True)["Questionnaire"]
    first = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[1] in {"entrée", "suivi"} and any(v in {"oui", "non", "plus ou moins"} for v in first[4:] if v)
    demo = demo_dataset  # load_dataset(data/demo), once per session
    mine = assembled.dataset
    assert len(mine.questionnaires) == len(demo.questionnaires) == 5500
    ours = analyse_outcomes(mine.questionnaires, groups=participant_groups(mine))
    theirs = analyse_outcomes(demo.questionnaires, groups=participant_groups(demo))
    assert set(ours.tables) == set(theirs.tables) and "outcomes_by_relay" in ours.tables
    # everything identical, bootstrap bounds included (they depend on the differences, not on code order)
    for name, table in theirs.tables.items():
        pd.testing.assert_frame_equal(ours.tables[name].reset_index(drop=True), table.reset_index(drop=True), obj=name)
    assert ours.sentences == theirs.sentences and ours.attrition_sentences == theirs.attrition_sentences
    acc = assembled.accounts[assembled.accounts["table"] == "questionnaires"]
    assert int(acc["read"].sum()) == int(acc["accepted"].sum()) == 5500


def test_indicators_publish_from_the_assembled_demo_without_accepting_losses(assembled, tmp_path: Path) -> None:
    from relais_analysis.intake.ingest import loss_problems

    losses = assembled.dataset.losses()
    # the six planted errors are each counted against their own relay, rejected participants included
    lost = losses[losses["rejected"] > 0]
    assert sorted(zip(lost["relay_id"], lost["table"])) == [
        ("R01", "participants"), ("R03", "activities"), ("R05", "activities"), ("R09", "attendance"),
        ("R12", "attendance"), ("R14", "participants")]
    assert loss_problems(assembled.dataset) == []
    out = tmp_path / "tableaux"
    assert main(["indicators", "--year", "2024", "--data", str(assembled.out_dir), "--out", str(out)]) == 0
    assert any(out.glob("*.csv"))
