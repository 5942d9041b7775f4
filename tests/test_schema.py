"""The input contract: the machine-readable descriptor stays in sync with the code."""

from __future__ import annotations

import json
from pathlib import Path

from relais_analysis import schema

ROOT = Path(__file__).resolve().parents[1]


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
