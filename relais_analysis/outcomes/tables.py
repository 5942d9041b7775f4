"""Outcome tables, protected like every other published table.

Every count of people goes through :func:`relais_analysis.privacy.suppress.suppress_small_counts`
with the additivity the table really has (improved + unchanged + worse = pairs; bands
add up to the wave's total; the band cross-tab adds up both ways; stayed + left =
answered at entry). Estimates from fewer than :data:`~.statistics.MIN_PAIRS` pairs are
not shown (``note`` says "effectif insuffisant"). :func:`write_outcome_tables` publishes
them like every other table (:func:`relais_analysis.privacy.published_csv.write_excel_csv`:
checked, French names and headers, ``;`` and BOM, ``tables.json``, a workbook sheet).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.privacy.checks import check_publishable
from relais_analysis.i18n import check_lang
from relais_analysis.privacy.masked import is_suppressed
from relais_analysis.privacy.suppress import suppress_small_counts
from relais_analysis.outcomes.instruments import Instrument
from relais_analysis.outcomes.statistics import Attrition, PairedChange

__all__ = [
    "INSUFFICIENT",
    "attrition_table",
    "band_shift_table",
    "change_table",
    "wave_table",
    "write_outcome_tables",
]

#: Note shown instead of estimates from fewer than 10 pairs.
INSUFFICIENT = {"fr": "effectif insuffisant (moins de 10 paires)", "en": "too few pairs (fewer than 10)"}
_CHANGE_COUNTS = ["n_pairs", "n_improved", "n_unchanged", "n_worse"]
_ESTIMATES = ["median_before", "median_after", "median_change", "hl_estimate", "hl_ci_low", "hl_ci_high",
              "mean_change", "mean_ci_low", "mean_ci_high", "wilcoxon_p", "rank_biserial", "cohen_dz"]


def _score_label(inst: Instrument, score: str, lang: str) -> str:
    if score == "score":
        return inst.name(lang)
    if score == inst.conversion_name:
        return f"{inst.name(lang)}, {inst.raw['score']['conversion'][lang]}"
    sub = next((s for s in inst.subscales if f"subscale_{s.id}" == score), None)
    return f"{inst.name(lang)}, {sub.en if lang == 'en' else sub.fr}" if sub else f"{inst.name(lang)}, {score}"


def change_table(results: list[PairedChange], instruments: dict[str, Instrument], *, lang: str = "fr",
                 threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per paired comparison: counts (protected), estimates with their CIs, notes.

    Columns: ``instrument``, ``score``, ``measure`` (readable name), ``wave_from``,
    ``wave_to``, ``direction``, ``n_pairs``, ``n_improved``, ``n_unchanged``,
    ``n_worse``, ``share_improved``, ``share_worse``, the estimates of
    :class:`~.statistics.PairedChange` (empty below 10 pairs), ``hl_ci_method``,
    ``wilcoxon_method``, ``validated``, ``working_translation`` and ``note``.

    Raises
    ------
    PrivacyError
        Never for a table this function built; listed because suppression may raise
        on an impossible cross-tab.
    """
    rows = []
    for res in results:
        inst = instruments[res.instrument]
        row = {"instrument": res.instrument, "score": res.score, "measure": _score_label(inst, res.score, lang),
               "wave_from": res.wave_from, "wave_to": res.wave_to, "direction": inst.direction,
               "n_pairs": res.n_pairs}
        if res.sufficient:
            row.update(n_improved=res.n_improved, n_unchanged=res.n_unchanged, n_worse=res.n_worse,
                       share_improved=res.n_improved / res.n_pairs, share_worse=res.n_worse / res.n_pairs)
            row.update({k: getattr(res, k) for k in _ESTIMATES})
            row.update(hl_ci_method=res.hl_ci_method, wilcoxon_method=res.wilcoxon_method, note="")
        else:
            row.update(n_improved=pd.NA, n_unchanged=pd.NA, n_worse=pd.NA, share_improved=pd.NA, share_worse=pd.NA)
            row.update({k: pd.NA for k in _ESTIMATES})
            row.update(hl_ci_method="", wilcoxon_method="", note=INSUFFICIENT[lang])
        row.update(validated=inst.validated, working_translation=inst.working_translation)
        rows.append(row)
    columns = (["instrument", "score", "measure", "wave_from", "wave_to", "direction"] + _CHANGE_COUNTS
               + ["share_improved", "share_worse"] + _ESTIMATES
               + ["hl_ci_method", "wilcoxon_method", "validated", "working_translation", "note"])
    table = pd.DataFrame(rows, columns=columns)
    if not len(table):
        table.attrs["threshold"] = threshold
        return table
    # rows are separate comparisons (not additive); below 10 pairs only n_pairs is published
    enough = table["note"] == ""
    parts = []
    if enough.any():
        parts.append(suppress_small_counts(table[enough], _CHANGE_COUNTS, threshold=threshold, additive_rows=False,
                                           additive_columns=True, total_column="n_pairs",
                                           rate_columns={"share_improved": "n_improved", "share_worse": "n_worse"}))
    if (~enough).any():
        part = suppress_small_counts(table[~enough], ["n_pairs"], threshold=threshold, additive_rows=False)
        for col in _CHANGE_COUNTS[1:] + ["share_improved", "share_worse"]:
            part[col] = pd.Series(pd.NA, index=part.index, dtype=object)
        parts.append(part)
    out = pd.concat(parts).loc[table.index] if len(parts) > 1 else parts[0]
    out.attrs["threshold"] = threshold
    return out


