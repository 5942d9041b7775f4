"""The words of intake, geography and the command line in the catalogue, and the layout that carries them.

Issue 10: every user-visible word of these stages comes from ``relais_analysis/texts`` (``intake``,
``intake_error``, ``geography_error``, ``format_error``, ``schema``, ``cli``); the text catalogue, the
errors and the configuration sit below everything else; no import circle runs through these modules;
the command line is one small module per command group.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis import i18n, texts
from relais_analysis.errors import AmbiguousPlaceError, ParameterError, PersonalDataError, UnknownCommuneError
from relais_analysis.geography.resolve import resolve_commune
from relais_analysis.intake import personal_data
from relais_analysis.intake.dataset import REJECTION_COLUMNS
from relais_analysis.intake.schema import TABLES
from relais_analysis.intake.xlsx import too_many_rows

PACKAGE = Path(i18n.__file__).parent
#: The modules this catalogue work covers (issue 10, intake and command line).
OWNED = ("cli.py", "commands/", "config.py", "errors.py", "i18n.py", "texts/", "intake/", "geography/")
DOMAINS = ("cli", "intake", "intake_error", "geography_error", "format_error", "schema")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports anywhere (top level, functions, TYPE_CHECKING blocks)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("relais_analysis"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from pkg import module`
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("relais_analysis"))
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    # every module runs the package's __init__ first: `from relais_analysis import i18n` is an edge to i18n only
    return {name: _imports(path) & set(modules) - {name, "relais_analysis"} for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(component)

    for node in graph:
        if node not in index:
            visit(node)
    return out


def _owned(module: str) -> bool:
    path = module.removeprefix("relais_analysis.").replace(".", "/")
    return any(path == o.removesuffix(".py") or path.startswith(o) for o in OWNED)


# --------------------------------------------------------------------------- layout


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_no_import_circle_runs_through_intake_geography_texts_or_the_command_line() -> None:
    graph = _graph()
    assert "relais_analysis.intake.losses" in graph["relais_analysis.intake.ingest"]  # the graph sees imports
    mine = [sorted(c) for c in _circles(graph) if any(_owned(m) for m in c)]
    assert mine == []


def test_catalogue_errors_and_config_stay_at_the_bottom() -> None:
    graph = _graph()
    assert graph["relais_analysis.config"] == set()
    assert graph["relais_analysis.errors"] == set()
    assert graph["relais_analysis.texts"] == {"relais_analysis.config", "relais_analysis.errors"}
    assert i18n.check_lang is texts.check_lang


def test_modules_stay_small() -> None:
    paths = [PACKAGE / "cli.py", *PACKAGE.glob("commands/*.py"), *PACKAGE.glob("intake/*.py"),
             *PACKAGE.glob("geography/*.py")]
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    assert len(sizes) >= 20
    assert {name: n for name, n in sizes.items() if n > 400} == {}


# --------------------------------------------------------------------------- the catalogue is used


def test_every_command_takes_its_help_from_the_catalogue() -> None:
    from relais_analysis.cli import COMMANDS, build_parser

    assert set(COMMANDS) == {k.removeprefix("cli.command.") for k in i18n.text_keys("cli.command.")}
    for name, (help_text, _configure, _run) in COMMANDS.items():
        assert help_text == i18n.text(f"cli.command.{name}")
    assert build_parser().description == i18n.text("cli.description")


def test_every_key_of_these_domains_is_used_by_the_code(small_dataset) -> None:
    """A key no code reads is a dead text (or a typo on one side): keys built from a name are checked apart."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    built = ("cli.command.", "cli.summary_column.", "intake.personal_kind.", "intake.report_column.", "schema.")
    unused = [key for domain in DOMAINS for key in i18n.text_keys(f"{domain}.")
              if f'"{key}"' not in source and not key.startswith(built)]
    assert unused == []
    report_columns = [k.removeprefix("intake.report_column.") for k in i18n.text_keys("intake.report_column.")]
    assert report_columns == ["level", *REJECTION_COLUMNS]  # the rejection report's headers, in its order
    summary_columns = [k.removeprefix("cli.summary_column.") for k in i18n.text_keys("cli.summary_column.")]
    assert summary_columns == list(small_dataset.summary().columns)  # `relais validate`'s table
    kinds = {k.removeprefix("intake.personal_kind.") for k in i18n.text_keys("intake.personal_kind.")}
    assert kinds == set(personal_data._HEADER_KINDS) >= set(personal_data._VALUE_PATTERNS)
    schema_keys = {k.removeprefix("schema.") for k in i18n.text_keys("schema.")}
    described = {f"{t.name}.{c.name}" for t in TABLES.values() for c in t.columns if c.description_fr}
    assert schema_keys == described | {f"{name}.description" for name in TABLES}


