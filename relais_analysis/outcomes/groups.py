"""Change by relay, province, entry year and dose, where the numbers allow it.

Each parent who answered at entry is attached to:

- ``relay``: the relay of most of the activities they attended in their entry year
  (ties: the first in code order);
- ``province``: the province of that relay;
- ``year``: the year of the entry questionnaire;
- ``dose``: the number of activities attended from entry to follow-up (description
  only: parents who come more often differ in many ways, the dose does not show
  that more activities cause more change).

The published table per grouping keeps only what the honesty rules allow: the number
of pairs (masked below the threshold, with secondary masking because groups add up to
the total, and relays within each province because they add up to the province's count) and, for groups of at least 10 pairs whose count is published, the median
change with its confidence interval. Counts of improved/worse parents are not broken
down by group (they would multiply the cells a reader could subtract).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.i18n import text
from relais_analysis.intake.dataset import Dataset
from relais_analysis.privacy.masked import is_suppressed
from relais_analysis.privacy.suppress import suppress_small_counts
from relais_analysis.indicators.scope import relay_province
from relais_analysis.outcomes.instruments import Instrument
from relais_analysis.outcomes.statistics import MIN_PAIRS, paired_change

__all__ = ["DOSE_BANDS", "NOT_PUBLISHED", "change_by_group", "participant_groups"]

#: Note of a group whose number of pairs is masked (small, or masked to protect another group).
NOT_PUBLISHED = text("outcome_group.not_published", "fr")
#: Note of a group with too few pairs for an estimate.
_INSUFFICIENT = text("outcome.chart.insufficient", "fr")

#: Dose bands: label -> (min, max) activities attended between entry and follow-up.
DOSE_BANDS = {"0": (0, 0), "1-2": (1, 2), "3-5": (3, 5), "6-9": (6, 9), "10+": (10, 10**9)}


def participant_groups(dataset: Dataset, wave_from: str = "entree", wave_to: str = "suivi") -> pd.DataFrame:
    """One row per participant with an entry questionnaire: ``participant_id``, ``relay``, ``province``,
    ``year`` and ``dose`` (label of :data:`DOSE_BANDS`, None without a follow-up)."""
    q = dataset.questionnaires
    entry = q[q["wave"] == wave_from].groupby("participant_id")["date"].min()
    follow = q[q["wave"] == wave_to].groupby("participant_id")["date"].min()
    out = pd.DataFrame({"participant_id": entry.index.astype("string"), "entry": entry.to_numpy()})
    out["follow"] = out["participant_id"].map(follow)
    out["year"] = out["entry"].dt.year.astype("Int64")
    visits = dataset.attendance.merge(dataset.activities[["activity_id", "relay_id", "date"]], on="activity_id")
    visits = visits.merge(out[["participant_id", "entry", "follow"]], on="participant_id")
    same_year = visits[visits["date"].dt.year == visits["entry"].dt.year]
    counts = same_year.groupby(["participant_id", "relay_id"]).size().reset_index(name="n")
    counts = counts.sort_values(["participant_id", "n", "relay_id"], ascending=[True, False, True], kind="stable")
    main_relay = counts.drop_duplicates("participant_id").set_index("participant_id")["relay_id"]
    out["relay"] = out["participant_id"].map(main_relay)
    out["province"] = out["relay"].map(relay_province(dataset))
    between = visits[(visits["date"] >= visits["entry"]) & (visits["date"] <= visits["follow"])]
    n = between.groupby("participant_id").size()
    dose = out["participant_id"].map(n).fillna(0).astype(int)
    labels = np.full(len(out), None, dtype=object)
    for label, (low, high) in DOSE_BANDS.items():
        labels[(dose >= low).to_numpy() & (dose <= high).to_numpy()] = label
    labels[out["follow"].isna().to_numpy()] = None
    out["dose"] = labels
    return out[["participant_id", "relay", "province", "year", "dose"]]


def change_by_group(scored: pd.DataFrame, instrument: Instrument, groups: pd.DataFrame, by: str, *,
                    wave_from: str = "entree", wave_to: str = "suivi",
                    threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Protected table of the change of ``instrument``'s score per group.

    Parameters
    ----------
    scored : DataFrame
        Scored questionnaires of one instrument.
    groups : DataFrame
        Output of :func:`participant_groups`.
    by : {"relay", "province", "year", "dose"}

    Returns
    -------
    DataFrame
        ``group``, ``n_pairs`` (protected), ``hl_estimate``, ``hl_ci_low``, ``hl_ci_high``
        (empty below 10 pairs or when ``n_pairs`` is masked), ``note``.

    Raises
    ------
    KeyError
        If ``by`` is not a column of ``groups``.
    """
    mapping = groups.set_index("participant_id")[by]
    keyed = scored.assign(_group=scored["participant_id"].map(mapping))
    rows = []
    for group, part in keyed.dropna(subset=["_group"]).groupby("_group", sort=True):
        res = paired_change(part.drop(columns=["_pid"], errors="ignore"), instrument, wave_from=wave_from,
                            wave_to=wave_to)
        rows.append({"group": str(group), "n_pairs": res.n_pairs, "hl_estimate": res.hl_estimate,
                     "hl_ci_low": res.hl_ci_low, "hl_ci_high": res.hl_ci_high})
    table = pd.DataFrame(rows, columns=["group", "n_pairs", "hl_estimate", "hl_ci_low", "hl_ci_high"])
    table = table[table["n_pairs"] > 0].reset_index(drop=True)
    if by == "dose":
        order = {label: k for k, label in enumerate(DOSE_BANDS)}
        table = table.sort_values("group", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    if not len(table):
        table["note"] = pd.Series(dtype=object)
        table.attrs["threshold"] = threshold
        return table
    table.insert(0, "by", by)
    table.insert(1, "instrument", instrument.id)
    if by == "relay":
        # relays nest in provinces whose totals are published too: protect each province's relays together
        province = groups.drop_duplicates("relay").set_index("relay")["province"]
        parts = [suppress_small_counts(part, ["n_pairs"], threshold=threshold, additive_rows=True)
                 for _, part in table.groupby(table["group"].map(province).fillna(""), sort=False)]
        masked = pd.concat(parts).loc[table.index]
        masked.attrs["threshold"] = threshold
    else:
        masked = suppress_small_counts(table, ["n_pairs"], threshold=threshold, additive_rows=True)
    hide = masked["n_pairs"].map(lambda v: is_suppressed(v) or v < MIN_PAIRS)
    for col in ("hl_estimate", "hl_ci_low", "hl_ci_high"):
        masked[col] = masked[col].astype(object).where(~hide, pd.NA)
    masked_n = masked["n_pairs"].map(is_suppressed).to_numpy(bool)
    masked["note"] = np.where(masked_n, NOT_PUBLISHED, np.where(hide, _INSUFFICIENT, ""))
    return masked
