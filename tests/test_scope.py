"""Restricting a dataset to a province or a relay (:mod:`relais_analysis.indicators.scope`), on the small fixture.

Relays of the small fixture (tests/fixtures/README and tests/fixtures/small/README.md): R1 Liège and R3 Huy in the
province of Liège (60000), R2 Namur in Namur (90000), R4 Bastogne in Luxembourg (80000). Liège's relays held A1, A2,
A7 (R1) and A4 (R3): 5 + 3 + 2 + 2 = 12 attendance rows by P01 P02 P03 P04 P05 P09 P10 P13.
"""

from __future__ import annotations

import pandas as pd
import pytest

from relais_analysis.errors import ParameterError
from relais_analysis.indicators import reach
from relais_analysis.indicators.scope import for_province, for_relay, relay_province


def test_relay_province_from_the_relay_commune(small_dataset):
    assert relay_province(small_dataset).to_dict() == {"R1": "60000", "R2": "90000", "R3": "60000", "R4": "80000"}


def test_for_province_keeps_the_province_relays_and_what_hangs_on_them(small_dataset):
    liege = for_province(small_dataset, "Liège")
    assert sorted(liege.relays["relay_id"]) == ["R1", "R3"]
    assert sorted(zip(liege.territories["relay_id"], liege.territories["commune"])) == [
        ("R1", "62063"), ("R1", "62096"), ("R3", "61031"), ("R3", "62096")]
    assert sorted(liege.activities["activity_id"]) == ["A1", "A2", "A4", "A7"]
    assert len(liege.attendance) == 12
    assert sorted(liege.participants["participant_id"]) == ["P01", "P02", "P03", "P04", "P05", "P09", "P10", "P13"]
    assert liege.metadata["province_nis"] == "60000"
    assert liege.metadata["title"] == small_dataset.metadata["title"]  # the rest of the metadata is kept
    # Same province by code; the original dataset is left whole.
    assert sorted(for_province(small_dataset, "60000").activities["activity_id"]) == ["A1", "A2", "A4", "A7"]
    assert len(small_dataset.relays) == 4 and len(small_dataset.attendance) == 21


def test_for_province_counts_match_the_fixture_readme(small_dataset):
    # "parents by province: Liège 5, Namur 3, Luxembourg 1 (sum 9 > 8: P09 counts in two provinces)"
    counts = {name: int(reach.reach_by(for_province(small_dataset, name), 2024)["parents"].iloc[0])
              for name in ("Liège", "Namur", "Luxembourg")}
    assert counts == {"Liège": 5, "Namur": 3, "Luxembourg": 1}
    assert sum(counts.values()) == int(reach.reach_by(small_dataset, 2024)["parents"].iloc[0]) + 1


def test_for_province_none_is_the_whole_dataset(small_dataset):
    assert for_province(small_dataset, None) is small_dataset


def test_for_province_without_relays_is_empty(small_dataset):
    hainaut = for_province(small_dataset, "Hainaut")
    assert hainaut.relays.empty and hainaut.activities.empty and hainaut.attendance.empty
    assert hainaut.participants.empty


def test_for_province_refuses_an_unknown_province(small_dataset):
    with pytest.raises(ParameterError, match="Bruxelles"):
        for_province(small_dataset, "Bruxelles")


def test_for_relay(small_dataset):
    r4 = for_relay(small_dataset, "R4")
    assert list(r4.relays["relay_id"]) == ["R4"]
    assert sorted(r4.territories["commune"]) == ["82003", "82005"]
    assert sorted(r4.activities["activity_id"]) == ["A6", "A8"]
    assert sorted(zip(r4.attendance["activity_id"], r4.attendance["participant_id"])) == [
        ("A6", "P11"), ("A6", "P12"), ("A8", "P11")]
    assert sorted(r4.participants["participant_id"]) == ["P11", "P12"]
    assert r4.metadata["relay_id"] == "R4"


def test_for_relay_lists_the_relays_when_unknown(small_dataset):
    with pytest.raises(ParameterError, match="R1, R2, R3, R4"):
        for_relay(small_dataset, "R9")


def test_a_restricted_dataset_does_not_reuse_the_whole_dataset_index():
    """The attendance index and facts point at rows of the whole tables: a restricted copy must not keep them.
    (A dataset of its own: the shared one keeps the parts other tests cut out of it, with their own facts.)"""
    from paths import SMALL

    from relais_analysis.intake.ingest import load_dataset

    whole = load_dataset(SMALL)
    reach.attendance_facts(whole)  # fills the memo of the whole dataset
    assert whole.attendance_index is not None
    r4 = for_relay(whole, "R4")
    assert r4.attendance_index is None and r4.derived.attendance_facts is None
    facts = reach.attendance_facts(r4)
    # Rows of r4's own tables: A6 is activity row 0 or 1 of r4.activities, never row 5 of the whole table.
    assert set(facts["activity_id"]) <= set(range(len(r4.activities)))
    assert sorted(r4.participants["participant_id"].to_numpy()[facts["participant_id"]]) == ["P11", "P11", "P12"]


def test_parts_and_what_derives_from_them_are_computed_once_and_handed_out_as_copies(small_dataset):
    """The canonical protection of a year and of each past year scope the same dataset: each part is made once
    and keeps its year-independent tables (``dataset.derived``); a caller changing what it got changes nothing."""
    from paths import SMALL

    from relais_analysis.intake.ingest import load_dataset

    r1 = for_relay(small_dataset, "R1")
    assert r1 is for_relay(small_dataset, "R1") and for_province(small_dataset, "Liège") is for_province(
        small_dataset, "60000")
    fresh = for_relay(load_dataset(SMALL), "R1")  # another load of the same files: nothing kept yet
    for compute in (reach.reach_per_year, reach.new_and_returning_parents, relay_province):
        got = compute(r1)
        if isinstance(got, pd.DataFrame):
            got.iloc[:, 1] = -1  # a caller's change
        else:
            got.iloc[:] = "00000"
        again, expected = compute(r1), compute(fresh)
        assert again.equals(expected), compute.__name__
        assert not again.equals(got), compute.__name__
