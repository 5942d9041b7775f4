"""Paired-change statistics against hand computations and brute-force enumerations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from relais_analysis.errors import ParameterError
from relais_analysis.outcomes import load_instruments
from relais_analysis.outcomes.estimators import _critical_k
from relais_analysis.outcomes.statistics import (
    MIN_PAIRS,
    attrition,
    cohen_dz,
    hodges_lehmann,
    paired_change,
    rank_biserial,
    signed_rank_cdf,
    wave_summary,
)


@pytest.fixture(scope="module")
def instruments():
    return load_instruments()


def _scored(before, after, extra_entry=()):
    rows = [{"participant_id": f"P{i:03d}", "wave": "entree", "score": float(b)} for i, b in enumerate(before)]
    rows += [{"participant_id": f"P{i:03d}", "wave": "suivi", "score": float(a)} for i, a in enumerate(after)]
    rows += [{"participant_id": f"Q{i:03d}", "wave": "entree", "score": float(b)} for i, b in enumerate(extra_entry)]
    return pd.DataFrame(rows)


def test_signed_rank_cdf_matches_enumeration():
    n = 8
    sums = [sum(s) for r in range(n + 1) for s in itertools.combinations(range(1, n + 1), r)]
    counts = np.bincount(sums, minlength=n * (n + 1) // 2 + 1)
    assert np.allclose(signed_rank_cdf(n), np.cumsum(counts) / 2**n)


@pytest.mark.parametrize("n, table_value", [(10, 8), (15, 25), (20, 52), (25, 89)])
def test_critical_values_match_the_published_table(n, table_value):
    # two-sided 5 % critical values of the Wilcoxon signed-rank statistic (standard tables)
    assert _critical_k(n, 0.95) == (table_value + 1, "exact")


def test_normal_approximation_is_close_to_exact_at_the_switch():
    exact = int(np.searchsorted(signed_rank_cdf(300), 0.025 + 1e-12, side="right"))
    normal_300 = math.floor(300 * 301 / 4 - 1.959964 * math.sqrt(300 * 301 * 601 / 24))
    assert abs(exact - normal_300) <= 2
    approx, method = _critical_k(301, 0.95)
    assert method == "normal"
    assert approx == math.floor(301 * 302 / 4 - 1.959964 * math.sqrt(301 * 302 * 603 / 24))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hodges_lehmann_matches_brute_force_walsh_averages(seed):
    rng = np.random.default_rng(seed)
    d = rng.integers(-4, 5, size=23).astype(float)
    walsh = sorted((a + b) / 2 for a, b in itertools.combinations_with_replacement(d, 2))
    k, _ = _critical_k(len(d), 0.95)
    est, low, high, method = hodges_lehmann(d)
    assert est == pytest.approx(np.median(walsh))
    assert (low, high) == (walsh[k - 1], walsh[len(walsh) - k])
    assert method == "exact"


def test_hodges_lehmann_continuous_data():
    rng = np.random.default_rng(5)
    d = rng.normal(1.0, 2.0, size=40)
    walsh = np.sort([(a + b) / 2 for a, b in itertools.combinations_with_replacement(d, 2)])
    est, low, high, _ = hodges_lehmann(d)
    assert est == pytest.approx(np.median(walsh))
    assert low < est < high


def test_rank_biserial_by_hand():
    # |d| ranks 1..4; T+ = 1 + 2 + 3 = 6, T- = 4: r = (6 - 4) / 10
    assert rank_biserial(np.array([1.0, 2.0, 3.0, -4.0, 0.0])) == pytest.approx(0.2)
    assert math.isnan(rank_biserial(np.zeros(3)))


def test_cohen_dz_is_mean_over_sd_of_differences():
    d = np.array([1.0, 2.0, 3.0, 4.0])
    assert cohen_dz(d) == pytest.approx(2.5 / 1.2909944487358056)
    before = np.array([10.0, 12.0, 9.0, 15.0])
    after = before + d
    pooled = math.sqrt((before.var(ddof=1) + after.var(ddof=1)) / 2)
    assert cohen_dz(d) != pytest.approx(d.mean() / pooled)  # d_av would differ


def test_paired_change_full(instruments):
    djg = instruments["djg6"]
    before = [5, 4, 6, 3, 2, 5, 4, 4, 3, 6, 5, 2]
    after = [3, 4, 5, 3, 1, 2, 4, 2, 3, 4, 5, 3]
    res = paired_change(_scored(before, after, extra_entry=[6, 5]), djg)
    d = np.array(after, float) - np.array(before, float)
    assert res.sufficient and res.n_pairs == 12
    assert res.median_change == np.median(d) and res.mean_change == pytest.approx(d.mean())
    test = stats.wilcoxon(d, method="approx")  # ties and zeros: normal approximation
    assert res.wilcoxon_statistic == test.statistic and res.wilcoxon_p == pytest.approx(test.pvalue)
    assert res.wilcoxon_method == "approx"
    # by hand: nonzero |d| = 2 1 1 3 2 2 1 (ranks with ties) ...: T- > T+, statistic = min = T+
    nz = d[d != 0]
    ranks = stats.rankdata(np.abs(nz))
    assert res.wilcoxon_statistic == min(ranks[nz > 0].sum(), ranks[nz < 0].sum())
    # lower is better for loneliness: improved = score went down
    assert (res.n_improved, res.n_unchanged, res.n_worse) == (6, 5, 1)
    assert res.mean_ci_low <= res.mean_change <= res.mean_ci_high
    assert res.hl_ci_low <= res.hl_estimate <= res.hl_ci_high
    # band shift cross-tab: 5-6 severe, 2-4 moderate, 0-1 not lonely
    shift = res.band_shift
    assert int(shift.to_numpy().sum()) == 12
    assert shift.loc["severely_lonely", "moderately_lonely"] == 3  # 5->3, 5->2, 6->4
    assert shift.loc["moderately_lonely", "not_lonely"] == 1       # 2->1
    again = paired_change(_scored(before, after), djg)
    assert (again.mean_ci_low, again.mean_ci_high) == (res.mean_ci_low, res.mean_ci_high)  # fixed seed


def test_bootstrap_ci_close_to_t_interval_on_normal_data(instruments):
    rng = np.random.default_rng(3)
    before = rng.normal(20, 4, 200)
    after = before + rng.normal(1, 3, 200)
    res = paired_change(_scored(before, after), instruments["swemwbs"])
    d = after - before
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    assert res.mean_ci_low == pytest.approx(d.mean() - half, abs=0.1)
    assert res.mean_ci_high == pytest.approx(d.mean() + half, abs=0.1)


def test_ten_pair_rule(instruments):
    djg = instruments["djg6"]
    nine = paired_change(_scored(range(9), range(9)), djg)
    assert not nine.sufficient and nine.n_pairs == 9
    assert nine.hl_estimate is None and nine.mean_change is None and nine.wilcoxon_p is None
    ten = paired_change(_scored([1] * 10, [1] * 10), djg)
    assert ten.sufficient and ten.mean_change == 0 and ten.wilcoxon_p == 1.0
    assert MIN_PAIRS == 10
    with pytest.raises(ParameterError):
        paired_change(_scored(range(9), range(9)), djg, min_pairs=5)


def test_pairs_ignore_missing_scores(instruments):
    scored = _scored(range(12), range(12))
    scored.loc[0, "score"] = np.nan
    assert paired_change(scored, instruments["osss3"]).n_pairs == 11


def test_attrition_detects_lonelier_leavers(instruments):
    djg = instruments["djg6"]
    stayed_before = [2, 3, 1, 2, 3, 2, 1, 2, 3, 2, 2, 1]
    left = [5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 6]
    res = attrition(_scored(stayed_before, stayed_before, extra_entry=left), djg)
    assert res.compared and res.n_stayed == 12 and res.n_left == 11
    assert res.left_worse and not res.left_better
    assert res.mannwhitney_p == pytest.approx(stats.mannwhitneyu(left, stayed_before).pvalue)
    small = attrition(_scored(stayed_before, stayed_before, extra_entry=left[:4]), djg)
    assert not small.compared and not small.left_worse


def test_wave_summary_counts_all_at_entry_and_pairs_at_follow_up(instruments):
    djg = instruments["djg6"]
    scored = _scored(range(12), [1, 2, 3], extra_entry=[4, 4])
    scored["score"] = scored["score"].clip(upper=6)
    table = wave_summary(scored, djg)
    assert table["wave"].tolist() == ["entree", "suivi"] and table["group"].tolist() == ["all", "paired"]
    assert table["n"].tolist() == [14, 3]
    assert table.loc[0, "median"] == 4.5  # 0 1 2 3 4 4 4 | 5 6 6 6 6 6 6
    assert math.isnan(table.loc[1, "mean"])


def test_attrition_counts_stayed_as_pairs(instruments):
    djg = instruments["djg6"]
    scored = _scored(range(12), range(12), extra_entry=range(11))
    scored["score"] = scored["score"].clip(upper=6)
    scored.loc[(scored["wave"] == "suivi") & (scored["participant_id"] == "P000"), "score"] = np.nan
    att = attrition(scored, djg)
    assert att.n_stayed == paired_change(scored, djg).n_pairs == 11
    assert att.n_left == 12


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=10, max_size=60), st.integers(-5, 5))
def test_hodges_lehmann_is_shift_equivariant_and_bracketed(values, shift):
    d = np.array(values, dtype=float)
    est, low, high, _ = hodges_lehmann(d)
    moved = hodges_lehmann(d + shift)
    assert moved[:3] == pytest.approx((est + shift, low + shift, high + shift))
    assert low <= est <= high and d.min() <= low and high <= d.max()
    r = rank_biserial(d)
    assert math.isnan(r) or -1 <= r <= 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from([1, 2, 3, None]), min_size=6, max_size=6))
def test_djg_scores_stay_in_range(answers):
    from relais_analysis.outcomes.scoring import score_questionnaires

    djg = load_instruments()["djg6"]
    out = score_questionnaires(pd.DataFrame([answers], columns=djg.item_ids), djg).iloc[0]
    missing = sum(a is None for a in answers)
    assert math.isnan(out["score"]) == (missing > 1)
    if missing <= 1:
        assert 0 <= out["score"] <= 6 - missing
