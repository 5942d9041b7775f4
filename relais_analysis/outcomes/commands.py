"""``relais questionnaire`` and ``relais outcomes``: argument parsers and runners for :mod:`relais_analysis.cli`.

Errors are the package's own (:class:`~relais_analysis.errors.RelaisError`): the CLI prints
them on one line and exits with code 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from relais_analysis.i18n import text, text_pair

__all__ = ["outcomes_args", "outcomes_run", "questionnaire_args", "questionnaire_run"]


def _help(key: str) -> str:
    """Bilingual help of an argument: ``"french / english"``."""
    return " / ".join(text_pair(f"outcome_cli.help.{key}"))


def questionnaire_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais questionnaire``."""
    p.add_argument("out_dir", type=Path, help=_help("out_dir"))
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--no-pdf", action="store_true", help=_help("no_pdf"))
    p.add_argument("--instruments", type=Path, default=None,
                   help=_help("instruments"))
    p.add_argument("--only", nargs="+", default=None, help=_help("only"))


def questionnaire_run(args: argparse.Namespace) -> int:
    """Write the printable questionnaire; print the files written."""
    from relais_analysis.errors import ParameterError
    from relais_analysis.outcomes.instruments import load_instruments
    from relais_analysis.outcomes.questionnaire_form import write_questionnaire

    instruments = load_instruments(*([args.instruments] if args.instruments else []))
    unknown = [i for i in (args.only or []) if i not in instruments]
    if unknown:
        raise ParameterError(*text_pair("outcome_cli.unknown_instruments", unknown=unknown, known=list(instruments)))
    for path in write_questionnaire(args.out_dir, lang=args.lang, pdf=not args.no_pdf, instruments=instruments,
                                    only=args.only):
        print(path)
    return 0


def outcomes_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais outcomes``."""
    p.add_argument("--year", type=int, required=True, help=_help("year"))
    p.add_argument("--data", type=Path, required=True, help=_help("data"))
    p.add_argument("--out", type=Path, required=True, help=_help("out_dir"))
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--threshold", type=int, default=5, help=_help("threshold"))


def outcomes_run(args: argparse.Namespace) -> int:
    """Write the protected outcome tables and charts of one entry year; print the sentences."""
    from relais_analysis.intake.ingest import load_dataset
    from relais_analysis.privacy.masked import check_threshold
    from relais_analysis.outcomes.chapter import OutcomeChapter
    from relais_analysis.privacy.canonical import outcome_publication

    threshold = check_threshold(args.threshold)
    dataset = load_dataset(args.data)
    protected = outcome_publication(dataset, args.year, threshold=threshold, lang=args.lang)  # the report's masks
    chapter = OutcomeChapter(dataset, args.year, lang=args.lang, threshold=threshold, protected=protected)
    if chapter.results is None:
        print(text("outcome_cli.no_entry", args.lang, year=args.year))
        return 0
    paths = chapter.write(args.out)
    print(chapter.results.note)
    for sentence in chapter.results.sentences + chapter.results.attrition_sentences:
        print(f"- {sentence}")
    print(text("outcome_cli.files_written", args.lang, n=len(paths), out=args.out))
    return 0
