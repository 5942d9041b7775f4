"""The input contract: the machine-readable descriptor stays in sync with the code."""

from __future__ import annotations

import json

from relais_analysis.intake import schema
from paths import ROOT



def test_datapackage_json_is_in_sync():
    on_disk = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert on_disk == schema.datapackage_descriptor(), "regenerate with `make contract`"


def test_every_table_and_column_is_documented_in_data_readme():
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for table in schema.TABLES.values():
        assert f"`{table.name}`" in readme
        for col in table.columns:
            assert f"`{col.name}`" in readme, f"{table.name}.{col.name} missing from data/README.md"


def test_vocabularies():
    assert schema.canonical_activity_type("Atelier créatif") == "atelier_creatif"
    assert schema.canonical_activity_type("Café-papote") == "rencontre"
    assert schema.canonical_activity_type("Séance d'information") == "information"
    assert schema.canonical_activity_type("yoga") is None
    assert schema.canonical_role("Enfant") == "child" and schema.canonical_role("mère") == "parent"
    assert schema.canonical_gender("femme") == "F" and schema.canonical_gender("?") == "unknown"
    assert len(schema.ACTIVITY_TYPES) == 8


def test_typographic_headers_fold_like_plain_ones():
    from relais_analysis.intake.schema import fold

    assert fold("Date de l’activité") == fold("Date de l'activité") == "date_de_l_activite"
    assert fold("Type d\u2019activit\u00e9") == fold("type d'activite")
    for char in "’‘´`":
        assert fold(f"l{char}activité") == "l_activite"
    assert fold("Séjour\u00a0–\u202fweek\u2009—\u00a0end") == "sejour_week_end"
    assert fold("« rencontre »") == fold('"rencontre"') == "rencontre"


def test_header_suggestions():
    from relais_analysis.intake.schema import suggest

    assert suggest("Date de l’activté", ["date", "date_de_l_activite"]) == ["date_de_l_activite"]
    assert suggest("Remarques", ["date", "type", "commune"]) == []
