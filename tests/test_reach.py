"""Reach indicators on the hand-made fixture (see tests/fixtures/small/README.md)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from relais_analysis.indicators import reach
from relais_analysis.errors import ParameterError
from relais_analysis.intake.ingest import load_dataset
from paths import SMALL



@pytest.fixture(scope="module")
def ds(small_dataset):
    return small_dataset


def test_region_2024(ds):
    row = reach.reach_by(ds, 2024).iloc[0]
    assert (row.parents, row.children, row.families, row.attendances, row.activities) == (8, 5, 7, 18, 7)
    assert row.people_countable == "yes"


def test_parent_in_two_provinces_counts_in_each(ds):
    prov = reach.reach_by(ds, 2024, "province").set_index("province_name")
    assert prov["parents"].to_dict() == {"Brabant wallon": 0, "Hainaut": 0, "Liège": 5, "Luxembourg": 1, "Namur": 3}
    assert prov["parents"].sum() == 9 > reach.reach_by(ds, 2024).iloc[0].parents
    assert prov.loc["Namur", "children"] == 1 and prov.loc["Liège", "children"] == 3


def test_by_relay_includes_closed_relay(ds):
    relay = reach.reach_by(ds, 2024, "relay").set_index("relay_id")
    assert relay["parents"].to_dict() == {"R1": 3, "R2": 3, "R3": 2, "R4": 1}
    assert relay.loc["R2", "activities"] == 3  # A3, A5, A9 (nobody recorded at A9)
    assert relay.loc["R3", "relay_name"] == "Relais Huy"


def test_by_activity_type(ds):
    types = reach.reach_by(ds, 2024, "activity_type").set_index("type")
    assert types.loc["atelier_creatif", "attendances"] == 5
    assert types.loc["evenement", "attendances"] == 0
    assert types["activities"].sum() == 7


def test_by_residence_uses_year_vintage(ds):
    res24 = reach.reach_by(ds, 2024, "residence")
    assert res24.set_index("residence").loc["82005", "parents"] == 1
    assert res24["residence"].isna().sum() == 1  # P10, unknown residence
    assert reach.parents_by_residence(ds, 2025).to_dict() == {"82039": 1}
    by_res = reach.parents_by_residence(ds, 2024)
    assert by_res.sum() == 7 and by_res["62096"] == 1 and by_res["92094"] == 2


def test_per_year(ds):
    years = reach.reach_per_year(ds).set_index("year")
    assert years["parents"].to_dict() == {2023: 1, 2024: 8, 2025: 1}
    assert years["children"].to_dict() == {2023: 1, 2024: 5, 2025: 0}


def test_new_returning_and_retention(ds):
    new = reach.new_and_returning_parents(ds).set_index("year")
    assert new.loc[2024, ["parents", "new_parents", "returning_parents"]].tolist() == [8, 7, 1]
    ret = reach.retention(ds).set_index("year")
    assert ret.loc[2023, "retention_rate"] == 1.0
    assert ret.loc[2024, "seen_next_year"] == 1 and ret.loc[2024, "retention_rate"] == pytest.approx(1 / 8)
    assert bool(ret.loc[2024, "next_year_partial"]) is True
    assert 2025 not in ret.index


def test_distributions(ds):
    table, mean = reach.activities_per_parent(ds, 2024)
    assert table.set_index("activities")["parents"].to_dict() == {"1": 4, "2": 4, "3": 0, "4-5": 0, "6-10": 0, "11+": 0}
    assert mean == 1.5
    women = reach.women_share(ds, 2024).iloc[0]
    assert (women.parents, women.women, women.men, women.x, women.share_women) == (8, 6, 1, 1, 0.75)
    kids, mean_kids = reach.children_per_family(ds, 2024)
    assert kids.set_index("children_reached")["families"].to_dict() == {"0": 3, "1": 3, "2": 1, "3": 0, "4+": 0}
    assert mean_kids == pytest.approx(5 / 7)


def test_aggregate_only_reports_attendances_never_people(tmp_path):
    folder = tmp_path / "agg"
    folder.mkdir()
    for name in ("relays", "territories", "activities", "dataset"):
        for path in SMALL.glob(f"{name}.*"):
            shutil.copy(path, folder)
    (folder / "activity_counts.csv").write_text("activity_id,n_parents,n_children\nA1,4,2\nA3,3,1\nA7,2,2\n")
    agg = load_dataset(folder)
    region = reach.reach_by(agg, 2024).iloc[0]
    assert region.attendances == 10 and region.activities == 7
    assert pd.isna(region.parents) and pd.isna(region.children) and pd.isna(region.families)
    assert region.people_countable == "no"
    relay = reach.reach_by(agg, 2024, "relay").set_index("relay_id")
    assert (relay["people_countable"] == "no").all() and relay["parents"].isna().all()
    assert relay.loc["R1", "attendances"] == 6


def test_mixed_dataset_keeps_unique_counts_for_person_level_activities(tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(SMALL, folder)
    (folder / "activity_counts.csv").write_text("activity_id,n_parents,n_children\nA9,6,4\n")
    mixed = load_dataset(folder)
    region = reach.reach_by(mixed, 2024).iloc[0]
    assert region.parents == 8 and region.attendances == 28 and region.people_countable == "partial"


def test_bad_grouping(ds):
    with pytest.raises(ParameterError, match="province"):
        reach.reach_by(ds, 2024, "commune")
