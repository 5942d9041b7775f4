"""Reading raw files: sheets found by name, notes for what is not read, input guards (issue 8 §3, issue 9 §3)."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from relais_analysis import errors
from relais_analysis.intake.ingest import load_dataset
from relais_analysis.intake.readers import MAX_ROWS, discover_tables, read_table_file
from paths import SMALL

SHEETS = {"Relais": "relays", "Territoires": "territories", "Activités": "activities",
          "Participants": "participants", "Présences": "attendance"}


def _workbook(path: Path, sheets: dict[str, str], *, extra: bool = True) -> Path:
    """The small fixture as one workbook with French sheet names, instructions, a hidden list and a stray sheet."""
    book = openpyxl.Workbook()
    book.active.title = "Lisez-moi"
    book.active.append(["Remplissez les feuilles Activités, Participants et Présences."])
    for sheet, table in sheets.items():
        frame = pd.read_csv(SMALL / f"{table}.csv", dtype=str, keep_default_na=False)
        ws = book.create_sheet(sheet)
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([v if v != "" else None for v in row])
    listes = book.create_sheet("Listes")
    listes.append(["atelier créatif", "rencontre"])
    listes.sheet_state = "hidden"
    hidden = book.create_sheet("zz_codes")
    hidden.append(["R1", "R2"])
    hidden.sheet_state = "hidden"
    if extra:
        stray = book.create_sheet("Feuil3")
        stray.append(["Remarques"])
        stray.append(["à rappeler"])
    book.save(path)
    return path


def test_sheets_are_found_by_name_whatever_the_file_name(tmp_path):
    folder = tmp_path / "relais"
    folder.mkdir()
    _workbook(folder / "R07 Namur 2024 (copie).xlsx", SHEETS)
    (folder / "notes de réunion.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    ds = load_dataset(folder, as_of="2025-10-31")
    summary = ds.summary().set_index("table")
    assert summary["accepted"].to_dict() == {
        "relays": 4, "territories": 9, "activities": 9, "participants": 13, "attendance": 21,
    }
    assert (summary["rejected"] == 0).all()
    assert summary.loc["attendance", "file"] == "R07 Namur 2024 (copie).xlsx[Présences]"
    # the stray sheet and the unknown CSV are reported; Lisez-moi and hidden sheets are not
    ignored = [n for n in ds.notes if "ignoré" in n]
    assert len(ignored) == 2, ds.notes
    assert any("[Feuil3]" in n for n in ignored) and any("notes de réunion.csv" in n for n in ignored)
    assert not any("Lisez-moi" in n or "Listes" in n or "zz_codes" in n for n in ds.notes)


def test_rejections_name_the_sheet(tmp_path):
    folder = tmp_path / "relais"
    folder.mkdir()
    path = _workbook(folder / "export.xlsx", SHEETS, extra=False)
    book = openpyxl.load_workbook(path)
    book["Activités"]["D4"] = "piscine"  # row 4 = A3: unknown type
    book["Activités"]["E2"] = "Jambe"  # row 2 = A1: unknown optional place
    book.save(path)
    ds = load_dataset(folder, as_of="2025-10-31")
    rej = ds.rejections[ds.rejections["table"] == "activities"]
    assert rej[["file", "sheet", "row", "column"]].values.tolist() == [["export.xlsx", "Activités", 4, "type"]]
    warn = ds.warnings
    assert warn[["file", "sheet", "row", "column", "value"]].values.tolist() == [
        ["export.xlsx", "Activités", 2, "commune", "Jambe"]
    ]
    assert ds.reports["activities"].accepted == 8
    # A3's four attendance rows go with it, and are counted under relay R2
    losses = ds.losses().set_index(["relay_id", "table"])
    assert tuple(losses.loc[("R2", "attendance"), ["read", "accepted", "rejected"]]) == (6, 2, 4)


def test_workbook_named_after_a_table_reads_its_first_visible_sheet(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    (folder / "activities.csv").unlink()
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "cache"
    hidden.sheet_state = "hidden"
    ws = book.create_sheet("Feuil1")
    frame = pd.read_csv(SMALL / "activities.csv", dtype=str)
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    ws["C2"] = 45356  # Excel serial number in a date cell formatted as a number: 2024-03-05
    ws["C3"].value = pd.Timestamp("2024-05-15").to_pydatetime()  # a real date cell
    book.save(folder / "activités.xlsx")
    ds = load_dataset(folder)
    dates = ds.activities.set_index("activity_id")["date"]
    assert dates["A1"] == pd.Timestamp("2024-03-05") and dates["A2"] == pd.Timestamp("2024-05-15")
    assert ds.reports["activities"].accepted == 9


def test_several_relay_workbooks_point_to_assemble(tmp_path):
    folder = tmp_path / "recus"
    folder.mkdir()
    sheets = {"Activités": "activities", "Participants": "participants", "Présences": "attendance"}
    for name in ("R01.xlsx", "R02.xlsx", "R03.xlsx"):
        _workbook(folder / name, sheets, extra=False)
    with pytest.raises(errors.InputDataError) as info:
        discover_tables(folder)
    message = str(info.value)
    assert "relais assemble" in message and "R01.xlsx, R02.xlsx, R03.xlsx" in message
    assert "deux fois" not in message


def test_same_table_twice_in_csv_keeps_the_old_message(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    shutil.copy(SMALL / "activities.csv", folder / "activites.csv")
    with pytest.raises(errors.InputDataError, match="given twice"):
        discover_tables(folder)


def test_utf16_tab_separated_text_is_read(tmp_path):
    """Excel's "Texte Unicode (*.txt)": UTF-16 LE with a BOM, tab-separated."""
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    frame = pd.read_csv(SMALL / "participants.csv", dtype=str, keep_default_na=False)
    (folder / "participants.csv").unlink()
    text = frame.to_csv(sep="\t", index=False, lineterminator="\r\n")
    (folder / "participants.txt").write_bytes(text.encode("utf-16"))
    assert (folder / "participants.txt").read_bytes()[:2] == b"\xff\xfe"
    raw = read_table_file(folder / "participants.txt", "participants")
    assert (raw.encoding, raw.separator) == ("utf-16", "\t")
    ds = load_dataset(folder)
    assert ds.reports["participants"].accepted == 13 and ds.reports["attendance"].accepted == 21
    # without a BOM too (UTF-16 LE guessed from the NUL bytes)
    (folder / "participants.txt").write_bytes(text.encode("utf-16-le"))
    assert read_table_file(folder / "participants.txt", "participants").frame.shape == (13, 6)


