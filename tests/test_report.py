"""`relais report` end to end on the demo data: papermill, HTML export, index, methodology,
reproducibility, failure handling, and the pages in a real browser."""

from __future__ import annotations

import hashlib
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from browser import CHROMIUM
from clirun import relais
from paths import ARTIFACTS, DEMO, SMALL

from relais_analysis.privacy.published_csv import read_published_text
from relais_analysis.report.build import build_report

THRESHOLD = 5
PEOPLE_COLUMNS = {"parents", "children", "families", "attendances", "new_parents", "returning_parents",
                  "seen_next_year", "women", "men", "x", "unknown", "in_own_territory", "in_other_territory",
                  "uncovered", "unknown_residence"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(demo_site):
    """The session's demo build (conftest.py, section "report build"): result and published folder."""
    return demo_site.result, demo_site.site


@pytest.fixture(scope="module")
def small_site(small_relay_site):
    """``relais report --province wallonie --relays --pdf --workers 1`` on the small fixture: ``(run, out)``, the
    session's build (conftest.py, ``small_relay_site``: Wallonia then the four relay sheets on one warm kernel)."""
    return small_relay_site


def _built_jobs(internal: Path) -> list[tuple[str, str]]:
    """(status, key) of each notebook of a build, in order, from its internal log ``journal.txt``."""
    lines = (internal / "journal.txt").read_text(encoding="utf-8").splitlines()[1:]
    return [(line.split("\t")[0], line.split("\t")[2]) for line in lines]


_COMMIT = re.compile(rb"commit <code>[0-9a-f]+</code>")  # another commit may land between two builds


def _assert_same_files(first: Path, second: Path) -> list[Path]:
    """Both folders hold the same files with the same bytes (the build's commit aside); returns the files."""
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert _COMMIT.sub(b"", (first / rel).read_bytes()) == _COMMIT.sub(b"", (second / rel).read_bytes()), rel
    return files


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src"} and value and not value.startswith(("data:", "#", "javascript:")):
                self.links.append(value)


def _links(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def test_all_reports_built(site):
    result, root = site
    assert result.ok, [r.error for r in result.results]
    assert [r.job.key for r in result.results] == ["wallonie", "brabant-wallon", "hainaut", "liege", "luxembourg",
                                                   "namur"]
    for res in result.results:
        folder = res.job.output_dir
        assert (folder / "rapport.html").exists() and (folder / "carte.html").exists()
        assert (folder / "carte.html").stat().st_size < 1_000_000
        assert len(list((folder / "figures").glob("*.png"))) >= 6
        assert not list(folder.glob("*.ipynb"))  # executed notebooks are internal
        assert res.executed.name == "annual_report.executed.ipynb" and res.executed.exists()


def test_regional_report_content(site):
    _, root = site
    page = (root / "wallonie" / "rapport.html").read_text(encoding="utf-8")
    assert "En 2024, 1\u202f500 parents et 1\u202f264 enfants ont participé" in page
    assert "DONNÉES SYNTHÉTIQUES" in page
    assert "AnnualReport(" not in page and "import " not in page  # no code in the exported report
    assert "remove_cell" not in page and "Carnet paramétré" not in page
    assert not re.search(r"<script[^>]+src=\"https?://", page) and "cdnjs" not in page and "MathJax" not in page
    summary = json.loads((root / "wallonie" / "summary.json").read_text())
    assert summary["key_figures"]["parents"] == "1\u202f500"
    namur = (root / "provinces" / "namur" / "rapport.html").read_text(encoding="utf-8")
    assert "de la province de Namur" in namur


def test_index_links_resolve_and_methodology(site):
    _, root = site
    links = _links(root / "index.html")
    assert len(links) > 6 * 10
    for link in links:
        assert (root / link).exists(), link
    for report in root.glob("**/rapport.html"):
        for link in _links(report):
            if not link.startswith(("http", "//")):
                assert (report.parent / link).resolve().exists(), (report, link)
    method = (root / "methodologie.html").read_text(encoding="utf-8")
    digest = hashlib.sha256((DEMO / "attendance.csv").read_bytes()).hexdigest()
    assert digest in method and "31 octobre 2025" in method and "DONNÉES SYNTHÉTIQUES" in method
    masked = sum(json.loads(p.read_text())["suppressed_cells"] for p in root.glob("**/summary.json"))
    assert masked > 0 and f"{masked:,}".replace(",", "\u202f") in method


def test_no_small_count_in_any_published_table(site):
    _, root = site
    checked = 0
    for csv in root.glob("**/*.csv"):
        frame = read_published_text(csv)  # machine column names, whatever the language of the file
        assert not {"participant_id", "family_id"} & set(frame.columns), csv
        for col in PEOPLE_COLUMNS & set(frame.columns):
            for value in frame[col]:
                if value and value != "n.p.":
                    assert not 0 < float(value) < THRESHOLD, (csv, col, value)
                    checked += 1
    assert checked > 1000


def test_a_second_build_of_one_scope_on_a_fresh_kernel_publishes_the_same_bytes(demo_site, tmp_path, capfd):
    """Same data, same publication, same bytes, and a warm kernel writes what a fresh one writes (issue 10).

    The session's build ran its six reports one after the other on one warm kernel, Namur last (after five other
    reports on that kernel). A second build of Namur alone, on a fresh kernel, publishes the same files byte for
    byte: every build of a year protects Wallonia and the five provinces together, so Namur alone masks the same
    cells. No line of the second build says ERROR.
    """
    first = demo_site.result.results[-1]
    assert first.job.key == "namur" and "kernel" in first.seconds  # ran on the warm kernel, after the others
    again = build_report(2024, data_dir=DEMO, out_dir=tmp_path, provinces=["Namur"], workers=1, progress=False,
                         reuse_kernels=False)
    assert again.ok, [r.error for r in again.results]
    assert "kernel" not in again.results[0].seconds  # papermill started a kernel of its own
    files = _assert_same_files(demo_site.site / "provinces" / "namur", tmp_path / "2024" / "provinces" / "namur")
    assert len(files) > 30 and {"rapport.html", "carte.html", "summary.json"} <= {f.name for f in files}
    assert {".csv", ".png", ".json"} <= {f.suffix for f in files}
    captured = capfd.readouterr()
    assert "ERROR" not in captured.out + captured.err


@pytest.mark.parametrize("args, message", [
    (["--year", "2021"], "Years available: 2022, 2023, 2024, 2025"),
    (["--year", "2024", "--province", "Flandre"], "Valid values: Brabant wallon (20002)"),
    (["--year", "2024", "--threshold", "2"], "at least 3"),
])
def test_bad_parameters_fail_before_any_kernel(args, message, tmp_path):
    result = relais("report", "--data", str(DEMO), "--out", str(tmp_path), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2  # one line in French, one in English
    assert not list(tmp_path.glob("**/*.ipynb"))


@pytest.mark.browser
def test_pages_open_offline_in_chromium(site, browser_page):
    _, root = site
    for page in [root / "index.html", root / "methodologie.html", root / "wallonie" / "rapport.html",
                 root / "wallonie" / "carte.html", root / "provinces" / "hainaut" / "rapport.html"]:
        browser_page.goto(page)
        assert browser_page.problems() == [], page
    browser_page.goto(root / "wallonie" / "rapport.html")
    text = browser_page.page.inner_text("body")
    assert "1\u202f500" in text and "Personnes touchées" in text
    assert browser_page.page.locator("img").count() >= 6
    browser_page.screenshot(ARTIFACTS / "rapport_wallonie.png")


@pytest.mark.browser
def test_pdf_of_regional_report(small_site):
    run, out = small_site
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    pdf = out / "2024" / "wallonie" / "rapport.pdf"
    assert f"PDF : {pdf}" in run.stdout
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000


def test_relay_sheets_on_small_fixture(small_site):
    run, out = small_site
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    # R3 closed mid-2024: still listed
    assert _built_jobs(out / "interne" / "2024") == [("ok", key) for key in ["wallonie", "R1", "R2", "R3", "R4"]]
    sheet = html.unescape((out / "2024" / "relais" / "r1" / "fiche.html").read_text(encoding="utf-8"))
    assert "Relais Liège" in sheet and "Mutualité Alpha" in sheet
    assert "le relais a organisé 2 activités" not in sheet  # 2 < 5: masked
    assert "n.p. activités" in sheet
    regional = (out / "2024" / "wallonie" / "rapport.html").read_text(encoding="utf-8")
    # published with the relay sheets, the regional totals are protected with them: true or "n.p.", never false
    assert re.search(r"En 2024, (8|n\.p\.) parents et (5|n\.p\.) enfants ont participé", regional)
    index = (out / "2024" / "index.html").read_text(encoding="utf-8")
    assert index.count("fiche</a>") == 4


def test_relay_sheets_on_a_fresh_kernel_are_the_same_bytes(small_site, tmp_path, capfd):
    """Issue 10: the four relay sheets of ``small_site`` ran on a warm kernel, each after another notebook; built
    again with a fresh kernel per notebook, they are the same files, byte for byte (relay sheets join the
    protection of a build when they are built, so both builds mask the same cells). No line says ERROR."""
    run, out = small_site
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    fresh = build_report(2024, data_dir=SMALL, out_dir=tmp_path, provinces=[], relays=True, workers=1,
                         progress=False, reuse_kernels=False)
    assert fresh.ok, [r.error for r in fresh.results if not r.ok]
    assert [r.job.key for r in fresh.results] == ["R1", "R2", "R3", "R4"]
    assert not any("kernel" in r.seconds for r in fresh.results)  # a fresh kernel for each sheet
    files = _assert_same_files(out / "2024" / "relais", tmp_path / "2024" / "relais")
    assert len(files) > 4 * 5 and [f.name for f in files].count("fiche.html") == 4
    captured = capfd.readouterr()
    assert "ERROR" not in captured.out + captured.err


@pytest.mark.parametrize("quiet", [True, False], ids=["report-manager", "jupyter-default"])
def test_kernels_are_not_interrupted_at_shutdown(quiet):
    """Issue 10: jupyter_client sends SIGINT before every shutdown, and an ipykernel that catches it logs
    "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel" on a run that succeeded. The report's kernel
    manager asks for the shutdown without the interrupt (the default one, as a control, still sends it)."""
    import asyncio
    import signal

    from jupyter_client.manager import AsyncKernelManager

    from relais_analysis.report.build import KERNEL_NAME, _kernel_manager_class, ensure_kernel

    ensure_kernel()
    manager = (_kernel_manager_class() if quiet else AsyncKernelManager)(kernel_name=KERNEL_NAME)
    sent: list[int] = []
    original = manager._async_signal_kernel

    async def recording(signum):
        sent.append(signum)
        await original(signum)

    manager._async_signal_kernel = recording

    async def start_and_stop():
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        client.stop_channels()
        await manager.shutdown_kernel()

    async def run() -> bool:
        await start_and_stop()
        return await manager.is_alive()

    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # its own event loop (Playwright may hold this one)
        alive = thread.submit(asyncio.run, run()).result(timeout=120)
    assert not alive
    assert (signal.SIGINT in sent) is not quiet


def _leak_probe(tmp_path: Path) -> Path:
    """A notebook that reports, then plants, state in every place a warm kernel could carry it over."""
    import nbformat

    from relais_analysis.report.build import KERNEL_NAME

    code = """import matplotlib as mpl, matplotlib.pyplot as plt
import relais_analysis.geography.reference as geo
seen = {"global": "planted" in globals(), "module": hasattr(geo, "planted"), "figures": len(plt.get_fignums()),
        "rc": mpl.rcParams["font.size"] == 31.0}
print(seen)
planted = run
geo.planted = run
plt.figure()
mpl.rcParams["font.size"] = 31.0"""
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("run = 0", metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(code)],
        metadata={"kernelspec": {"name": KERNEL_NAME, "language": "python", "display_name": KERNEL_NAME}})
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _printed(executed: Path) -> str:
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    return "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))


def test_warm_kernel_leaks_nothing_between_notebooks(tmp_path):
    """Issue 10: a variable, a module attribute of the package, a figure and an rcParam set by one notebook
    are not seen by the next one on the same warm kernel; without the reset (control) they are."""
    import papermill as pm

    from relais_analysis.report.kernel_pool import WarmKernel
    from relais_analysis.report.build import KERNEL_NAME, _kernel_manager_class, ensure_kernel

    ensure_kernel()
    probe = _leak_probe(tmp_path)
    kernel = WarmKernel(KERNEL_NAME, tmp_path, _kernel_manager_class())
    clean = "{'global': False, 'module': False, 'figures': 0, 'rc': False}"
    try:
        for run in (1, 2, 3):
            kernel.execute_notebook(probe, tmp_path / f"run{run}.ipynb", {"run": run})
            assert _printed(tmp_path / f"run{run}.ipynb").strip() == clean, run
        # control: the same kernel without the reset keeps everything the previous run planted
        pm.execute_notebook(str(probe), str(tmp_path / "control.ipynb"), parameters={"run": 4},
                            kernel_name=KERNEL_NAME, progress_bar=False, km=kernel.km)
        assert _printed(tmp_path / "control.ipynb").strip() == "{'global': True, 'module': True, 'figures': 1, 'rc': True}"
        assert kernel.alive() and kernel.runs == 3
    finally:
        kernel.shutdown()
    assert not kernel.alive()


def test_reports_draw_only_the_formats_their_pages_use(site):
    """Issue 10: the HTML pages embed PNG; SVG and PDF are drawn only when asked (``relais charts --formats``)."""
    _, root = site
    suffixes = {p.suffix for p in root.rglob("*") if p.is_file()}
    assert ".png" in suffixes
    assert not suffixes & {".svg", ".pdf"}
