"""The ``relais`` command line: counts printed, one-line errors, exit codes, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from clirun import real_relais, relais  # relais: in-process; real_relais: a new interpreter
from paths import FIXTURES



def test_the_console_entry_point_returns_the_exit_code(tmp_path):
    """One real process: ``python -m relais_analysis`` exits with what ``main`` returns, errors on two lines."""
    ok = real_relais("validate", str(FIXTURES / "small"), timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert "participants participants.csv    13         13         0" in ok.stdout
    missing = real_relais("validate", str(tmp_path / "absent"), timeout=300)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 2 and "Dossier de données introuvable" in missing.stderr


def test_validate_prints_counts_and_writes_report(tmp_path):
    report = tmp_path / "rejets.csv"
    result = relais("validate", str(FIXTURES / "small"), "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert "table          fichier  lues  acceptées  rejetées  avertissements" in result.stdout  # French headers
    assert "participants participants.csv    13         13         0" in result.stdout
    assert "DONNÉES SYNTHÉTIQUES" in result.stdout
    assert pd.read_csv(report, sep=";", encoding="utf-8-sig").empty


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
    assert lenient.returncode == 1 and "1 ligne(s) rejetée(s)" in lenient.stdout  # rows rejected: exit 1
    strict = relais("validate", str(case), "--strict")
    assert strict.returncode == 2
    assert "Traceback" not in strict.stderr
    assert strict.stderr.splitlines()[0] == (
        "erreur : [activities.csv, ligne/row 11, colonne/column 'date'] "
        "date illisible (attendu JJ/MM/AAAA, AAAA-MM-JJ ou une date Excel)"
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
    wide = ["activity_types.png", "new_vs_returning.png", "people_by_province.png", "people_per_year.png",
            "retention_rate.png"]
    assert sorted(p.name for p in (tmp_path / "fig").glob("*.png")) == sorted(
        [*wide, *(name.replace(".png", ".narrow.png") for name in wide)])  # each chart also drawn for phones
    bad = relais("map", "--year", "2019", "--data", str(FIXTURES / "small"), "--out", str(carte))
    assert bad.returncode == 2 and "Years available: 2023, 2024, 2025" in bad.stderr


def _copy_small(tmp_path: Path, name: str = "case") -> Path:
    case = tmp_path / name
    case.mkdir()
    for src in (FIXTURES / "small").iterdir():
        (case / src.name).write_bytes(src.read_bytes())
    return case


def test_validate_exit_codes(tmp_path):
    case = _copy_small(tmp_path)
    assert relais("validate", str(case)).returncode == 0
    # an unknown optional place is a warning: still 0, and the report lists it with level "avertissement"
    acts = (case / "activities.csv").read_text(encoding="utf-8").replace("A1,R1,2024-02-10,atelier_creatif,62063",
                                                                        "A1,R1,2024-02-10,atelier_creatif,Jambe")
    (case / "activities.csv").write_text(acts, encoding="utf-8")
    report = tmp_path / "rapport.csv"
    warned = relais("validate", str(case), "--report", str(report))
    assert warned.returncode == 0, warned.stdout
    assert "0 rejet(s), 1 avertissement(s)" in warned.stdout
    assert pd.read_csv(report, sep=";", encoding="utf-8-sig")["niveau"].tolist() == ["avertissement"]
    # every activity rejected (unknown relay everywhere): never exit 0
    acts = (FIXTURES / "small" / "activities.csv").read_text(encoding="utf-8")
    lines = acts.splitlines()
    (case / "activities.csv").write_text("\n".join([lines[0]] + [ln.replace(",R", ",X", 1) for ln in lines[1:]]) + "\n",
                                         encoding="utf-8")
    lost = relais("validate", str(case), "--report", str(report))
    assert lost.returncode == 1
    assert "table activities (activities.csv) : aucune ligne acceptée sur 9" in lost.stdout
    # unusable data: exit 2, one line per language, no traceback
    (case / "activities.csv").write_text("activity_id,relay_id\nA1,R1\n", encoding="utf-8")
    broken = relais("validate", str(case))
    assert broken.returncode == 2 and "Traceback" not in broken.stderr and len(broken.stderr.splitlines()) == 2
    # --report pointing at a folder: one line, exit 2
    folder = relais("validate", str(FIXTURES / "small"), "--report", str(tmp_path))
    assert folder.returncode == 2 and "is a folder" in folder.stderr and "Traceback" not in folder.stderr


def test_indicators_refuse_losses_unless_accepted(tmp_path):
    case = _copy_small(tmp_path)
    # R3 (Huy) has a single activity, A4: an unreadable date loses R3's only activity and its 2 attendance rows
    acts = (case / "activities.csv").read_text(encoding="utf-8").replace("A4,R3,2024-04-12", "A4,R3,2024-04-31")
    (case / "activities.csv").write_text(acts, encoding="utf-8")
    out = tmp_path / "tables"
    refused = relais("indicators", "--year", "2024", "--data", str(case), "--out", str(out))
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.splitlines()) == 2
    first = refused.stderr.splitlines()[0]
    assert "relais R3, table activities : 1 ligne(s) rejetée(s) sur 1 (100\u00a0%)" in first
    assert "--accept-losses" in first
    assert not out.exists() or not any(out.iterdir())  # nothing written
    accepted = relais("indicators", "--year", "2024", "--data", str(case), "--out", str(out), "--accept-losses")
    assert accepted.returncode == 0, accepted.stderr
    assert "pertes acceptées" in accepted.stdout and "relais R3" in accepted.stdout
    assert any(out.glob("*.csv"))


def test_indicators_never_write_header_only_tables(tmp_path):
    case = _copy_small(tmp_path)
    out = tmp_path / "tables"
    result = relais("indicators", "--year", "2022", "--data", str(case), "--out", str(out))  # no activity in 2022
    assert result.returncode == 2 and "Years available" in result.stderr
    assert not out.exists() or not any(out.iterdir())
    acts = (FIXTURES / "small" / "activities.csv").read_text(encoding="utf-8").splitlines()
    (case / "activities.csv").write_text("\n".join([acts[0]] + [ln.replace(",R", ",X", 1) for ln in acts[1:]]) + "\n",
                                         encoding="utf-8")
    result = relais("indicators", "--year", "2024", "--data", str(case), "--out", str(out), "--accept-losses")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.glob("*.csv"))


def test_accepted_losses_are_shown_on_the_report_first_page(tmp_path):
    from relais_analysis.report.content import AnnualReport, validate_parameters
    from relais_analysis.intake.ingest import load_dataset
    from relais_analysis.report.build import write_methodology

    case = _copy_small(tmp_path)
    acts = (case / "activities.csv").read_text(encoding="utf-8").replace("A4,R3,2024-04-12", "A4,R3,2024-04-31")
    (case / "activities.csv").write_text(acts, encoding="utf-8")
    def first_page(data: Path) -> str:  # the banner of the report's first page, without computing its tables
        report = AnnualReport.__new__(AnnualReport)
        report.dataset = load_dataset(data)
        report.params = validate_parameters(year=2024, data_dir=str(data), output_dir=str(tmp_path / "out"))
        return report.banner_html()

    banner = first_page(case)
    assert "DONNÉES INCOMPLÈTES" in banner and "relais R3, table activities" in banner and "10\u00a0%" in banner
    clean = first_page(FIXTURES / "small")
    assert "DONNÉES INCOMPLÈTES" not in clean and "SYNTHÉTIQUES" in clean
    (tmp_path / "site").mkdir()
    page = write_methodology(tmp_path / "site", load_dataset(case), [], year=2024, lang="fr", threshold=5)
    assert "Pertes acceptées" in page.read_text(encoding="utf-8")


def test_output_paths_that_are_not_folders(tmp_path):
    blocker = tmp_path / "un_fichier"
    blocker.write_text("x", encoding="utf-8")
    ind = relais("indicators", "--year", "2024", "--data", str(FIXTURES / "small"), "--out", str(blocker))
    assert ind.returncode == 2 and "Traceback" not in ind.stderr and len(ind.stderr.splitlines()) == 2
    val = relais("validate", str(FIXTURES / "small"), "--report", str(blocker / "rejets.csv"))
    assert val.returncode == 2 and "parent folders is a file" in val.stderr and "Traceback" not in val.stderr
