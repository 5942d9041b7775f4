"""``relais`` command line: thin wrappers that turn errors into one-line messages.

Every subcommand catches the package's own errors (:class:`RelaisError`) and prints
them on one line (French, then English) with exit code 2; a Python traceback means a
bug, never bad input. The subcommands live in :mod:`relais_analysis.commands` (one module
per group) and :mod:`relais_analysis.outcomes.commands`; their words in ``texts/cli.toml``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Callable

from relais_analysis.commands.data import demo_args, demo_run, pseudonymise_args, pseudonymise_run, validate_args
from relais_analysis.commands.data import validate_run
from relais_analysis.commands.publish import audit_args, audit_run, charts_args, charts_run, indicators_args
from relais_analysis.commands.publish import indicators_run, map_args, map_run
from relais_analysis.commands.report import report_args, report_run
from relais_analysis.commands.workbooks import assemble_args, assemble_run, modele_args, modele_run
from relais_analysis.errors import RelaisError
from relais_analysis.outcomes.commands import outcomes_args as _outcomes_args, outcomes_run as _outcomes
from relais_analysis.outcomes.commands import questionnaire_args as _questionnaire_args, questionnaire_run as _questionnaire
from relais_analysis.texts import text

__all__ = ["main"]

# --------------------------------------------------------------------------- main

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]

#: Subcommand name -> (help, add-arguments function, run function); the help is the catalogue's ``cli.command.<name>``.
COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "validate": (text("cli.command.validate"), validate_args, validate_run),
    "demo": (text("cli.command.demo"), demo_args, demo_run),
    "indicators": (text("cli.command.indicators"), indicators_args, indicators_run),
    "map": (text("cli.command.map"), map_args, map_run),
    "charts": (text("cli.command.charts"), charts_args, charts_run),
    "report": (text("cli.command.report"), report_args, report_run),
    "audit": (text("cli.command.audit"), audit_args, audit_run),
    "pseudonymise": (text("cli.command.pseudonymise"), pseudonymise_args, pseudonymise_run),
    "modele": (text("cli.command.modele"), modele_args, modele_run),
    "assemble": (text("cli.command.assemble"), assemble_args, assemble_run),
    "questionnaire": (text("cli.command.questionnaire"), _questionnaire_args, _questionnaire),
    "outcomes": (text("cli.command.outcomes"), _outcomes_args, _outcomes),
}


def build_parser() -> argparse.ArgumentParser:
    """The ``relais`` argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(prog="relais", description=text("cli.description"))
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, configure, _run) in COMMANDS.items():
        configure(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``relais`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _help, _configure, run = COMMANDS[args.command]
    try:
        return run(args)
    except RelaisError as exc:
        print(text("cli.line.error", "fr", message=exc.message("fr")), file=sys.stderr)
        print(text("cli.line.error", "en", message=exc.message("en")), file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        print(text("cli.line.interrupted"), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: keep the traceback in a file, not on screen
        log = Path(tempfile.gettempdir()) / "relais-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(text("cli.line.internal_error", kind=type(exc).__name__, message=exc), file=sys.stderr)
        print(text("cli.line.internal_error_details", log=log), file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
