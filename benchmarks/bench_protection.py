"""Benchmark: the publication-wide protection and its audit on the demo data (2024).

Usage::

    .venv/bin/python benchmarks/bench_protection.py [--relays] [--repeat 3]

Prints:

- masked cells before issue 9 (each table protected on its own, a commune-of-residence
  table in every province report) and how many of them the attack recovers;
- masked cells with per-table protection of today's layout (residence tables once);
- masked cells after the joint protection, split into primary, per-table secondary and
  added by the audit, with the narrowest interval the exact attack leaves;
- times: raw tables of every scope (now computed once in the parent process), the
  protection (primary + per-table + audit rounds) in wall and CPU seconds, and an exact
  audit (two integer programs per masked quantity, what ``relais audit`` runs).

Target (issue 9): the protection adds at most 10 % to ``make report``. Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


def main() -> None:
    from relais_analysis.indicators import reach
    from relais_analysis.privacy.audit import audit_system
    from relais_analysis.config import PROVINCES
    from relais_analysis.intake.ingest import load_dataset
    from relais_analysis.privacy.linked import protect_publication
    from relais_analysis.privacy.links import build_system
    from relais_analysis.indicators.scope import for_province
    from relais_analysis.indicators.tables import indicator_tables, publish_tables, relay_tables

    parser = argparse.ArgumentParser()
    parser.add_argument("--relays", action="store_true", help="include one relay sheet per relay")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    dataset = load_dataset(DEMO)
    started = time.perf_counter()
    cpu = time.process_time()
    shared: dict = {}
    raw = [indicator_tables(dataset, 2024, province=code, shared=shared) for code in [None, *PROVINCES]]
    if args.relays:
        raw += [relay_tables(dataset, 2024, str(r), shared=shared) for r in dataset.relays["relay_id"]]
    print(f"raw tables, {len(raw)} scopes: wall {time.perf_counter() - started:.2f} s, "
          f"CPU {time.process_time() - cpu:.2f} s")

    old = {}
    for ts in raw:
        tables = dict(ts.tables)
        if ts.province_nis is not None:
            tables["reach_by_residence"] = reach.reach_by(for_province(dataset, ts.province_nis), 2024, "residence")
        published = publish_tables(replace(ts, tables=tables))
        scope = "W" if ts.province_nis is None and ts.relay_id is None else (
            f"R:{ts.relay_id}" if ts.relay_id else f"P:{ts.province_nis}")
        old[scope] = published
    system = build_system({s: ts.tables for s, ts in old.items()}, 2024, strict=False)
    attack = audit_system(system, exact=True)
    print(f"before issue 9 (per table, residence per province): {sum(t.total_suppressed for t in old.values())} "
          f"masked cells, {len(attack.recoverable)} recoverable exactly, {len(attack.unsafe)} unsafe")
    today = sum(publish_tables(ts).total_suppressed for ts in raw)
    print(f"per table, residence tables once: {today} masked cells")

    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        publication = protect_publication(raw)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    s = publication.stats
    print(f"joint protection: {s.cells_masked} masked cells ({s.quantities_masked} quantities: {s.primary} primary, "
          f"{s.by_tables} per table, {s.by_audit} added by the audit; {s.rates_masked} rates), {s.rounds} rounds")
    print(f"joint protection time: wall median {statistics.median(walls):.2f} s, CPU median "
          f"{statistics.median(cpus):.2f} s ({args.repeat} runs)")
    started = time.perf_counter()
    final = build_system({k: ts.tables for k, ts in publication.sets.items()}, 2024)
    exact = audit_system(final, exact=True)
    narrow = exact.narrowest()
    people = [hi - lo + 1 for k, (lo, hi) in exact.intervals.items() if k[0] in ("parents", "children", "families")]
    print(f"exact audit of the result: {len(exact.intervals)} masked, {len(exact.unsafe)} unsafe, narrowest "
          f"{narrow[1] if narrow else None} ({narrow[0] if narrow else ''}), narrowest for people "
          f"{min(people) if people else None} values; {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
