"""Shared pytest fixtures.

Sections: browser fixtures, LibreOffice, datasets, report build (below). Add other shared fixtures in their own
section. Path constants live in ``paths.py`` (``from paths import DEMO, SMALL``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS, OfflinePage
from paths import DEMO, ROOT, SMALL

# One disk cache of canonical protections for every test of the run and every xdist worker (and the next run):
# the same data protected in several tests (the demo, its copies in temporary folders, the assembled demo
# workbooks) is protected once. Entries are keyed by the data's content and the package's code
# (relais_analysis/privacy/protection_cache.py), so a stale entry is never read; the tests of the cache itself
# set their own folder. Without this, each temporary copy of the data had its own cache beside it.
_TEST_PROTECTIONS = ROOT / ".cache" / "tests-protection"
os.environ.setdefault("RELAIS_PROTECTION_CACHE", str(_TEST_PROTECTIONS))


def _prune_test_protections(folder: Path, max_age_s: float = 24 * 3600) -> None:
    """Entries of earlier code versions are never read again: drop what is older than a day (7-10 MB per version)."""
    import time

    cutoff = time.time() - max_age_s
    for path in folder.glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # another worker removed it first
            pass


if os.environ["RELAIS_PROTECTION_CACHE"] == str(_TEST_PROTECTIONS):  # never a folder the user chose
    _prune_test_protections(_TEST_PROTECTIONS)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from relais_analysis.report.build import ReportResult


# --------------------------------------------------------------------------- browser
# Tests using these fixtures should be marked ``@pytest.mark.browser``.


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session (skips if not installed)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):  # CI installs Chromium (.ci/run): a missing browser is a failure there
            pytest.fail(f"{CHROMIUM} not found in CI: .ci/run should have installed it")
        pytest.skip(f"{CHROMIUM} not found: install it with `apt-get install chromium`")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``browser`` that drives Chromium itself (``relais report --pdf``) rather than through the
    ``chromium`` fixture: skipped where Chromium is missing, as the fixture's users are; a failure on CI."""
    if item.get_closest_marker("browser") is None or CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} not found in CI: .ci/run should have installed it")
    pytest.skip(f"{CHROMIUM} not found: install it with `apt-get install chromium`")


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[OfflinePage]:
    """A fresh page in its own context, network blocked, errors recorded.

    See :class:`browser.OfflinePage`.
    """
    context = chromium.new_context(
        viewport={"width": 1000, "height": 700}, locale="fr-BE", service_workers="block"
    )
    try:
        yield OfflinePage(context)
    finally:
        context.close()


# --------------------------------------------------------------------------- parallel runs (pytest-xdist)
# ``make test`` runs the suite with one worker per core (``-n auto --dist loadfile``): each test file runs whole on
# one worker, so a module fixture (the odd build, the small site) is built once. A session fixture would be built
# once per worker: ``demo_site`` is built by the first worker that needs it and read by the others (a file lock in
# the run's temporary folder). ``--dist loadgroup`` would do this with marks, but pytest-xdist 3.8 cannot group
# under pytest 9.2 (it renames ``item._nodeid``, which pytest 9.2 no longer reads). Nothing here lists test files.


