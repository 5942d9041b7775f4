"""Data-quality indicators (:mod:`relais_analysis.indicators.quality`), checked by hand on the small fixture.

The small fixture (tests/fixtures/small, see its README) per relay:

- R1 Liège: activities A1, A2 (2024) and A7 (2023), all attended; people P01 P02 P03 P04 P05 P13, all with a
  residence and a birth year, P02 without a gender (5 of 6 known);
- R2 Namur: A3, A5 and A9 (2024), A9 with nobody recorded; people P06 P07 P08 P09, all complete;
- R3 Huy: A4 (2024); people P09 and P10, P10 without a residence (1 of 2);
- R4 Bastogne: A6 (2024) and A8 (2025); people P11 and P12, all complete.
"""

from __future__ import annotations

import shutil

import pytest
from paths import SMALL

from relais_analysis.indicators.quality import completeness_by_relay, rejections_summary
from relais_analysis.intake.ingest import load_dataset


def test_completeness_by_relay_all_years(small_dataset):
    table = completeness_by_relay(small_dataset).set_index("relay_id")
    assert list(table.index) == ["R1", "R2", "R3", "R4"]
    assert table["name"].tolist() == ["Relais Liège", "Relais Namur", "Relais Huy", "Relais Bastogne"]
    assert table["activities"].tolist() == [3, 3, 1, 2]
    assert table["activities_without_attendance"].tolist() == [0, 1, 0, 0]  # A9
    assert table["participants"].tolist() == [6, 4, 2, 2]
    assert table["share_with_residence"].tolist() == [1.0, 1.0, 0.5, 1.0]  # P10 has no residence
    assert table["share_with_gender"].tolist() == pytest.approx([5 / 6, 1.0, 1.0, 1.0])  # P02's gender is blank
    assert table["share_with_birth_year"].tolist() == [1.0, 1.0, 1.0, 1.0]


def test_completeness_by_relay_one_year(small_dataset):
    table = completeness_by_relay(small_dataset, 2024).set_index("relay_id")
    assert table["activities"].tolist() == [2, 3, 1, 1]  # A7 (2023) and A8 (2025) left out
    # Participants are the people of the relay's activities, whatever the year asked.
    assert table["participants"].tolist() == [6, 4, 2, 2]
    none = completeness_by_relay(small_dataset, 2019).set_index("relay_id")
    assert none["activities"].tolist() == [0, 0, 0, 0]
    assert none["participants"].tolist() == [0, 0, 0, 0]
    assert none["share_with_residence"].isna().all()


def test_rejections_summary_empty_without_rejections(small_dataset):
    summary = rejections_summary(small_dataset)
    assert summary.empty
    assert list(summary.columns) == ["file", "column", "reason_fr", "rows"]


def test_rejections_summary_counts_rows_per_reason(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SMALL, folder)
    with (folder / "activities.csv").open("a", encoding="utf-8") as handle:
        handle.write("A10,R9,2024-03-01,rencontre,62063,Relais inconnu\n")  # unknown relay
        handle.write("A11,R1,31/02/2024,rencontre,62063,Date impossible\n")  # unreadable date
        handle.write("A12,R1,2024-13-01,rencontre,62063,Mois 13\n")  # unreadable date
    dataset = load_dataset(folder)
    assert dataset.summary().set_index("table").loc["activities", "rejected"] == 3
    summary = rejections_summary(dataset)
    assert summary.to_dict("records") == [
        {"file": "activities.csv", "column": "date", "reason_fr": "date illisible", "rows": 2},
        {"file": "activities.csv", "column": "relay_id", "reason_fr": "identifiant inconnu dans la table relays",
         "rows": 1},
    ]
    assert summary["rows"].sum() == dataset.rejections["row"].nunique() == 3
