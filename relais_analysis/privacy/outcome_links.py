"""The links between the cells of the outcome tables (``outcomes_*.csv``), declared in one place.

The outcome chapter (:mod:`relais_analysis.outcomes`) publishes, in the Wallonia
report, counts of parents who answered the questionnaires. They are counts of people
like the reach counts, and as linked: :mod:`relais_analysis.privacy.links` turns
them into quantities with this module, so that the audit attacks them and the joint
protection masks them together with everything else.

Quantities (see :data:`~relais_analysis.privacy.links.Key`)
-----------------------------------------------------------------
- ``("outcome:<instrument>:<score>", scope, year, "", "")``: parents with a score at
  entry and at follow-up (pairs). ``<score>`` is ``score`` for the instrument's main
  score and for its conversion (e.g. SWEMWBS metric: a monotone function of the same
  score, so the same pairs and the same improved / unchanged / worse split), or the
  subscale's column. ``scope`` is ``"W"``, or the province / relay of the
  ``outcomes_by_province`` / ``outcomes_by_relay`` rows.
- breakdowns of the pairs: ``change`` (improved, unchanged, worse), ``band`` (cross-tab
  cell ``before>after``), ``band_from`` / ``band_to`` (its margins), ``dose`` and
  ``entry_year`` (groups of the by-dose and by-year tables);
- ``("outcome_entry:<instrument>", "W", year, "", "")``: parents with a score at entry,
  and its ``followup``/``no`` part (those without a follow-up score).

Relations a reader knows
------------------------
- pairs = improved + unchanged + worse; every band row and column adds up to its
  margin, and the margins to the pairs; by-dose and by-year groups add up to the pairs
  (every pair has a follow-up, hence a dose, and an entry year);
- answered at entry = pairs (``n_stayed``, the wave table's follow-up ``n``) + left;
- provinces add up to at most Wallonia (a parent without a relay that year is in no
  province), relays add up exactly to their province (a relay's province is its
  group's province);
- ``share_improved`` / ``share_worse`` are rates over the pairs (see ``RATES`` in
  :mod:`relais_analysis.privacy.links`).

Estimates printed next to a count (means, medians, Hodges-Lehmann estimates and their
intervals, p-values, effect sizes) are blanked with the count
(:func:`mask_estimates`): a mean printed with all its digits is a fraction whose
denominator is the count, and the rank-biserial correlation's denominator is the
number of non-zero changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pandas as pd

from relais_analysis.privacy.link_rules import RATES as LINK_RATES

__all__ = ["OUTCOME_COUNTS", "apply_outcome_masks", "is_outcome_table", "mask_estimates", "outcome_cells", "outcome_count_columns",
           "outcome_relations"]

_EQ, _LE = "=", "<="
#: Count columns per outcome table (prefix for the per-instrument tables; bands: every column).
OUTCOME_COUNTS: dict[str, list[str]] = {
    "outcomes_change": ["n_pairs", "n_improved", "n_unchanged", "n_worse"],
    "outcomes_attrition": ["n_entry", "n_stayed", "n_left"],
    "outcomes_waves_": ["n"],
    "outcomes_by_": ["n_pairs"],
}
#: Estimates blanked when a count of their row is masked (split counts: the estimates that depend on them).
_ESTIMATES_OF: dict[str, dict[str, list[str]]] = {
    "outcomes_change": {
        "n_pairs": ["share_improved", "share_worse", "median_before", "median_after", "median_change", "hl_estimate",
                    "hl_ci_low", "hl_ci_high", "mean_change", "mean_ci_low", "mean_ci_high", "wilcoxon_p",
                    "rank_biserial", "cohen_dz"],
        "n_improved": ["share_improved", "wilcoxon_p", "rank_biserial"],
        "n_unchanged": ["share_improved", "share_worse", "wilcoxon_p", "rank_biserial"],
        "n_worse": ["share_worse", "wilcoxon_p", "rank_biserial"],
    },
    "outcomes_attrition": {"n_stayed": ["mean_entry_stayed", "mean_entry_left", "mannwhitney_p"],
                           "n_left": ["mean_entry_stayed", "mean_entry_left", "mannwhitney_p"],
                           "n_entry": ["mean_entry_stayed", "mean_entry_left", "mannwhitney_p"]},
    "outcomes_waves_": {"n": ["mean", "median"]},
    "outcomes_by_": {"n_pairs": ["hl_estimate", "hl_ci_low", "hl_ci_high"]},
}


def is_outcome_table(name: str) -> bool:
    """Whether a published table is one of the outcome chapter's."""
    return name.startswith("outcomes_")


