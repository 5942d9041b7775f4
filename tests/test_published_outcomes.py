"""Outcome tables and figures' data published like every other table (issue 12, section 3).

French file names (``evolution_*.csv``, ``figures/donnees_*.csv``), ``;`` and BOM, numbers
per column kind, an entry in ``tables.json`` with headers in both languages, a sheet in
``tableaux.xlsx``; read back by :func:`read_published_table` and by the audit, which still
finds a hole planted in an outcome table on disk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis.cli import main
from relais_analysis.indicators import tables
from relais_analysis.outcomes.chapter import OutcomeChapter
from relais_analysis.outcomes.tables import write_outcome_tables
from relais_analysis.outputs.charts.annual import figures_from_tables
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed
from relais_analysis.privacy.published_columns import COLUMNS, file_stem
from relais_analysis.privacy.published_csv import read_published_table
from test_published_csv import _soffice

CHANGE = "evolution_entree_suivi.csv"
PER_YEAR = "donnees_personnes_par_annee.csv"


@pytest.fixture(scope="module")
def site(demo_dataset, demo_indicator_tables, tmp_path_factory):
    """The demo's Wallonia tables, outcome chapter and figures written as a report writes them."""
    published = tables.publish_tables(demo_indicator_tables[None])
    base = tmp_path_factory.mktemp("published-outcomes") / "wallonie"
    tables.write_tables(published, base / "tableaux")
    chapter = OutcomeChapter(demo_dataset, 2024)
    chapter.write(base)
    figures_from_tables(published, base / "figures", formats=("png",))
    return published, chapter.results.tables, base


