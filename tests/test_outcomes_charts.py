"""Outcome charts: drawn from protected tables, deterministic, with alt text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from relais_analysis.outcomes import load_instruments
from relais_analysis.outcomes.analysis import analyse_outcomes
from relais_analysis.outcomes.charts import alt_text_change, bands_chart, change_chart, write_outcome_charts
from relais_analysis.privacy.masked import SUPPRESSED


_PROFILES = ([3, 1, 1, 3, 1, 3], [2, 2, 1, 3, 1, 3], [1, 3, 3, 1, 3, 1])  # DJG-6 scores 0, 2, 6


def _questionnaires(n_pairs, n_entry, seed=1):
    inst = load_instruments()["djg6"]
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_entry):
        before = _PROFILES[i % 3]
        rows.append({"participant_id": f"P{i}", "wave": "entree", "instrument": "djg6",
                     **dict(zip(inst.item_ids, before))})
        if i < n_pairs:
            after = _PROFILES[max(0, i % 3 - int(rng.integers(0, 2)))]
            rows.append({"participant_id": f"P{i}", "wave": "suivi", "instrument": "djg6",
                         **dict(zip(inst.item_ids, after))})
    return pd.DataFrame(rows)


def test_charts_are_deterministic_and_carry_alt_text(tmp_path):
    res = analyse_outcomes(_questionnaires(80, 120))
    first = write_outcome_charts(res.tables, res.instruments, tmp_path / "a")
    second = write_outcome_charts(res.tables, res.instruments, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    assert {p.name for p in first} >= {"outcomes_change.png", "outcomes_change.svg", "outcomes_bands_djg6.png"}
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    alt = (tmp_path / "a" / "outcomes_change.alt.txt").read_text(encoding="utf-8")
    assert "DJG-6" in alt and "80 paires" in alt and "IC à 95 %" in alt


def test_insufficient_pairs_are_said_not_drawn():
    res = analyse_outcomes(_questionnaires(7, 40))
    assert "effectif insuffisant" in alt_text_change(res.tables["outcomes_change"], res.instruments)
    assert "outcomes_bands_djg6" not in res.tables


def test_bands_chart_refuses_masked_margins():
    inst = load_instruments()["djg6"]
    labels = [b.label("fr") for b in inst.bands]
    table = pd.DataFrame([[20, SUPPRESSED, SUPPRESSED, 30], [5, 10, 5, 20], [SUPPRESSED, SUPPRESSED, 40, 50],
                          [30, 20, 50, 100]], index=labels + ["total"], columns=labels + ["total"], dtype=object)
    table.loc[labels[0], "total"] = SUPPRESSED
    assert bands_chart(table, inst) is None


def test_change_chart_ticks_read_their_own_value():
    # a tick at -0.25 printed with one decimal would read "-0,2": every label must be its tick exactly
    from relais_analysis.i18n import format_decimal

    demo = pd.read_csv(__import__("paths").DEMO / "questionnaires.csv", dtype=str)
    res = analyse_outcomes(demo)
    fig = change_chart(res.tables["outcomes_change"], res.instruments)
    fig.canvas.draw()
    checked = 0
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        for tick in ax.get_xticks():
            if lo - 1e-9 <= tick <= hi + 1e-9:
                assert round(tick, 1) == tick or abs(round(tick, 1) - tick) < 1e-9, (ax.get_title(), tick)
                checked += 1
        labels = [lab.get_text() for lab in ax.get_xticklabels() if lab.get_text()]
        assert len(labels) == len(set(labels)), labels  # no two ticks printed alike
    assert checked >= 12
    __import__("matplotlib.pyplot").pyplot.close(fig)
