"""Published tables people open in Excel (issue 12, section 3): ``;``, BOM, French names, a workbook, a contract."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis.cli import main
from relais_analysis.config import PROVINCES
from relais_analysis.indicators import tables
from relais_analysis.privacy.audit import audit_report
from relais_analysis.privacy.linked import protect_publication
from relais_analysis.privacy.publication import read_published_table, write_published_table
from relais_analysis.privacy.published_csv import COLUMNS, file_stem, read_published_text
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed

FORMULAS = ['=HYPERLINK("http://x";"Cliquez")', "+cmd|' /C calc'!A0", "@SUM(1+1)"]
SHARES = {"share_new", "retention_rate", "share", "share_women", "share_covered", "share_within"}


@pytest.fixture(scope="module")
def published(small_dataset):
    return tables.publish_tables(tables.indicator_tables(small_dataset, 2024))


@pytest.fixture(scope="module")
def written(published, tmp_path_factory):
    """The small fixture's tables written in French and in English, with formula-like relay names planted."""
    relays = published.tables["reach_by_relay"].copy()
    relays["relay_name"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(relays))]
    planted = replace(published, tables={**published.tables, "reach_by_relay": relays})
    base = tmp_path_factory.mktemp("published-csv")
    tables.write_tables(planted, base / "fr")
    tables.write_tables(planted, base / "en", lang="en")
    return planted, base


