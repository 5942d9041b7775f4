"""Reference geography: counts, population and codes that must match Statbel to the unit."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from relais_analysis import config
from relais_analysis.geography import reference
from relais_analysis.errors import ParameterError, ReferenceDataError

EXPECTED_PER_PROVINCE = {"Brabant wallon": 27, "Hainaut": 69, "Liège": 84, "Luxembourg": 44, "Namur": 38}


@pytest.mark.parametrize("year", [2019, 2022, 2024])
def test_communes_2019_to_2024(year):
    communes = reference.load_communes(year)
    assert len(communes) == 262
    assert communes["nis"].is_unique
    assert int(communes["population"].sum()) == 3_645_243
    assert communes["province_name"].value_counts().to_dict() == EXPECTED_PER_PROVINCE
    assert communes.crs.to_epsg() == 3812
    assert {"nis", "name_fr", "arrondissement_nis", "province_nis", "province_name", "population", "geometry"} <= set(
        communes.columns
    )
    assert {"82003", "82005"} <= set(communes["nis"]) and "82039" not in set(communes["nis"])


def test_communes_2025_after_bastogne_merger():
    communes = reference.load_communes(2025)
    assert len(communes) == 261
    assert int(communes["population"].sum()) == 3_645_243
    bastogne = communes.set_index("nis").loc["82039"]
    assert bastogne["name_fr"] == "Bastogne"
    assert bastogne["population"] == 16_276 + 3_656
    assert "82003" not in set(communes["nis"]) and "82005" not in set(communes["nis"])
    assert communes["province_name"].value_counts()["Luxembourg"] == 43
    old = reference.load_communes(2024).set_index("nis")
    merged_area = old.loc[["82003", "82005"]].area.sum()
    assert bastogne.geometry.area == pytest.approx(merged_area, rel=1e-6)


def test_messines_is_excluded_with_a_logged_reason():
    assert "33016" not in set(reference.load_communes(2024)["nis"])
    provenance = json.loads((config.reference_dir() / "provenance.json").read_text(encoding="utf-8"))
    excluded = {e["nis"]: e["reason"] for e in provenance["excluded"]}
    assert "33016" in excluded and "REFNIS" in excluded["33016"]


def test_refnis_corrects_stale_arrondissements():
    communes = reference.communes_table(2024).set_index("nis")
    assert communes.loc["58001", "arrondissement_name"] == "La Louvière"  # created in 2019
    assert communes.loc["55086", "arrondissement_nis"] == "55000"  # Manage moved to Soignies
    assert communes.loc["57097", "name_fr"] == "Comines-Warneton"


def test_names_in_three_languages():
    communes = reference.communes_table(2024).set_index("nis")
    assert communes.loc["62063", ["name_fr", "name_nl"]].tolist() == ["Liège", "Luik"]
    assert communes.loc["63067", "name_de"] == "Sankt Vith"
    german = communes[communes["name_de"] != ""].index
    assert len(german) == 9 and set(communes.loc[german, "arrondissement_nis"]) == {"63000"}


def test_provinces():
    provinces = reference.load_provinces(2024).set_index("province_name")
    assert provinces["n_communes"].to_dict() == EXPECTED_PER_PROVINCE
    assert provinces.loc["Brabant wallon"].name == "Brabant wallon"
    assert reference.load_provinces(2024).set_index("province_nis").loc["20002", "population"] == 406_019
    assert int(provinces["population"].sum()) == 3_645_243
    assert provinces.area.sum() / 1e6 == pytest.approx(16_830, rel=0.01)


def test_web_geometry_is_a_gapless_coverage():
    web = reference.load_communes(2024, web=True)
    assert web.crs.to_epsg() == 4326
    assert web.is_valid.all()
    metric = web.to_crs(3812)
    union = metric.union_all()
    # no overlaps: the union's area equals the sum of areas; no gaps: no interior holes inside Wallonia
    assert union.area == pytest.approx(metric.area.sum(), rel=1e-6)
    holes = sum(len(poly.interiors) for poly in getattr(union, "geoms", [union]))
    assert holes == 0
    full = reference.load_communes(2024)
    assert metric.area.sum() == pytest.approx(full.area.sum(), rel=0.01)


def test_merger_crosswalk_both_ways():
    assert reference.base_code("82039") == "82003"
    assert reference.base_code("62063") == "62063"
    assert reference.codes_to_year(["82003", "82005", "62063", None], 2025).tolist() == ["82039", "82039", "62063", pd.NA]
    assert reference.codes_to_year(["82003", "82005"], 2024).tolist() == ["82003", "82005"]
    with pytest.raises(ReferenceDataError):
        reference.base_code("44021")  # Gent


@pytest.mark.parametrize("bad", [2018, "abc", None, 20.5, "20245"])
def test_bad_year(bad):
    with pytest.raises(ParameterError, match="2019"):
        reference.load_communes(bad)


def test_province_parameter():
    assert reference.check_province("Liège") == "60000"
    assert reference.check_province("liege") == "60000"
    assert reference.check_province("Brabant wallon") == "20002"
    assert reference.check_province("50000") == "50000"
    assert reference.check_province(None) is None
    with pytest.raises(ParameterError, match="Hainaut"):
        reference.check_province("Limburg")


def test_localities_reference_is_validated_and_recorded():
    table = reference.localities()
    assert len(table) == 1577 and table["postal_code"].nunique() == 605
    assert set(table["nis"]) == set(reference.communes_table(2024)["nis"])  # every locality in a base commune, all 262 covered
    assert not table.duplicated(["locality_fr", "postal_code"]).any()
    by_name = table.groupby("locality_fr")["nis"].nunique()
    assert int((by_name > 1).sum()) == 15
    assert sorted(table.loc[table["locality_fr"] == "Noville", "nis"]) == ["64025", "82003"]
    # postal code -> commune agrees with Statbel's postal table for every row
    postal = pd.read_csv(config.reference_dir() / "postal_codes.csv", dtype=str)
    pairs = set(zip(postal["postal_code"], postal["nis_2019"]))
    assert all((pc, nis) in pairs for pc, nis in zip(table["postal_code"], table["nis"]))
    names = reference.communes_table(2024).set_index("nis")["name_fr"]
    assert (table["commune_fr"] == table["nis"].map(names)).all()
    provenance = json.loads((config.reference_dir() / "provenance.json").read_text(encoding="utf-8"))
    source = {s["file"]: s for s in provenance["sources"]}["wallonia-localities.csv"]
    assert source["licence"] == "CC BY 4.0" and "GeoNames" in source["source"]
    import hashlib

    digest = hashlib.sha256((config.reference_dir() / "localities.csv").read_bytes()).hexdigest()
    assert {o["file"]: o["sha256"] for o in provenance["outputs"]}["localities.csv"] == digest


def test_reference_build_reproduces_the_committed_files(tmp_path):
    """`make reference` on the raw files gives back data/reference byte for byte (skipped where they are absent)."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    source = root.parent / "shared" / "reference"
    if not (source / "wallonia-localities.csv").exists():
        pytest.skip("raw reference files (../shared/reference) not on this machine")
    out = tmp_path / "reference"
    shutil.copytree(config.reference_dir(), out)
    subprocess.run([sys.executable, str(root / "scripts" / "build_reference.py"), "--source", str(source),
                    "--out", str(out)], check=True, capture_output=True)
    for path in sorted(config.reference_dir().iterdir()):
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
