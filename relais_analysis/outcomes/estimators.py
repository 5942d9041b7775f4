"""Estimators on paired differences: Hodges-Lehmann, Wilcoxon, rank-biserial, d_z, bootstrap.

Pure functions on an array ``d`` of differences (after - before), used by
:mod:`relais_analysis.outcomes.statistics`, which pairs the waves and applies the publication
rules; the methods and their references are in that module's docstring.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair

__all__ = [
    "EXACT_MAX_N",
    "bootstrap_mean_ci",
    "cohen_dz",
    "hodges_lehmann",
    "rank_biserial",
    "signed_rank_cdf",
    "wilcoxon_test",
]

#: Exact signed-rank distribution up to this many pairs; normal approximation above.
EXACT_MAX_N = 300
#: Bootstrap resamples of the mean change.
_RESAMPLES = 2000


def signed_rank_cdf(n: int) -> np.ndarray:
    """Exact null distribution of the signed-rank statistic T+ for ``n`` pairs without ties.

    Returns ``cdf`` with ``cdf[t] = P(T+ <= t)`` for ``t = 0 .. n(n+1)/2``.

    Examples
    --------
    >>> round(float(signed_rank_cdf(10)[8]), 4)   # 25 / 1024
    0.0244
    """
    m = n * (n + 1) // 2
    prob = np.zeros(m + 1)
    prob[0] = 1.0
    for k in range(1, n + 1):
        shifted = np.zeros_like(prob)
        shifted[k:] = prob[:-k]
        prob = 0.5 * (prob + shifted)
    return np.cumsum(prob)


def _critical_k(n: int, confidence: float) -> tuple[int, str]:
    """1-based rank k of the lower CI bound among the M Walsh averages, and the method."""
    from scipy import stats  # imported when used: 0.6 s, and a warm build reads its results only
    alpha = 1 - confidence
    if n <= EXACT_MAX_N:
        cdf = signed_rank_cdf(n)
        # largest k with P(T+ <= k - 1) <= alpha / 2
        k = int(np.searchsorted(cdf, alpha / 2 + 1e-12, side="right"))
        return max(k, 1), "exact"
    z = stats.norm.ppf(1 - alpha / 2)
    k = math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24))
    return max(k, 1), "normal"


def _walsh_order_statistics(d: np.ndarray, ranks: list[int]) -> list[float]:
    """Order statistics (1-based ``ranks``) of the Walsh averages, from value counts (exact)."""
    values, counts = np.unique(d, return_counts=True)
    i, j = np.triu_indices(len(values))
    averages = (values[i] + values[j]) / 2
    weights = np.where(i == j, counts[i] * (counts[i] + 1) // 2, counts[i] * counts[j]).astype(np.int64)
    order = np.argsort(averages, kind="stable")
    cum = np.cumsum(weights[order])
    return [float(averages[order][np.searchsorted(cum, r, side="left")]) for r in ranks]


def hodges_lehmann(d: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float, str]:
    """Hodges-Lehmann estimate of the median change and its confidence interval.

    Parameters
    ----------
    d : array of float
        Paired differences (after - before), no NaN.
    confidence : float, default 0.95

    Returns
    -------
    estimate, low, high : float
        Median of the n(n+1)/2 Walsh averages; CI bounds W_(k) and W_(M+1-k).
    method : {"exact", "normal"}
        How the critical value k was found.

    Raises
    ------
    ParameterError
        If ``d`` is empty or holds NaN, or ``confidence`` is not in (0, 1).

    Examples
    --------
    >>> hodges_lehmann(np.array([1.0, 2.0, 4.0]))[0]   # Walsh: 1, 1.5, 2, 2.5, 3, 4
    2.25
    """
    d = np.asarray(d, dtype=float)
    if not len(d) or np.isnan(d).any():
        raise ParameterError(*text_pair("outcome_error.empty_differences"))
    if not 0 < confidence < 1:
        raise ParameterError(*text_pair("outcome_error.invalid_confidence", confidence=repr(confidence)))
    n = len(d)
    m = n * (n + 1) // 2
    k, method = _critical_k(n, confidence)
    k = min(k, (m + 1) // 2)
    mid = [(m + 1) // 2] if m % 2 else [m // 2, m // 2 + 1]
    stats_ = _walsh_order_statistics(d, mid + [k, m + 1 - k])
    estimate = float(np.mean(stats_[: len(mid)]))
    return estimate, stats_[-2], stats_[-1], method


def rank_biserial(d: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (Kerby 2014): (T+ - T-) / (T+ + T-).

    Zero differences are dropped (as in the Wilcoxon test); NaN if all are zero.

    Examples
    --------
    >>> rank_biserial(np.array([1.0, 2.0, -3.0, 0.0]))   # ranks 1, 2, 3: (3 - 3) / 6
    0.0
    """
    from scipy import stats  # imported when used: 0.6 s, and a warm build reads its results only
    d = np.asarray(d, dtype=float)
    d = d[d != 0]
    if not len(d):
        return float("nan")
    ranks = stats.rankdata(np.abs(d))
    plus, minus = ranks[d > 0].sum(), ranks[d < 0].sum()
    return float((plus - minus) / (plus + minus))


def cohen_dz(d: np.ndarray) -> float:
    """Cohen's d_z: mean of the differences / their SD (ddof=1); NaN if the SD is 0.

    Examples
    --------
    >>> round(cohen_dz(np.array([1.0, 2.0, 3.0])), 6)   # mean 2, SD 1
    2.0
    """
    d = np.asarray(d, dtype=float)
    if len(d) < 2:
        return float("nan")
    sd = float(np.std(d, ddof=1))
    return float(np.mean(d) / sd) if sd > 0 else float("nan")


def wilcoxon_test(d: np.ndarray) -> tuple[float, float, str]:
    """``scipy.stats.wilcoxon`` with an explicit method: exact without ties or zeros up to 50 pairs,
    else the normal approximation (scipy's "auto" would run a slow permutation test on ties)."""
    from scipy import stats  # imported when used: 0.6 s, and a warm build reads its results only
    nonzero = d[d != 0]
    if not len(nonzero):
        return float("nan"), 1.0, "all differences are zero"
    ties = len(np.unique(np.abs(nonzero))) < len(nonzero)
    method = "exact" if len(nonzero) == len(d) and not ties and len(d) <= 50 else "approx"
    test = stats.wilcoxon(d, method=method)
    return float(test.statistic), float(test.pvalue), method


def bootstrap_mean_ci(d: np.ndarray, confidence: float, seed: int) -> tuple[float, float]:
    """BCa bootstrap confidence interval of the mean of ``d`` (``scipy.stats.bootstrap``, ``seed`` fixed)."""
    from scipy import stats  # imported when used: 0.6 s, and a warm build reads its results only
    # resample the sorted differences: the interval then depends on the values only, never on the order of
    # participant codes (the same answers under other codes, e.g. after relais assemble, give the same bounds)
    d = np.sort(d)
    if np.ptp(d) == 0:
        return float(d[0]), float(d[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.bootstrap((d,), np.mean, confidence_level=confidence, n_resamples=_RESAMPLES,
                              method="BCa", rng=np.random.default_rng(seed))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)