def _once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, compute):
    """``compute(folder)`` once per test run: under xdist the first worker computes, the others load its pickle."""
    import pickle

    try:
        import fcntl
    except ImportError:  # no POSIX file locks: each worker computes its own
        fcntl = None
    if "PYTEST_XDIST_WORKER" not in os.environ or fcntl is None:
        return compute(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, shared by its workers
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        done = shared / f"{name}.pickle"
        if done.exists():
            return pickle.loads(done.read_bytes())
        folder = shared / name
        if folder.exists():  # left by a background build that failed (its output: name.log): build it here
            import shutil

            shutil.rmtree(folder)
        folder.mkdir()
        value = compute(folder)
        done.write_bytes(pickle.dumps(value))
        return value


# Under xdist a worker that needs a shared build waits while another worker builds it. So the builds of
# ``_BACKGROUND`` (fixture -> its ``_once_per_run`` name) start when collection ends, in one process per worker
# (``python -c``, the builds spread over the workers) that holds each build's lock until its pickle is written:
# the workers run other tests meanwhile, and a test that needs a build waits on its lock for less time, if at
# all. A build starts only if a selected test asks for its fixture (or its file names it in
# ``request.getfixturevalue``); if it fails, the first test that needs it builds it again in its worker and shows
# the error (the background output is in the run's folder, ``NAME.log``). Plain ``pytest`` (no xdist) builds as
# before, when first needed.

_STARTED: list = []  # (process, log file) of this worker's background builds


def _background_builds(shared: Path, names: list[str]) -> None:
    """Start ``_BACKGROUND``'s builds ``names``, one after the other, in one new process that holds each build's
    lock (``shared/NAME.lock``, as :func:`_once_per_run`) until its pickle is written."""
    import fcntl
    import subprocess
    import sys

    locks = []
    for name in names:
        lock = open(shared / f"{name}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # taken before any test can ask for it
        except OSError:
            lock.close()
            continue
        locks.append((name, lock))
    if not locks:
        return
    jobs = [(name, lock.fileno()) for name, lock in locks]
    code = f"""import os, pickle, sys
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parent)!r})
import conftest
for name, fd in {jobs!r}:
    folder = Path({str(shared)!r}) / name
    folder.mkdir()
    value = conftest._BACKGROUND_BUILDERS[name](folder)
    (folder.parent / (name + ".pickle")).write_bytes(pickle.dumps(value))
    os.close(fd)  # releases the lock: the workers waiting for this build load its pickle
"""
    log = open(shared / f"{names[0]}.log", "w")
    try:  # the child inherits the locked files
        process = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parents[1], stdout=log,
                                   stderr=subprocess.STDOUT, pass_fds=[fd for _, fd in jobs])
    finally:
        for _, lock in locks:
            lock.close()
    _STARTED.append((process, log))


def _builds_asked(items: list[pytest.Item]) -> dict[Path, set[str]]:
    """The ``_BACKGROUND`` fixtures each file of ``items`` asks for (as an argument, or by name in
    ``request.getfixturevalue("demo_site")``)."""
    import re

    asked: dict[Path, set[str]] = {}
    for item in items:
        asked.setdefault(item.path, set()).update(f for f in _BACKGROUND if f in item.fixturenames)
    for path, fixtures in asked.items():
        if path.suffix == ".py":
            text = path.read_text(encoding="utf-8")
            fixtures.update(f for f in _BACKGROUND if re.search(rf"getfixturevalue\(\"{f}\"\)", text))
    return asked


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, the files that read a shared build run after the others (each file whole, in its order), so
    the workers run the rest while the builds go on in the background. ``make test`` keeps this order
    (``--no-loadscope-reorder``: xdist would otherwise hand out the files with the most tests first)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    asked = _builds_asked(items)
    order = {path: index for index, path in enumerate(dict.fromkeys(item.path for item in items))}
    items.sort(key=lambda item: (bool(asked[item.path]), order[item.path]))  # stable: a file's tests keep their order


@pytest.hookimpl(tryfirst=True)  # before xdist tells the controller that this worker has collected
def pytest_collection_finish(session: pytest.Session) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None or os.name != "posix" or not session.items:
        return
    asked = set().union(*_builds_asked(session.items).values())
    wanted = [name for fixture, name in _BACKGROUND.items() if fixture in asked]
    count, me = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), int(worker.removeprefix("gw") or 0)
    mine = [name for index, name in enumerate(wanted) if index % count == me % count]  # spread over the workers
    if mine:
        _background_builds(session.config._tmp_path_factory.getbasetemp().parent, mine)  # as in _once_per_run


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Wait for this worker's background builds (another worker may still need them); on Ctrl-C or a run stopped
    early (``-x``), stop them as Ctrl-C does."""
    import signal

    for process, log in _STARTED:
        if process.poll() is None and (exitstatus == pytest.ExitCode.INTERRUPTED or session.shouldstop
                                       or session.shouldfail):
            process.send_signal(signal.SIGINT)
        process.wait()
        log.close()


# --------------------------------------------------------------------------- LibreOffice
# Tests using this fixture should be marked ``@pytest.mark.libreoffice``.


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "libreoffice: needs Debian's LibreOffice (libreoffice --headless)")


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory):
    """``convert(files, fmt, out_dir)``: one headless LibreOffice run converting several files.

    Skips when ``libreoffice`` is missing, but fails in CI (``.ci/run`` installs
    ``libreoffice-calc``). Each call gets a writable ``HOME`` and its own profile, so runs
    never share a LibreOffice instance. Returns the converted files, and raises if one is
    missing or LibreOffice reports an error.
    """
    import shutil
    import subprocess
    from pathlib import Path

    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("libreoffice not found in CI: .ci/run should have installed libreoffice-calc")
        pytest.skip("libreoffice not found: install it with `apt-get install libreoffice-calc`")
    counter = iter(range(10**6))

    def convert(files: list[Path], fmt: str, out_dir: Path) -> list[Path]:
        base = tmp_path_factory.mktemp(f"lo-{next(counter)}")
        home, profile = base / "home", base / "profile"
        home.mkdir()
        env = {**os.environ, "HOME": str(home)}
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(out_dir), *map(str, files)],
            capture_output=True, text=True, timeout=300, env=env,
        )
        suffix = "." + fmt.split(":")[0]
        produced = [Path(out_dir) / (Path(f).stem + suffix) for f in files]
        missing = [p.name for p in produced if not p.exists()]
        if result.returncode != 0 or missing or "Error" in result.stderr:
            raise AssertionError(f"LibreOffice failed (rc={result.returncode}, missing={missing}): "
                                 f"{result.stdout}\n{result.stderr}")
        return produced

    return convert


# --------------------------------------------------------------------------- report build
# One build of the demo report site (2024, Wallonia and the five provinces: what ``make report`` builds) for the
# whole session: tests that need a built site read it, none writes into it. Mark such tests ``@pytest.mark.slow``.

DEMO_DATA = DEMO


@dataclass(frozen=True)
class ReportBuild:
    """A finished build: what :func:`build_report` returned and where it wrote."""

    result: ReportResult
    out: Path  # the --out folder
    site: Path  # out/2024: the published tree
    internal: Path  # out/interne/2024: rejections, executed notebooks, log


def _build_demo_site(out: Path) -> ReportBuild:
    from relais_analysis.report.build import build_report

    result = build_report(2024, data_dir=DEMO_DATA, out_dir=out, workers=1, progress=False)
    return ReportBuild(result, out, out / "2024", out / "interne" / "2024")


def _build_small_relay_site(out: Path) -> tuple:
    from concurrent.futures import ThreadPoolExecutor

    from browser import CHROMIUM
    from clirun import relais

    args = ["report", "--year", "2024", "--data", str(SMALL), "--out", str(out), "--province", "wallonie",
            "--relays", "--workers", "1"] + (["--pdf"] if CHROMIUM.exists() else [])
    with ThreadPoolExecutor(1) as thread:
        run = thread.submit(relais, *args).result(timeout=900)
    return run, out


def _build_demo_site_2025(out: Path) -> ReportBuild:
    from relais_analysis.report.build import build_report

    result = build_report(2025, data_dir=DEMO_DATA, out_dir=out, workers=1, progress=False)  # one kernel to start
    return ReportBuild(result, out, out / "2025", out / "interne" / "2025")


#: Shared builds started in the background under xdist (section "parallel runs"): fixture -> ``_once_per_run`` name.
_BACKGROUND = {"demo_site": "demo-site", "demo_site_2025": "demo-site-2025", "small_relay_site": "small-relay-site"}
_BACKGROUND_BUILDERS = {"demo-site": _build_demo_site, "small-relay-site": _build_small_relay_site,
                        "demo-site-2025": _build_demo_site_2025}


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> ReportBuild:
    """The demo report site, built once per run (``relais report --year 2024 --workers 1``).

    One worker on warm kernels: every notebook after the first (Wallonia) runs on the kernel that ran the one
    before it, which ``test_report.py`` compares with a fresh kernel. (Under xdist the other cores are busy with
    other tests; the published files do not depend on the number of workers.)
    """
    return _once_per_run(tmp_path_factory, "demo-site", _build_demo_site)


@pytest.fixture(scope="session")
def small_relay_site(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """``relais report --province wallonie --relays --pdf --workers 1`` on the small fixture, built once per run.

    Returns ``(run, out)``: the command's ``CompletedProcess`` (run in this process, ``clirun.relais``) and its
    ``--out`` folder. Wallonia then the four relay sheets, one after the other on one warm kernel (so every sheet
    runs on a kernel that ran another notebook before it), and the regional report printed to PDF when Chromium is
    installed. Shared by ``test_report.py`` (the sheets, the PDF) and ``test_accessibility.py`` (a relay sheet in
    the browser), which each built it before. The command runs on a thread of its own: Playwright's sync API
    (``--pdf``) refuses to start on a thread whose event loop the session's ``chromium`` fixture already holds.
    """
    return _once_per_run(tmp_path_factory, "small-relay-site", _build_small_relay_site)


@pytest.fixture(scope="session")
def demo_site_2025(tmp_path_factory: pytest.TempPathFactory) -> ReportBuild:
    """The demo report site of the next year (``relais report --year 2025``), built once per run: it republishes
    2022-2024 rows, to be audited together with :func:`demo_site`, and its index (data to 31 October 2025) is the
    landing page ``test_landing.py`` reads."""
    return _once_per_run(tmp_path_factory, "demo-site-2025", _build_demo_site_2025)


# --------------------------------------------------------------------------- notebooks


@pytest.fixture(scope="session")
def warm_kernel() -> Iterator:
    """One kernel of the project for the notebook runs of a session (``test_notebooks.py``, ``test_exploration.py``).

    A :class:`~relais_analysis.report.kernel_pool.WarmKernel`, as ``relais report`` uses: reset before each run
    (fresh namespace, the package imported anew, figures closed), so each run still begins from a clean state and
    a notebook that needs a name another one defined fails here as in JupyterLab; what it saves is the kernel start
    and the third-party imports (2-4 s a run on this machine). ``test_report.py`` proves that nothing leaks.
    """
    from relais_analysis.report.build import KERNEL_NAME, _kernel_manager_class, ensure_kernel
    from relais_analysis.report.kernel_pool import WarmKernel

    from paths import ROOT

    ensure_kernel()
    warm = WarmKernel(KERNEL_NAME, ROOT / "notebooks", _kernel_manager_class())
    try:
        yield warm
    finally:
        warm.shutdown()


# --------------------------------------------------------------------------- datasets
# Loaded once per session (the demo data take 3-6 s to read and validate on this machine, and nine files read them).
# Shared, so read-only: a test that needs to change one makes its own copy (``dataclasses.replace`` with new
# frames, or ``copy.deepcopy``). The fixtures check at the end of the session that no table was changed in place.


def _fingerprint(dataset) -> dict[str, int]:
    """A hash of every table of a :class:`~relais_analysis.intake.dataset.Dataset` (values, index and column names)."""
    import dataclasses

    import pandas as pd

    prints = {}
    for field in dataclasses.fields(dataset):
        frame = getattr(dataset, field.name)
        if isinstance(frame, pd.DataFrame):
            values = pd.util.hash_pandas_object(frame.astype(str), index=True).sum()
            prints[field.name] = hash((int(values), tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes))))
    return prints


def _shared_dataset(folder: Path) -> Iterator:
    from relais_analysis.intake.ingest import load_dataset

    dataset = load_dataset(folder)
    before = _fingerprint(dataset)
    yield dataset
    changed = [name for name, value in _fingerprint(dataset).items() if before.get(name) != value]
    assert not changed, f"a test changed the shared dataset of {folder.name} in place: {changed}"


@pytest.fixture(scope="session")
def demo_dataset() -> Iterator:
    """``load_dataset(data/demo)``, once per session; read-only."""
    yield from _shared_dataset(DEMO)


@pytest.fixture(scope="session")
def small_dataset() -> Iterator:
    """``load_dataset(tests/fixtures/small)``, once per session; read-only."""
    yield from _shared_dataset(SMALL)


@pytest.fixture(scope="session")
def demo_indicator_tables(demo_dataset) -> dict:
    """The raw (unprotected) 2024 indicator tables of the demo data: Wallonia (key ``None``) and each province."""
    from relais_analysis.config import PROVINCES
    from relais_analysis.indicators.tables import indicator_tables

    return {code: indicator_tables(demo_dataset, 2024, province=code) for code in [None, *PROVINCES]}
