"""The report stage through the front door (issue 10): the notebooks' tables are ``Analysis(...).tables``,
the methodology counts what the build protected (no JSON read back), parameters are checked once with one clear
error each, and every word the report stage computes comes from the text catalogue."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from paths import DEMO, SMALL
from relais_analysis import analysis as front_door
from relais_analysis.analysis import Analysis
from relais_analysis.errors import ParameterError
from relais_analysis.i18n import catalogue, format_int
from relais_analysis.report import html as fragments
from relais_analysis.report.build import JobResult, ReportJob, methodology_figures
from relais_analysis.report.content import AnnualReport, RelaySheet

PACKAGE = Path(front_door.__file__).parent


def _protected_file(demo_site, key: str) -> Path:
    """The protected tables the build gave the notebook ``key`` (moved with the internal folder)."""
    res = next(r for r in demo_site.result.results if r.job.key == key)
    path = demo_site.internal / "tableaux_proteges" / Path(res.job.parameters["protected_tables"]).name
    assert path.is_file(), path
    return path


def _same_sheets(given: Path, published: Path) -> None:
    """Every sheet of ``given`` is in ``published``, cell for cell (values and number formats)."""
    from openpyxl import load_workbook

    mine, theirs = load_workbook(given), load_workbook(published)
    assert set(mine.sheetnames) <= set(theirs.sheetnames), set(mine.sheetnames) - set(theirs.sheetnames)
    for name in mine.sheetnames:
        cells = [[(c.value, c.number_format) for c in row] for row in mine[name].iter_rows()]
        assert cells == [[(c.value, c.number_format) for c in row] for row in theirs[name].iter_rows()], name
        assert mine[name].freeze_panes == theirs[name].freeze_panes, name


@pytest.mark.parametrize(("key", "province", "folder"), [("wallonie", None, "wallonie"),
                                                          ("namur", "Namur", "provinces/namur")])
def test_a_report_publishes_the_analysis_tables(demo_site, tmp_path, key, province, folder):
    """Every CSV table of a built report is, byte for byte, what the front door writes for the same scope."""
    published = demo_site.site / folder / "tableaux"
    built = Analysis(DEMO, 2024, province=province, protected_tables=_protected_file(demo_site, key))
    written = built.write_tables(tmp_path / "given")
    assert len(written) >= 10
    for path in written:
        if path.suffix == ".xlsx":  # the report's workbook also holds its outcome and figure sheets
            _same_sheets(path, published / path.name)
            continue
        if path.name == "tables.json":  # ... and its manifest lists the outcome tables after these
            given, whole = (json.loads(f.read_text(encoding="utf-8")) for f in (path, published / path.name))
            assert whole["tables"][:len(given["tables"])] == given["tables"]
            assert {k: v for k, v in whole.items() if k != "tables"} == {k: v for k, v in given.items() if k != "tables"}
            continue
        assert path.read_bytes() == (published / path.name).read_bytes(), path.name
    alone = Analysis(DEMO, 2024, province=province)  # protected here, as `relais indicators` does
    assert not alone.whole_publication and built.whole_publication
    for name, table in alone.tables.tables.items():  # a build without relay sheets masks the same cells
        assert table.equals(built.tables.tables[name]), name


def test_the_methodology_counts_the_protected_publication(demo_site):
    import dataclasses

    from relais_analysis.privacy.handover import load_protected

    results = [dataclasses.replace(r, job=dataclasses.replace(r.job, parameters={  # the internal folder moved
        **r.job.parameters, "protected_tables": str(_protected_file(demo_site, r.job.key))}))
        for r in demo_site.result.results]
    figures = methodology_figures(results, year=2024, threshold=5)

    expected = sum(load_protected(_protected_file(demo_site, r.job.key), year=2024, threshold=5)[0].total_suppressed
                   for r in results)
    assert figures.suppressed_cells == expected > 0
    page = demo_site.result.methodology.read_text(encoding="utf-8")
    shown = re.search(r"Nombre de cases non publiées dans l'ensemble des tableaux\s+publiés : ([\d\u202f]+)", page)
    assert shown and shown.group(1) == format_int(expected, "fr")
    # the notebooks showed the same objects: their own count of masked cells agrees
    notebooks = sum(json.loads(p.read_text(encoding="utf-8"))["suppressed_cells"]
                    for p in demo_site.site.glob("**/summary.json"))
    assert notebooks == expected


def test_the_methodology_reads_no_file_a_notebook_wrote(small_dataset, tmp_path):
    from relais_analysis.report.site_pages import write_methodology

    folder = tmp_path / "wallonie"
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps({"suppressed_cells": 999}), encoding="utf-8")
    job = ReportJob("annual", "wallonie", "Wallonie", Path("annual_report.ipynb"), folder, {"lang": "fr"})
    (tmp_path / "site").mkdir()
    page = write_methodology(tmp_path / "site", small_dataset, [JobResult(job, True)], year=2024, lang="fr",
                             threshold=5, suppressed_cells=7).read_text(encoding="utf-8")
    assert "tableaux\npubliés : 7.</p>" in page and "999" not in page


BAD = [
    ({"yaer": 2024}, "Unknown parameter"),
    ({"year": 1999}, "Invalid year: 1999"),
    ({"year": 2022}, "Years available: 2023, 2024, 2025"),
    ({"province": "Flandre"}, "Hainaut"),
    ({"threshold": 2}, "at least 3"),
    ({"lang": "de"}, "fr, en"),
    ({"as_of": "31/12/2024"}, "Unreadable extraction date: '31/12/2024'"),
    ({"data_dir": "nowhere"}, "Data folder not found: nowhere"),
    ({"output_dir": None}, "Missing parameter: output_dir"),
    ({"population_file": "nowhere.csv"}, "Population file not found: nowhere.csv"),
    ({"protected_tables": "nowhere.pickle"}, "Protected tables not found: nowhere.pickle"),
]


@pytest.mark.parametrize(("change", "english"), BAD, ids=[next(iter(c)) + str(i) for i, (c, _) in enumerate(BAD)])
def test_a_bad_parameter_gives_one_parameter_error(tmp_path, change, english):
    params = {"year": 2024, "data_dir": str(SMALL), "output_dir": str(tmp_path / "out"), **change}
    with pytest.raises(ParameterError) as caught:
        AnnualReport(**params)
    assert english in caught.value.message_en
    assert caught.value.message_fr != caught.value.message_en  # French first, both written
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_a_relay_sheet_needs_a_known_relay(tmp_path):
    for relay, english in ((None, "relay_id is required"), ("R99", "Unknown relay: R99. Known relays: R1, R2")):
        with pytest.raises(ParameterError, match=english):
            RelaySheet(year=2024, relay_id=relay, data_dir=str(SMALL), output_dir=str(tmp_path))


def test_the_year_is_checked_once_per_report(monkeypatch, tmp_path):
    calls = []
    real = front_door.check_report_year
    monkeypatch.setattr(front_door, "check_report_year", lambda *a: calls.append(a) or real(*a))
    report = AnnualReport(year="2024", province="Liège", data_dir=str(SMALL), output_dir=str(tmp_path))
    sheet = RelaySheet(year=2024, relay_id="R1", data_dir=str(SMALL), output_dir=str(tmp_path))
    assert len(calls) == 2
    assert report.analysis.tables is report.tables and sheet.analysis.dataset is sheet.dataset
    assert (report.params.year, report.params.province, report.params.output_dir) == (2024, "60000", tmp_path)


def test_fragments_escape_what_users_typed():
    header = fragments.relay_header("<b>R & co</b>", "Organisation hôte", "ASBL \"l'Étoile\"", "\u00a0: ")
    assert header == ("<h1>&lt;b&gt;R &amp; co&lt;/b&gt;</h1>"
                      "<p>Organisation hôte\u00a0: ASBL &quot;l&#x27;Étoile&quot;</p>")  # a no-break space, as elsewhere
    assert fragments.relay_header("R", "Host organisation", "<i>", ": ") == "<h1>R</h1><p>Host organisation: &lt;i&gt;</p>"
    table = fragments.table(["<th>"], [[("<script>", False)], [("1 500", True)]])
    assert "<script>" not in table.replace("<th>&lt;th&gt;</th>", "") and '<td class="num">1 500</td>' in table


def _code_strings(path: Path, skip_functions: set[str] = frozenset()) -> list[str]:
    """String constants of a module that a French reader could see (docstrings apart)."""
    from test_texts import _FRENCH  # the catalogue's own scan pattern

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))
        if isinstance(node, ast.FunctionDef) and node.name in skip_functions:
            skip.update(id(n) for n in ast.walk(node))
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in skip and _FRENCH.search(node.value)]


def test_the_report_stage_computes_no_text_outside_the_catalogue():
    files = {"report/content.py": (), "report/html.py": (), "analysis.py": (), "analysis_inputs.py": (),
             "report/build.py": ("print_pdf",),  # print_pdf: the print helper's (its messages move with it)
             "report/jobs.py": (), "report/export.py": (), "report/workers.py": (),  # split from build.py
             "report/parameters.py": (), "report/kernel_clients.py": ()}
    found = {name: _code_strings(PACKAGE / name, set(skip)) for name, skip in files.items()}
    assert found == {"report/content.py": ["carte.html"], "report/html.py": [], "analysis.py": [],
                     "analysis_inputs.py": [], "report/build.py": [], "report/jobs.py": ["relais"],
                     "report/export.py": [], "report/workers.py": [], "report/parameters.py": [],
                     "report/kernel_clients.py": []}  # a file name and a folder name
    sources = "".join((PACKAGE / name).read_text(encoding="utf-8") for name in files)
    for key in catalogue():  # each text of the report stage is used: by its key, its last part, or its family
        if key.startswith(("report.", "analysis.")):
            family, last = key.rsplit(".", 1)
            assert key in sources or f'"{last}"' in sources or f'"{family}.{{' in sources, f"unused text {key}"
