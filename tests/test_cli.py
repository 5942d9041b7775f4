"""The ``relais`` command line: counts printed, one-line errors, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

FIXTURES = Path(__file__).parent / "fixtures"


def relais(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "relais_analysis", *args], capture_output=True, text=True)


def test_validate_prints_counts_and_writes_report(tmp_path):
    report = tmp_path / "rejets.csv"
    result = relais("validate", str(FIXTURES / "small"), "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert "participants participants.csv    13        13         0" in result.stdout
    assert "DONNÉES SYNTHÉTIQUES" in result.stdout
    assert pd.read_csv(report).empty


def test_strict_mode_fails_with_one_line_message(tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    for src in (FIXTURES / "small").iterdir():
        (case / src.name).write_bytes(src.read_bytes())
    (case / "activities.csv").write_text(
        (FIXTURES / "small" / "activities.csv").read_text(encoding="utf-8") + "A10,R1,31/02/2024,rencontre,,\n",
        encoding="utf-8",
    )
    lenient = relais("validate", str(case))
    assert lenient.returncode == 0 and "1 ligne(s) rejetée(s)" in lenient.stdout
    strict = relais("validate", str(case), "--strict")
    assert strict.returncode == 2
    assert "Traceback" not in strict.stderr
    assert strict.stderr.splitlines()[0] == (
        "erreur : [activities.csv, ligne/row 11, colonne/column 'date'] "
        "date illisible (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"
    )


def test_personal_data_is_refused_without_traceback(tmp_path):
    (tmp_path / "relays.csv").write_text("relay_id,name,organisation,commune,opened\nR1,X,Y,Liège,2022-01-01\n")
    (tmp_path / "activities.csv").write_text("activity_id,relay_id,date,type\nA1,R1,2024-01-01,rencontre\n")
    (tmp_path / "participants.csv").write_text(
        "participant_id,family_id,role,email\nP1,F1,parent,marie@example.org\n"
    )
    (tmp_path / "attendance.csv").write_text("activity_id,participant_id\nA1,P1\n")
    result = relais("validate", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "pseudonymes" in result.stderr and "pseudonymous codes" in result.stderr


def test_missing_folder():
    result = relais("validate", "/no/such/folder")
    assert result.returncode == 2
    assert "Dossier de données introuvable" in result.stderr and "Traceback" not in result.stderr


def test_map_and_charts_commands(tmp_path):
    carte = tmp_path / "carte.html"
    result = relais("map", "--year", "2024", "--data", str(FIXTURES / "small"), "--out", str(carte), "--indicator",
                    "distance", "--province", "Liège")
    assert result.returncode == 0, result.stderr
    page = carte.read_text(encoding="utf-8")
    assert "Relais Liège" in page and "Distance au relais le plus proche" in page and carte.stat().st_size < 1_000_000
    charts = relais("charts", "--year", "2024", "--data", str(FIXTURES / "small"), "--out", str(tmp_path / "fig"),
                    "--lang", "en", "--formats", "png")
    assert charts.returncode == 0, charts.stderr
    assert sorted(p.name for p in (tmp_path / "fig").glob("*.png")) == [
        "activity_types.png", "new_vs_returning.png", "people_by_province.png", "people_per_year.png",
        "retention_rate.png"]
    bad = relais("map", "--year", "2019", "--data", str(FIXTURES / "small"), "--out", str(carte))
    assert bad.returncode == 2 and "Years available: 2023, 2024, 2025" in bad.stderr