def wave_table(summary: pd.DataFrame, instrument: Instrument, *,
               threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Protected per-wave table (output of :func:`~.statistics.wave_summary`).

    ``n`` is masked when small, and so are the mean and median of that wave.
    """
    table = summary.copy()
    table.insert(0, "instrument", instrument.id)
    if not len(table):
        table.attrs["threshold"] = threshold
        return table
    masked = suppress_small_counts(table, ["n"], threshold=threshold, additive_rows=False)
    small = masked["n"].map(lambda v: not isinstance(v, int))
    masked.loc[small, ["mean", "median"]] = pd.NA
    return masked


def band_shift_table(change: PairedChange, instrument: Instrument, *, lang: str = "fr",
                     threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame | None:
    """Protected cross-tab of bands before (rows) and after (columns), with totals; None if not estimable."""
    if not change.sufficient or change.band_shift is None:
        return None
    labels = {b.id: b.label(lang) for b in instrument.bands}
    shift = change.band_shift.copy()
    shift.index = [labels[i] for i in shift.index]
    shift.columns = [labels[c] for c in shift.columns]
    total = "total"
    shift[total] = shift.sum(axis=1)
    shift.loc[total] = shift.sum(axis=0)
    shift.index.name = f"{change.wave_from} \\ {change.wave_to}"
    return suppress_small_counts(shift.astype(int), list(shift.columns), threshold=threshold, additive_rows=True,
                                 additive_columns=True, total_row=total, total_column=total)


def attrition_table(results: list[Attrition], *, threshold: int = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """Protected attrition table: ``n_entry`` = ``n_stayed`` + ``n_left``, entry means when compared."""
    rows = [{"instrument": a.instrument, "wave_from": a.wave_from, "wave_to": a.wave_to,
             "n_entry": a.n_stayed + a.n_left, "n_stayed": a.n_stayed, "n_left": a.n_left,
             "mean_entry_stayed": a.mean_stayed if a.compared else pd.NA,
             "mean_entry_left": a.mean_left if a.compared else pd.NA,
             "mannwhitney_p": a.mannwhitney_p if a.compared else pd.NA,
             "left_worse_at_entry": a.left_worse} for a in results]
    table = pd.DataFrame(rows, columns=["instrument", "wave_from", "wave_to", "n_entry", "n_stayed", "n_left",
                                        "mean_entry_stayed", "mean_entry_left", "mannwhitney_p",
                                        "left_worse_at_entry"])
    if not len(table):
        table.attrs["threshold"] = threshold
        return table
    return suppress_small_counts(table, ["n_entry", "n_stayed", "n_left"], threshold=threshold,
                                 additive_rows=False, additive_columns=True, total_column="n_entry")


#: Count columns of each published table (checked before writing).
COUNT_COLUMNS = {
    "outcomes_change": _CHANGE_COUNTS,
    "outcomes_attrition": ["n_entry", "n_stayed", "n_left"],
}


def _count_columns(name: str, table: pd.DataFrame) -> list[str]:
    if name in COUNT_COLUMNS:
        return COUNT_COLUMNS[name]
    if name.startswith("outcomes_waves"):
        return ["n"]
    if name.startswith("outcomes_by_"):
        return ["n_pairs"]
    return list(table.columns)


def write_outcome_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path, *, lang: str = "fr",
                         prefix: str = "", year: int | None = None) -> list[Path]:
    """Write protected outcome tables as published tables: CSV, ``tables.json`` and workbook sheets.

    Each table goes through :func:`relais_analysis.privacy.published_csv.write_excel_csv`
    like the indicator tables: French file name (``evolution_entree_suivi.csv``,
    :func:`~relais_analysis.privacy.published_columns.file_stem`; English names with
    ``lang="en"``), headers in ``lang``, ``;`` and BOM in French, estimates with two
    decimals, p-values with three, shares as percentages, masked cells ``n.p.``. Each
    gets an entry in the folder's ``tables.json`` (columns in both languages; added to
    the indicator tables' manifest when the report wrote one) and a sheet in its
    workbook (``tableaux.xlsx``).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Name -> protected table (from this module). Names starting with
        ``outcomes_waves`` or ``outcomes_bands`` have every numeric count column checked.
    out_dir : str or Path
    lang : {"fr", "en"}
    prefix : str
        File name prefix.
    year : int, optional
        Year written in a manifest this call creates (a folder without indicator tables).

    Returns
    -------
    list of Path
        The CSV files (the manifest and workbook are updated beside them).

    Raises
    ------
    PrivacyError
        If a table still holds a small count; nothing is written.
    ParameterError
        Invalid ``lang``.
    """
    from relais_analysis.indicators.tables import table_title
    from relais_analysis.outcomes import load_instruments
    from relais_analysis.privacy.published_csv import file_stem, manifest_entry, update_manifest, write_excel_csv
    from relais_analysis.privacy.published_xlsx import WORKBOOK_NAMES, add_sheets

    lang = check_lang(lang)
    out = Path(out_dir)
    chosen = {name: table for name, table in tables.items() if table is not None}
    counts = {name: _count_columns(name, table) for name, table in chosen.items()}
    thresholds = {name: table.attrs.get("threshold", DEFAULT_THRESHOLD) for name, table in chosen.items()}
    for name, table in chosen.items():  # every check before anything is written
        check_publishable(table, threshold=thresholds[name], count_columns=counts[name])
    short = {key: inst.short_name for key, inst in load_instruments().items()}
    paths, entries = [], []
    for name, table in chosen.items():
        path = write_excel_csv(table, out / f"{prefix}{file_stem(name, lang)}.csv", threshold=thresholds[name],
                               lang=lang, count_columns=counts[name])
        shown = table if isinstance(table.index, pd.RangeIndex) and table.index.name is None else table.reset_index()
        entry = manifest_entry(name, path.name, shown, lang, {lg: table_title(name, lg, short) for lg in ("fr", "en")})
        masked = sum(is_suppressed(v) for c in counts[name] if c in table.columns for v in table[c])
        entries.append({**entry, "people_count_columns": [c for c in counts[name] if c in table.columns],
                        "suppressed_cells": int(masked)})
        paths.append(path)
    if not chosen:
        return paths
    update_manifest(out / f"{prefix}tables.json", entries, year=year, published=True)
    threshold = max(thresholds.values())
    add_sheets(chosen, out / f"{prefix}{WORKBOOK_NAMES[lang]}", titles={n: table_title(n, lang, short) for n in chosen},
               lang=lang, threshold=threshold, count_columns=counts)
    return paths
