"""Tests of the relay workbook template (``relais modele``, :mod:`relais_analysis.workbooks.template`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from relais_analysis.cli import main
from relais_analysis.errors import InputDataError, ParameterError
from relais_analysis.geography.resolve import get_resolver
from relais_analysis.intake.schema import canonical_activity_type, canonical_gender, canonical_role
from relais_analysis.workbooks.template import (
    GENDER_LABELS,
    LAYOUT,
    ROLE_LABELS,
    TYPE_LABELS,
    place_choices,
    write_relay_workbook,
    write_templates,
)
from relais_analysis.workbooks.reader import _column_lookup, fold_header, read_workbook


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_templates(tmp_path_factory.mktemp("modele"), year=2024)


@pytest.fixture(scope="module")
def book(templates: list[Path]):
    path = next(p for p in templates if p.name.startswith("R07_"))
    return load_workbook(path)


def test_one_workbook_per_relay_of_the_registry(templates: list[Path]) -> None:
    assert len(templates) == 19  # the demo registry: 19 relays, R10 closed mid-2024 still gets one for 2024
    assert [p.name[:3] for p in templates] == [f"R{i:02d}" for i in range(1, 20)]
    assert templates[6].name == "R07_Mouscron_2024.xlsx"


def test_a_relay_closed_before_the_year_gets_no_workbook(tmp_path: Path) -> None:
    names = [p.name[:3] for p in write_templates(tmp_path, year=2025)]
    assert "R10" not in names and len(names) == 18  # R10 closed on 30 June 2024


def test_sheets_relay_cell_and_protection(book) -> None:
    assert book.sheetnames == ["Lisez-moi", "Activités", "Participants", "Présences", "Questionnaire", "Listes"]
    readme = book["Lisez-moi"]
    assert (readme["A3"].value, readme["B3"].value) == ("Code du relais", "R07")
    assert readme["B4"].value == "Relais Familles Mono – Mouscron"
    assert readme["B5"].value == 2024
    assert readme.protection.sheet and book["Listes"].protection.sheet
    assert book["Listes"].sheet_state == "hidden"
    text = " ".join(str(c.value) for row in readme.iter_rows() for c in row if c.value)
    assert "Présences" in text and "Ctrl+D" in text and "jamais un nom" in text


def test_data_sheets_have_tables_frozen_headers_widths_and_no_merged_cells(book) -> None:
    for layout in LAYOUT.values():
        ws = book[layout.sheet]
        assert [c.value for c in ws[1]] == [h for _c, h, _w, _k in layout.columns]
        assert list(ws.tables) == [layout.excel_table]
        assert ws.freeze_panes == "A2"
        assert not ws.merged_cells.ranges
        assert all(ws.column_dimensions[c.column_letter].width >= 12 for c in ws[1])


def test_headers_map_to_the_contract(book) -> None:
    for layout in LAYOUT.values():
        lookup = _column_lookup(layout.table)
        for canonical, header, _w, _k in layout.columns:
            assert lookup[fold_header(header)] == canonical


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_dropdowns_dates_and_code_checks(book) -> None:
    acts = _validations(book["Activités"])
    assert acts["C2"].type == "list" and acts["C2"].formula1 == "liste_types"
    assert acts["D2"].formula1 == "liste_lieux" and acts["D2"].errorStyle == "warning"
    assert acts["B2"].type == "date" and acts["B2"].operator == "greaterThanOrEqual"
    assert acts["B2"].formula1 == str((dt.date(2022, 1, 1) - dt.date(1899, 12, 30)).days)  # 44562
    assert acts["A2"].type == "custom" and "LEN(A2)<=20" in acts["A2"].formula1
    people = _validations(book["Participants"])
    assert (people["C2"].formula1, people["D2"].formula1, people["F2"].formula1) == (
        "liste_statuts", "liste_genres", "liste_lieux")
    assert people["E2"].type == "whole" and (people["E2"].formula1, people["E2"].formula2) == ("1920", "2024")
    att = _validations(book["Présences"])
    assert (att["A2"].formula1, att["B2"].formula1) == ("liste_activites", "liste_participants")
    assert att["A2"].showInputMessage and "Ctrl+D" in att["A2"].prompt
    names = book.defined_names
    assert names["liste_activites"].attr_text == "'Activités'!$A$2:$A$5001"
    assert names["liste_participants"].attr_text == "'Participants'!$A$2:$A$5001"
    assert names["code_relais"].attr_text == "'Lisez-moi'!$B$3"


def test_lists_are_on_the_hidden_sheet_and_every_entry_is_accepted(book) -> None:
    lists = book["Listes"]
    places = [c.value for c in lists["D"][1:]]
    assert len(",".join(places)) > 255  # too long for an inline list: hence the defined name
    assert places == place_choices()
    assert book.defined_names["liste_lieux"].attr_text == f"'Listes'!$D$2:$D${len(places) + 1}"
    resolver = get_resolver()
    for place in places[::25]:
        resolver.resolve(place)  # raises if a dropdown entry would be refused
    assert [canonical_activity_type(t) for t in TYPE_LABELS] == [
        "atelier_creatif", "sortie_culturelle", "plein_air", "sejour", "rencontre", "information", "evenement",
        "autre"]
    assert [canonical_role(r) for r in ROLE_LABELS] == ["parent", "child"]
    assert [canonical_gender(g) for g in GENDER_LABELS] == ["F", "M", "X", "unknown"]


def test_questionnaire_answer_lists_are_read_back_as_codes(book) -> None:
    """Every label of every answer dropdown is accepted by the questionnaire validator as its own code."""
    from relais_analysis.outcomes.instruments import load_instruments
    from relais_analysis.outcomes.validate import _answer_lookup
    from relais_analysis.intake.schema import fold
    from relais_analysis.workbooks.template import questionnaire_layout

    instruments = load_instruments()
    lists = book["Listes"]
    for inst in instruments.values():
        lookup = _answer_lookup(inst)
        for item in inst.items:
            ref = book.defined_names[f"rep_{item.answer_set}"].attr_text.split("!")[1].replace("$", "")
            labels = [c.value for row in lists[ref] for c in row]
            assert [lookup[item.id][fold(label)] for label in labels] == [o.code for o in item.options]
    layout = questionnaire_layout(instruments)
    assert [c[0] for c in layout.columns[4:]] == [i for inst in instruments.values() for i in inst.item_ids]


def test_a_blank_template_reads_back_empty_and_tied_to_its_relay(templates: list[Path]) -> None:
    data = read_workbook(templates[0])
    assert data.relay_cell == "R01" and not data.synthetic
    assert [(s.table, len(s.rows), s.missing) for s in data.sheets] == [
        ("activities", 0, []), ("participants", 0, []), ("attendance", 0, []), ("questionnaires", 0, [])]


def test_registry_as_a_workbook(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Relais"
    ws.append(["Code relais", "Nom", "Organisme", "Commune", "Ouverture"])
    ws.append(["X1", "Relais Familles Mono – Andenne", "Asbl", "Andenne", dt.date(2023, 1, 1)])
    ws.append(["X2", "Relais Familles Mono – Ciney", "Asbl", "Ciney", dt.date(2023, 1, 1)])
    wb.save(tmp_path / "registre.xlsx")
    paths = write_templates(tmp_path / "out", tmp_path / "registre.xlsx")
    assert [p.name for p in paths] == ["X1_Andenne.xlsx", "X2_Ciney.xlsx"]
    assert load_workbook(paths[1])["Lisez-moi"]["B3"].value == "X2"


def test_bad_registry_and_relay_code(tmp_path: Path) -> None:
    with pytest.raises(InputDataError, match="Registre introuvable"):
        write_templates(tmp_path, tmp_path / "absent.xlsx")
    with pytest.raises(ParameterError, match="Code de relais invalide"):
        write_relay_workbook(tmp_path / "x.xlsx", "R 7", "x", places=["Namur"])


def test_cli_modele(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["modele", str(tmp_path / "m"), "--year", "2025"]) == 0
    assert "18 classeur(s)" in capsys.readouterr().out
    assert main(["modele", str(tmp_path / "m"), "--registry", str(tmp_path / "nope")]) == 2
    assert "Registre introuvable" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_libreoffice_opens_every_template(templates: list[Path], libreoffice, tmp_path: Path) -> None:
    """A real spreadsheet application opens each generated workbook and exports its first sheet."""
    csvs = libreoffice(templates, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path)  # 76: UTF-8
    for path, csv in zip(templates, csvs):
        first = pd.read_csv(csv, header=None, dtype=str, keep_default_na=False)
        assert first.iloc[2, :2].tolist() == ["Code du relais", path.name[:3]]
        assert first[0].str.startswith("4. Questionnaire").any()  # every template holds the Questionnaire sheet
    # (that LibreOffice keeps the Questionnaire sheet, its dropdowns and answers is checked by
    # test_assemble.test_workbook_saved_again_by_libreoffice_assembles_to_the_same_numbers)