def test_outcome_tables_have_french_names_conventions_and_manifest_entries(site):
    _, outcomes, base = site
    folder = base / "tableaux"
    assert not list(folder.glob("outcomes_*.csv"))
    raw = (folder / CHANGE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, *rows = raw.decode("utf-8-sig").splitlines()
    assert header.startswith("Instrument;Score;Mesure;Vague de départ;Vague d'arrivée;Sens favorable;"
                             "Parents (entrée et suivi);")
    column = header.split(";").index(COLUMNS["hl_estimate"].header("fr"))
    estimates = [r.split(";")[column] for r in rows if r.split(";")[column]]
    assert estimates and all(re.fullmatch(r"-?\d+,\d\d", e) for e in estimates)  # two decimals, decimal comma
    manifest = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
    entries = {e["table"]: e for e in manifest["tables"]}
    assert set(outcomes) <= set(entries) and set(published_names := {"reach_by_relay", "gender"}) <= set(entries)
    for name in outcomes:
        entry = entries[name]
        assert entry["file"] == f"{file_stem(name)}.csv" and (folder / entry["file"]).exists()
        assert entry["separator"] == ";" and entry["encoding"] == "utf-8-sig"
        assert entry["title"]["fr"] != name and entry["title"]["en"]
        assert all(c["fr"] and c["en"] for c in entry["columns"])
    wilcoxon = next(c for c in entries["outcomes_change"]["columns"] if c["name"] == "wilcoxon_p")
    assert wilcoxon == {"name": "wilcoxon_p", "fr": "Valeur p (Wilcoxon)", "en": "p-value (Wilcoxon)",
                        "type": "number", "unit": "", "decimals": 3}
    assert published_names


def test_outcome_tables_read_back_as_written(site):
    _, outcomes, base = site
    change = outcomes["outcomes_change"]
    read = read_published_table(base / "tableaux" / CHANGE)
    assert list(read.columns) == list(change.columns)
    for got, want in zip(read["n_pairs"], change["n_pairs"]):
        assert got is SUPPRESSED if is_suppressed(want) else (got == want and isinstance(got, int))
    for got, want in zip(read["hl_estimate"], change["hl_estimate"]):
        assert got is pd.NA if pd.isna(want) else got == pytest.approx(round(want, 2), abs=1e-9)
    bands = next(n for n in outcomes if n.startswith("outcomes_bands_"))
    read = read_published_table(base / "tableaux" / f"{file_stem(bands)}.csv")
    assert read.iloc[:, 0].tolist() == outcomes[bands].index.tolist()  # the band labels, first column


def test_workbook_gets_one_formatted_sheet_per_outcome_table(site):
    openpyxl = pytest.importorskip("openpyxl")
    published, outcomes, base = site
    book = openpyxl.load_workbook(base / "tableaux" / "tableaux.xlsx")
    figures = list((base / "figures").glob("donnees_*.csv"))
    assert len(book.sheetnames) == len(published.tables) + len(outcomes) + len(figures) == len(set(book.sheetnames))
    sheet = book[tables.table_title("outcomes_change").capitalize()[:31].strip()]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold and header[2] == "Mesure"
    j = header.index(COLUMNS["hl_estimate"].header("fr")) + 1
    estimates = [sheet.cell(row=r, column=j) for r in range(2, sheet.max_row + 1)
                 if isinstance(sheet.cell(row=r, column=j).value, float)]
    assert estimates and all(c.number_format == "0.00" for c in estimates)
    per_year = book["Figure – personnes par année"]  # the figures' data too, after the tables
    assert book.sheetnames.index("Figure – personnes par année") >= len(published.tables) + len(outcomes)
    assert [c.value for c in per_year[1]] == ["Année", "Parents", "Enfants", "Personnes dénombrables"]
    assert [per_year.cell(row=r, column=2).value for r in range(2, per_year.max_row + 1)] == \
        published.tables["reach_per_year"]["parents"].tolist()


def test_figure_data_is_published_with_a_manifest(site):
    published, _, base = site
    folder = base / "figures"
    assert not (folder / "people_per_year.csv").exists() and (folder / "people_per_year.png").exists()
    raw = (folder / PER_YEAR).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == "Année;Parents;Enfants;Personnes dénombrables"
    entries = {e["figure"]: e for e in json.loads((folder / "tables.json").read_text(encoding="utf-8"))["tables"]}
    assert entries["people_per_year"]["table"] == "reach_per_year" and entries["people_per_year"]["file"] == PER_YEAR
    read = read_published_table(folder / PER_YEAR)
    assert read["parents"].tolist() == published.tables["reach_per_year"]["parents"].tolist()


@pytest.mark.libreoffice
def test_libreoffice_opens_an_outcome_table_and_a_figures_data(site, tmp_path):
    """LibreOffice Calc (headless, French-Belgian CSV import) splits both files into the expected French columns."""
    openpyxl = pytest.importorskip("openpyxl")
    published, outcomes, base = site
    change_x, per_year_x = _soffice([base / "tableaux" / CHANGE, base / "figures" / PER_YEAR], "xlsx",
                                    tmp_path / "lo", tmp_path, infilter="CSV:59,34,76,1,,2060")
    sheet = openpyxl.load_workbook(change_x).active
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["Instrument", "Score", "Mesure", "Vague de départ", "Vague d'arrivée", "Sens favorable",
                          "Parents (entrée et suivi)"]
    pairs = [sheet.cell(row=r, column=7).value for r in range(2, sheet.max_row + 1)]
    assert pairs == [v if not is_suppressed(v) else "n.p." for v in outcomes["outcomes_change"]["n_pairs"]]
    j = header.index(COLUMNS["hl_estimate"].header("fr")) + 1
    assert any(isinstance(sheet.cell(row=r, column=j).value, float) for r in range(2, sheet.max_row + 1))
    sheet = openpyxl.load_workbook(per_year_x).active
    assert [c.value for c in sheet[1]] == ["Année", "Parents", "Enfants", "Personnes dénombrables"]
    assert [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)] == \
        published.tables["reach_per_year"]["parents"].tolist()


