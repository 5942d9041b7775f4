"""Tests of ``relais assemble`` (:mod:`relais_analysis.workbooks.assemble`, :mod:`relais_analysis.workbooks.reader`,
:mod:`relais_analysis.workbooks.feedback`) on small workbooks whose numbers can be checked by hand.

The registry is the demo's (19 relays R01..R19 with their territories).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from relais_analysis.workbooks.assemble import assemble, read_registry, scope_code
from relais_analysis.cli import main
from relais_analysis.errors import InputDataError
from relais_analysis.workbooks.feedback import FEEDBACK_HEADERS, write_feedback
from relais_analysis.indicators.reach import reach_by
from relais_analysis.workbooks.template import write_relay_workbook

AS_OF = "2025-10-31"
PLACES = ["Namur", "Jambes", "Mouscron"]
KEYED = "Pab12cd34ef56"


def _book(folder: Path, relay: str, rows: dict, name: str | None = None, **kw) -> Path:
    return write_relay_workbook(folder / (name or f"{relay}.xlsx"), relay, f"Relais {relay}", places=PLACES,
                                rows=rows, **kw)


def _plain(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _simple(pid: str = "P001", birth: int = 1985) -> dict:
    return {"activities": [["A001", dt.date(2024, 3, 5), "Atelier créatif", "Namur", None]],
            "participants": [[pid, "F001", "parent", "femme", birth, "Jambes"]],
            "attendance": [["A001", pid]]}


def _account(result, relay: str, table: str) -> tuple[int, int, int]:
    row = result.accounts[(result.accounts["relay_id"] == relay) & (result.accounts["table"] == table)].iloc[0]
    return int(row["read"]), int(row["accepted"]), int(row["rejected"])


def test_scope_code() -> None:
    assert scope_code("R07", "P001") == "R07:P001"
    assert scope_code("R07", "PAB12CD34EF56") == "Pab12cd34ef56"
    assert scope_code("R07", KEYED, keyed_allowed=False) == f"R07:{KEYED}"


def test_same_local_code_in_two_relays_is_two_people(tmp_path: Path) -> None:
    _book(tmp_path / "in", "R07", _simple())
    _book(tmp_path / "in", "R09", _simple())
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    people = result.dataset.participants
    assert sorted(people["participant_id"]) == ["R07:P001", "R09:P001"]
    assert sorted(people["family_id"]) == ["R07:F001", "R09:F001"]
    assert sorted(result.dataset.activities["activity_id"]) == ["R07:A001", "R09:A001"]
    region = reach_by(result.dataset, 2024).iloc[0]
    assert (region["parents"], region["families"], region["attendances"]) == (2, 2, 2)
    assert set(people["residence"]) == {"92094"}  # "Jambes" is a village of Namur


def test_keyed_code_in_two_relays_is_one_person(tmp_path: Path) -> None:
    _book(tmp_path / "in", "R07", _simple(KEYED))
    _book(tmp_path / "in", "R09", _simple(KEYED))
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    assert result.dataset.participants["participant_id"].tolist() == [KEYED]
    region = reach_by(result.dataset, 2024).iloc[0]
    assert (region["parents"], region["attendances"], region["activities"]) == (1, 2, 2)
    assert _account(result, "R07", "participants") == (1, 1, 0)
    assert _account(result, "R09", "participants") == (1, 1, 0)
    assert any("1 ligne(s) fusionnée(s)" in n for n in result.notes)


def test_keyed_code_with_conflicting_birth_years_is_reported(tmp_path: Path) -> None:
    _book(tmp_path / "in", "R07", _simple(KEYED, 1985))
    _book(tmp_path / "in", "R09", _simple(KEYED, 1991))
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    assert _account(result, "R07", "participants") == (1, 1, 0)
    assert _account(result, "R09", "participants") == (1, 0, 1)
    problem = result.problems[result.problems["kind"] == "rejet"].iloc[0]
    assert (problem["workbook"], problem["sheet"], problem["row"]) == ("R09.xlsx", "Participants", 2)
    assert "participant en double" in problem["reason_fr"]
    assert "R07.xlsx, feuille Participants, ligne 2" in problem["reason_fr"]


def test_rows_in_equal_accepted_plus_rejected_and_excel_rows(tmp_path: Path) -> None:
    rows = {
        "activities": [["A001", dt.date(2024, 3, 5), "Atelier créatif", None, None],
                       [None] * 5,  # a blank line: not a row, but Excel row numbers go on
                       ["A002", "31/02/2024", "Rencontre", None, None],
                       ["A003", "12/04/2024", "=1+1", None, None]],
        "participants": [["P001", "F001", "parent", "femme", 1985, None],
                         ["P002", "F001", "enfant", None, 2016, None],
                         ["P003", "F002", "parent", "homme", 1979, "Namur"]],
        "attendance": [["A001", "P001"], ["A001", "P002"], ["A002", "P001"], ["A001", "P999"], ["A001", "P003"],
                       ["A001", "P001"]],
    }
    _book(tmp_path / "in", "R07", rows)
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    assert _account(result, "R07", "activities") == (3, 1, 2)
    assert _account(result, "R07", "participants") == (3, 3, 0)
    assert _account(result, "R07", "attendance") == (6, 3, 3)
    acc = result.accounts
    assert (acc["read"] == acc["accepted"] + acc["rejected"]).all()
    where = sorted(zip(result.problems["sheet"], result.problems["row"], result.problems["column"]))
    assert where == [("Activités", 4, "date"), ("Activités", 5, "type"), ("Présences", 4, "activity_id"),
                     ("Présences", 5, "participant_id"), ("Présences", 7, "participant_id")]
    assert _account(result, "R01", "activities")[0] == 0
    assert (acc.loc[acc["relay_id"] == "R01", "missing"] == "aucun classeur reçu").all()


def test_feedback_workbook_and_summary(tmp_path: Path) -> None:
    rows = {"activities": [["A001", dt.date(2024, 3, 5), "=1+1", None, None]],
            "participants": [["P001", "F001", "parent", "femme", 1985, None]],
            "attendance": [["A001", "P001"], ["A009", "P001"]]}
    _book(tmp_path / "in", "R07", rows)
    _book(tmp_path / "in", "R09", _simple())
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    files = write_feedback(result, tmp_path / "retours")
    assert [f.name for f in files] == ["retour_R07.xlsx", "retour_R09.xlsx", "synthese_centre_appui.xlsx",
                                       "synthese_centre_appui.csv", "problemes.csv"]
    ws = load_workbook(tmp_path / "retours" / "retour_R07.xlsx")["À corriger"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == FEEDBACK_HEADERS
    by_row = {(r[0], r[1]): r for r in values[1:]}
    typed = by_row[("Activités", 2)]
    assert typed[2:4] == ["Type d'activité", "'=1+1"]  # header as written; formula neutralised
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    unknown = by_row[("Présences", 3)]
    assert unknown[2:4] == ["Code activité", "A009"] and "feuille Activités" in unknown[5]
    assert "Aucune ligne à corriger" in str(load_workbook(tmp_path / "retours" / "retour_R09.xlsx")
                                              ["À corriger"]["A3"].value)
    # the CSV copies open by a double click in a French Excel: ";" and the workbook's French headers
    summary = pd.read_csv(tmp_path / "retours" / "synthese_centre_appui.csv", encoding="utf-8-sig", sep=";")
    assert list(summary.columns) == [c.value for c in load_workbook(tmp_path / "retours" / "synthese_centre_appui.xlsx")
                                     .worksheets[0][1]]
    assert len(summary) == 19 * 4  # activities, participants, attendance, questionnaires (optional)
    assert (summary["Lignes lues"] == summary["Acceptées"] + summary["Rejetées"]).all()
    r07 = summary[summary["Relais"] == "R07"].set_index("Table")
    assert r07.loc["Activités", "Rejetées"] == 1 and r07.loc["Présences", "Rejetées"] == 2
    problems = pd.read_csv(tmp_path / "retours" / "problemes.csv", encoding="utf-8-sig", sep=";", dtype=str)
    assert list(problems.columns) == ["Relais", "Classeur", "Feuille", "Ligne", "Colonne", "Valeur", "Problème",
                                      "Problème en anglais", "Type", "Table"]
    assert len(problems[problems["Relais"] == "R07"]) == 3 and set(problems["Type"]) <= {"rejet", "avertissement"}


def test_how_workbooks_are_tied_to_a_relay(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _book(folder, "R07", _simple(), name="a.xlsx")                       # template cell
    acts = ["Relais", "Code activité", "Date de l’activité", "Type d’activité"]
    _plain(folder / "export.xlsx", {"Activités": [acts, ["R09", "A1", "05/03/2024", "rencontre"]]})
    _plain(folder / "Relais Huy 2024.xlsx", {"activites": [acts[1:], ["A1", "05/03/2024", "rencontre"]]})
    _plain(folder / "Namur et Gembloux.xlsx", {"activites": [acts[1:], ["A1", "05/03/2024", "rencontre"]]})
    _plain(folder / "divers.xlsx", {"activites": [acts[1:], ["A1", "05/03/2024", "rencontre"]]})
    _plain(folder / "deux.xlsx", {"activites": [acts, ["R01", "A1", "05/03/2024", "rencontre"],
                                                ["R02", "A2", "05/03/2024", "rencontre"]]})
    _book(folder, "R99", _simple(), name="inconnu.xlsx")
    (folder / "vieux.xls").write_bytes(b"not really")
    (folder / "notes.txt").write_text("x")
    result = assemble(folder, tmp_path / "out", as_of=AS_OF)
    ledger = result.workbooks.set_index("workbook")
    assert ledger.loc["a.xlsx", "relay_id"] == "R07"
    assert ledger.loc["export.xlsx", ["relay_id", "how"]].tolist() == ["R09", "colonne relais"]
    assert ledger.loc["Relais Huy 2024.xlsx", ["relay_id", "how"]].tolist() == ["R12", "nom du fichier"]
    assert "plusieurs relais (R14, R16)" in ledger.loc["Namur et Gembloux.xlsx", "how"]
    assert "aucun relais reconnu" in ledger.loc["divers.xlsx", "how"]
    assert "plusieurs relais dans la colonne" in ledger.loc["deux.xlsx", "how"]
    assert "'R99'" in ledger.loc["inconnu.xlsx", "how"]
    assert ".xlsx" in ledger.loc["vieux.xls", "how"]
    assert ledger["refused"].sum() == 5 and "notes.txt" not in ledger.index
    assert any("notes.txt" in n for n in result.notes)
    assert _account(result, "R12", "activities") == (1, 1, 0)  # typographic headers of a plain workbook


def test_two_workbooks_for_one_relay_are_both_refused(tmp_path: Path) -> None:
    _book(tmp_path / "in", "R07", _simple(), name="a.xlsx")
    _book(tmp_path / "in", "R07", _simple(), name="b.xlsx")
    _book(tmp_path / "in", "R09", _simple())
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    refused = result.workbooks[result.workbooks["refused"]]
    assert refused["workbook"].tolist() == ["a.xlsx", "b.xlsx"]
    assert "plusieurs classeurs pour le relais R07" in refused["how"].iloc[0]
    with pytest.raises(InputDataError, match="Aucun classeur rattaché"):
        shutil.rmtree(tmp_path / "in2", ignore_errors=True)
        (tmp_path / "in2").mkdir()
        assemble(tmp_path / "in2", tmp_path / "out2")


def test_dates_in_every_form_and_remarks_dropped(tmp_path: Path) -> None:
    header = ["Code activité", "Date de l'activité", "Type d'activité", "Remarques"]
    rows = [["A1", dt.datetime(2024, 3, 5), "rencontre", "vient avec Mme Dupont"], ["A2", "05/03/2024", "rencontre", None],
            ["A3", 45356, "rencontre", None], ["A4", "2024-03-05", "rencontre", None]]
    people = [["Code\u00a0participant", "Code famille", "Statut"], ["P1", "F1", "parent"]]
    (tmp_path / "in").mkdir()
    _plain(tmp_path / "in" / "R07.xlsx",
           {"Activités": [header, *rows], "Participants": people,
            "Présences": [["Code activité", "Code participant"], *[[a[0], "P1"] for a in rows]]})
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    assert result.dataset.activities["date"].dt.date.tolist() == [dt.date(2024, 3, 5)] * 4
    written = pd.read_csv(tmp_path / "out" / "activities.csv", dtype=str)
    assert "Remarques" not in written.columns and "Dupont" not in written.to_csv()
    assert _account(result, "R07", "attendance") == (4, 4, 0)


def test_personal_data_and_missing_columns(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    _plain(tmp_path / "in" / "R07.xlsx", {"Participants": [["Code participant", "Nom", "Statut", "Code famille"],
                                                           ["P1", "Dupont", "parent", "F1"]]})
    _plain(tmp_path / "in" / "R09.xlsx", {
        "Activités": [["Code activité", "Date"], ["A1", "05/03/2024"], ["A2", "06/03/2024"]],
        "Participants": [["Code participant", "Code famille", "Statut"], ["P1", "F1", "parent"]],
        "Présences": [["Code activité", "Code participant"], ["A1", "P1"]]})
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    ledger = result.workbooks.set_index("workbook")
    assert ledger.loc["R07.xlsx", "refused"] and "Participants!Nom" in ledger.loc["R07.xlsx", "how"]
    assert _account(result, "R09", "activities") == (2, 0, 2)  # no activity type column: rows cannot be used
    assert _account(result, "R09", "attendance") == (1, 0, 1)  # its activity is not there
    missing = result.accounts.set_index(["relay_id", "table"]).loc[("R09", "activities"), "missing"]
    assert missing == "colonne type"


def test_an_output_folder_with_other_tables_is_refused(tmp_path: Path) -> None:
    _book(tmp_path / "in", "R07", _simple())
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "comptages.csv").write_text("activity_id,n_parents,n_children\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="comptages.csv"):
        assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    (tmp_path / "out" / "comptages.csv").unlink()
    assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    assert assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF).accounts["accepted"].sum() == 3  # rerun


def test_registry_errors(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="Registre introuvable"):
        read_registry(tmp_path / "nope")
    (tmp_path / "reg").mkdir()
    (tmp_path / "reg" / "relays.csv").write_text("code,ville\nR1,Namur\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="table relays"):
        read_registry(tmp_path / "reg")


def test_cli_assemble_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _book(tmp_path / "ok", "R07", _simple())
    assert main(["assemble", str(tmp_path / "ok"), "--out", str(tmp_path / "d1"), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "lignes lues 3 = acceptées 3 + rejetées 0" in out
    assert (tmp_path / "d1" / "retours" / "retour_R07.xlsx").exists()
    assert main(["validate", str(tmp_path / "d1")]) == 0
    rows = _simple()
    rows["attendance"].append(["A001", "P404"])
    _book(tmp_path / "bad", "R07", rows)
    assert main(["assemble", str(tmp_path / "bad"), "--out", str(tmp_path / "d2"), "--as-of", AS_OF,
                 "--feedback", str(tmp_path / "fb")]) == 1
    assert (tmp_path / "fb" / "synthese_centre_appui.xlsx").exists()
    assert main(["assemble", str(tmp_path / "absent"), "--out", str(tmp_path / "d3")]) == 2
    assert "introuvable" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_workbook_saved_again_by_libreoffice_assembles_to_the_same_numbers(tmp_path: Path, libreoffice) -> None:
    rows = {"activities": [["A001", dt.date(2024, 3, 5), "Atelier créatif", "Namur", "Peinture"],
                           ["A002", "12/04/2024", "Rencontre", "Jambes", None],
                           ["A003", dt.date(2025, 1, 8), "Séjour", None, None]],
            "participants": [["P001", "F001", "parent", "femme", 1985, "Jambes"],
                             ["P002", "F001", "enfant", "homme", 2016, None],
                             ["P003", "F002", "parent", "autre", None, "Mouscron"],
                             [KEYED, "F003", "parent", "femme", 1990, "Namur"]],
            "attendance": [["A001", "P001"], ["A001", "P002"], ["A002", "P001"], ["A002", "P003"],
                           ["A003", "P003"], ["A003", KEYED], ["A003", "P404"]],
            "questionnaires": [_questionnaire("P001", "entrée", {f"djg_{i}": "oui" for i in range(1, 7)}),
                               _questionnaire(KEYED, "suivi", {"osss_1": "3 à 5", "osss_2": 4, "osss_3": "2"}, "osss3")]}
    original = _book(tmp_path / "openpyxl", "R07", rows, name="R07_Mouscron.xlsx")
    (tmp_path / "libreoffice").mkdir()
    libreoffice([original], "xlsx:Calc MS Excel 2007 XML", tmp_path / "libreoffice")
    saved = load_workbook(tmp_path / "libreoffice" / "R07_Mouscron.xlsx")["Questionnaire"]  # kept by LibreOffice:
    assert saved["A1"].value == "Code participant" and saved["E3"].value is None and saved["E2"].value == "oui"
    kept = {str(dv.sqref).split(":")[0].split()[0]: dv.formula1 for dv in saved.data_validations.dataValidation}
    assert kept.get("E2") == "rep_yes_more_or_less_no" and kept.get("B2") == "liste_vagues"  # its dropdowns
    results = {}
    for name in ("openpyxl", "libreoffice"):
        result = assemble(tmp_path / name, tmp_path / f"out-{name}", as_of=AS_OF)
        region = reach_by(result.dataset, 2024).iloc[0]
        results[name] = (result.accounts.query("relay_id == 'R07'")[["read", "accepted", "rejected"]].values.tolist(),
                         int(region["parents"]), int(region["children"]), int(region["attendances"]),
                         [(p, int(d or 0), int(o or 0)) for p, d, o in result.dataset.questionnaires[
                             ["participant_id", "djg_1", "osss_1"]].astype(object).where(lambda f: f.notna(), None)
                             .itertuples(index=False)])
        assert result.workbooks["how"].tolist() == ["case « Code du relais » du modèle"]
    assert results["libreoffice"] == results["openpyxl"] == (
        [[3, 3, 0], [4, 4, 0], [7, 6, 1], [2, 2, 0]], 2, 1, 4, [("R07:P001", 1, 0), (KEYED, 0, 3)])
    feedback = write_feedback(result, tmp_path / "retours")[:2]  # retour_R07.xlsx, synthese_centre_appui.xlsx
    first_sheets = libreoffice(feedback, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "retours")
    to_correct = pd.read_csv(first_sheets[0], dtype=str)
    assert to_correct[["Feuille", "Ligne", "Valeur"]].values.tolist() == [["Présences", "8", "P404"]]


def test_activities_without_attendance_are_named_in_what_is_missing(tmp_path: Path) -> None:
    rows = _simple()
    rows["activities"].append(["A002", dt.date(2024, 3, 6), "Rencontre", None, None])
    _book(tmp_path / "in", "R07", rows)
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    accounts = result.accounts.set_index(["relay_id", "table"])
    assert accounts.loc[("R07", "activities"), "missing"] == "1 activité(s) sans aucune présence"
    assert accounts.loc[("R07", "activities"), ["read", "accepted", "rejected"]].tolist() == [2, 2, 0]


def test_unknown_optional_place_is_a_warning_mapped_to_its_row(tmp_path: Path) -> None:
    rows = _simple()
    rows["activities"].append(["A002", dt.date(2024, 3, 6), "Rencontre", "Atlantis", None])
    rows["attendance"].append(["A002", "P001"])
    _book(tmp_path / "in", "R07", rows)
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    assert _account(result, "R07", "activities") == (2, 2, 0)
    assert _account(result, "R07", "attendance") == (2, 2, 0)
    warning = result.problems.iloc[0]
    assert (warning["kind"], warning["sheet"], warning["row"], warning["value"]) == (
        "avertissement", "Activités", 3, "Atlantis")
    write_feedback(result, tmp_path / "retours")
    ws = load_workbook(tmp_path / "retours" / "retour_R07.xlsx")["À corriger"]
    assert [c.value for c in ws[2]][:4] + [ws["G2"].value] == ["Activités", 3, "Lieu", "Atlantis", "avertissement"]


def _questionnaire(pid: str, wave: str, answers: dict[str, object], instrument: str = "djg6") -> list[object]:
    from relais_analysis.workbooks.template import questionnaire_layout

    columns = [c[0] for c in questionnaire_layout().columns]
    row: list[object] = [None] * len(columns)
    row[:4] = [pid, wave, dt.date(2024, 4, 2), instrument]
    for item, value in answers.items():
        row[columns.index(item)] = value
    return row


def test_questionnaire_sheet_is_assembled_scoped_and_accounted(tmp_path: Path) -> None:
    rows = {"activities": [["A001", dt.date(2024, 3, 5), "Atelier créatif", "Namur", None]],
            "participants": [["P001", "F001", "parent", "femme", 1985, None], [KEYED, "F002", "parent", "femme", 1990,
                                                                                None]],
            "attendance": [["A001", "P001"], ["A001", KEYED]],
            "questionnaires": [
                _questionnaire("P001", "entrée", {f"djg_{i}": "plus ou moins" for i in range(1, 7)}),  # labels
                _questionnaire(KEYED, "entrée", {f"djg_{i}": 3 for i in range(1, 7)}),  # codes, keyed pseudonym
                _questionnaire("P002", "suivi", {"djg_1": "non"}),  # nobody P002 in Participants (Excel row 4)
                _questionnaire("P001", "entrée", {"osss_1": "5"}, "osss3"),  # impossible code (Excel row 5)
            ]}
    _book(tmp_path / "in", "R07", rows)
    _book(tmp_path / "in", "R09", _simple())  # no questionnaire: optional, never reported as lost
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    q = result.dataset.questionnaires
    assert sorted(q["participant_id"]) == sorted(["R07:P001", KEYED])
    assert q.set_index("participant_id").loc["R07:P001", "djg_1"] == 2  # "plus ou moins" is code 2
    assert (tmp_path / "out" / "questionnaires.csv").exists()
    assert _account(result, "R07", "questionnaires") == (4, 2, 2)
    assert _account(result, "R09", "questionnaires") == (0, 0, 0)
    missing = result.accounts.set_index(["relay_id", "table"]).loc[("R09", "questionnaires"), "missing"]
    assert missing == "aucune ligne (facultative)"  # the template's sheet, left empty
    bad = result.problems[result.problems["table"] == "questionnaires"]
    assert sorted(zip(bad["sheet"], bad["row"], bad["column"], bad["value"])) == [
        ("Questionnaire", 4, "participant_id", "R07:P002"), ("Questionnaire", 5, "osss_1", "5")]
    write_feedback(result, tmp_path / "retours")
    ws = load_workbook(tmp_path / "retours" / "retour_R07.xlsx")["À corriger"]
    listed = {(r[0], r[1]) for r in ws.iter_rows(min_row=2, values_only=True) if r[1]}
    assert listed == {("Questionnaire", 4), ("Questionnaire", 5)}


def test_template_questionnaire_sheet_layout(tmp_path: Path) -> None:
    from relais_analysis.outcomes.instruments import load_instruments

    path = _book(tmp_path, "R07", {})
    wb = load_workbook(path)
    ws = wb["Questionnaire"]
    headers = [c.value for c in ws[1]]
    items = [i for inst in load_instruments().values() for i in inst.item_ids]
    assert headers[:4] == ["Code participant", "Vague", "Date du questionnaire", "Questionnaire"]
    assert headers[4:] == items and ws.freeze_panes == "A2" and list(ws.tables) == ["Questionnaires"]
    assert not ws.merged_cells.ranges
    assert "sentiment général de vide" in ws["E1"].comment.text  # djg_1's French wording on its header
    checks = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert checks["A2"] == "liste_participants" and checks["B2"] == "liste_vagues"
    assert checks["D2"] == "liste_instruments" and checks["E2"] == "rep_yes_more_or_less_no"
    lists = wb["Listes"]
    ref = wb.defined_names["rep_yes_more_or_less_no"].attr_text
    column = ref.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    assert [lists[f"{column}{r}"].value for r in (2, 3, 4)] == ["oui", "plus ou moins", "non"]
    assert "Questionnaire" in " ".join(str(c.value) for c in wb["Lisez-moi"]["A"] if c.value)


def test_losses_of_scoped_codes_belong_to_their_relay(tmp_path: Path) -> None:
    from relais_analysis.errors import DataLossError
    from relais_analysis.intake.ingest import check_losses

    people = [[f"P{i:03d}", f"F{i:03d}", "parent", "femme", 1980 + i, None] for i in range(1, 10)]
    rows = {"activities": [["A001", dt.date(2024, 3, 5), "Atelier créatif", "Namur", None]],
            "participants": people + [["P099", "F099", "parent", "femme", 1890, None]],  # typo: rejected
            "attendance": [["A001", p[0]] for p in people]}
    _book(tmp_path / "in", "R07", rows)
    for relay in ("R08", "R09"):
        _book(tmp_path / "in", relay, {**rows, "participants": people})
    result = assemble(tmp_path / "in", tmp_path / "out", as_of=AS_OF)
    losses = result.dataset.losses().set_index(["relay_id", "table"])
    # R07:P099 has no attendance: its scoped code still ties it to R07 (1 of 10 = 10 %, not more)
    assert tuple(losses.loc[("R07", "participants"), ["read", "rejected"]]) == (10, 1)
    assert "" not in losses.index.get_level_values("relay_id")
    assert check_losses(result.dataset) == []
    shutil.rmtree(tmp_path / "out")
    rows["participants"].append(["P098", "F098", "parent", "femme", 1891, None])  # 2 of 11 = 18 % for R07
    result = assemble(_rewrite(tmp_path, rows), tmp_path / "out", as_of=AS_OF)
    with pytest.raises(DataLossError, match="relais R07, table participants : 2 ligne"):
        check_losses(result.dataset)
    assert main(["indicators", "--year", "2024", "--data", str(tmp_path / "out"), "--out",
                 str(tmp_path / "tables")]) == 1
    assert main(["indicators", "--year", "2024", "--data", str(tmp_path / "out"), "--out",
                 str(tmp_path / "tables"), "--accept-losses"]) == 0


def _rewrite(tmp_path: Path, rows: dict) -> Path:
    _book(tmp_path / "in", "R07", rows)
    return tmp_path / "in"
