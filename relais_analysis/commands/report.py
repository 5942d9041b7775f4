"""``relais report``: the annual report site (papermill notebooks, index, methodology, PDF)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from relais_analysis.texts import text

__all__ = ["report_args", "report_run"]


def report_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais report``."""
    p.add_argument("--year", required=True)
    p.add_argument("--province", nargs="+", help=text("cli.help.report_provinces"))
    p.add_argument("--relays", action="store_true", help=text("cli.help.report_relays"))
    p.add_argument("--data", type=Path, default=None, help=text("cli.help.report_data"))
    p.add_argument("--out", type=Path, default=None, help=text("cli.help.report_out"))
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--threshold", type=int, default=None, help=text("cli.help.threshold"))
    p.add_argument("--pdf", action="store_true", help=text("cli.help.pdf"))
    p.add_argument("--population", type=Path, help=text("cli.help.population"))
    p.add_argument("--workers", type=int, default=None, help=text("cli.help.workers"))
    p.add_argument("--accept-losses", action="store_true", help=text("cli.help.report_accept_losses"))


def report_run(args: argparse.Namespace) -> int:
    """Build the report; exit 0, or 1 when a notebook failed."""
    from relais_analysis.config import DEFAULT_THRESHOLD, demo_dir, reports_dir
    from relais_analysis.report.build import build_report

    provinces = None
    if args.province:
        provinces = [None if p.lower() in {"wallonie", "wallonia"} else p for p in args.province]
    result = build_report(
        args.year, data_dir=args.data or demo_dir(), out_dir=args.out or reports_dir(), provinces=provinces,
        relays=args.relays, lang=args.lang, threshold=DEFAULT_THRESHOLD if args.threshold is None else args.threshold,
        pdf=args.pdf, workers=args.workers, population=args.population, accept_losses=args.accept_losses,
    )
    done = sum(r.ok for r in result.results)
    print(text("cli.line.notebooks_run", done=done, total=len(result.results), seconds=f"{result.seconds:.1f}"))
    if result.pdf:
        print(text("cli.line.pdf", path=result.pdf))
    print(text("cli.line.report", path=result.index.resolve()))
    if not result.ok:
        failed = [r.job.title for r in result.results if not r.ok]
        print(text("cli.line.notebooks_failed", n=len(failed), titles=", ".join(failed)), file=sys.stderr)
        return 1
    return 0