def test_french_files_open_in_french_excel_conventions(written):
    planted, base = written
    raw = (base / "fr" / "parents_par_genre.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads the accents
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "Année;Parents;Femmes;Hommes;X;Genre inconnu;Part de femmes (%)"
    gender = planted.tables["gender"].iloc[0]
    share = f"{gender['share_women'] * 100:.1f}".replace(".", ",")
    assert lines[1].split(";")[-1] == share and "," in share  # a percentage with a decimal comma
    assert "n.p." in lines[1].split(";")  # the one masked label
    assert {p.name for p in (base / "fr").iterdir()} >= {"personnes_touchees_par_relais.csv", "tableaux.xlsx",
                                                          "tables.json"}
    assert not any(re.search(r"[A-Z]|reach", p.stem) for p in (base / "fr").glob("*.csv"))


def test_english_files_use_english_conventions(written):
    _, base = written
    text = (base / "en" / "parents_by_gender.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    header, row = text.decode("utf-8-sig").splitlines()[:2]
    assert header == "Year,Parents,Women,Men,X,Gender unknown,Share of women (%)"
    assert re.fullmatch(r"\d+\.\d", row.split(",")[-1])
    assert (base / "en" / "tables.xlsx").exists()


def test_manifest_names_every_column_in_both_languages(written):
    planted, base = written
    manifest = json.loads((base / "fr" / "tables.json").read_text(encoding="utf-8"))
    entries = {e["table"]: e for e in manifest["tables"]}
    assert set(entries) == set(planted.tables) and manifest["workbook"] == "tableaux.xlsx"
    for name, entry in entries.items():
        assert entry["file"] == f"{file_stem(name)}.csv" and (base / "fr" / entry["file"]).exists()
        assert entry["separator"] == ";" and entry["decimal"] == "," and entry["encoding"] == "utf-8-sig"
        assert entry["title"]["fr"] == tables.table_title(name, "fr") and entry["title"]["en"]
        assert [c["name"] for c in entry["columns"]] == list(planted.tables[name].columns)
        for column in entry["columns"]:
            assert column["name"] in COLUMNS, (name, column["name"])  # every published column is catalogued
            assert column["fr"] and column["en"] and column["type"] in {"integer", "number", "text", "boolean"}
    share = next(c for c in entries["gender"]["columns"] if c["name"] == "share_women")
    assert share == {"name": "share_women", "fr": "Part de femmes (%)", "en": "Share of women (%)", "type": "number",
                     "unit": "%", "scale": "percent", "decimals": 1}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_read_published_table_gives_back_the_protected_table(written, lang):
    planted, base = written
    entries = json.loads((base / lang / "tables.json").read_text(encoding="utf-8"))["tables"]
    for entry in entries:
        read = read_published_table(base / lang / entry["file"])
        original = planted.tables[entry["table"]]
        assert list(read.columns) == list(original.columns), entry["table"]
        for column in original.columns:
            for got, want in zip(read[column].tolist(), original[column].tolist()):
                where = (entry["table"], column, got, want)
                if is_suppressed(want):
                    assert got is SUPPRESSED, where
                elif want is None or (not isinstance(want, str) and pd.isna(want)):
                    assert got is pd.NA or got == "", where
                elif column in SHARES:
                    assert got == pytest.approx(round(want, 3), abs=1e-9), where
                elif isinstance(want, float):
                    assert math.isclose(got, round(want, COLUMNS[column].decimals), abs_tol=1e-9), where
                elif isinstance(want, str):
                    assert got == want or got == "'" + want, where  # formula-like text keeps its apostrophe
                else:
                    assert got == want and type(got) in (int, bool), where


def test_older_comma_files_are_still_read(tmp_path, published):
    """A site written before this format (``,``, machine headers, no ``columns`` in tables.json) still reads."""
    write_published_table(published.tables["gender"], tmp_path / "gender.csv")
    read = read_published_table(tmp_path / "gender.csv")
    assert list(read.columns) == list(published.tables["gender"].columns)
    assert read["parents"].iloc[0] == published.tables["gender"]["parents"].iloc[0]


def test_workbook_has_every_table_on_a_formatted_sheet(written):
    openpyxl = pytest.importorskip("openpyxl")
    planted, base = written
    book = openpyxl.load_workbook(base / "fr" / "tableaux.xlsx")
    titles = [tables.table_title(n) for n in planted.tables]
    assert len(book.sheetnames) == len(planted.tables) == len(set(book.sheetnames))
    assert all(len(n) <= 31 for n in book.sheetnames)
    assert book.sheetnames[2] == "Par relais" and titles[2] == "par relais"
    sheet = book["Parents par genre"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold and sheet["G1"].value == "Part de femmes (%)"
    assert sheet["G2"].number_format == "0.0%" and isinstance(sheet["G2"].value, float)
    assert sheet["B2"].number_format == "#,##0" and isinstance(sheet["B2"].value, int)
    assert "n.p." in [c.value for c in sheet[2]]
    assert any("petits effectifs" in str(c.value) for row in sheet.iter_rows() for c in row)  # the footnote
    assert sheet.column_dimensions["G"].width >= len("Part de femmes (%)")
    relays = book["Par relais"]
    names = [relays.cell(row=r, column=3) for r in range(2, relays.max_row + 1) if relays.cell(row=r, column=3).value]
    assert {c.value for c in names} <= {"'" + f for f in FORMULAS} and all(c.data_type == "s" for c in names)


def test_workbook_bytes_are_reproducible(written, tmp_path):
    planted, base = written
    tables.write_tables(planted, tmp_path)
    assert (tmp_path / "tableaux.xlsx").read_bytes() == (base / "fr" / "tableaux.xlsx").read_bytes()


def _soffice(files: list[Path], fmt: str, out: Path, tmp_path: Path, infilter: str | None = None) -> list[Path]:
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("libreoffice not found in CI: .ci/run installs libreoffice-calc")
        pytest.skip("libreoffice not found: apt-get install libreoffice-calc")
    home = tmp_path / f"home-{fmt.split(':')[0]}"
    home.mkdir()
    args = [binary, f"-env:UserInstallation=file://{home}/profile", "--headless", "--norestore",
            *([f"--infilter={infilter}"] if infilter else []), "--convert-to", fmt, "--outdir", str(out),
            *map(str, files)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, env={**os.environ, "HOME": str(home)})
    produced = [out / (f.stem + "." + fmt.split(":")[0]) for f in files]
    assert result.returncode == 0 and all(p.exists() for p in produced), result.stdout + result.stderr
    return produced


@pytest.mark.libreoffice
def test_libreoffice_opens_the_french_csv_and_the_workbook(written, tmp_path):
    """LibreOffice Calc (Debian's, headless) reads a published CSV as a French-language spreadsheet does
    (``;``, UTF-8, French-Belgian numbers): French columns, numbers as numbers, no formula; and opens the workbook."""
    openpyxl = pytest.importorskip("openpyxl")
    planted, base = written
    csvs = [base / "fr" / "parents_par_genre.csv", base / "fr" / "personnes_touchees_par_relais.csv"]
    # 59: ';'  34: '"'  76: UTF-8  1: from line 1  (no column formats)  2060: French (Belgium)
    gender_x, relays_x = _soffice(csvs, "xlsx", tmp_path / "lo", tmp_path, infilter="CSV:59,34,76,1,,2060")
    sheet = openpyxl.load_workbook(gender_x).active
    header = [c.value for c in sheet[1]]
    assert header == ["Année", "Parents", "Femmes", "Hommes", "X", "Genre inconnu", "Part de femmes (%)"]
    row = [c.value for c in sheet[2]]
    share = round(planted.tables["gender"]["share_women"].iloc[0] * 100, 1)
    assert isinstance(row[1], int) and isinstance(row[6], (int, float)) and "n.p." in row  # "75,0": a number
    assert row[6] == pytest.approx(share)
    relays = openpyxl.load_workbook(relays_x).active
    assert [c.value for c in relays[1]][:3] == ["Année", "Code du relais", "Relais"]
    names = [relays.cell(row=r, column=3) for r in range(2, relays.max_row + 1)]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in names)  # text, never a formula
    book_csv, = _soffice([base / "fr" / "tableaux.xlsx"], "csv:Text - txt - csv (StarCalc):59,34,76",
                         tmp_path / "lo-book", tmp_path)
    first = book_csv.read_text(encoding="utf-8-sig").splitlines()
    assert first[0].startswith("Année;Parents;Enfants;Familles;Participations;Activités")


def test_audit_reads_the_new_files_with_the_same_figures(tmp_path, demo_indicator_tables, capsys):
    """``relais audit`` on the joint publication of the demo data: the figures of the older comma files and of the
    French files are the same (0 recoverable); a cell unmasked by hand in a French file is found."""
    publication = protect_publication([demo_indicator_tables[c] for c in [None, *PROVINCES]])
    for scope, ts in publication.sets.items():
        folder = scope.replace(":", "_")
        tables.write_tables(ts, tmp_path / "new" / folder)
        manifest = []
        for name, frame in ts.tables.items():  # the format before issue 12, as write_tables wrote it
            counts = [c for c in tables.PEOPLE_COUNTS[name][0] if c in frame.columns]
            write_published_table(frame, tmp_path / "old" / folder / f"{name}.csv", threshold=ts.threshold,
                                  count_columns=counts)
            manifest.append({"table": name, "file": f"{name}.csv", "people_count_columns": counts,
                             "suppressed_cells": ts.suppressed_cells.get(name, 0)})
        meta = {"year": ts.year, "province_nis": ts.province_nis, "relay_id": ts.relay_id, "published": True,
                "threshold": ts.threshold, "suppressed_cells": ts.total_suppressed, "tables": manifest}
        (tmp_path / "old" / folder / "tables.json").write_text(json.dumps(meta), encoding="utf-8")
    (old, old_code), (new, new_code) = audit_report(tmp_path / "old"), audit_report(tmp_path / "new")
    assert old_code == new_code == 0
    figures = [line for line in old if "audit :" not in line]
    assert figures == [line for line in new if "audit :" not in line] and "0 retrouvable(s)" in figures[0]
    # plant a hole: in the French file of where each relay's parents live (Wallonia), show one of a row's two masked
    # categories: the other one is then its row total minus the rest
    raw = demo_indicator_tables[None].tables["territory_vs_residence"]
    shown = publication.sets["W"].tables["territory_vs_residence"]
    categories = ["in_own_territory", "in_other_territory", "uncovered", "unknown_residence"]
    row = next(i for i in range(len(shown)) if not is_suppressed(shown["parents"].iloc[i])
               and sum(is_suppressed(shown[c].iloc[i]) for c in categories) == 2)
    column = next(c for c in categories if is_suppressed(shown[c].iloc[row]))
    path = tmp_path / "new" / "W" / f"{file_stem('territory_vs_residence')}.csv"
    text = read_published_text(path)
    header = COLUMNS[column].header("fr")
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    cells = lines[row + 1].split(";")
    position = lines[0].split(";").index(header)
    assert cells[position] == "n.p." and list(text.columns)[position] == column
    cells[position] = str(int(raw[column].iloc[row]))
    lines[row + 1] = ";".join(cells)
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    assert main(["audit", str(tmp_path / "new")]) == 1
    out = capsys.readouterr().out
    assert "W/territory_vs_residence" in out and not re.search(r"^2024 : \d+ valeur\(s\) masquée\(s\) / masked, 0 retr",
                                                           out, re.M)
