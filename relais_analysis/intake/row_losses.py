"""Rows read, accepted and rejected per relay and table (the counting behind the 10 % rule).

Pure table arithmetic on each table's row status, below :class:`~relais_analysis.intake.dataset.Dataset`
(whose :meth:`~relais_analysis.intake.dataset.Dataset.losses` calls :func:`row_losses`); the
rule itself, which reads a dataset, is :mod:`relais_analysis.intake.losses`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["TABLE_ORDER", "row_losses"]

#: Input tables in validation order.
TABLE_ORDER = ("relays", "territories", "activities", "participants", "attendance", "activity_counts")


def _positions(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Row of the first ``allowed`` value equal to each value, -1 when absent (pyarrow hash lookup)."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    found = pc.index_in(pa.array(values.astype("string").array), value_set=pa.array(allowed.astype("string").array))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _relay_prefix(codes: pd.Series, known: set[str]) -> pd.Series:
    """Relay of codes scoped by ``relais assemble`` (``R07:P001`` -> ``R07``) when it is a known relay, else NA.

    Examples
    --------
    >>> _relay_prefix(pd.Series(["R07:P001", "P001", "R99:P1", None]), {"R07"}).tolist()
    ['R07', <NA>, <NA>, <NA>]
    """
    prefix = codes.astype("string").str.extract(r"^([^:]+):", expand=False)
    return prefix.where(prefix.isin(known)).astype("string")


def row_losses(status: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows read, accepted and rejected per relay and table, from each table's row status.

    ``status`` maps a table name to one row per input row: ``accepted`` (bool) and the
    keys ``relay_id``, ``activity_id``, ``participant_id`` where the table has them
    (see :meth:`relais_analysis.intake.dataset.Dataset.losses`). Vectorised: under a second for
    10^6 attendance rows.

    A row that its keys tie to no relay (a rejected participant without attendance, a
    presence at an unknown activity) still belongs to a relay when its code was scoped
    by ``relais assemble`` (``R07:P001``, ``R07:A012``) and that relay is known (it has
    activities): the loss is that relay's, not an anonymous one.

    Examples
    --------
    >>> status = {
    ...     "activities": pd.DataFrame({"accepted": [True, False], "relay_id": ["R1", "R2"],
    ...                                 "activity_id": ["A1", "A2"]}),
    ...     "attendance": pd.DataFrame({"accepted": [True, False, False], "activity_id": ["A1", "A2", "A9"],
    ...                                 "participant_id": ["P1", "P2", "P3"]}),
    ... }
    >>> row_losses(status)[["relay_id", "table", "read", "rejected"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['', 'attendance', 1, 1], ['R1', 'activities', 1, 0], ['R1', 'attendance', 1, 0], ['R2', 'activities', 1, 1], ['R2', 'attendance', 1, 1]]
    """
    columns = ["relay_id", "table", "read", "accepted", "rejected", "blank", "share_rejected"]

    def relay_via(frame: pd.DataFrame | None, key: str, source: pd.DataFrame | None) -> pd.Series:
        """Relay of each row of ``frame``: that of the first row of ``source`` with the same ``key``."""
        index = frame.index if frame is not None else None
        if frame is None or source is None or key not in frame or key not in source or "relay_id" not in source:
            return pd.Series(pd.NA, index=index, dtype="string")
        pos = _positions(frame[key], source[key])
        relays = pa.array(source["relay_id"].astype("string").array)
        picked = relays.take(pa.array(pos, mask=pos < 0)) if len(pos) else pa.array([], pa.string())
        return pd.Series(pd.array(picked, dtype=frame[key].dtype if len(pos) else "string"), index=frame.index)

    tied = dict(status)
    for name in ("attendance", "activity_counts"):
        if name in tied:
            tied[name] = tied[name].assign(relay_id=relay_via(tied[name], "activity_id", tied.get("activities")))
    if "participants" in tied:
        tied["participants"] = tied["participants"].assign(
            relay_id=relay_via(tied["participants"], "participant_id", tied.get("attendance")))
    activities = tied.get("activities")
    known = (set(activities["relay_id"].dropna().astype(str)) if activities is not None and "relay_id" in activities
             else set())
    for name, key in (("attendance", "activity_id"), ("activity_counts", "activity_id"),
                      ("participants", "participant_id")):
        frame = tied.get(name)
        if known and frame is not None and key in frame and "relay_id" in frame:
            relay = frame["relay_id"].astype("string")
            tied[name] = frame.assign(relay_id=relay.fillna(_relay_prefix(frame[key], known)))
    parts = []
    for name in TABLE_ORDER:
        frame = tied.get(name)
        if frame is None:
            continue
        relay = frame["relay_id"] if "relay_id" in frame else pd.Series(pd.NA, index=frame.index, dtype="string")
        codes, uniques = pd.factorize(relay.astype("string").fillna(""), sort=True)
        read = np.bincount(codes, minlength=len(uniques))
        accepted = np.bincount(codes, weights=frame["accepted"].to_numpy(dtype=float), minlength=len(uniques))
        empty = frame["blank"].to_numpy(dtype=float) if "blank" in frame else np.zeros(len(frame))
        blank = np.bincount(codes, weights=empty, minlength=len(uniques))
        parts.append(pd.DataFrame({"relay_id": np.asarray(uniques, dtype=object), "table": name, "read": read,
                                   "accepted": accepted.astype("int64"), "blank": blank.astype("int64")}))
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["rejected"] = out["read"] - out["accepted"]
    held = out["read"] - out["blank"]  # an empty line is reported, but nothing was lost with it
    out["share_rejected"] = ((out["rejected"] - out["blank"]) / held.where(held > 0)).fillna(0.0)
    out["order"] = out["table"].map(TABLE_ORDER.index)
    return out.sort_values(["relay_id", "order"]).reset_index(drop=True)[columns]