def _family(name: str) -> str:
    for prefix in ("outcomes_waves_", "outcomes_bands_", "outcomes_by_"):
        if name.startswith(prefix):
            return prefix
    return name


def outcome_count_columns(name: str, frame: pd.DataFrame) -> list[str]:
    """Count columns of an outcome table (the band cross-tab: every column but the row label).

    Examples
    --------
    >>> outcome_count_columns("outcomes_by_relay", pd.DataFrame(columns=["group", "n_pairs", "hl_estimate"]))
    ['n_pairs']
    """
    family = _family(name)
    if family == "outcomes_bands_":
        return [c for c in frame.columns if c != _band_label_column(frame)]
    return [c for c in OUTCOME_COUNTS.get(family, []) if c in frame.columns]


def _band_label_column(frame: pd.DataFrame) -> str | None:
    """The column holding the entry band of a band cross-tab read from CSV (``"entree \\ suivi"``)."""
    first = frame.columns[0] if len(frame.columns) else None
    return first if first is not None and "\\" in str(first) else None


def _population(score: object) -> str:
    score = str(score)
    return score if score.startswith("subscale_") else "score"


def outcome_cells(name: str, frame: pd.DataFrame, year: int) -> Iterator[tuple[int, str, tuple]]:
    """Every count cell of an outcome table with its quantity key (see the module's docstring)."""
    family = _family(name)
    rows = frame.to_dict("records")
    if family == "outcomes_bands_":
        inst = name[len(family):]
        label = _band_label_column(frame)
        labels = frame[label].tolist() if label else [str(i) for i in frame.index]
        m = f"outcome:{inst}:score"
        for i, row in enumerate(rows):
            before = str(labels[i])
            for column in outcome_count_columns(name, frame):
                after = str(column)
                if before == "total" and after == "total":
                    key = (m, "W", year, "", "")
                elif before == "total":
                    key = (m, "W", year, "band_to", after)
                elif after == "total":
                    key = (m, "W", year, "band_from", before)
                else:
                    key = (m, "W", year, "band", f"{before}>{after}")
                yield i, column, key
        return
    for i, row in enumerate(rows):
        inst = str(row.get("instrument", ""))
        keys: dict[str, tuple] = {}
        if family == "outcomes_change":
            m = f"outcome:{inst}:{_population(row.get('score'))}"
            keys = {"n_pairs": (m, "W", year, "", ""), "n_improved": (m, "W", year, "change", "improved"),
                    "n_unchanged": (m, "W", year, "change", "unchanged"),
                    "n_worse": (m, "W", year, "change", "worse")}
        elif family == "outcomes_attrition":
            entry = f"outcome_entry:{inst}"
            keys = {"n_entry": (entry, "W", year, "", ""), "n_stayed": (f"outcome:{inst}:score", "W", year, "", ""),
                    "n_left": (entry, "W", year, "followup", "no")}
        elif family == "outcomes_waves_":
            inst = inst or name[len(family):]
            if str(row.get("group")) == "all":
                keys = {"n": (f"outcome_entry:{inst}", "W", year, "", "")}
            elif str(row.get("group")) == "paired":
                keys = {"n": (f"outcome:{inst}:score", "W", year, "", "")}
        elif family == "outcomes_by_":
            by, group, m = name[len(family):], str(row.get("group")), f"outcome:{inst}:score"
            scope = {"province": f"P:{group}", "relay": f"R:{group}"}.get(by)
            if scope is not None:
                keys = {"n_pairs": (m, scope, year, "", "")}
            elif by in ("dose", "year"):
                keys = {"n_pairs": (m, "W", year, "dose" if by == "dose" else "entry_year", group)}
        for column, key in keys.items():
            if column in frame.columns:
                yield i, column, key


