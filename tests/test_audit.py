"""``relais audit SITE_DIR``: the attack run on published CSV tables."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from relais_analysis.indicators import reach
from relais_analysis.privacy.audit import audit_folder, read_published_folder
from relais_analysis.cli import main
from relais_analysis.config import PROVINCES
from relais_analysis.errors import InputDataError
from relais_analysis.privacy.linked import protect_publication
from relais_analysis.privacy.masked import SUPPRESSED
from relais_analysis.indicators.scope import for_province
from relais_analysis.indicators.tables import publish_tables, write_tables
from paths import FIXTURES

HOLE = FIXTURES / "audit" / "hole"


def test_planted_holes_found(capsys):
    assert main(["audit", str(HOLE)]) == 1
    out = capsys.readouterr().out
    assert "3 retrouvable(s)" in out
    assert "W/reach_by_province: 3 masquée(s), 1 retrouvable(s)" in out
    assert "('attendances', 'P:20002', 2024, '', '') = [60 ; 60]" in out
    assert "('parents', 'P:90000', 2024, 'gender', 'x') = [1 ; 1]" in out


def test_both_masked_labels_read():
    scopes = read_published_folder(HOLE)[2024]
    assert scopes["W"]["reach_by_province"]["attendances"].iloc[0] is SUPPRESSED  # "n.p."
    assert scopes["P:90000"]["gender"]["x"].iloc[0] is SUPPRESSED  # "<\u00a05"
    assert scopes["P:90000"]["gender"]["share_women"].iloc[0] == "0.8571428571428571"  # digits kept


def test_bounded_cells_not_reported(capsys):
    """People only bound Wallonia: BW's masked parents keep a wide interval."""
    system, result = audit_folder(HOLE)[2024]
    assert result.intervals[("parents", "P:20002", 2024, "", "")] == (10.0, 60.0)
    assert result.intervals[("children", "P:50000", 2024, "", "")] == (12.0, 50.0)


def test_hole_closed_gives_exit_0(tmp_path, capsys):
    site = tmp_path / "site"
    shutil.copytree(HOLE, site)
    shutil.rmtree(site / "provinces")
    table = site / "wallonie" / "tableaux" / "reach_by_province.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("2024,60000,Liège,15,12,15,70,", "2024,60000,Liège,15,12,15,n.p.,"),
                     encoding="utf-8")
    assert main(["audit", str(site)]) == 0
    assert "0 retrouvable(s)" in capsys.readouterr().out


@pytest.mark.parametrize("content", [None, "{not json", '{"year": 2024}'])
def test_unusable_input_exit_2(tmp_path, capsys, content):
    if content is not None:
        (tmp_path / "tables.json").write_text(content, encoding="utf-8")
    assert main(["audit", str(tmp_path)]) == 2
    assert "erreur" in capsys.readouterr().err


def test_not_a_folder_exit_2(tmp_path):
    with pytest.raises(InputDataError):
        read_published_folder(tmp_path / "missing")
    assert main(["audit", str(tmp_path / "missing")]) == 2


def test_per_table_publication_fails_the_audit(tmp_path, capsys, demo_dataset, demo_indicator_tables):
    """The demo tables protected one by one (as before issue 9), written as CSV: the audit finds the holes."""
    dataset = demo_dataset
    for code in [None, "20002", "50000", "90000"]:
        raw = demo_indicator_tables[code]
        if code is not None:
            tables = dict(raw.tables, reach_by_residence=reach.reach_by(for_province(dataset, code), 2024, "residence"))
            raw = replace(raw, tables=tables)
        write_tables(publish_tables(raw), tmp_path / (code or "wallonie"))
    assert main(["audit", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "('parents', 'P:90000', 2024, 'gender', 'x') = [1 ; 1]" in out  # share_women read from the CSV text
    assert "('attendances', 'P:20002', 2024, 'residence', '53053') = [1 ; 1]" in out  # Mons


def test_joint_publication_passes_the_audit(tmp_path, capsys, demo_indicator_tables):
    publication = protect_publication([demo_indicator_tables[c] for c in [None, *PROVINCES]])
    for scope, ts in publication.sets.items():
        write_tables(ts, tmp_path / scope.replace(":", "_"))
    assert main(["audit", str(tmp_path)]) == 0
    manifest = json.loads((tmp_path / "W" / "tables.json").read_text(encoding="utf-8"))
    assert manifest["relay_id"] is None and manifest["province_nis"] is None


@pytest.mark.slow
def test_demo_site_passes_the_audit(demo_site, capsys):
    """``make report``'s site: nothing recoverable, and the methodology page gives the audit's figures."""
    assert main(["audit", str(demo_site.site)]) == 0
    out = capsys.readouterr().out
    assert "0 retrouvable(s) / recoverable, 0 trop étroite(s)" in out
    page = (demo_site.site / "methodologie.html").read_text(encoding="utf-8")
    assert "ajoutées par l'audit" in page and "Intervalle le plus étroit" in page
    assert not list(demo_site.site.rglob("*.pickle"))  # the hand-over files stay internal
    assert list((demo_site.internal / "tableaux_proteges").glob("*.pickle"))
