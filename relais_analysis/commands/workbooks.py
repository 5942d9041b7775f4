"""``relais modele`` and ``relais assemble``: the relays' workbooks, out and back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from relais_analysis.texts import text

if TYPE_CHECKING:
    from relais_analysis.workbooks.assemble import Assembly

__all__ = ["assembled_line", "assemble_args", "assemble_run", "modele_args", "modele_run"]


def modele_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais modele``."""
    p.add_argument("out_dir", type=Path, help=text("cli.help.templates_out"))
    p.add_argument("--registry", type=Path, help=text("cli.help.registry"))
    p.add_argument("--year", type=int, help=text("cli.help.workbooks_year"))


def modele_run(args: argparse.Namespace) -> int:
    """Write one template workbook per relay; exit 0."""
    from relais_analysis.workbooks.template import write_templates

    paths = write_templates(args.out_dir, args.registry, year=args.year)
    print(text("cli.line.templates_written", n=len(paths), folder=args.out_dir))
    return 0


def assemble_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais assemble``."""
    p.add_argument("exports_dir", type=Path, help=text("cli.help.received_workbooks"))
    p.add_argument("--registry", type=Path, help=text("cli.help.registry"))
    p.add_argument("--out", type=Path, required=True, help=text("cli.help.assembled_out"))
    p.add_argument("--feedback", type=Path, help=text("cli.help.feedback"))
    p.add_argument("--as-of", help=text("cli.help.as_of_today"))


def assemble_run(args: argparse.Namespace) -> int:
    """Assemble the received workbooks into a data folder; exit 1 when a workbook or a row was refused."""
    from relais_analysis.workbooks.assemble import assemble
    from relais_analysis.workbooks.feedback import write_feedback

    result = assemble(args.exports_dir, args.out, args.registry, as_of=args.as_of)
    feedback_dir = args.feedback or args.out / "retours"
    write_feedback(result, feedback_dir)
    acc = result.accounts
    refused = result.workbooks[result.workbooks["refused"]]
    print(assembled_line(result))
    for entry in refused.itertuples(index=False):
        print(text("cli.line.workbook_refused", workbook=entry.workbook, how=entry.how))
    print(text("cli.line.assembled_data", folder=args.out, feedback=feedback_dir))
    return 1 if len(refused) or int(acc["rejected"].sum()) else 0


def assembled_line(result: Assembly) -> str:
    """The line ``relais assemble`` prints: workbooks tied and refused, rows read = accepted + rejected, warnings,
    counts grouped as in French ("lignes lues 36 549 = acceptées 36 543 + rejetées 6")."""
    from relais_analysis.i18n import format_int

    acc = result.accounts
    counts = {name: format_int(int(acc[name].sum())) for name in ("read", "accepted", "rejected", "warnings")}
    return text("cli.line.assembled", attached=int((~result.workbooks["refused"]).sum()),
                refused=int(result.workbooks["refused"].sum()), **counts)
