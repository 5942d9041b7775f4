"""Benchmark: the outcome analysis on 10,000 questionnaires (target: each step under 1 s).

Usage::

    .venv/bin/python benchmarks/bench_outcomes.py [--rows 10000] [--repeat 3]

Builds a questionnaires table of about ``--rows`` rows by repeating the demo's
questionnaires under new participant codes (same answer distributions, about half
of the parents with a follow-up), then times, each ``--repeat`` times (median shown):

- validation of the raw table (what ``load_dataset`` adds for the questionnaires table);
- the whole analysis (:func:`relais_analysis.outcomes.analysis.analyse_outcomes`: scoring,
  per-wave figures, paired change with Hodges-Lehmann, Wilcoxon, bootstrap, attrition,
  protected tables and sentences);
- writing the protected CSV tables, and drawing the charts (PNG + SVG).

Not a test: speed targets live here, never in timed unit tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


def _tables(rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    base = pd.read_csv(DEMO / "questionnaires.csv", dtype="string")
    parts = pd.read_csv(DEMO / "participants.csv", dtype="string")
    copies = int(np.ceil(rows / len(base)))
    frames, people = [], []
    for k in range(copies):
        frame = base.copy()
        frame["participant_id"] = frame["participant_id"] + f"_{k}"
        frames.append(frame)
        p = parts.copy()
        p["participant_id"] = p["participant_id"] + f"_{k}"
        people.append(p)
    table = pd.concat(frames, ignore_index=True).iloc[:rows]
    return table, pd.concat(people, ignore_index=True)


def _time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from relais_analysis.outcomes import load_instruments
    from relais_analysis.outcomes.analysis import analyse_outcomes
    from relais_analysis.outcomes.charts import write_outcome_charts
    from relais_analysis.outcomes.tables import write_outcome_tables
    from relais_analysis.outcomes.validate import validate_questionnaires
    from relais_analysis.intake.readers import read_table_file

    table, participants = _tables(args.rows)
    instruments = load_instruments()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "questionnaires.csv"
        table.to_csv(path, index=False)
        raw = read_table_file(path, "questionnaires")
        t_validate, result = _time(lambda: validate_questionnaires(raw, participants, dt.date(2025, 10, 31),
                                                                   instruments=instruments), args.repeat)
        accepted = result[0]
        t_analysis, res = _time(lambda: analyse_outcomes(accepted, instruments), args.repeat)
        t_tables, _ = _time(lambda: write_outcome_tables(res.tables, Path(tmp) / "tables"), args.repeat)
        t_charts, _ = _time(lambda: write_outcome_charts(res.tables, instruments, Path(tmp) / "charts"), 1)
    pairs = {c.instrument: c.n_pairs for c in res.changes if c.score == "score"}
    print(f"questionnaires: {len(table):,} rows, {len(accepted):,} accepted; pairs per instrument: {pairs}")
    print(f"validation            {t_validate:6.3f} s   (median of {args.repeat})")
    print(f"analysis (all steps)  {t_analysis:6.3f} s   (median of {args.repeat}; target < 1 s)")
    print(f"write CSV tables      {t_tables:6.3f} s")
    print(f"charts (PNG + SVG)    {t_charts:6.3f} s   (one run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
