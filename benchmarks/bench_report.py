"""Benchmark: wall time of ``relais report --year 2024`` on the demo data (6 reports, then with 19 relay sheets).

Usage::

    .venv/bin/python benchmarks/bench_report.py [--workers 2] [--repeat 3] [--fresh]

Prints, next to each other (wall time min and median over the runs, and the CPU time of
all processes of a build: a figure that a loaded machine inflates much less than wall time;
the load average is printed before and after, say it with the figures):

- the floor: a papermill run of an empty notebook (kernel start + papermill overhead),
  on the same machine and kernel; and the same empty notebook on a warm kernel (reset +
  papermill: what each notebook of a build pays before computing anything);
- the 6-report set (Wallonia + 5 provinces, warm kernels, one per worker, shared work),
  first with the canonical protection cache COLD (an empty cache folder: the main process
  protects the year and its past years), then WARM (read back from the disk cache, the
  in-memory memo cleared before each build as in a new ``relais report`` process);
- the full set (the 6 reports and the 19 relay sheets), cache warm;
- with ``--fresh``: the 6-report set with a fresh kernel per notebook and no shared work
  (``reuse_kernels=False, share_work=False``), for comparison;
- one warm process: the same ``AnnualReport(...).write_outputs()`` the notebooks run,
  timed in one process (tables, figures, map), and per notebook of the fastest 6-report
  run its papermill and HTML export times.

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

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


def _floor(kernel: str) -> float:
    import nbformat  # imported after the builds: their workers import papermill themselves, as with the CLI
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


def _warm_floor(kernel: str, runs: int = 3) -> float:
    """An empty notebook on a warm kernel, as a build's worker runs it (reset, then papermill): the fixed cost per
    notebook of a build, best of ``runs`` after a first run."""
    import nbformat

    from relais_analysis.report.build import _kernel_manager_class
    from relais_analysis.report.kernel_pool import WarmKernel

    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.ipynb"
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})],
                                      metadata={"kernelspec": {"name": kernel, "language": "python",
                                                               "display_name": kernel}})
        nbformat.write(nb, empty)
        warm = WarmKernel(kernel, Path(tmp), _kernel_manager_class())
        try:
            times = []
            for run in range(runs + 1):
                started = time.perf_counter()
                warm.execute_notebook(empty, Path(tmp) / "out.ipynb", {"x": run})
                times.append(time.perf_counter() - started)
        finally:
            warm.shutdown()
    return min(times[1:])


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


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (workers, and the kernels they reaped)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def _build(relays: bool, reuse: bool, share: bool, workers: int) -> tuple[float, float, object]:
    from relais_analysis.privacy import canonical
    from relais_analysis.report.build import build_report

    canonical._MEMO.clear()  # a new process: only the disk cache (if warm) survives

    with tempfile.TemporaryDirectory() as tmp:
        started, cpu = time.perf_counter(), _cpu()
        result = build_report(2024, data_dir=DEMO, out_dir=tmp, workers=workers, progress=False, relays=relays,
                              reuse_kernels=reuse, share_work=share)
        wall, cpu = time.perf_counter() - started, _cpu() - cpu
    if not result.ok:
        raise SystemExit(f"report failed: {[r.error for r in result.results if not r.ok]}")
    return wall, cpu, result


def _summary(name: str, runs: list[tuple[float, float, object]], target: str = "") -> str:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    return (f"{name}: {min(walls):.1f} s wall min, {statistics.median(walls):.1f} s median over {len(runs)} run(s); "
            f"CPU {min(cpus):.1f} s (all processes){target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each set; min and median are reported")
    parser.add_argument("--fresh", action="store_true",
                        help="also the 6-report set with a fresh kernel per notebook and no shared work")
    args = parser.parse_args(argv)
    from relais_analysis.privacy import protection_cache
    from relais_analysis.report.build import KERNEL_NAME, ensure_kernel

    ensure_kernel()
    cache_dir = tempfile.mkdtemp(prefix="bench-protection-cache-")
    os.environ[protection_cache.ENV_VAR] = cache_dir  # starts empty: the first build is cold
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, workers {args.workers}; {_load()}")
    runs: dict[str, list] = {"six": [], "full": [], "fresh": [], "cold": []}
    runs["cold"].append(_build(False, True, True, args.workers))
    cold_load = _load()
    for _ in range(args.repeat):  # interleaved, so that a burst of load hits both sets alike
        runs["six"].append(_build(False, True, True, args.workers))
        runs["full"].append(_build(True, True, True, args.workers))
    if args.fresh:
        runs["fresh"].append(_build(False, False, False, args.workers))
    floors = [_floor(KERNEL_NAME) for _ in range(3)]
    import relais_analysis.report.content  # noqa: F401  (import cost kept out of the computation timings)

    with tempfile.TemporaryDirectory() as tmp:
        compute = _computation(Path(tmp))
    floor = min(floors)
    print(f"floor: papermill run of an empty notebook: {floor:.2f} s (median {statistics.median(floors):.2f} s)")
    print(f"floor on a warm kernel (reset + papermill, as in a build): {_warm_floor(KERNEL_NAME):.2f} s")
    print(_summary("6-report set, protection cache COLD (empty)", runs["cold"], f"; {cold_load}"))
    print(_summary("6-report set (Wallonia + 5 provinces), protection cache WARM", runs["six"],
                   " (target: 10 s wall on 2 cores)"))
    full = runs["full"][0][2]
    print(_summary(f"full set, 6 reports + {len(full.results) - 6} relay sheets, protection cache WARM", runs["full"],
                   " (target: 30 s wall on 2 cores)"))
    for name, key in (("cold 6", "cold"), ("warm 6", "six"), ("warm full", "full")):
        wall = min(r[0] for r in runs[key])
        print(f"  {name}: {wall / floor:.1f} x the floor (wall)")
    if runs["fresh"]:
        print(_summary("6-report set, a fresh kernel per notebook, no shared work", runs["fresh"]))
    print(f"one warm process, the 6 reports' AnnualReport(...).write_outputs(): {sum(compute.values()):.1f} s")
    wall, _, result = min(runs["six"], key=lambda r: r[0])
    print(f"\nfastest 6-report run, per notebook:\n{'notebook':<16}{'papermill s':>12}{'compute s':>11}"
          f"{'overhead s':>12}{'export s':>10}")
    keys = {"wallonie": "03000", "brabant-wallon": "20002", "hainaut": "50000", "liege": "60000",
            "luxembourg": "80000", "namur": "90000"}
    for res in result.results:
        run = res.seconds.get("execute", float("nan"))
        comp = compute[keys[res.job.key]]
        print(f"{res.job.key:<16}{run:>12.2f}{comp:>11.2f}{run - comp:>12.2f}{res.seconds.get('export', 0):>10.2f}")
    import shutil

    shutil.rmtree(cache_dir, ignore_errors=True)
    print(f"\ncompute = the same scope in one warm process, without the build's shared work (it loads the data and "
          f"protects its tables itself); overhead = papermill - compute. {_load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
