"""Outcome charts that read in ten seconds, drawn from the protected tables only.

- :func:`change_chart`: one row per instrument, the median change (Hodges-Lehmann)
  with its 95 % confidence interval, zero marked, and which side is "better";
- :func:`bands_chart`: for an instrument with bands, the share of the paired parents
  in each band at entry and at follow-up (100 % bars), from the band cross-tab margins.

Both use the house style and :func:`relais_analysis.outputs.charts.save_figure` (deterministic
files, alt text embedded).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
import pandas as pd  # noqa: E402

from relais_analysis.outputs.charts import OKABE_ITO, house_style, save_figure  # noqa: E402
from relais_analysis.i18n import format_decimal, format_int, format_percent, matplotlib_formatter, templates  # noqa: E402
from relais_analysis.privacy.suppression import is_missing, is_suppressed  # noqa: E402
from relais_analysis.outcomes.instruments import Instrument  # noqa: E402

__all__ = ["alt_text_change", "bands_chart", "change_chart", "write_outcome_charts"]

def _texts(lang: str) -> dict[str, str]:
    """The ``outcome.chart.*`` texts of the catalogue (fields unfilled); any language but English is French."""
    return templates("outcome.chart.", "en" if lang == "en" else "fr")


def change_chart(change: pd.DataFrame, instruments: dict[str, Instrument], *, lang: str = "fr") -> plt.Figure:
    """Dot-and-whisker chart of the median change per instrument (rows with ``score == "score"``).

    Raises
    ------
    KeyError
        If the table names an instrument missing from ``instruments``.
    """
    t = _texts(lang)
    rows = change[change["score"] == "score"].reset_index(drop=True)
    with house_style():
        fig, axes = plt.subplots(len(rows), 1, figsize=(7.0, 0.95 * len(rows) + 1.0), squeeze=False,
                                 layout="constrained")
        for ax, (_, row) in zip(axes[:, 0], rows.iterrows()):
            inst = instruments[row["instrument"]]
            ax.axvline(0, color="#444444", linewidth=0.8)
            ax.set_yticks([])
            ax.spines["left"].set_visible(False)
            span = (inst.score_max - inst.score_min) / 4
            ax.set_xlim(-span, span)
            # ticks on steps of 1, 2 or 5 (x 10^k): every tick is exact with one decimal (no -0,25 shown as -0,2)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 5, 10]))
            ax.xaxis.set_major_formatter(matplotlib_formatter("decimal", lang, 1))
            side = f"{t['better']} \u2192" if inst.higher_is_better else f"\u2190 {t['better']}"
            ax.set_title(f"{inst.short_name}   ({side})", fontsize=9.5, loc="left", pad=2)
            if is_missing(row["hl_estimate"]):
                ax.text(0.5, 0.5, t["insufficient"], transform=ax.transAxes, ha="center", va="center",
                        color="#555555")
                continue
            low, est, high = float(row["hl_ci_low"]), float(row["hl_estimate"]), float(row["hl_ci_high"])
            ax.errorbar([est], [0], xerr=[[est - low], [high - est]], fmt="o", color=OKABE_ITO[5], markersize=7,
                        ecolor=OKABE_ITO[4], elinewidth=2.5, capsize=6, capthick=2)
            n = row["n_pairs"]
            ax.text(1.0, 0.5, "  " + t["pairs"].format(n=format_int(n, lang)), transform=ax.transAxes, va="center",
                    fontsize=8, color="#555555")
            ax.set_ylim(-1, 1)
        axes[-1, 0].set_xlabel(f"{t['points']}. {t['note']}", fontsize=8, color="#555555")
        fig.suptitle(t["title"], x=0.01, ha="left", fontsize=11, fontweight="bold")
    return fig


def alt_text_change(change: pd.DataFrame, instruments: dict[str, Instrument], *, lang: str = "fr") -> str:
    """Text alternative of :func:`change_chart`."""
    t = _texts(lang)
    parts = []
    for _, row in change[change["score"] == "score"].iterrows():
        inst = instruments[row["instrument"]]
        if is_missing(row["hl_estimate"]):
            parts.append(f"{inst.short_name}: {t['insufficient']}")
        else:
            parts.append(f"{inst.short_name}: {format_decimal(row['hl_estimate'], lang)} "
                         f"[{format_decimal(row['hl_ci_low'], lang)} ; {format_decimal(row['hl_ci_high'], lang)}], "
                         + t["pairs"].format(n=format_int(row["n_pairs"], lang)))
    return f"{t['title']}. " + " ; ".join(parts) + f". {t['note']}"


def bands_chart(bands: pd.DataFrame, instrument: Instrument, *, lang: str = "fr") -> plt.Figure | None:
    """100 % bars of the band distribution of the paired parents at entry and follow-up.

    ``bands`` is the protected cross-tab of :func:`~.tables.band_shift_table`; None when a
    margin is masked (the shares would reveal it) or the table is missing.
    """
    if bands is None:
        return None
    t = _texts(lang)
    labels = [c for c in bands.columns if c != "total"]
    entry = [bands.loc[label, "total"] for label in labels]
    follow = [bands.loc["total", label] for label in labels]
    total = bands.loc["total", "total"]
    if any(is_suppressed(v) for v in entry + follow + [total]):
        return None
    colours = [OKABE_ITO[2], OKABE_ITO[1], OKABE_ITO[6]] if not instrument.higher_is_better else \
        [OKABE_ITO[6], OKABE_ITO[1], OKABE_ITO[2]]
    with house_style():
        fig, ax = plt.subplots(figsize=(7.0, 2.2), layout="constrained")
        for y, (wave, counts) in enumerate(((t["suivi"], follow), (t["entree"], entry))):
            left = 0.0
            for label, count, colour in zip(labels, counts, colours):
                share = count / total
                ax.barh(y, share, left=left, color=colour, edgecolor="white", label=label if y == 0 else None)
                if share >= 0.08:
                    ax.text(left + share / 2, y, format_percent(share, lang, 0), ha="center", va="center",
                            fontsize=8, color="white" if colour != OKABE_ITO[1] else "#222222")
                left += share
        ax.set_yticks([0, 1], [t["suivi"], t["entree"]])
        ax.set_xlim(0, 1)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.legend(ncols=len(labels), loc="upper left", bbox_to_anchor=(0, -0.02))
        ax.set_title(t["bands_title"].format(name=instrument.short_name) + f" ({t['pairs'].format(n=format_int(total, lang))})")
    return fig


def write_outcome_charts(tables: dict[str, pd.DataFrame], instruments: dict[str, Instrument], out_dir: str | Path,
                         *, lang: str = "fr", formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write the change chart and one band chart per instrument with bands; returns the files."""
    out = Path(out_dir)
    paths = []
    change = tables["outcomes_change"]
    if len(change):
        fig = change_chart(change, instruments, lang=lang)
        paths += save_figure(fig, out / "outcomes_change", alt_text=alt_text_change(change, instruments, lang=lang),
                             formats=formats, lang=lang)
        plt.close(fig)
    for inst_id, inst in instruments.items():
        fig = bands_chart(tables.get(f"outcomes_bands_{inst_id}"), inst, lang=lang)
        if fig is None:
            continue
        alt = (_texts(lang)["bands_title"].format(name=inst.short_name) + ". "
               + " ; ".join(str(c) for c in tables[f"outcomes_bands_{inst_id}"].columns if c != "total"))
        paths += save_figure(fig, out / f"outcomes_bands_{inst_id}", alt_text=alt, formats=formats, lang=lang)
        plt.close(fig)
    return paths
