"""Pseudonymisation: stable keyed codes, no name left, key never in the output."""

from __future__ import annotations


import pandas as pd
import pytest
from clirun import relais

from relais_analysis.errors import ParameterError
from relais_analysis.intake.pseudonymise import load_or_create_key, pseudonymise_file


def _write(path, text, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_same_person_same_code_across_files_and_spellings(tmp_path):
    key = tmp_path / "secret" / "relais.key"
    a = _write(tmp_path / "2024.csv", "Nom;Prénom;Date de naissance;rôle;commune\nDupont;Marie;03/07/1985;parent;Liège\n"
               "Dupont;Léa;12/01/2015;enfant;Liège\nMartin;Jean;1980-02-01;parent;Namur\n")
    b = _write(tmp_path / "2025.csv", "nom,prenom,date_naissance,role\nDUPONT ,marie,1985-07-03,parent\n"
               "Durand,Marie,03/07/1985,parent\n", encoding="cp1252")
    ra = pseudonymise_file(a, tmp_path / "out" / "2024.csv", key)
    rb = pseudonymise_file(b, tmp_path / "out" / "2025.csv", key)
    assert ra.key_created and not rb.key_created
    out_a = pd.read_csv(tmp_path / "out" / "2024.csv")
    out_b = pd.read_csv(tmp_path / "out" / "2025.csv")
    assert out_a.loc[0, "participant_id"] == out_b.loc[0, "participant_id"]  # Marie Dupont, both years
    assert out_b.loc[1, "participant_id"] != out_b.loc[0, "participant_id"]  # another Marie
    assert out_a["participant_id"].str.fullmatch(r"P[0-9a-f]{12}").all()
    assert list(out_a.columns) == ["participant_id", "rôle", "commune"]
    text = (tmp_path / "out" / "2024.csv").read_text() + (tmp_path / "out" / "2025.csv").read_text()
    for name in ("Dupont", "DUPONT", "Marie", "Martin", "1985"):
        assert name not in text
    assert key.read_text().strip() not in text
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_another_key_gives_other_codes(tmp_path):
    src = _write(tmp_path / "in.csv", "nom,prenom\nDupont,Marie\n")
    pseudonymise_file(src, tmp_path / "a.csv", tmp_path / "k1")
    pseudonymise_file(src, tmp_path / "b.csv", tmp_path / "k2")
    assert pd.read_csv(tmp_path / "a.csv").iloc[0, 0] != pd.read_csv(tmp_path / "b.csv").iloc[0, 0]


def test_family_codes_and_personal_columns_dropped(tmp_path):
    src = _write(tmp_path / "in.csv", "nom,prenom,nom_parent,email,role\nDupont,Marie,Dupont Marie,m@x.be,parent\n"
                 "Dupont,Léa,Dupont Marie,,enfant\n")
    result = pseudonymise_file(src, tmp_path / "participants.csv", tmp_path / "k",
                               family_columns=["nom_parent"])
    out = pd.read_csv(tmp_path / "participants.csv")
    assert out["family_id"].nunique() == 1 and out["participant_id"].nunique() == 2
    assert "email" in result.dropped_columns and "email" not in out.columns


def test_errors(tmp_path):
    src = _write(tmp_path / "in.csv", "code,role\nA,parent\n")
    with pytest.raises(ParameterError, match="--columns"):
        pseudonymise_file(src, tmp_path / "o.csv", tmp_path / "k")
    with pytest.raises(ParameterError, match="key"):
        pseudonymise_file(src, tmp_path / "o.csv", tmp_path / "o.csv", columns=["code"])
    (tmp_path / "badkey").write_text("not a key")
    with pytest.raises(ParameterError, match="Invalid key file"):
        load_or_create_key(tmp_path / "badkey")


def test_cli(tmp_path):
    src = _write(tmp_path / "in.csv", "nom,prenom\nDupont,Marie\n")
    result = relais("pseudonymise", str(src), str(tmp_path / "o.csv"), "--key-file", str(tmp_path / "k"))
    assert result.returncode == 0, result.stderr
    assert "NOUVELLE CLÉ" in result.stdout and "1 ligne(s)" in result.stdout


def test_names_fold_case_accents_hyphens_apostrophes_and_spaces(tmp_path):
    src = _write(tmp_path / "in.csv", "nom;prénom;date de naissance\nDupont;Marie-Claire;03/07/1985\n"
                 "DUPONT;marie claire;1985-07-03\nDupont;Marie  Claire;03.07.1985\nD’Hondt;Léa;01/02/1990\n"
                 "d'hondt;LEA;01/02/1990\nD-Hondt;Lea;1990-02-01\nDupont;Marie;03/07/1985\n")
    result = pseudonymise_file(src, tmp_path / "out.csv", tmp_path / "k")
    codes = pd.read_csv(tmp_path / "out.csv")["participant_id"].tolist()
    assert codes[0] == codes[1] == codes[2]  # Marie-Claire = marie claire = Marie  Claire
    assert codes[3] == codes[4] == codes[5]  # D’Hondt = d'hondt = D-Hondt
    assert codes[6] != codes[0]  # Marie is not Marie-Claire
    assert result.probable_duplicates == []


def test_probable_duplicates_inside_one_list_are_reported(tmp_path, capsys):
    src = _write(tmp_path / "in.csv", "nom,prénom,date de naissance\nDupont,Marie-Claire,03/07/1985\n"
                 "Martin,Jean,01/02/1980\nDUPONT,marie claire,07/03/1985\nDupont,Marie-Claire,03/07/1986\n"
                 "Martin,Jean,01/02/1980\n")
    result = pseudonymise_file(src, tmp_path / "out.csv", tmp_path / "k")
    # rows 2 and 4: same name, same year 1985, day and month swapped -> two codes; rows 3 and 6 share one code
    assert result.probable_duplicates == [[2, 4]]
    from relais_analysis.cli import main

    assert main(["pseudonymise", str(src), str(tmp_path / "out2.csv"), "--key-file", str(tmp_path / "k")]) == 0
    assert "doublon probable, lignes 2, 4" in capsys.readouterr().out


def test_output_csv_neutralises_formulas(tmp_path):
    src = _write(tmp_path / "in.csv", "nom,prénom,remarque\nDupont,Marie,=HYPERLINK(\"x\")\n")
    pseudonymise_file(src, tmp_path / "out.csv", tmp_path / "k")
    assert "'=HYPERLINK" in (tmp_path / "out.csv").read_text(encoding="utf-8")
