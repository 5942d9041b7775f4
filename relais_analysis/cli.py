"""``relais`` command line: thin wrappers that turn errors into one-line messages.

Every subcommand catches the package's own errors (:class:`RelaisError`) and prints
them on one line (French, then English) with exit code 2; a Python traceback means a
bug, never bad input.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Callable

from relais_analysis.errors import RelaisError
from relais_analysis.outcomes.commands import outcomes_args as _outcomes_args, outcomes_run as _outcomes
from relais_analysis.outcomes.commands import questionnaire_args as _questionnaire_args, questionnaire_run as _questionnaire

__all__ = ["main"]

def _print_table(frame) -> None:
    print(frame.to_string(index=False))


# --------------------------------------------------------------------------- validate


def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("data_dir", type=Path, help="dossier des exports (relays.csv, activities.csv...)")
    p.add_argument("--strict", action="store_true", help="s'arrêter au premier problème / stop at the first problem")
    p.add_argument("--report", type=Path, help="fichier CSV du rapport de rejets / rejection report CSV")
    p.add_argument("--as-of", help="date d'extraction AAAA-MM-JJ (défaut : dataset.json ou aujourd'hui)")


def _validate(args: argparse.Namespace) -> int:
    """Exit 0: every row accepted (warnings allowed); 1: rows rejected; 2: data unusable (error)."""
    from relais_analysis.intake.ingest import load_dataset, loss_problems, write_rejections

    dataset = load_dataset(args.data_dir, as_of=args.as_of, strict=args.strict)
    print(f"Données / data: {args.data_dir}  (extraction {dataset.as_of.isoformat()}"
          f"{', DONNÉES SYNTHÉTIQUES' if dataset.synthetic else ''})")
    _print_table(dataset.summary())
    for note in dataset.notes:
        print(f"note: {note}")
    n_rejected = int(dataset.summary()["rejected"].sum())
    n_warned = len(dataset.warnings)
    if args.report:
        write_rejections(dataset, args.report)
        print(f"Rapport de rejets / rejection report: {args.report} ({len(dataset.rejections)} rejet(s), "
              f"{n_warned} avertissement(s))")
    elif n_rejected or n_warned:
        print(f"{n_rejected} ligne(s) rejetée(s), {n_warned} avertissement(s) ; détail avec --report rejets.csv "
              "/ rows rejected, warnings; details with --report")
    for problem in loss_problems(dataset):
        print(f"publication refusée sans --accept-losses / refused without --accept-losses: {problem}")
    return 1 if n_rejected else 0


# --------------------------------------------------------------------------- demo


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("out_dir", type=Path)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--scale", type=float, default=1.0, help="facteur de taille (benchmarks) / size factor")
    p.add_argument("--workbooks", action="store_true",
                   help="écrire 19 classeurs de relais remplis (pour relais assemble) / write 19 filled relay workbooks")


def _demo(args: argparse.Namespace) -> int:
    from relais_analysis.demo.dataset import DEMO_SEED, write_demo

    if args.workbooks:
        from relais_analysis.demo.workbooks import write_demo_workbooks

        result = write_demo_workbooks(args.out_dir, seed=DEMO_SEED if args.seed is None else args.seed)
        print(f"{len(result.workbooks)} classeurs de relais (synthétiques) écrits dans / relay workbooks written to "
              f"{args.out_dir} ; erreurs semées / planted errors: {len(result.planted)} ({result.manifest.name})")
        return 0
    summary = write_demo(args.out_dir, seed=DEMO_SEED if args.seed is None else args.seed, scale=args.scale)
    print(f"Données synthétiques écrites dans / synthetic data written to {args.out_dir}")
    for key, value in summary.items():
        print(f"  {key}: {value}")
    return 0


# --------------------------------------------------------------------------- indicators


def _indicators_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", required=True)
    p.add_argument("--data", type=Path, required=True, help="dossier de données / data folder")
    p.add_argument("--out", type=Path, required=True, help="dossier des tableaux CSV / output folder")
    p.add_argument("--province", help="code ou nom de province (défaut : Wallonie)")
    p.add_argument("--threshold", type=int, default=None, help="seuil de masquage (défaut 5, minimum 3)")
    p.add_argument("--households", type=Path, help="CSV des ménages monoparentaux par commune (facultatif)")
    p.add_argument("--population", type=Path,
                   help="fichier Statbel TF_SOC_POP_STRUCT_AAAA (défaut : population au 1er janvier 2020)")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--as-of", help="date d'extraction AAAA-MM-JJ")
    p.add_argument("--unsafe-internal", action="store_true",
                   help="écrire AUSSI les tableaux non masqués, dans un dossier voisin OUT-INTERNE_NE_PAS_PUBLIER "
                        "(usage interne, NE PAS PUBLIER)")
    p.add_argument("--accept-losses", action="store_true",
                   help="publier même si un relais a perdu plus de 10 %% de ses lignes / publish despite losses")


def _indicators(args: argparse.Namespace) -> int:
    from relais_analysis.analysis import Analysis, check_parameters
    from relais_analysis.i18n import format_int, format_percent
    from relais_analysis.indicators.tables import write_tables
    from relais_analysis.privacy.publication import check_output_dir

    params = dict(province=args.province, lang=args.lang, threshold=args.threshold, as_of=args.as_of,
                  population_file=args.population, households_file=args.households,
                  accept_losses=args.accept_losses)
    checked = check_parameters(args.data, args.year, **params)  # wrong parameters: one line, before anything else
    check_output_dir(args.out)  # a file given as --out: one line, before any computation
    analysis = Analysis.from_parameters(checked)  # nothing checked twice
    for problem in analysis.accepted_losses:  # refused (exit 1) unless --accept-losses
        print(f"ATTENTION, pertes acceptées / losses accepted: {problem}")
    raw, published, year, threshold = analysis.internal_tables, analysis.tables, analysis.year, analysis.threshold
    dataset = analysis.dataset
    files = analysis.write_tables(args.out)
    csvs, books = [p for p in files if p.suffix == ".csv"], [p.name for p in files if p.suffix == ".xlsx"]
    print(f"{len(csvs)} tableaux publiables écrits dans / publishable tables written to {args.out} "
          f"(CSV{''.join(' + ' + b for b in books)}) ({published.total_suppressed} case(s) masquée(s) < {threshold})")
    if args.unsafe_internal:  # beside --out, never inside the folder that gets published
        internal = args.out.resolve().parent / f"{args.out.resolve().name}-INTERNE_NE_PAS_PUBLIER"
        write_tables(raw, internal, prefix="INTERNE_NE_PAS_PUBLIER_")
        print(f"ATTENTION : tableaux NON MASQUÉS dans {internal} : usage interne du centre d'appui, ne pas publier.")
    region = raw.tables["reach_per_year"].set_index("year")
    cov = raw.tables["population_coverage"].iloc[-1]
    within = raw.tables["population_within"].set_index("radius_km")
    lang = args.lang
    if dataset.has_people and year in region.index:
        print(f"{year} : {format_int(region.loc[year, 'parents'], lang)} parents, "
              f"{format_int(region.loc[year, 'children'], lang)} enfants (personnes uniques)")
    elif year in region.index:
        print(f"{year} : {format_int(region.loc[year, 'attendances'], lang)} participations "
              "(comptages seuls : personnes uniques non calculables)")
    print(f"communes couvertes / covered: {cov['communes_covered']} / {cov['n_communes']} "
          f"({format_percent(cov['share_covered'], lang)} de la population)")
    if 10.0 in within.index:
        print(f"population à moins de 10 km d'un relais / within 10 km: "
              f"{format_int(within.loc[10.0, 'population_within'], lang)} "
              f"({format_percent(within.loc[10.0, 'share_within'], lang)})")
    return 0


# --------------------------------------------------------------------------- map and charts


def _scope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", required=True)
    p.add_argument("--data", type=Path, required=True, help="dossier de données / data folder")
    p.add_argument("--province", help="code ou nom de province (défaut : Wallonie)")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--threshold", type=int, default=None, help="seuil de masquage (défaut 5, minimum 3)")


def _analysis_for(args: argparse.Namespace):
    from relais_analysis.analysis import Analysis

    return Analysis(args.data, args.year, province=args.province, lang=args.lang, threshold=args.threshold)


def _map_args(p: argparse.ArgumentParser) -> None:
    _scope_args(p)
    p.add_argument("--out", type=Path, required=True, help="fichier HTML de la carte / map HTML file")
    p.add_argument("--indicator", default="reach_rate", choices=["reach_rate", "parents", "coverage", "distance"])
    p.add_argument("--scheme", default="natural_breaks", choices=["natural_breaks", "quantiles"])
    p.add_argument("--tiles", action="store_true",
                   help="fond OpenStreetMap (requiert Internet ; ne s'affiche pas depuis un fichier local)")


def _map(args: argparse.Namespace) -> int:
    from relais_analysis.errors import ParameterError
    from relais_analysis.outputs.maps import save_map
    from relais_analysis.privacy.publication import check_output_dir

    if args.out.is_dir():
        raise ParameterError(f"--out doit être un fichier .html, pas un dossier : {args.out}.",
                             f"--out must be an .html file, not a folder: {args.out}.")
    check_output_dir(args.out.parent)
    m = _analysis_for(args).map(indicator=args.indicator, scheme=args.scheme, tiles=args.tiles)
    path = save_map(m, args.out, allow_network=args.tiles)
    print(f"Carte écrite / map written: {path} ({path.stat().st_size / 1e6:.2f} Mo)")
    return 0


def _charts_args(p: argparse.ArgumentParser) -> None:
    _scope_args(p)
    p.add_argument("--out", type=Path, required=True, help="dossier des figures / figures folder")
    p.add_argument("--formats", nargs="+", default=["png", "svg"], choices=["png", "svg", "pdf"])


def _charts(args: argparse.Namespace) -> int:
    from relais_analysis.privacy.publication import check_output_dir

    check_output_dir(args.out)
    files = _analysis_for(args).write_figures(args.out, formats=tuple(args.formats))
    n = sum(len(v) for v in files.values())
    print(f"{len(files)} figures ({n} fichiers) écrites dans / written to {args.out}")
    return 0


# --------------------------------------------------------------------------- report


def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", required=True)
    p.add_argument("--province", nargs="+", help="provinces (défaut : Wallonie et les 5 provinces)")
    p.add_argument("--relays", action="store_true", help="aussi une fiche par relais / also one sheet per relay")
    p.add_argument("--data", type=Path, default=None, help="dossier de données (défaut : data/demo)")
    p.add_argument("--out", type=Path, default=None, help="dossier de sortie (défaut : reports/)")
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--threshold", type=int, default=None, help="seuil de masquage (défaut 5, minimum 3)")
    p.add_argument("--pdf", action="store_true", help="PDF du rapport régional (Chromium requis)")
    p.add_argument("--population", type=Path,
                   help="fichier Statbel TF_SOC_POP_STRUCT_AAAA (défaut : population au 1er janvier 2020)")
    p.add_argument("--workers", type=int, default=None, help="carnets exécutés en parallèle")
    p.add_argument("--accept-losses", action="store_true",
                   help="publier même si un relais a perdu plus de 10 %% de ses lignes (signalé en première page)")


def _report(args: argparse.Namespace) -> int:
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
    print(f"{done}/{len(result.results)} carnet(s) exécuté(s) en {result.seconds:.1f} s")
    if result.pdf:
        print(f"PDF : {result.pdf}")
    print(f"Rapport : {result.index.resolve()}")
    if not result.ok:
        failed = [r.job.title for r in result.results if not r.ok]
        print(f"erreur : {len(failed)} carnet(s) en échec / failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------- pseudonymise


def _pseudonymise_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", type=Path, help="liste avec noms (CSV/XLSX) / list with names")
    p.add_argument("output", type=Path, help="CSV écrit sans aucun nom / CSV written without names")
    p.add_argument("--key-file", type=Path, required=True,
                   help="clé secrète locale (créée si absente) / local secret key (created if missing)")
    p.add_argument("--columns", nargs="+", help="colonnes identifiantes / identifying columns")
    p.add_argument("--family-columns", nargs="+", help="colonnes identifiant la famille / family columns")
    p.add_argument("--id-column", default="participant_id")


def _pseudonymise(args: argparse.Namespace) -> int:
    from relais_analysis.intake.pseudonymise import pseudonymise_file

    result = pseudonymise_file(args.input, args.output, args.key_file, columns=args.columns,
                               family_columns=args.family_columns, id_column=args.id_column)
    print(f"{result.rows} ligne(s) pseudonymisée(s) -> {result.output}")
    print(f"colonnes hachées / hashed: {result.identifying_columns}"
          + (f" ; famille / family: {result.family_columns}" if result.family_columns else ""))
    print(f"colonnes retirées / removed: {result.dropped_columns}")
    for rows in result.probable_duplicates:
        print(f"attention : doublon probable, lignes {', '.join(map(str, rows))} : même nom et même année de "
              "naissance sous des codes différents (vérifiez la date de naissance) / probable duplicate")
    if result.key_created:
        print(f"NOUVELLE CLÉ créée : {args.key_file}. Conservez-la en lieu sûr, jamais avec les données : "
              "sans elle, les codes de l'an prochain ne correspondront plus. / NEW KEY created: keep it safe.")
    return 0


# --------------------------------------------------------------------------- modele, assemble


def _modele_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("out_dir", type=Path, help="dossier des classeurs à envoyer / folder of the workbooks")
    p.add_argument("--registry", type=Path, help="registre relays + territories (dossier ou classeur ; défaut : démo)")
    p.add_argument("--year", type=int, help="année des classeurs / year of the workbooks")


def _modele(args: argparse.Namespace) -> int:
    from relais_analysis.workbooks.template import write_templates

    paths = write_templates(args.out_dir, args.registry, year=args.year)
    print(f"{len(paths)} classeur(s) de relais écrit(s) dans / relay workbook(s) written to {args.out_dir}")
    return 0


def _assemble_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("exports_dir", type=Path, help="dossier des classeurs reçus des relais / received workbooks")
    p.add_argument("--registry", type=Path, help="registre relays + territories (dossier ou classeur ; défaut : démo)")
    p.add_argument("--out", type=Path, required=True, help="dossier de données écrit / data folder written")
    p.add_argument("--feedback", type=Path,
                   help="dossier interne des retours (défaut : OUT/retours) / internal feedback folder")
    p.add_argument("--as-of", help="date d'extraction AAAA-MM-JJ (défaut : aujourd'hui)")


def _assemble(args: argparse.Namespace) -> int:
    from relais_analysis.workbooks.assemble import assemble
    from relais_analysis.workbooks.feedback import write_feedback

    result = assemble(args.exports_dir, args.out, args.registry, as_of=args.as_of)
    feedback_dir = args.feedback or args.out / "retours"
    write_feedback(result, feedback_dir)
    acc = result.accounts
    refused = result.workbooks[result.workbooks["refused"]]
    print(f"{int((~result.workbooks['refused']).sum())} classeur(s) rattaché(s), {len(refused)} refusé(s) ; "
          f"lignes lues {int(acc['read'].sum())} = acceptées {int(acc['accepted'].sum())} "
          f"+ rejetées {int(acc['rejected'].sum())} ; avertissements {int(acc['warnings'].sum())}")
    for entry in refused.itertuples(index=False):
        print(f"refusé / refused: {entry.workbook} : {entry.how}")
    print(f"Données / data: {args.out} ; retours aux relais / feedback: {feedback_dir}")
    return 1 if len(refused) or int(acc["rejected"].sum()) else 0


# --------------------------------------------------------------------------- main

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]

#: Subcommand name -> (help, add-arguments function, run function).
def _audit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", type=Path, nargs="+",
                   help="site(s) construit(s) ou dossiers de CSV publiés, attaqués ensemble (ex. reports/2024 "
                        "reports/2025) / built site(s) or published CSVs, attacked together")


def _audit(args: argparse.Namespace) -> int:
    from relais_analysis.privacy.audit import audit_report

    lines, code = audit_report(*args.site)
    print("\n".join(lines))
    return code


COMMANDS: dict[str, tuple[str, Configure, Run]] = {
    "validate": ("valider un dossier de données / validate a data folder", _validate_args, _validate),
    "demo": ("écrire les données synthétiques de démonstration / write the synthetic demo data", _demo_args, _demo),
    "indicators": ("calculer les indicateurs et écrire les tableaux publiables / compute indicators, write tables",
                   _indicators_args, _indicators),
    "map": ("carte interactive hors ligne / offline interactive map", _map_args, _map),
    "charts": ("graphiques statiques (PNG/SVG/PDF) / static charts", _charts_args, _charts),
    "report": ("produire le rapport annuel (papermill) / build the annual report", _report_args, _report),
    "audit": ("attaquer les tableaux publiés : valeurs masquées retrouvables ? / attack published tables",
              _audit_args, _audit),
    "pseudonymise": ("remplacer les noms par des codes pseudonymes / replace names by pseudonymous codes",
                     _pseudonymise_args, _pseudonymise),
    "modele": ("écrire un classeur modèle par relais / write one template workbook per relay",
               _modele_args, _modele),
    "assemble": ("assembler les classeurs des relais en un dossier de données / assemble relay workbooks",
                 _assemble_args, _assemble),
    "questionnaire": ("questionnaire imprimable (HTML, PDF) depuis les instruments / printable questionnaire",
                      _questionnaire_args, _questionnaire),
    "outcomes": ("ce qui a changé pour les familles : tableaux protégés et graphiques / outcome tables and charts",
                 _outcomes_args, _outcomes),
}


def build_parser() -> argparse.ArgumentParser:
    """The ``relais`` argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="relais",
        description="Relais Familles Mono : analyse d'impact / impact analysis workbench.",
    )
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
        print(f"erreur : {exc.message('fr')}", file=sys.stderr)
        print(f"error: {exc.message('en')}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        print("interrompu / interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: keep the traceback in a file, not on screen
        log = Path(tempfile.gettempdir()) / "relais-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(f"erreur interne / internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"détails / details: {log} (merci de le signaler / please report it)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
