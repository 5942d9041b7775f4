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
from paths import DEMO, SMALL

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
        folder.mkdir()
        value = compute(folder)
        done.write_bytes(pickle.dumps(value))
        return value


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


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> ReportBuild:
    """The demo report site, built once per run (``relais report --year 2024 --workers 1``).

    One worker on warm kernels: every notebook after the first (Wallonia) runs on the kernel that ran the one
    before it, which ``test_report.py`` compares with a fresh kernel. (Under xdist the other cores are busy with
    other tests; the published files do not depend on the number of workers.)
    """
    from relais_analysis.report.build import build_report

    def build(out: Path) -> ReportBuild:
        result = build_report(2024, data_dir=DEMO_DATA, out_dir=out, workers=1, progress=False)
        return ReportBuild(result, out, out / "2024", out / "interne" / "2024")

    return _once_per_run(tmp_path_factory, "demo-site", build)


@pytest.fixture(scope="session")
def demo_site_2025(tmp_path_factory: pytest.TempPathFactory) -> ReportBuild:
    """The demo report site of the next year (``relais report --year 2025``), built once: it republishes 2022-2024
    rows, to be audited together with :func:`demo_site`."""
    from relais_analysis.report.build import build_report

    out = tmp_path_factory.mktemp("demo-site-2025")
    result = build_report(2025, data_dir=DEMO_DATA, out_dir=out, workers=2, progress=False)
    return ReportBuild(result, out, out / "2025", out / "interne" / "2025")


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