def test_duplicate_column_names_refused_in_xlsx_as_in_csv(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    (folder / "activities.csv").unlink()
    book = openpyxl.Workbook()
    book.active.append(["activity_id", "relay_id", "date", "type", "commune", "commune"])
    book.active.append(["A1", "R1", "2024-02-10", "rencontre", "62063", "Liège"])
    book.save(folder / "activities.xlsx")
    with pytest.raises(errors.InputDataError, match="Duplicated column names: \\['commune'\\]"):
        load_dataset(folder)
    (folder / "activities.xlsx").unlink()
    (folder / "activities.csv").write_text("activity_id,relay_id,date,type,commune,commune\n", encoding="utf-8")
    with pytest.raises(errors.InputDataError, match="Duplicated column names: \\['commune'\\]"):
        load_dataset(folder)


def test_zip_bomb_is_refused_before_opening(tmp_path):
    path = tmp_path / "activities.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(201):
                member.write(chunk)
    assert path.stat().st_size < 1_000_000  # 201 MB of zeros squeezed into a few hundred kB
    start = time.perf_counter()
    with pytest.raises(errors.InputDataError) as info:
        read_table_file(path, "activities")
    assert time.perf_counter() - start < 5  # refused from the zip directory, never expanded
    assert "zip bomb" in str(info.value) and "201" in str(info.value)


def test_sheet_declaring_absurd_row_count_is_refused(tmp_path):
    path = tmp_path / "activities.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["activity_id", "relay_id"])
    book.active.append(["A1", "R1"])
    book.save(path)
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B2" />' in data
                data = data.replace(b'<dimension ref="A1:B2" />', f'<dimension ref="A1:B{MAX_ROWS + 5}" />'.encode())
            dst.writestr(info, data)
    with pytest.raises(errors.InputDataError, match="Too many rows"):
        read_table_file(patched, "activities")


def test_not_a_workbook_is_a_clear_error(tmp_path):
    path = tmp_path / "activities.xlsx"
    path.write_text("activity_id,relay_id\n", encoding="utf-8")  # a CSV renamed .xlsx
    with pytest.raises(errors.InputDataError, match="not a valid .xlsx file"):
        read_table_file(path, "activities")


def test_old_formats_are_reported_not_ignored(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(SMALL, folder)
    (folder / "presences 2023.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    notes: list[str] = []
    discover_tables(folder, notes)
    assert any("presences 2023.xls" in n and ".xlsx" in n for n in notes)