RELAYS = ("year,relay_id,relay_name,province_nis,parents,children,families,attendances,activities\n"
          "2024,R01,Wavre,20002,90,83,89,382,56\n2024,R02,Nivelles,20002,67,61,67,315,46\n"
          "2024,R09,Liège,60000,206,169,202,946,76\n2024,R10,Seraing,60000,37,23,37,76,15\n"
          "2024,R13,Waremme,60000,38,24,35,139,24\n")


def _by(by: str, rows: list[tuple[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame({"by": by, "instrument": "djg6", "group": [g for g, _ in rows],
                          "n_pairs": pd.Series([n for _, n in rows], dtype=object),
                          "hl_estimate": pd.NA, "hl_ci_low": pd.NA, "hl_ci_high": pd.NA, "note": ""})
    frame.attrs["threshold"] = 5
    return frame


def test_audit_finds_a_hole_planted_in_an_outcome_table_on_disk(tmp_path, capsys):
    """Liège's relays R10 and R13 masked together are safe; R13 shown by hand in the French file gives R10 away."""
    folder = tmp_path / "wallonie" / "tableaux"
    folder.mkdir(parents=True)
    (folder / "reach_by_relay.csv").write_text(RELAYS, encoding="utf-8")
    manifest = {"year": 2024, "province_nis": None, "relay_id": None, "published": True, "threshold": 5,
                "tables": [{"table": "reach_by_relay", "file": "reach_by_relay.csv",
                            "people_count_columns": ["parents", "children", "families", "attendances",
                                                     "activities"]}]}
    (folder / "tables.json").write_text(json.dumps(manifest), encoding="utf-8")
    written = write_outcome_tables({
        "outcomes_by_province": _by("province", [("20002", 51), ("60000", 117)]),
        "outcomes_by_relay": _by("relay", [("R01", 30), ("R02", 21), ("R09", 55), ("R10", SUPPRESSED),
                                           ("R13", SUPPRESSED)]),
    }, folder)
    assert [p.name for p in written] == ["evolution_par_province.csv", "evolution_par_relais.csv"]
    assert main(["audit", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "W/outcomes_by_relay: 2 masquée(s), 0 retrouvable(s)" in out
    path = folder / "evolution_par_relais.csv"
    text = path.read_text(encoding="utf-8-sig")
    line = next(row for row in text.splitlines() if row.startswith("relay;djg6;R13;"))
    assert line.startswith("relay;djg6;R13;n.p.;")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(line, line.replace(";n.p.;", ";36;", 1)).encode("utf-8"))
    assert main(["audit", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "('outcome:djg6:score', 'R:R10', 2024, '', '') = [26 ; 26]" in out
    assert "W/outcomes_by_relay: 1 masquée(s), 1 retrouvable(s)" in out


def _recoverable(lines: list[str]) -> int:
    return int(re.search(r"(\d+) retrouvable\(s\) / recoverable", lines[0]).group(1))


def test_audit_links_figure_data_to_its_report_tables(site, tmp_path):
    """A figure's data is attacked with its report's tables, cell for cell: planted by hand, a count masked in
    the figure's data file but shown in the table it comes from is found (pinned to the table's value)."""
    import shutil

    from relais_analysis.privacy.audit import audit_report

    published, _, base = site
    shutil.copytree(base, tmp_path / "wallonie")
    before, _ = audit_report(tmp_path)
    assert _recoverable(before) == 0 and not any("W (figures)/" in line for line in before)
    path = tmp_path / "wallonie" / "figures" / "donnees_personnes_par_province.csv"
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    cells = lines[1].split(";")
    assert cells[3] == str(published.tables["reach_by_province"]["parents"].iloc[0])
    cells[3] = "n.p."
    lines[1] = ";".join(cells)
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))
    after, code = audit_report(tmp_path)
    assert code == 1 and _recoverable(after) == 1
    assert any(line.startswith("  W (figures)/reach_by_province: 1 masquée(s), 1 retrouvable(s)") for line in after)
