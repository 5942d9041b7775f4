"""Published tables: every count of people protected, nothing else masked, CSV as funders get it."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from clirun import relais

from relais_analysis.privacy.checks import check_publishable
from relais_analysis.privacy.masked import is_suppressed
from relais_analysis.indicators import tables
from relais_analysis.errors import ParameterError
from relais_analysis.privacy.published_csv import file_stem, read_published_text
from paths import SMALL



@pytest.fixture(scope="module")
def small(small_dataset):
    return small_dataset


@pytest.fixture(scope="module")
def demo(demo_dataset):
    return demo_dataset


def _small_counts(frame: pd.DataFrame, columns: list[str], threshold: int = 5) -> list:
    values = [v for c in columns for v in frame[c].tolist()]
    return [v for v in values if not is_suppressed(v) and not pd.isna(v) and 0 < v < threshold]


def test_small_fixture_province_table_is_masked_as_by_hand(small):
    pub = tables.publish_tables(tables.indicator_tables(small, 2024))
    prov = pub.tables["reach_by_province"].set_index("province_name")
    # parents: Liège 5 stays, Luxembourg 1 and Namur 3 are masked, zeros stay zero
    assert prov.loc["Liège", "parents"] == 5
    assert is_suppressed(prov.loc["Luxembourg", "parents"]) and is_suppressed(prov.loc["Namur", "parents"])
    assert prov.loc["Hainaut", "parents"] == 0 and prov.loc["Brabant wallon", "parents"] == 0
    # the region row (8 parents, 5 children) is published in reach_per_year
    region = pub.tables["reach_per_year"].set_index("year").loc[2024]
    assert (region["parents"], region["children"]) == (8, 5)


@pytest.mark.parametrize("province", [None, "Liège", "Namur", "Luxembourg"])
def test_no_small_count_survives(small, demo, province):
    for ds in (small, demo):
        pub = tables.publish_tables(tables.indicator_tables(ds, 2024, province=province))
        for name, frame in pub.tables.items():
            counts = [c for c in tables.PEOPLE_COUNTS[name][0] if c in frame.columns]
            assert _small_counts(frame, counts) == [], name
            check_publishable(frame, count_columns=counts)


def test_threshold_is_configurable(demo):
    raw = tables.indicator_tables(demo, 2024)
    pub3 = tables.publish_tables(raw, threshold=3)
    pub10 = tables.publish_tables(raw, threshold=10)
    assert pub3.total_suppressed < pub10.total_suppressed
    with pytest.raises(ParameterError):
        tables.publish_tables(raw, threshold=2)


def test_rates_masked_with_their_counts(demo):
    pub = tables.publish_tables(tables.indicator_tables(demo, 2024))
    rates = pub.tables["reach_rates"]
    masked = rates["parents"].map(is_suppressed)
    assert masked.any()
    assert rates.loc[masked, "rate_per_10000"].map(is_suppressed).all()


def test_demo_headline_figures(demo):
    raw = tables.indicator_tables(demo, 2024)
    year = raw.tables["reach_per_year"].set_index("year").loc[2024]
    assert (year["parents"], year["children"]) == (1500, 1264)
    assert raw.tables["population_coverage"].iloc[-1]["population"] == 3_645_243


def test_write_tables_and_manifest(small, tmp_path):
    pub = tables.publish_tables(tables.indicator_tables(small, 2024))
    files = tables.write_tables(pub, tmp_path)
    manifest = json.loads((tmp_path / "tables.json").read_text())
    assert manifest["suppressed_cells"] == pub.total_suppressed > 0
    csv = read_published_text(tmp_path / f"{file_stem('reach_by_province')}.csv")
    assert csv.set_index("province_name").loc["Luxembourg", "parents"] == "n.p."
    assert len(files) == len(pub.tables) + 2  # the CSV files, tableaux.xlsx and tables.json
    raw = tables.indicator_tables(small, 2024)
    with pytest.raises(ParameterError):
        tables.write_tables(raw, tmp_path / "x")


def test_cli_indicators(tmp_path):
    out = tmp_path / "out"
    result = relais("indicators", "--year", "2024", "--data", str(SMALL), "--out", str(out), "--unsafe-internal")
    assert result.returncode == 0, result.stderr
    assert "2024 : 8 parents, 5 enfants" in result.stdout
    assert "communes couvertes / covered: 7 / 262" in result.stdout
    internal = tmp_path / "out-INTERNE_NE_PAS_PUBLIER"  # beside --out, never inside what gets published
    assert (internal / "INTERNE_NE_PAS_PUBLIER_reach_by_province.csv").exists()
    assert not any("INTERNE" in p.name for p in out.rglob("*"))
    published = read_published_text(out / f"{file_stem('reach_by_province')}.csv")
    assert "n.p." in set(published["parents"])
    bad = relais("indicators", "--year", "2024", "--data", str(SMALL), "--out", str(out), "--threshold", "2")
    assert bad.returncode == 2 and "at least 3" in bad.stderr and "Traceback" not in bad.stderr


def test_every_table_has_a_french_and_english_title():
    assert set(tables.TABLE_TITLES) == set(tables.PEOPLE_COUNTS)
    assert all(set(t) == {"fr", "en"} for t in tables.TABLE_TITLES.values())
