"""Synthetic questionnaires for the demo data (``data/demo/questionnaires.csv``).

About 60 % of the parents who came in 2024 answer at entry (their first 2024
activity), about half of them again at follow-up (about six months later). Answers
come from a latent isolation level: lonelier parents are less supported, have a
lower wellbeing, know fewer rights and peers, and are more likely not to answer the
follow-up. Between entry and follow-up the latent level improves modestly on
average, with wide individual variation (some parents get worse). About 2 % of
items are left blank. A separate random generator (seeded from the demo seed) is
used, so the other demo files do not change.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.outcomes.instruments import Instrument, load_instruments
from relais_analysis.privacy.safe_csv import write_csv

__all__ = ["QUESTIONNAIRE_YEAR", "demo_questionnaires", "write_demo_questionnaires"]

QUESTIONNAIRE_YEAR = 2024
_SHARE_ENTRY = 0.60
_SHARE_BLANK = 0.02
_SEED_OFFSET = 11  # questionnaires use their own stream: other demo files stay byte-identical
_IMPROVEMENT = 0.30  # mean drop of the latent isolation between entry and follow-up (in SD)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _ordinal(latent: np.ndarray, cuts: list[float]) -> np.ndarray:
    """1 + number of cut points below each latent value (codes 1..len(cuts)+1)."""
    return 1 + (latent[:, None] > np.asarray(cuts)[None, :]).sum(axis=1)


def _answers(rng: np.random.Generator, iso: np.ndarray, inst: Instrument) -> dict[str, np.ndarray]:
    n = len(iso)
    out: dict[str, np.ndarray] = {}
    if inst.id == "djg6":
        for item in inst.items:
            t = iso + rng.normal(0, 1.0, n) + 0.2
            lonely = _ordinal(t, [-0.1, 0.9])  # 1 not, 2 more or less, 3 lonely
            # emotional items: lonely = yes (1); social items: lonely = no (3)
            out[item.id] = (4 - lonely) if item.subscale == "emotional" else lonely
    elif inst.id == "osss3":
        support = -0.8 * iso
        out["osss_1"] = _ordinal(support + rng.normal(0, 1, n), [-1.6, -0.2, 1.0])
        out["osss_2"] = _ordinal(support + rng.normal(0, 1, n), [-1.9, -0.9, 0.0, 1.2])
        out["osss_3"] = _ordinal(support + rng.normal(0, 1, n), [-1.2, -0.3, 0.6, 1.6])
    elif inst.id == "swemwbs":
        wellbeing = -0.7 * iso
        for item in inst.items:
            out[item.id] = _ordinal(wellbeing + rng.normal(0, 0.9, n), [-1.7, -0.6, 0.5, 1.6])
    elif inst.id == "programme":
        for item, base in zip(inst.items, (0.2, -0.8, -0.3, -0.6)):
            yes = rng.random(n) < _sigmoid(base - 0.8 * iso)
            code = np.where(yes, 1, 2)
            code[rng.random(n) < 0.03] = 9  # "je ne sais pas"
            out[item.id] = code
    return out


def demo_questionnaires(participants: pd.DataFrame, attendance: pd.DataFrame, activities: pd.DataFrame, *,
                        seed: int, as_of: str = "2025-10-31") -> pd.DataFrame:
    """The questionnaires table for a demo dataset (frames as written to CSV, text or typed).

    Returns
    -------
    DataFrame
        ``participant_id``, ``wave``, ``date``, ``instrument`` and one column per item of
        the bundled instruments (empty for items of other instruments or left blank),
        sorted by date, participant and instrument.
    """
    rng = np.random.default_rng(seed + _SEED_OFFSET)
    instruments = load_instruments()
    acts = activities[["activity_id", "date"]].astype({"date": "string"})
    visits = attendance.merge(acts, on="activity_id").merge(
        participants[["participant_id", "role"]], on="participant_id")
    visits = visits[(visits["role"] == "parent") & visits["date"].str.startswith(str(QUESTIONNAIRE_YEAR))]
    first = visits.groupby("participant_id")["date"].min().sort_index()
    ids = first.index.to_numpy()
    answer_entry = rng.random(len(ids)) < _SHARE_ENTRY
    ids, entry_dates = ids[answer_entry], pd.to_datetime(first.to_numpy()[answer_entry])
    iso_entry = rng.normal(0, 1, len(ids))
    # lonelier parents answer the follow-up less often (about half overall)
    follows = rng.random(len(ids)) < _sigmoid(0.0 - 0.7 * iso_entry)
    follow_dates = entry_dates + pd.to_timedelta(rng.integers(160, 220, len(ids)), unit="D")
    follows &= follow_dates <= pd.Timestamp(as_of)
    iso_follow = iso_entry - _IMPROVEMENT + rng.normal(0, 0.55, len(ids))

    frames = []
    for wave, mask, dates, iso in (("entree", np.ones(len(ids), bool), entry_dates, iso_entry),
                                   ("suivi", follows, follow_dates, iso_follow)):
        for inst in instruments.values():
            answers = _answers(rng, iso[mask], inst)
            frame = pd.DataFrame({"participant_id": ids[mask], "wave": wave,
                                  "date": pd.DatetimeIndex(dates[mask]).strftime("%Y-%m-%d"),
                                  "instrument": inst.id})
            for item_id, codes in answers.items():
                col = pd.array(codes, dtype="Int64")
                col[rng.random(len(col)) < _SHARE_BLANK] = pd.NA
                frame[item_id] = col
            frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    items = [i for inst in instruments.values() for i in inst.item_ids]
    table = table[["participant_id", "wave", "date", "instrument"] + items]
    return table.sort_values(["date", "participant_id", "instrument"], kind="stable").reset_index(drop=True)


def write_demo_questionnaires(out_dir: str | Path, tables: dict[str, pd.DataFrame], *, seed: int) -> Path:
    """Write ``questionnaires.csv`` next to the other demo tables.

    Parameters
    ----------
    out_dir : str or Path
    tables : dict
        The demo frames just written (``participants``, ``attendance``, ``activities``).
    seed : int
        The demo seed (questionnaires use their own stream derived from it).

    Returns
    -------
    Path
    """
    table = demo_questionnaires(tables["participants"], tables["attendance"], tables["activities"], seed=seed)
    return write_csv(table, Path(out_dir) / "questionnaires.csv")
