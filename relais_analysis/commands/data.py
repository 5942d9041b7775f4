"""``relais validate``, ``relais demo`` and ``relais pseudonymise``: the data before any indicator."""

from __future__ import annotations

import argparse
from pathlib import Path

from relais_analysis.texts import text

__all__ = ["demo_args", "demo_run", "pseudonymise_args", "pseudonymise_run", "validate_args", "validate_run"]


def _print_table(frame) -> None:
    print(frame.to_string(index=False))


# --------------------------------------------------------------------------- validate


def validate_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais validate``."""
    p.add_argument("data_dir", type=Path, help=text("cli.help.exports_dir"))
    p.add_argument("--strict", action="store_true", help=text("cli.help.strict"))
    p.add_argument("--report", type=Path, help=text("cli.help.rejection_report"))
    p.add_argument("--as-of", help=text("cli.help.as_of_metadata"))


def validate_run(args: argparse.Namespace) -> int:
    """Exit 0: every row accepted (warnings allowed); 1: rows rejected; 2: data unusable (error)."""
    from relais_analysis.intake.ingest import load_dataset, loss_problems, write_rejections

    dataset = load_dataset(args.data_dir, as_of=args.as_of, strict=args.strict)
    print(text("cli.line.data", folder=args.data_dir, as_of=dataset.as_of.isoformat(),
               synthetic=text("cli.line.synthetic") if dataset.synthetic else ""))
    summary = dataset.summary()
    _print_table(summary.rename(columns={c: text(f"cli.summary_column.{c}") for c in summary.columns}))
    for note in dataset.notes:
        print(text("cli.line.note", note=note))
    n_rejected = int(summary["rejected"].sum())
    n_warned = len(dataset.warnings)
    if args.report:
        write_rejections(dataset, args.report)
        print(text("cli.line.rejection_report", path=args.report, rejections=len(dataset.rejections),
                   warnings=n_warned))
    elif n_rejected or n_warned:
        print(text("cli.line.rows_rejected", rejected=n_rejected, warnings=n_warned))
    for problem in loss_problems(dataset):
        print(text("cli.line.refused_without_accept", problem=problem))
    return 1 if n_rejected else 0


# --------------------------------------------------------------------------- demo


def demo_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais demo``."""
    p.add_argument("out_dir", type=Path)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--scale", type=float, default=1.0, help=text("cli.help.scale"))
    p.add_argument("--workbooks", action="store_true", help=text("cli.help.demo_workbooks"))


def demo_run(args: argparse.Namespace) -> int:
    """Write the synthetic demo data (or its 19 filled relay workbooks); exit 0."""
    from relais_analysis.demo.dataset import DEMO_SEED, write_demo

    if args.workbooks:
        from relais_analysis.demo.workbooks import write_demo_workbooks

        result = write_demo_workbooks(args.out_dir, seed=DEMO_SEED if args.seed is None else args.seed)
        print(text("cli.line.demo_workbooks", n=len(result.workbooks), folder=args.out_dir,
                   planted=len(result.planted), manifest=result.manifest.name))
        return 0
    summary = write_demo(args.out_dir, seed=DEMO_SEED if args.seed is None else args.seed, scale=args.scale)
    print(text("cli.line.demo_written", folder=args.out_dir))
    for key, value in summary.items():
        print(f"  {key}: {value}")
    return 0


# --------------------------------------------------------------------------- pseudonymise


def pseudonymise_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais pseudonymise``."""
    p.add_argument("input", type=Path, help=text("cli.help.names_input"))
    p.add_argument("output", type=Path, help=text("cli.help.names_output"))
    p.add_argument("--key-file", type=Path, required=True, help=text("cli.help.key_file"))
    p.add_argument("--columns", nargs="+", help=text("cli.help.identifying_columns"))
    p.add_argument("--family-columns", nargs="+", help=text("cli.help.family_columns"))
    p.add_argument("--id-column", default="participant_id")


def pseudonymise_run(args: argparse.Namespace) -> int:
    """Replace names by pseudonymous codes; exit 0."""
    from relais_analysis.intake.pseudonymise import pseudonymise_file

    result = pseudonymise_file(args.input, args.output, args.key_file, columns=args.columns,
                               family_columns=args.family_columns, id_column=args.id_column)
    print(text("cli.line.pseudonymised", rows=result.rows, output=result.output))
    family = text("cli.line.family_columns", columns=result.family_columns) if result.family_columns else ""
    print(text("cli.line.hashed_columns", columns=result.identifying_columns, family=family))
    print(text("cli.line.removed_columns", columns=result.dropped_columns))
    for rows in result.probable_duplicates:
        print(text("cli.line.probable_duplicate", rows=", ".join(map(str, rows))))
    if result.key_created:
        print(text("cli.line.new_key", path=args.key_file))
    return 0
