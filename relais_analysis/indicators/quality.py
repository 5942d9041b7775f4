"""Data-quality indicators for the support centre (internal: never published as is).

Completeness per relay: how many of its participants have a commune of residence,
a gender and a birth year; how many of its activities have no attendance recorded
(either nobody came, or the list was not sent); and the rejection report summarised
per file and reason.
"""

from __future__ import annotations

import pandas as pd

from relais_analysis.intake.dataset import Dataset

__all__ = ["completeness_by_relay", "rejections_summary"]


def completeness_by_relay(dataset: Dataset, year: int | None = None) -> pd.DataFrame:
    """Share of participants with residence, gender and birth year; activities without attendance.

    Parameters
    ----------
    dataset : Dataset
    year : int, optional
        Restrict to activities of one year.

    Returns
    -------
    pandas.DataFrame
        ``relay_id``, ``name``, ``activities``, ``activities_without_attendance``,
        ``participants`` (distinct people at its activities), ``share_with_residence``,
        ``share_with_gender``, ``share_with_birth_year`` (0-1, NaN without participants).
    """
    acts = dataset.activities if year is None else dataset.activities[dataset.activities["year"] == year]
    attended = set(dataset.attendance["activity_id"]) | set(dataset.activity_counts["activity_id"])
    acts = acts.assign(without=~acts["activity_id"].isin(attended))
    per_relay = acts.groupby("relay_id").agg(activities=("activity_id", "size"),
                                             activities_without_attendance=("without", "sum"))
    people = dataset.attendance.merge(acts[["activity_id", "relay_id"]], on="activity_id")
    people = people.drop_duplicates(["relay_id", "participant_id"]).merge(dataset.participants, on="participant_id")
    people = people.assign(
        has_residence=people["residence"].notna(),
        has_gender=people["gender"] != "unknown",
        has_birth_year=people["birth_year"].notna(),
    )
    shares = people.groupby("relay_id").agg(
        participants=("participant_id", "size"),
        share_with_residence=("has_residence", "mean"),
        share_with_gender=("has_gender", "mean"),
        share_with_birth_year=("has_birth_year", "mean"),
    )
    relays = dataset.relays.set_index("relay_id")[["name"]]
    table = relays.join(per_relay, how="left").join(shares, how="left")
    for col in ("activities", "activities_without_attendance", "participants"):
        table[col] = table[col].fillna(0).astype("int64")
    return table.reset_index()


def rejections_summary(dataset: Dataset) -> pd.DataFrame:
    """Rejected rows per file and reason: ``file``, ``column``, ``reason_fr``, ``rows``."""
    rej = dataset.rejections
    if rej.empty:
        return pd.DataFrame(columns=["file", "column", "reason_fr", "rows"])
    reason = rej["reason_fr"].str.replace(r"\s*\(.*\)$", "", regex=True)
    grouped = rej.assign(reason_fr=reason).groupby(["file", "column", "reason_fr"])["row"].nunique()
    return grouped.rename("rows").reset_index().sort_values("rows", ascending=False, kind="stable").reset_index(drop=True)
