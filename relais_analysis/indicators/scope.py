"""Restrict a dataset to what one province's report is about.

A provincial report counts the people who attended activities organised by relays
of that province (the same person may appear in two provincial reports: see
:mod:`relais_analysis.indicators.reach`). The restricted dataset keeps the province's relays,
their territories and activities, the attendance at those activities and the
participants concerned, so every reach function works on it unchanged.
"""

from __future__ import annotations

import dataclasses

from relais_analysis.geography import reference
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.intake.dataset import Dataset

__all__ = ["for_province", "for_relay", "relay_province"]


def relay_province(dataset: Dataset):
    """Province code (REFNIS) of each relay, from the commune of its address (computed once per dataset)."""
    known = dataset.derived.relay_province
    if known is None:
        communes = reference.communes_table(2024).set_index("nis")
        known = dataset.derived.relay_province = dataset.relays.set_index("relay_id")["commune"].map(
            communes["province_nis"])
    return known.copy()


def for_province(dataset: Dataset, province: object) -> Dataset:
    """The part of ``dataset`` organised by relays of one province.

    Parameters
    ----------
    dataset : Dataset
    province : str or None
        Province code or name (see :func:`relais_analysis.geography.reference.check_province`);
        None returns ``dataset`` itself (Wallonia).

    Raises
    ------
    ParameterError
        If the province is not one of the five Walloon provinces.
    """
    code = reference.check_province(province)
    if code is None:
        return dataset
    if f"P:{code}" not in dataset.derived.scopes:
        provinces = relay_province(dataset)
        dataset.derived.scopes[f"P:{code}"] = _restrict(dataset, set(provinces[provinces == code].index),
                                                         {"province_nis": code})
    return dataset.derived.scopes[f"P:{code}"]


def for_relay(dataset: Dataset, relay_id: str) -> Dataset:
    """The part of ``dataset`` organised by one relay (for its one-page sheet).

    Raises
    ------
    ParameterError
        If the relay is not in the dataset; the message lists the relays.
    """
    known = list(dataset.relays["relay_id"])
    if relay_id not in known:
        raise ParameterError(*text_pair("indicator_error.unknown_relay", relay=relay_id, known=", ".join(known)))
    if f"R:{relay_id}" not in dataset.derived.scopes:
        dataset.derived.scopes[f"R:{relay_id}"] = _restrict(dataset, {relay_id}, {"relay_id": relay_id})
    return dataset.derived.scopes[f"R:{relay_id}"]


def _restrict(dataset: Dataset, relay_ids: set, meta: dict) -> Dataset:
    relays = dataset.relays[dataset.relays["relay_id"].isin(relay_ids)].reset_index(drop=True)
    territories = dataset.territories[dataset.territories["relay_id"].isin(relay_ids)].reset_index(drop=True)
    activities = dataset.activities[dataset.activities["relay_id"].isin(relay_ids)].reset_index(drop=True)
    activity_ids = set(activities["activity_id"])
    attendance = dataset.attendance[dataset.attendance["activity_id"].isin(activity_ids)].reset_index(drop=True)
    people = set(attendance["participant_id"])
    participants = dataset.participants[dataset.participants["participant_id"].isin(people)].reset_index(drop=True)
    counts = dataset.activity_counts[dataset.activity_counts["activity_id"].isin(activity_ids)].reset_index(drop=True)
    return dataclasses.replace(
        dataset,
        relays=relays,
        territories=territories,
        activities=activities,
        attendance=attendance,
        participants=participants,
        activity_counts=counts,
        metadata={**dataset.metadata, **meta},
    )
