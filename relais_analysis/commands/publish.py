"""``relais indicators``, ``relais map``, ``relais charts`` and ``relais audit``: protected outputs of one scope."""

from __future__ import annotations

import argparse
from pathlib import Path

from relais_analysis.texts import text, text_pair

__all__ = ["audit_args", "audit_run", "charts_args", "charts_run", "indicators_args", "indicators_run", "map_args",
           "map_run"]


# --------------------------------------------------------------------------- indicators


def indicators_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais indicators``."""
    p.add_argument("--year", required=True)
    p.add_argument("--data", type=Path, required=True, help=text("cli.help.data_folder"))
    p.add_argument("--out", type=Path, required=True, help=text("cli.help.tables_out"))
    p.add_argument("--province", help=text("cli.help.province"))
    p.add_argument("--threshold", type=int, default=None, help=text("cli.help.threshold"))
    p.add_argument("--households", type=Path, help=text("cli.help.households"))
    p.add_argument("--population", type=Path, help=text("cli.help.population"))
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--as-of", help=text("cli.help.as_of"))
    p.add_argument("--unsafe-internal", action="store_true", help=text("cli.help.unsafe_internal"))
    p.add_argument("--accept-losses", action="store_true", help=text("cli.help.accept_losses"))


def indicators_run(args: argparse.Namespace) -> int:
    """Compute the indicators of one scope and write its publishable tables; exit 0."""
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
        print(text("cli.line.losses_accepted", problem=problem))
    raw, published, year, threshold = analysis.internal_tables, analysis.tables, analysis.year, analysis.threshold
    dataset = analysis.dataset
    files = analysis.write_tables(args.out)
    csvs, books = [p for p in files if p.suffix == ".csv"], [p.name for p in files if p.suffix == ".xlsx"]
    print(text("cli.line.tables_written", n=len(csvs), folder=args.out, books="".join(" + " + b for b in books),
               masked=published.total_suppressed, threshold=threshold))
    if args.unsafe_internal:  # beside --out, never inside the folder that gets published
        internal = args.out.resolve().parent / f"{args.out.resolve().name}-INTERNE_NE_PAS_PUBLIER"
        write_tables(raw, internal, prefix="INTERNE_NE_PAS_PUBLIER_")
        print(text("cli.line.unmasked_written", folder=internal))
    region = raw.tables["reach_per_year"].set_index("year")
    cov = raw.tables["population_coverage"].iloc[-1]
    within = raw.tables["population_within"].set_index("radius_km")
    lang = args.lang
    if dataset.has_people and year in region.index:
        print(text("cli.line.people", year=year, parents=format_int(region.loc[year, "parents"], lang),
                   children=format_int(region.loc[year, "children"], lang)))
    elif year in region.index:
        print(text("cli.line.attendances_only", year=year,
                   attendances=format_int(region.loc[year, "attendances"], lang)))
    print(text("cli.line.communes_covered", covered=cov["communes_covered"], total=cov["n_communes"],
               share=format_percent(cov["share_covered"], lang)))
    if 10.0 in within.index:
        print(text("cli.line.within_10_km", population=format_int(within.loc[10.0, "population_within"], lang),
                   share=format_percent(within.loc[10.0, "share_within"], lang)))
    return 0


# --------------------------------------------------------------------------- map and charts


def _scope_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", required=True)
    p.add_argument("--data", type=Path, required=True, help=text("cli.help.data_folder"))
    p.add_argument("--province", help=text("cli.help.province"))
    p.add_argument("--lang", default="fr", choices=["fr", "en"])
    p.add_argument("--threshold", type=int, default=None, help=text("cli.help.threshold"))


def _analysis_for(args: argparse.Namespace):
    from relais_analysis.analysis import Analysis

    return Analysis(args.data, args.year, province=args.province, lang=args.lang, threshold=args.threshold)


def map_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais map``."""
    _scope_args(p)
    p.add_argument("--out", type=Path, required=True, help=text("cli.help.map_out"))
    p.add_argument("--indicator", default="reach_rate", choices=["reach_rate", "parents", "coverage", "distance"])
    p.add_argument("--scheme", default="natural_breaks", choices=["natural_breaks", "quantiles"])
    p.add_argument("--tiles", action="store_true", help=text("cli.help.tiles"))


def map_run(args: argparse.Namespace) -> int:
    """Write the offline interactive map of one scope; exit 0.

    Raises
    ------
    ParameterError
        If ``--out`` is a folder.
    """
    from relais_analysis.errors import ParameterError
    from relais_analysis.outputs.maps import save_map
    from relais_analysis.privacy.publication import check_output_dir

    if args.out.is_dir():
        raise ParameterError(*text_pair("cli.error.map_out_is_folder", path=args.out))
    check_output_dir(args.out.parent)
    m = _analysis_for(args).map(indicator=args.indicator, scheme=args.scheme, tiles=args.tiles)
    path = save_map(m, args.out, allow_network=args.tiles)
    print(text("cli.line.map_written", path=path, megabytes=f"{path.stat().st_size / 1e6:.2f}"))
    return 0


def charts_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais charts``."""
    _scope_args(p)
    p.add_argument("--out", type=Path, required=True, help=text("cli.help.figures_out"))
    p.add_argument("--formats", nargs="+", default=["png", "svg"], choices=["png", "svg", "pdf"])


def charts_run(args: argparse.Namespace) -> int:
    """Write the static charts of one scope; exit 0."""
    from relais_analysis.privacy.publication import check_output_dir

    check_output_dir(args.out)
    files = _analysis_for(args).write_figures(args.out, formats=tuple(args.formats))
    n = sum(len(v) for v in files.values())
    print(text("cli.line.figures_written", figures=len(files), files=n, folder=args.out))
    return 0


# --------------------------------------------------------------------------- audit


def audit_args(p: argparse.ArgumentParser) -> None:
    """Arguments of ``relais audit``."""
    p.add_argument("site", type=Path, nargs="+", help=text("cli.help.audited_sites"))


def audit_run(args: argparse.Namespace) -> int:
    """Attack the published tables; the audit's own exit code."""
    from relais_analysis.privacy.audit import audit_report

    lines, code = audit_report(*args.site)
    print("\n".join(lines))
    return code
