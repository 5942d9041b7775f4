"""The relay workbook's modules after the split of ``template.py`` (issue 10).

``workbooks/layout.py`` holds the input contract (sheet names, headers, dropdown values),
``workbooks/sheets.py`` writes the sheets, ``workbooks/template.py`` writes whole workbooks;
their instructions, help texts and messages come from the text catalogue. These tests check
that the reader, the registry and the writer no longer import one another in a circle, that
the workbook shows the catalogue's texts (and only its French ones), and that the feedback's
suggestions are all reachable catalogue texts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from openpyxl import load_workbook

from relais_analysis import i18n
from relais_analysis.workbooks import feedback, layout, template
from relais_analysis.workbooks.feedback import suggestion_for
from relais_analysis.workbooks.sheets import validation

PACKAGE = Path(i18n.__file__).parent


def _imports_of(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports, late (function-level) imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("relais_analysis"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("relais_analysis"))
    return found


def _graph(folder: str) -> dict[str, set[str]]:
    modules = {f"relais_analysis.{folder}.{p.stem}": p for p in (PACKAGE / folder).glob("*.py")
               if p.stem != "__init__"}
    return {name: _imports_of(path) & set(modules) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (as a path), or None."""
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_cycle_finder_finds_a_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


@pytest.mark.parametrize("folder", ["workbooks", "outcomes", "demo"])
def test_no_import_circle_inside_the_stage(folder: str) -> None:
    graph = _graph(folder)
    assert len(graph) >= 4
    assert _cycle(graph) is None


def test_reader_and_registry_do_not_import_the_writer() -> None:
    graph = _graph("workbooks")
    for module in ("reader", "registry", "layout", "sheets"):
        assert "relais_analysis.workbooks.template" not in graph[f"relais_analysis.workbooks.{module}"], module


@pytest.mark.parametrize("folder", ["workbooks", "outcomes", "demo"])
def test_modules_stay_under_about_400_lines(folder: str) -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / folder).glob("*.py")}
    assert max(sizes.values()) <= 400, sizes


def test_template_re_exports_the_layout() -> None:
    for name in ("LAYOUT", "README_SHEET", "RELAY_LABEL", "SheetLayout", "questionnaire_layout", "relay_file_name",
                 "TYPE_LABELS", "ROLE_LABELS", "GENDER_LABELS"):
        assert getattr(template, name) is getattr(layout, name), name
        assert name in template.__all__


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory):
    path = template.write_relay_workbook(tmp_path_factory.mktemp("wb") / "R01.xlsx", "R01",
                                         "Relais Familles Mono – Test", year=2024, places=["Namur"], synthetic=True)
    return load_workbook(path)


def test_readme_sheet_shows_the_catalogue_instructions(workbook) -> None:
    ws = workbook[layout.README_SHEET]
    assert ws["A1"].value == i18n.text("workbook.title", "fr")
    labels = [ws.cell(row=r, column=1).value for r in range(3, 7)]
    assert labels == [layout.RELAY_LABEL, i18n.text("workbook.name_label"), i18n.text("workbook.year_label"),
                      layout.SYNTHETIC_LABEL]
    assert ws["B6"].value == i18n.text("workbook.synthetic_value")
    lines = i18n.text("workbook.readme", "fr").split("\n")
    assert len(lines) > 15
    shown = [ws.cell(row=8 + i, column=1).value for i in range(len(lines))]
    assert shown == [line or None for line in lines]  # blank lines are empty cells
    english = set(i18n.text("workbook.readme", "en").split("\n")) - {""}
    cells = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert not english & cells  # the workbook is French only


def test_cell_checks_carry_the_catalogue_messages(workbook) -> None:
    checks = list(workbook["Participants"].data_validations.dataValidation)
    year = next(dv for dv in checks if dv.type == "whole")
    assert year.error == i18n.text("workbook.check.year", year_max=2024)
    code = next(dv for dv in checks if dv.type == "custom")
    assert code.error == i18n.text("workbook.check.code")
    role = next(dv for dv in checks if dv.formula1 == "liste_statuts")
    assert (role.errorTitle, role.error) == (i18n.text("workbook.check.invalid_title"),
                                             i18n.text("workbook.check.invalid_list"))
    presence = workbook["Présences"].data_validations.dataValidation[0]
    assert presence.promptTitle == i18n.text("workbook.check.presence_title")
    assert presence.prompt == i18n.text("workbook.check.presence_activity")


def test_validation_of_an_unknown_check_is_none() -> None:
    assert validation("", "A", layout.LAYOUT, 2024) is None
    assert validation("date", "B", layout.LAYOUT, 2024).error == i18n.text("workbook.check.date")


def test_every_suggestion_of_the_feedback_is_reachable() -> None:
    keys = {k.removeprefix("workbook_feedback.suggestion.") for k in i18n.text_keys("workbook_feedback.suggestion.")}
    used = {key for _needle, key in feedback._REASON_NEEDLES} | {"choose_from"}
    assert used == keys  # no suggestion without a reason that leads to it, no reason without a text
    fixed = {i18n.text(f"workbook_feedback.suggestion.{k}") for k in keys - {"choose_from"}}
    needles = feedback._REASON_NEEDLES
    for i, (needle, key) in enumerate(needles):
        found = suggestion_for(f"x {needle} y")
        if not any(earlier in needle for earlier, _ in needles[:i]):
            assert found == i18n.text(f"workbook_feedback.suggestion.{key}"), needle
        assert found in fixed, needle  # an earlier needle may win, never with an empty suggestion
    assert suggestion_for("valeur non reconnue", "gender") == i18n.text(
        "workbook_feedback.suggestion.choose_from", choices=", ".join(layout.GENDER_LABELS))
    assert suggestion_for("rien de connu") == ""


def test_feedback_headers_are_the_catalogue_headers() -> None:
    assert feedback.FEEDBACK_HEADERS == [i18n.text(f"workbook_feedback.header.{k}") for k in
                                         ("sheet", "row", "column", "value", "problem", "suggestion", "kind")]
    assert feedback.FEEDBACK_HEADERS[4] == "Problème"
