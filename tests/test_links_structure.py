"""Layout of the modules split for issue 10: small modules, no import circle, same public names.

``privacy/links.py`` became four modules (``link_rules``: the declared rules;
``link_cells``: cells as quantities and the system; ``link_relations``: partitions,
hierarchy and rates; ``links``: :func:`~relais_analysis.privacy.links.build_system`),
``analysis.py`` gave its parameters and data loading to ``analysis_inputs.py``, and
``outputs/offline.py`` its scan for external URLs to ``outputs/offline_scan.py``. The
old import paths still give the same objects.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import relais_analysis

PACKAGE = Path(relais_analysis.__file__).parent
SPLIT = ["analysis.py", "analysis_inputs.py", "outputs/offline.py", "outputs/offline_scan.py", "privacy/links.py",
         "privacy/link_rules.py", "privacy/link_cells.py", "privacy/link_relations.py"]


def _imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("relais_analysis"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # "from pkg import module"
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("relais_analysis"))
    return found


def _graph(folder: str) -> dict[str, set[str]]:
    """Import graph between the modules of one subpackage."""
    modules = {f"relais_analysis.{folder}.{p.stem}": p for p in (PACKAGE / folder).glob("*.py")}
    return {name: _imports(path) & set(modules) for name, path in modules.items()}


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("module", SPLIT)
def test_split_modules_stay_under_400_lines(module: str) -> None:
    assert len((PACKAGE / module).read_text(encoding="utf-8").splitlines()) <= 400


def test_no_import_circle_through_the_links_modules() -> None:
    graph = _graph("privacy")
    assert graph["relais_analysis.privacy.link_rules"] == set()  # the rules import nothing
    for start in ("links", "link_cells", "link_relations", "outcome_links"):
        name = f"relais_analysis.privacy.{start}"
        assert name not in _reaches(graph, name), f"{start} imports itself back"
    assert "relais_analysis.privacy.links" not in _reaches(graph, "relais_analysis.privacy.outcome_links")


def test_the_circle_check_sees_a_lazy_import_back(tmp_path: Path) -> None:
    """The check above is not blind: an import inside a function counts, and a way back is a circle."""
    module = tmp_path / "outcome_links.py"
    module.write_text("def f():\n    from relais_analysis.privacy.links import RATES\n", encoding="utf-8")
    assert "relais_analysis.privacy.links" in _imports(module)
    graph = {"links": {"outcome_links"}, "outcome_links": {"relais_analysis.privacy.links", "links"}}
    assert "links" in _reaches(graph, "links")


@pytest.mark.parametrize(("old", "new"), [
    ("relais_analysis.analysis", "relais_analysis.analysis_inputs"),
    ("relais_analysis.privacy.links", "relais_analysis.privacy.link_rules"),
    ("relais_analysis.privacy.links", "relais_analysis.privacy.link_cells"),
])
def test_old_import_paths_give_the_same_objects(old: str, new: str) -> None:
    before, after = importlib.import_module(old), importlib.import_module(new)
    shared = [name for name in before.__all__ if hasattr(after, name)]
    assert shared
    for name in shared:
        assert getattr(before, name) is getattr(after, name), name
    assert all(hasattr(before, name) for name in before.__all__)


def test_front_door_names_unchanged() -> None:
    from relais_analysis import analysis

    assert analysis.__all__ == ["Analysis", "AnalysisParameters", "available_years", "check_parameters",
                                "check_report_year", "dataset_key", "load_analysis_dataset", "read_dataset"]
    assert analysis.Analysis.__module__ == "relais_analysis.analysis"
    assert analysis.check_parameters.__module__ == "relais_analysis.analysis_inputs"


def test_offline_scan_finds_what_a_page_would_load() -> None:
    from relais_analysis.outputs.offline_scan import TagFinder, external_urls

    page = ('<html><head><script src="https://cdn.example.org/x.js"></script>'
            '<link rel="stylesheet" href="//cdn.example.org/y.css"></head>'
            '<body><img src="local.png"><script>var t = "https://tiles.example.org/{z}.png";</script>'
            '<style>div { background: url(https://img.example.org/a.png) }</style></body></html>')
    assert external_urls(page) == ["//cdn.example.org/y.css", "https://cdn.example.org/x.js",
                                   "https://img.example.org/a.png", "https://tiles.example.org/{z}.png"]
    finder = TagFinder(page)
    finder.feed(page)
    finder.close()
    assert [url for _, _, url in finder.loads] == ["https://cdn.example.org/x.js", "//cdn.example.org/y.css"]
    start, end, _ = finder.loads[0]
    assert page[start:end] == '<script src="https://cdn.example.org/x.js"></script>'
    assert external_urls("<p>file:///tmp/a.html and data:image/png;base64,AAAA</p>") == []