def test_schema_descriptions_come_from_the_catalogue() -> None:
    relay_id = TABLES["relays"].column("relay_id")
    assert (relay_id.description_fr, relay_id.description_en) == i18n.text_pair("schema.relays.relay_id")
    assert TABLES["attendance"].description_fr == i18n.text("schema.attendance.description", "fr")


# --------------------------------------------------------------------------- messages built from the catalogue


def test_unknown_language_lists_the_languages() -> None:
    with pytest.raises(ParameterError) as info:
        i18n.check_lang("nl")
    assert info.value.message_fr == "Langue inconnue : 'nl'. Valeurs possibles : fr, en."
    assert info.value.message_en == "Unknown language: 'nl'. Valid values: fr, en."


def test_too_many_rows_groups_thousands_in_each_language() -> None:
    error = too_many_rows("export.csv", 1_234_567)
    assert error.message_fr.startswith("Trop de lignes (1\u202f234\u202f567 ; maximum 1\u202f000\u202f000) : ")
    assert error.message_en.startswith("Too many rows (1,234,567; at most 1,000,000): ")
    assert error.file == "export.csv"


def test_place_errors_keep_their_fields_and_both_messages() -> None:
    with pytest.raises(UnknownCommuneError) as unknown:
        resolve_commune("Charleroy")
    assert unknown.value.text == "Charleroy"
    assert unknown.value.message_fr.startswith("Commune inconnue : 'Charleroy'. Vouliez-vous dire : Charleroi (52011)")
    assert unknown.value.message_fr.endswith(" ?")
    assert unknown.value.message_en.startswith("Unknown commune: 'Charleroy'. Did you mean: Charleroi (52011)")
    with pytest.raises(UnknownCommuneError) as bare:
        resolve_commune("99999")
    assert (bare.value.message_fr, bare.value.suggestions) == ("Commune inconnue : '99999'.", [])
    with pytest.raises(AmbiguousPlaceError) as ambiguous:
        resolve_commune("Celles")
    listed_fr = "; ".join(f"{label} : commune de {commune} ({nis})"
                          for label, _pc, nis, commune in ambiguous.value.candidates)
    assert ambiguous.value.message_fr == (
        f"Lieu ambigu : 'Celles' existe dans plusieurs communes ({listed_fr}). "
        f"Ajoutez le code postal, p. ex. {ambiguous.value.candidates[0][0]!r}.")
    assert ambiguous.value.message_en.startswith("Ambiguous place: 'Celles' exists in several communes (")
    assert " : commune de " not in ambiguous.value.message_en


def test_personal_data_messages_name_the_kind_in_both_languages() -> None:
    frame = pd.DataFrame({"Téléphone": ["0470 12 34 56"]})
    with pytest.raises(PersonalDataError) as by_name:
        personal_data.check_no_personal_data(frame, "relais.csv", ["Téléphone"], {})
    assert by_name.value.message_fr.startswith(
        "La colonne 'Téléphone' ressemble à une donnée personnelle (téléphone / phone). ")
    assert by_name.value.message_en.startswith("Column 'Téléphone' looks like personal data (téléphone / phone). ")
    emails = pd.DataFrame({"participant_id": ["a@b.be", "c@d.be", "P3"]})
    with pytest.raises(PersonalDataError) as by_value:
        personal_data.check_no_personal_data(emails, "participants.csv", [], {"participant_id": "participant_id"})
    assert by_value.value.message_fr.startswith(
        "La colonne 'participant_id' contient des valeurs qui ressemblent à des données personnelles "
        "(67% des valeurs) (e-mail). ")
    assert by_value.value.column == "participant_id"


def test_help_pages_show_the_catalogue_texts() -> None:
    from clirun import relais

    top = relais("--help")
    assert top.returncode == 0
    assert " ".join(top.stdout.split()).count(" / ") >= len(i18n.text_keys("cli.command."))
    for name in ("validate", "indicators", "assemble"):
        page = relais(name, "--help")
        words = " ".join(page.stdout.split())  # argparse wraps long help texts
        assert page.returncode == 0 and i18n.text(f"cli.command.{name}") in words
    indicators = " ".join(relais("indicators", "--help").stdout.split())
    assert i18n.text("cli.help.threshold") in indicators
    assert "plus de 10 % de ses lignes / publish despite losses" in indicators  # argparse's %% became %
