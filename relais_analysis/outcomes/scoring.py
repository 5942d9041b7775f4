"""Score questionnaires with the published rules of their instrument.

Everything comes from the instrument file: points per answer code (reverse-coded
items take the points in reverse order), answers that count as missing, how many
missing items the total tolerates (``max_missing``: the total is then the sum of
the answered items, without imputation, as the De Jong Gierveld manual does), the
subscales and their own rule, the bands and the raw-to-metric conversion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.i18n import text_pair
from relais_analysis.outcomes.instruments import Instrument

__all__ = ["item_points", "score_questionnaires", "score_columns"]


def item_points(codes: pd.Series | np.ndarray, item_points_by_code: dict[int, float | None],
                item_id: str = "") -> np.ndarray:
    """Points of each answer code (NaN for no answer or an answer that counts as missing).

    Raises
    ------
    InputDataError
        If a code is not one of the item's answer codes.

    Examples
    --------
    >>> item_points(np.array([1, 2, 3, np.nan]), {1: 0, 2: 1, 3: 1}).tolist()
    [0.0, 1.0, 1.0, nan]
    """
    values = pd.to_numeric(pd.Series(codes), errors="coerce").to_numpy(dtype=float)
    present = ~np.isnan(values)
    known = np.array(sorted(item_points_by_code), dtype=float)
    bad = present & ~np.isin(values, known)
    if bad.any():
        codes = ", ".join(f"{k:g}" for k in known)
        raise InputDataError(*text_pair("outcome_error.impossible_code", item=item_id, code=f"{values[bad][0]:g}",
                                        codes=codes), column=item_id or None)
    out = np.full(values.shape, np.nan)
    for code, pts in item_points_by_code.items():
        if pts is not None:
            out[values == code] = pts
    return out


def score_columns(instrument: Instrument) -> list[str]:
    """Columns :func:`score_questionnaires` adds, in order."""
    cols = ["score", "n_missing", "band"]
    cols += [f"subscale_{s.id}" for s in instrument.subscales]
    if instrument.conversion_name:
        cols.append(instrument.conversion_name)
    return cols


def score_questionnaires(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Score every questionnaire (row) of one instrument.

    Parameters
    ----------
    frame : DataFrame
        One row per questionnaire with one column per item holding answer codes
        (missing answers empty). Other columns (``participant_id``, ``wave``...) are
        kept. Rows of another instrument must have been filtered out.
    instrument : Instrument

    Returns
    -------
    DataFrame
        ``frame`` plus ``score`` (float, NaN when too many items are missing),
        ``n_missing``, ``band`` (band id or None), one ``subscale_<id>`` per subscale
        and the converted score (e.g. ``metric``) when the instrument has a conversion.

    Raises
    ------
    InputDataError
        If an item column is absent or holds a code the instrument does not know.

    Examples
    --------
    >>> from relais_analysis.outcomes import load_instruments
    >>> djg = load_instruments()["djg6"]
    >>> answers = pd.DataFrame({"djg_1": [1, 3], "djg_2": [1, 3], "djg_3": [2, 3],
    ...                         "djg_4": [3, None], "djg_5": [3, 1], "djg_6": [2, 3]})
    >>> score_questionnaires(answers, djg)[["score", "subscale_emotional", "subscale_social", "band"]]
       score  subscale_emotional  subscale_social               band
    0    4.0                 2.0              2.0  moderately_lonely
    1    2.0                 NaN              2.0  moderately_lonely
    """
    missing_cols = [i for i in instrument.item_ids if i not in frame.columns]
    if missing_cols:
        raise InputDataError(*text_pair("outcome_error.missing_items", instrument=instrument.id,
                                        columns=missing_cols))
    points = np.column_stack([item_points(frame[item.id].to_numpy(), item.points_by_code(), item.id)
                              for item in instrument.items]) if len(frame) else np.zeros((0, len(instrument.items)))
    out = frame.copy()
    n_missing = np.isnan(points).sum(axis=1)
    total = np.nansum(points, axis=1)
    total[n_missing > instrument.max_missing] = np.nan
    out["score"] = total
    out["n_missing"] = n_missing.astype("int64")
    bands = instrument.band_of(total) if instrument.bands else np.full(len(out), None, dtype=object)
    out["band"] = pd.Series(bands, index=out.index, dtype=object)
    ids = instrument.item_ids
    for sub in instrument.subscales:
        cols = [ids.index(i) for i in sub.items]
        part = points[:, cols]
        value = np.nansum(part, axis=1)
        value[np.isnan(part).sum(axis=1) > sub.max_missing] = np.nan
        out[f"subscale_{sub.id}"] = value
    if instrument.conversion_name:
        table = instrument.conversion
        raw = np.asarray(sorted(table))
        converted = np.full(total.shape, np.nan)
        ok = ~np.isnan(total)
        converted[ok] = np.asarray([table[k] for k in raw])[np.searchsorted(raw, total[ok])]
        out[instrument.conversion_name] = converted
    return out
