"""Honest statistics for small groups: per wave, paired change, attrition.

There is no comparison group: these figures describe how answers *evolved*
between two waves among the parents who answered both; they do not show what
caused the change. Rules enforced here and stated in every output:

- no estimate from fewer than :data:`MIN_PAIRS` pairs (``sufficient`` is False and
  every estimate is None: outputs say "effectif insuffisant");
- every estimate comes with its confidence interval;
- Hodges-Lehmann estimate (median of the Walsh averages) with its distribution-free
  confidence interval: order statistics of the Walsh averages at the critical value
  of the exact signed-rank null distribution (up to :data:`EXACT_MAX_N` pairs; the
  normal approximation above). Tied differences, common with integer scores, make the
  stated level approximate (Hollander & Wolfe, *Nonparametric statistical methods*, 3.2);
- Wilcoxon signed-rank test (``scipy.stats.wilcoxon``, zero differences dropped,
  no continuity correction: scipy's defaults; exact p-value without ties or zeros up to
  50 pairs, normal approximation otherwise);
- matched-pairs rank-biserial correlation (Kerby 2014), Cohen's d_z (mean difference /
  SD of the differences; not d_av);
- bootstrap BCa confidence interval of the mean change (``scipy.stats.bootstrap``, fixed seed).

The estimators on an array of differences are in :mod:`relais_analysis.outcomes.estimators`
(re-exported here); this module pairs the waves, applies the rules and sums up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.outcomes.estimators import (
    EXACT_MAX_N,
    bootstrap_mean_ci,
    cohen_dz,
    hodges_lehmann,
    rank_biserial,
    signed_rank_cdf,
    wilcoxon_test,
)
from relais_analysis.outcomes.instruments import Instrument

__all__ = [
    "BOOTSTRAP_SEED",
    "EXACT_MAX_N",
    "MIN_PAIRS",
    "Attrition",
    "PairedChange",
    "attrition",
    "cohen_dz",
    "hodges_lehmann",
    "paired_change",
    "paired_scores",
    "rank_biserial",
    "signed_rank_cdf",
    "wave_summary",
]

#: No estimate is published from fewer pairs than this.
MIN_PAIRS = 10
#: Seed of the bootstrap (same data, same interval).
BOOTSTRAP_SEED = 20240101


@dataclass(frozen=True)
class PairedChange:
    """Change between two waves among the parents who answered both (after - before).

    Every estimate is None when ``sufficient`` is False (fewer than :data:`MIN_PAIRS`).
    ``n_improved`` counts changes in the better direction of the instrument.
    """

    instrument: str
    score: str
    wave_from: str
    wave_to: str
    n_pairs: int
    sufficient: bool
    confidence: float
    median_before: float | None = None
    median_after: float | None = None
    mean_before: float | None = None
    mean_after: float | None = None
    median_change: float | None = None
    hl_estimate: float | None = None
    hl_ci_low: float | None = None
    hl_ci_high: float | None = None
    hl_ci_method: str | None = None
    mean_change: float | None = None
    mean_ci_low: float | None = None
    mean_ci_high: float | None = None
    wilcoxon_statistic: float | None = None
    wilcoxon_p: float | None = None
    wilcoxon_method: str | None = None
    rank_biserial: float | None = None
    cohen_dz: float | None = None
    n_improved: int | None = None
    n_unchanged: int | None = None
    n_worse: int | None = None
    band_shift: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        """The fields as a plain dict, without the band cross-tab."""
        out = asdict(self)
        out.pop("band_shift")
        return out


def _first_scores(scored: pd.DataFrame, wave: str, score: str) -> tuple[np.ndarray, np.ndarray]:
    """(participant codes, scores) of the first scored questionnaire of each participant at ``wave``.

    Codes are ``scored["_pid"]`` when present (integers set by the analysis), else the
    participant ids factorised in table order.
    """
    codes = scored["_pid"].to_numpy() if "_pid" in scored else pd.factorize(scored["participant_id"])[0]
    values = scored[score].to_numpy(dtype=float)
    mask = ~np.isnan(values) & (scored["wave"].to_numpy(dtype=object) == wave)
    unique, first = np.unique(codes[mask], return_index=True)
    return unique, values[mask][first]


def _pairs(scored: pd.DataFrame, wave_from: str, wave_to: str, score: str) -> tuple[np.ndarray, ...]:
    codes_a, before = _first_scores(scored, wave_from, score)
    codes_b, after = _first_scores(scored, wave_to, score)
    common, ia, ib = np.intersect1d(codes_a, codes_b, assume_unique=True, return_indices=True)
    return common, before[ia], after[ib]


def paired_scores(scored: pd.DataFrame, wave_from: str = "entree", wave_to: str = "suivi",
                  score: str = "score") -> pd.DataFrame:
    """One row per participant with a score at both waves: ``participant_id``, ``before``, ``after``."""
    common, before, after = _pairs(scored, wave_from, wave_to, score)
    ids = scored["participant_id"].to_numpy()
    if "_pid" in scored:
        lookup = pd.Series(ids, index=scored["_pid"].to_numpy())
        lookup = lookup[~lookup.index.duplicated()]
    else:
        codes, uniques = pd.factorize(scored["participant_id"])
        lookup = pd.Series(np.asarray(uniques), index=np.arange(len(uniques)))
    return pd.DataFrame({"participant_id": lookup.loc[common].to_numpy(), "before": before, "after": after})


def paired_change(scored: pd.DataFrame, instrument: Instrument, *, wave_from: str = "entree",
                  wave_to: str = "suivi", score: str = "score", confidence: float = 0.95,
                  seed: int = BOOTSTRAP_SEED, min_pairs: int = MIN_PAIRS) -> PairedChange:
    """Paired change of ``score`` between two waves.

    Parameters
    ----------
    scored : DataFrame
        Output of :func:`~relais_analysis.outcomes.scoring.score_questionnaires`
        (``participant_id``, ``wave`` and the score column).
    instrument : Instrument
        Gives the better direction and the bands.
    wave_from, wave_to : str
    score : str, default "score"
        Or a subscale column, or the converted score (``metric``).
    confidence : float, default 0.95
    seed : int
        Bootstrap seed.
    min_pairs : int, default :data:`MIN_PAIRS`
        Below it no estimate is computed. Cannot be lowered under :data:`MIN_PAIRS`.

    Returns
    -------
    PairedChange

    Raises
    ------
    ParameterError
        If ``min_pairs`` is below :data:`MIN_PAIRS` or ``score`` is not a column.
    """
    if min_pairs < MIN_PAIRS:
        raise ParameterError(*text_pair("outcome_error.min_pairs", min_pairs=MIN_PAIRS, asked=min_pairs))
    if score not in scored.columns:
        raise ParameterError(*text_pair("outcome_error.unknown_score", score=repr(score)))
    _, before, after = _pairs(scored, wave_from, wave_to, score)
    n = len(before)
    base = dict(instrument=instrument.id, score=score, wave_from=wave_from, wave_to=wave_to, n_pairs=n,
                confidence=confidence)
    if n < min_pairs:
        return PairedChange(sufficient=False, **base)
    d = after - before
    hl, low, high, method = hodges_lehmann(d, confidence)
    w_stat, w_p, w_method = wilcoxon_test(d)
    mean_low, mean_high = bootstrap_mean_ci(d, confidence, seed)
    better = d * (1 if instrument.higher_is_better else -1)
    shift = None
    if instrument.bands and score == "score":
        order = [b.id for b in instrument.bands]
        shift = pd.crosstab(pd.Categorical(instrument.band_of(before), categories=order),
                            pd.Categorical(instrument.band_of(after), categories=order),
                            dropna=False).rename_axis(index=wave_from, columns=wave_to)
    return PairedChange(
        sufficient=True, **base,
        median_before=float(np.median(before)), median_after=float(np.median(after)),
        mean_before=float(before.mean()), mean_after=float(after.mean()),
        median_change=float(np.median(d)), hl_estimate=hl, hl_ci_low=low, hl_ci_high=high, hl_ci_method=method,
        mean_change=float(d.mean()), mean_ci_low=mean_low, mean_ci_high=mean_high,
        wilcoxon_statistic=w_stat, wilcoxon_p=w_p, wilcoxon_method=w_method, rank_biserial=rank_biserial(d), cohen_dz=cohen_dz(d),
        n_improved=int((better > 0).sum()), n_unchanged=int((better == 0).sum()), n_worse=int((better < 0).sum()),
        band_shift=shift,
    )


def wave_summary(scored: pd.DataFrame, instrument: Instrument, *, wave_from: str = "entree",
                 wave_to: str = "suivi", score: str = "score") -> pd.DataFrame:
    """Per wave: ``wave``, ``group``, ``n``, ``mean``, ``median``.

    ``wave_from`` counts every questionnaire with a score (``group`` = ``all``);
    ``wave_to`` counts only the parents with a score at both waves (``group`` =
    ``paired``), so that every published count is one of the counts of the change,
    attrition and band tables and none can be found by subtracting one from another.
    Mean and median are NaN below :data:`MIN_PAIRS` scores. The band distribution of
    the paired parents at both waves is the margin of the band cross-tab.
    """
    _, first = _first_scores(scored, wave_from, score)
    _, _, after = _pairs(scored, wave_from, wave_to, score)
    rows = []
    for wave, group, values in ((wave_from, "all", first), (wave_to, "paired", after)):
        enough = len(values) >= MIN_PAIRS
        rows.append({"wave": wave, "group": group, "n": len(values),
                     "mean": float(values.mean()) if enough else float("nan"),
                     "median": float(np.median(values)) if enough else float("nan")})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Attrition:
    """Who answered at ``wave_from`` but not at ``wave_to``, and how their first scores compare.

    ``left_worse`` is True when the entry scores of those who left are worse (in the
    instrument's direction) with a Mann-Whitney p-value below 0.05 and both groups of
    at least :data:`MIN_PAIRS`; ``compared`` is False when a group is too small.
    """

    instrument: str
    wave_from: str
    wave_to: str
    n_stayed: int
    n_left: int
    compared: bool
    mean_stayed: float | None = None
    mean_left: float | None = None
    median_stayed: float | None = None
    median_left: float | None = None
    mannwhitney_p: float | None = None
    left_worse: bool = False
    left_better: bool = False


def attrition(scored: pd.DataFrame, instrument: Instrument, *, wave_from: str = "entree",
              wave_to: str = "suivi", score: str = "score", alpha: float = 0.05) -> Attrition:
    """Compare the ``wave_from`` scores of those who answered ``wave_to`` and those who did not.

    "Stayed" means a score at ``wave_to`` too, so ``n_stayed`` equals the number of pairs of
    :func:`paired_change` (a follow-up questionnaire with too many blanks counts as not answered).
    """
    from scipy import stats  # imported when used: 0.6 s, and a warm build reads its results only
    codes_a, first = _first_scores(scored, wave_from, score)
    codes_b, _ = _first_scores(scored, wave_to, score)
    stayed_mask = np.isin(codes_a, codes_b, assume_unique=True)
    stayed, left = first[stayed_mask], first[~stayed_mask]
    base = dict(instrument=instrument.id, wave_from=wave_from, wave_to=wave_to,
                n_stayed=len(stayed), n_left=len(left))
    if len(stayed) < MIN_PAIRS or len(left) < MIN_PAIRS:
        return Attrition(compared=False, **base)
    p = float(stats.mannwhitneyu(left, stayed, alternative="two-sided").pvalue)
    diff = (left.mean() - stayed.mean()) * (1 if instrument.higher_is_better else -1)
    return Attrition(
        compared=True, **base, mean_stayed=float(stayed.mean()), mean_left=float(left.mean()),
        median_stayed=float(np.median(stayed)), median_left=float(np.median(left)), mannwhitney_p=p,
        left_worse=bool(p < alpha and diff < 0), left_better=bool(p < alpha and diff > 0),
    )
