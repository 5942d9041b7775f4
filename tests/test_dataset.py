"""The Dataset type (:mod:`relais_analysis.intake.dataset`): typed derived fields instead of a string-keyed cache.

Small fixture: 9 activities, 13 participants, 21 attendance rows (tests/fixtures/small/README.md).
"""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pandas as pd
from paths import SMALL

from relais_analysis.geography.population import BUNDLED_POPULATION
from relais_analysis.indicators import reach
from relais_analysis.intake.dataset import AttendanceIndex, Dataset, Derived
from relais_analysis.intake.ingest import load_dataset


def _check_index(dataset: Dataset) -> None:
    index = dataset.attendance_index
    assert isinstance(index, AttendanceIndex)
    assert len(index) == len(dataset.attendance)
    assert index.activity_rows.dtype == np.int64 and index.participant_rows.dtype == np.int64
    activities = dataset.activities["activity_id"].to_numpy()[index.activity_rows]
    participants = dataset.participants["participant_id"].to_numpy()[index.participant_rows]
    assert list(activities) == list(dataset.attendance["activity_id"])
    assert list(participants) == list(dataset.attendance["participant_id"])


def test_ingest_sets_the_attendance_index(small_dataset):
    assert len(small_dataset.attendance) == 21
    _check_index(small_dataset)
    # A1 is the first activity and P01 the first participant: the first attendance row is (A1, P01).
    assert (small_dataset.attendance_index.activity_rows[0], small_dataset.attendance_index.participant_rows[0]) == (0, 0)


def test_the_index_covers_accepted_rows_only(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    with (folder / "attendance.csv").open("a", encoding="utf-8") as handle:
        handle.write("A99,P01\nA1,P99\nA1,P01\n")  # unknown activity, unknown participant, duplicate
    dataset = load_dataset(folder)
    assert dataset.summary().set_index("table").loc["attendance", ["read", "accepted", "rejected"]].tolist() == [
        24, 21, 3]
    _check_index(dataset)


def test_no_index_without_attendance(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    (folder / "attendance.csv").unlink()
    (folder / "participants.csv").unlink()
    pd.DataFrame({"activity_id": ["A1", "A2"], "n_parents": [3, 2], "n_children": [2, 1]}).to_csv(
        folder / "activity_counts.csv", index=False)
    dataset = load_dataset(folder)
    assert dataset.attendance_index is None
    assert not dataset.has_people
    assert reach.reach_by(dataset, 2024)["attendances"].iloc[0] == 3 + 2 + 2 + 1


def test_derived_fields_are_not_copied_by_replace(small_dataset):
    facts = reach.attendance_facts(small_dataset)
    assert small_dataset.derived.attendance_facts is facts  # memoised: the second call reuses it
    assert reach.attendance_facts(small_dataset) is facts
    copy = dataclasses.replace(small_dataset)
    assert copy.attendance_index is None
    assert isinstance(copy.derived, Derived) and copy.derived.attendance_facts is None
    # Without the index, reach finds the rows itself: the same facts.
    pd.testing.assert_frame_equal(reach.attendance_facts(copy), facts)
    assert copy == small_dataset  # derived fields are not part of the comparison


def test_bundled_population_source(small_dataset):
    assert small_dataset.population is None
    assert small_dataset.population_source is BUNDLED_POPULATION
    assert small_dataset.population_source.bundled
    assert str(small_dataset.population_source) == "Statbel, population au 1er janvier 2020 (data/reference)"