def outcome_relations(values: dict, relay_province: dict[str, str]) -> Iterator[tuple[tuple, float, float]]:
    """Relations between outcome quantities: ``(terms, lo, hi)`` with ``lo <= sum(coef * q) <= hi``.

    ``values`` maps every quantity of the publication to its value (only its keys are
    used); ``relay_province`` maps relays to provinces (from the reach tables).
    """
    fam: dict[tuple, list[tuple]] = {}
    for key in values:
        if key[0].startswith(("outcome:", "outcome_entry:")):
            fam.setdefault((key[0], key[1], key[2], key[3]), []).append(key)

    def exact(total: tuple, parts: list[tuple]) -> tuple:
        return (((total, 1.0), *((p, -1.0) for p in sorted(parts))), 0.0, 0.0)

    for (m, scope, y, dim), parts in fam.items():
        total = (m, scope, y, "", "")
        if not dim or total not in values:
            continue
        if dim in ("change", "dose", "entry_year", "band_from", "band_to"):
            yield exact(total, parts)
        elif dim == "band":
            for side, pos in (("band_from", 0), ("band_to", 1)):
                margins: dict[str, list[tuple]] = {}
                for p in parts:
                    margins.setdefault(p[4].split(">")[pos], []).append(p)
                for label, cells in margins.items():
                    margin = (m, scope, y, side, label)
                    if margin in values:
                        yield exact(margin, cells)
        elif dim == "followup" and m.startswith("outcome_entry:"):
            pairs = (f"outcome:{m.split(':', 1)[1]}:score", scope, y, "", "")
            if pairs in values:  # answered at entry = pairs + left
                yield exact(total, [pairs, *parts])
    # hierarchy: relays add up to their province, provinces to at most Wallonia
    groups = sorted({(m, y) for (m, scope, y, dim) in fam if not dim and m.startswith("outcome:")})
    for m, y in groups:
        provinces = sorted(k for (m2, s2, y2, d2), ks in fam.items() if (m2, y2, d2) == (m, y, "") and
                           s2.startswith("P:") for k in ks)
        relays = sorted(k for (m2, s2, y2, d2), ks in fam.items() if (m2, y2, d2) == (m, y, "") and
                        s2.startswith("R:") for k in ks)
        total = (m, "W", y, "", "")
        if total in values:
            for part in provinces + relays:
                yield ((total, 1.0), (part, -1.0)), 0.0, math.inf
            if provinces:
                yield ((total, 1.0), *((p, -1.0) for p in provinces)), 0.0, math.inf
        if relays and all(r[1][2:] in relay_province for r in relays):
            for prov in sorted({relay_province[r[1][2:]] for r in relays}):
                mine = [r for r in relays if relay_province[r[1][2:]] == prov]
                key = (m, f"P:{prov}", y, "", "")
                if key in values:
                    yield exact(key, mine)
                elif provinces:  # province not listed: none of its parents paired
                    yield ((*((r, 1.0) for r in mine),), 0.0, 0.0)


def mask_estimates(name: str, frame: pd.DataFrame, hidden: dict[str, list[bool]]) -> pd.DataFrame:
    """Blank the estimates of the rows whose counts are masked (``hidden``: column -> masked rows)."""
    rules = _ESTIMATES_OF.get(_family(name), {})
    out = frame.copy()
    for count, flags in hidden.items():
        for column in rules.get(count, []):
            if column in out.columns:
                col = out[column].astype(object)
                out[column] = col.where(~pd.Series(flags, index=out.index), pd.NA)
    return out


def apply_outcome_masks(name: str, frame: pd.DataFrame, system: object, masked: set, year: int,
                        threshold: int) -> pd.DataFrame:
    """An outcome table with the masks of a joint protection (``masked`` quantities of ``system``), estimates of
    masked rows blanked (:func:`mask_estimates`); ``attrs`` count the masked cells and rates."""
    from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed

    result = frame.copy()
    hidden: dict[str, list[bool]] = {}
    n_masked = n_rates = 0
    cells: dict[str, list[object]] = {}
    for i, column, _ in outcome_cells(name, frame, year):
        key = system.key_of[("W", name, i, column)]
        flags = hidden.setdefault(column, [False] * len(frame))
        values = cells.setdefault(column, list(frame[column].tolist()))
        if key in masked:
            flags[i] = True
            n_masked += 1
            values[i] = SUPPRESSED
    for column, values in cells.items():
        result[column] = pd.Series(values, index=result.index, dtype=object)
    for rate in LINK_RATES.get(name, {}):
        if rate not in frame.columns:
            continue
        values = list(frame[rate].tolist())
        for i in range(len(values)):
            if any(s in masked for s in system.rate_sources.get(("W", name, i, rate), ())):
                n_rates += not is_suppressed(values[i])
                values[i] = SUPPRESSED
        result[rate] = pd.Series(values, index=result.index, dtype=object)
    result = mask_estimates(name, result, hidden)
    result.attrs.update(frame.attrs)
    result.attrs.update(threshold=threshold, suppressed_cells=n_masked, suppressed_rates=n_rates,
                        protection="publication")
    return result
