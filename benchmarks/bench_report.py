"""Benchmark: wall time of ``relais report --year 2024`` on the demo data (6 reports, then with 19 relay sheets).

Usage::

    .venv/bin/python benchmarks/bench_report.py [--workers 2] [--repeat 2]

Prints, next to each other:

- the floor: a papermill run of an empty notebook (kernel start + papermill overhead),
  on the same machine and kernel;
- the 6-report set (Wallonia + 5 provinces, warm kernels, one per worker), its wall
  time, and per notebook: papermill execution time and HTML export time;
- the full set (the 6 reports and the 19 relay sheets), warm kernels;
- the 6-report set with a fresh kernel per notebook (``reuse_kernels=False``), for comparison;
- the computation alone: the same ``AnnualReport(...).write_outputs()`` the notebooks
  run, timed in one warm process (tables, figures, map), to split execution into
  computation and kernel/papermill overhead.

Targets (issue 10), measured in one run on 2 cores: the 6-report set within 10 s wall, the
full set with the relay sheets within 30 s. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


def _floor(kernel: str) -> float:
    import papermill as pm

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.ipynb"
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})],
                                      metadata={"kernelspec": {"name": kernel, "language": "python",
                                                               "display_name": kernel}})
        nbformat.write(nb, empty)
        started = time.perf_counter()
        pm.execute_notebook(str(empty), str(Path(tmp) / "out.ipynb"), parameters={"x": 2}, kernel_name=kernel,
                            progress_bar=False)
        return time.perf_counter() - started


def _computation(out: Path) -> dict[str, float]:
    from relais_analysis.report.content import AnnualReport
    from relais_analysis.config import PROVINCES

    timings = {}
    for code in [None, *PROVINCES]:
        started = time.perf_counter()
        AnnualReport(year=2024, province=code, data_dir=str(DEMO), output_dir=str(out / (code or "wallonie"))
                     ).write_outputs()
        timings[code or "03000"] = time.perf_counter() - started
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=2, help="full report runs; the fastest is reported")
    args = parser.parse_args(argv)
    from relais_analysis.report.build import KERNEL_NAME, build_report, ensure_kernel

    ensure_kernel()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, workers {args.workers}")
    floors = [_floor(KERNEL_NAME) for _ in range(3)]
    print(f"floor: papermill run of an empty notebook: {min(floors):.2f} s (median {statistics.median(floors):.2f} s)")
    runs = {}
    for name, relays, reuse in (("six", False, True), ("full", True, True), ("fresh", False, False)):
        for _ in range(args.repeat if name == "six" else 1):
            with tempfile.TemporaryDirectory() as tmp:
                started = time.perf_counter()
                result = build_report(2024, data_dir=DEMO, out_dir=tmp, workers=args.workers, progress=False,
                                      relays=relays, reuse_kernels=reuse)
                wall = time.perf_counter() - started
                if not result.ok:
                    print("report failed:", [r.error for r in result.results if not r.ok])
                    return 1
                if name not in runs or wall < runs[name][0]:
                    runs[name] = (wall, result)
    wall, result = runs["six"]
    import relais_analysis.report.content  # noqa: F401  (import cost kept out of the computation timings)

    with tempfile.TemporaryDirectory() as tmp:
        compute = _computation(Path(tmp))
    full = runs["full"]
    print(f"\n6-report set (Wallonia + 5 provinces), warm kernels: {wall:.1f} s wall (target: 10 s on 2 cores)")
    print(f"full set, 6 reports + {len(full[1].results) - 6} relay sheets, warm kernels: {full[0]:.1f} s wall "
          f"(target: 30 s on 2 cores)")
    print(f"6-report set, a fresh kernel per notebook: {runs['fresh'][0]:.1f} s wall")
    print(f"{'notebook':<16}{'papermill s':>12}{'compute s':>11}{'overhead s':>12}{'export s':>10}")
    keys = {"wallonie": "03000", "brabant-wallon": "20002", "hainaut": "50000", "liege": "60000",
            "luxembourg": "80000", "namur": "90000"}
    for res in result.results:
        run = res.seconds.get("execute", float("nan"))
        comp = compute[keys[res.job.key]]
        print(f"{res.job.key:<16}{run:>12.2f}{comp:>11.2f}{run - comp:>12.2f}{res.seconds.get('export', 0):>10.2f}")
    total = sum(r.seconds.get("execute", 0) + r.seconds.get("export", 0) for r in result.results)
    print(f"\nsum of notebook times {total:.1f} s over {args.workers} worker(s); computation in one warm process: "
          f"{sum(compute.values()):.1f} s; overhead per notebook = papermill - compute (kernel start, imports, "
          f"papermill), floor {min(floors):.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
