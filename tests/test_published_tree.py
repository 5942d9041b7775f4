"""What a report build publishes: only what may leave, built whole or not at all (issue 9, sections 2-3).

Two builds: the demo site shared by the session (``demo_site`` in conftest.py), and, here, an "odd" build of the
small fixture whose relay codes and names are hostile (``R/1`` and ``R-1``, a 300-character code, a Cyrillic code,
relay names that are spreadsheet formulas), with a province and a relay without activity, and whose data carry a
name and an address typed by mistake.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from clirun import relais  # in-process; the odd build and Ctrl-C keep a real process (kernel output, signals)

from relais_analysis.indicators import tables
from relais_analysis.privacy.published_csv import COLUMNS, file_stem, machine_table_name, read_published_text
from relais_analysis.errors import ParameterError
from relais_analysis.intake.ingest import load_dataset
from relais_analysis.privacy.publication import Staging, descendants
from relais_analysis.report.build import plan_jobs
from paths import DEMO, ROOT, SMALL

THRESHOLD = 5
PUBLISHABLE_SUFFIXES = {".html", ".csv", ".png", ".svg", ".json", ".txt", ".pdf", ".xlsx"}  # .xlsx: tableaux.xlsx (issue 12)
TEXT_SUFFIXES = {".html", ".csv", ".svg", ".json", ".txt"}
#: Columns of published CSVs that count people (or their attendances and activities), from every table.
PEOPLE_COLUMNS = {c for columns, *_ in tables.PEOPLE_COUNTS.values() for c in columns}
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:home|root|tmp|work|usr|var|opt|mnt|srv|Users)/|file://|[A-Za-z]:\\\\")
LONG_CODE = "R" + "x" * 299
#: Demo relays given hostile codes: two that fold to the same name, 300 characters, Cyrillic letters.
ODD_IDS = {"R01": "R/1", "R02": "R-1", "R08": LONG_CODE, "R17": "Реле"}
#: Relay names that a spreadsheet would run as formulas (R01 and R02 are in Brabant wallon).
FORMULAS = {"R01": '=HYPERLINK("http://x";"Cliquez")', "R02": "+cmd|' /C calc'!A0", "R08": "@SUM(1+1)"}
#: Luxembourg's relays: their activities are removed, so the province has no data.
LUXEMBOURG = {"R17", "R18", "R19"}
#: The odd build is made of the small fixture (4 relays: 7 notebooks, where the demo's 19 relays took 22), with
#: the same hostile codes and names: R1 and R3 in the province of Liège (its report has the per-relay chart),
#: R2 in Namur, and R4, Bastogne, the only relay of Luxembourg, without activity.
SMALL_ODD_IDS = {"R1": "R/1", "R3": "R-1", "R2": LONG_CODE, "R4": "Реле"}
SMALL_FORMULAS = {"R1": FORMULAS["R01"], "R3": FORMULAS["R02"], "R2": FORMULAS["R08"]}
TYPED_BY_MISTAKE = ["Marie Dupont", "Rue des Lilas 12, 5000 Namur"]

pytestmark = pytest.mark.slow


def make_odd_data(dest: Path, source: Path = DEMO, ids: dict = ODD_IDS, formulas: dict = FORMULAS,
                  silent: set = LUXEMBOURG) -> Path:
    """The data of ``source`` with hostile relay codes (``ids``) and names (``formulas``), the relays of a province
    without activity (``silent``), and personal data typed by mistake in optional fields (blanked with a warning,
    so kept only in the internal report)."""
    shutil.copytree(source, dest)
    activities = pd.read_csv(dest / "activities.csv", dtype=str, keep_default_na=False)
    gone = set(activities.loc[activities["relay_id"].isin(silent), "activity_id"])
    activities = activities[~activities["activity_id"].isin(gone)]
    attendance = pd.read_csv(dest / "attendance.csv", dtype=str, keep_default_na=False)
    attendance[~attendance["activity_id"].isin(gone)].to_csv(dest / "attendance.csv", index=False)
    frames = {"activities": activities}
    for name in ("relays", "territories", "activities"):
        frame = frames.get(name, pd.read_csv(dest / f"{name}.csv", dtype=str, keep_default_na=False))
        if name == "relays":
            frame["name"] = [formulas.get(r, n) for r, n in zip(frame["relay_id"], frame["name"])]
        frame["relay_id"] = frame["relay_id"].map(lambda r: ids.get(r, r))
        frame.to_csv(dest / f"{name}.csv", index=False)
    with open(dest / "participants.csv", "a", encoding="utf-8") as fh:
        fh.write(f'P98odd,F98odd,parent,{TYPED_BY_MISTAKE[0]},1980,62063\n'
                 f'P99odd,F99odd,parent,F,1980,"{TYPED_BY_MISTAKE[1]}"\n')
    return dest


@pytest.fixture(scope="module")
def odd_build(tmp_path_factory):
    """``relais report --relays`` as a user runs it (a real process: the kernels' own output is read too), on the
    odd small data: Wallonia, Liège, Luxembourg (no data), and the 4 relay sheets, one of them without activity."""
    base = tmp_path_factory.mktemp("odd")
    data = make_odd_data(base / "data", SMALL, SMALL_ODD_IDS, SMALL_FORMULAS, {"R4"})
    out = base / "reports"
    run = subprocess.run([sys.executable, "-m", "relais_analysis", "report", "--year", "2024", "--data", str(data),
                          "--out", str(out), "--province", "wallonie", "Liège", "Luxembourg", "--relays",
                          "--workers", "2"], capture_output=True, text=True, timeout=900)
    return run, load_dataset(data), out


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _published_problems(site: Path, dataset) -> list[str]:
    """Everything in a published tree built from ``dataset`` that may not leave, as readable strings (empty: all
    good)."""
    problems = []
    codes = set(dataset.participants["participant_id"].astype(str)) | set(dataset.participants["family_id"].astype(str))
    for path in _files(site):
        rel = path.relative_to(site).as_posix()
        if path.suffix not in PUBLISHABLE_SUFFIXES or ".executed." in path.name or path.suffix in {".log", ".ipynb"}:
            problems.append(f"internal file type: {rel}")
        if any(part.startswith(".") for part in path.relative_to(site).parts):
            problems.append(f"hidden or unfinished: {rel}")
        if re.search(r"rejet|interne|journal|\.log$|\.ipynb$", rel, re.IGNORECASE):
            problems.append(f"internal by name: {rel}")
        if path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8")
        if (found := ABSOLUTE_PATH.search(text)) or str(site.parent) in text or str(ROOT) in text:
            problems.append(f"absolute local path in {rel}: {found.group(0) if found else site.parent}")
        for code in sorted(set(re.findall(r"[\w-]+", text)) & codes):
            problems.append(f"participant or family code {code!r} in {rel}")
        for value in pd.concat([dataset.rejections["value"], dataset.warnings["value"]]).dropna().astype(str):
            if len(value) >= 6 and value in text:
                problems.append(f"rejected value {value!r} in {rel}")
        if path.suffix == ".csv":
            frame = read_published_text(path)  # machine column names, whatever the language of the file
            stem = machine_table_name(path.stem)
            counted = set(tables.PEOPLE_COUNTS[stem][0]) if stem in tables.PEOPLE_COUNTS else PEOPLE_COLUMNS
            for column in counted & set(frame.columns):  # e.g. not "activities" in activities_per_parent (a class)
                for value in frame[column]:
                    if re.fullmatch(r"-?\d+(\.\d+)?", value) and 0 < float(value) < THRESHOLD:
                        problems.append(f"count {value} of {column} in {rel}")
    return problems


# --------------------------------------------------------------------------- the demo site


def test_demo_site_publishes_only_what_may_leave(demo_site, demo_dataset):
    assert demo_site.result.ok, [r.error for r in demo_site.result.results if not r.ok]
    assert _published_problems(demo_site.site, demo_dataset) == []
    csvs = list(demo_site.site.rglob("*.csv"))
    assert len(csvs) > 6 * 20  # tables and figure data of the 6 reports were all checked
    assert sorted(p.name for p in demo_site.out.iterdir()) == ["2024", "interne"]  # no unfinished folder left


def test_demo_internal_folder_holds_what_may_not_leave(demo_site):
    internal = demo_site.internal
    assert (internal / "donnees" / "rejets.csv").exists() and (internal / "journal.txt").exists()
    executed = sorted(p.relative_to(internal).as_posix() for p in internal.rglob("*.executed.ipynb"))
    assert len(executed) == 6 and "wallonie/annual_report.executed.ipynb" in executed
    assert str(ROOT) in (internal / "wallonie" / "annual_report.executed.ipynb").read_text(encoding="utf-8")
    for res in demo_site.result.results:  # the result points at the final folders, not the temporary ones
        assert res.executed.is_relative_to(internal) and res.html.is_relative_to(demo_site.site)


def test_the_walk_finds_what_it_looks_for(demo_site, demo_dataset, tmp_path):
    """The checks above can fail: plant each kind of leak in a copy of one report folder."""
    site = tmp_path / "2024"
    shutil.copytree(demo_site.site / "provinces" / "namur", site / "provinces" / "namur")
    assert _published_problems(site, demo_dataset) == []
    code = demo_dataset.participants["participant_id"].iloc[0]
    (site / "provinces" / "namur" / "notes.txt").write_text(f"{code} {tmp_path}", encoding="utf-8")
    shutil.copy(demo_site.internal / "wallonie" / "annual_report.executed.ipynb", site)
    csv = site / "provinces" / "namur" / "tableaux" / f"{file_stem('reach_by_relay')}.csv"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False, sep=";", encoding="utf-8-sig")
    frame.loc[0, COLUMNS["parents"].header("fr")] = "3"
    frame.to_csv(csv, index=False, sep=";", encoding="utf-8-sig")
    problems = "\n".join(_published_problems(site, demo_dataset))
    for expected in ("internal file type: annual_report.executed.ipynb", "absolute local path in provinces/namur/notes",
                     f"code {code!r}", "count 3 of"):
        assert expected in problems


def test_index_and_methodology_link_nothing_internal(demo_site):
    index = (demo_site.site / "index.html").read_text(encoding="utf-8")
    method = (demo_site.site / "methodologie.html").read_text(encoding="utf-8")
    for page in (index, method):
        for link in re.findall(r'(?:href|src)="([^"#]+)"', page):
            assert not re.search(r"rejet|interne|journal|ipynb", link), link
            assert (demo_site.site / link).resolve().is_relative_to(demo_site.site), link
            assert (demo_site.site / link).exists(), link
    assert re.search(r"0 ligne\(s\) rejetée\(s\) au\s+total", method) and "n'est jamais publié" in method


# --------------------------------------------------------------------------- the odd build


def test_odd_build_succeeds_without_error_lines(odd_build):
    run, _, out = odd_build
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr and "ERROR" not in run.stdout + run.stderr  # issue 10
    assert "7/7 carnet(s)" in run.stdout


def test_odd_build_publishes_only_what_may_leave(odd_build):
    _, dataset, out = odd_build
    assert _published_problems(out / "2024", dataset) == []
    rejections = (out / "interne" / "2024" / "donnees" / "rejets.csv").read_text(encoding="utf-8-sig")
    assert all(value in rejections for value in TYPED_BY_MISTAKE)  # kept for the support centre, internal only
    published = " ".join(p.read_text(encoding="utf-8") for p in _files(out / "2024") if p.suffix in TEXT_SUFFIXES)
    assert not any(value in published for value in TYPED_BY_MISTAKE)


def test_relay_folders_are_unique_and_short_whatever_the_codes(tmp_path):
    data = make_odd_data(tmp_path / "data")
    jobs = plan_jobs(load_dataset(data), year=2024, data_dir=data, out_dir=tmp_path / "site", provinces=[],
                     relays=True, lang="fr", threshold=5, internal_dir=tmp_path / "interne")
    folders = {job.key: job.output_dir for job in jobs}
    assert len(folders) == 19 and len(set(folders.values())) == 19  # R/1 and R-1 do not share a folder
    for key, folder in folders.items():
        assert len(folder.name) <= 49 and re.fullmatch(r"[a-z0-9-]+", folder.name), key
        folder.mkdir(parents=True)  # the file system takes every name (a 300-character one would not)
        (folder / "fiche.html").write_text(key, encoding="utf-8")
    assert folders["R03"].name == "r03" and folders["Реле"].name.startswith("relais-")
    assert folders["R/1"].name != folders["R-1"].name and folders[LONG_CODE].name.startswith("r" + "x" * 39)
    assert {job.internal_dir.relative_to(tmp_path / "interne") for job in jobs} == {
        f.relative_to(tmp_path / "site") for f in folders.values()}


def test_scope_without_data_says_so(odd_build):
    _, _, out = odd_build
    page = (out / "2024" / "provinces" / "luxembourg" / "rapport.html").read_text(encoding="utf-8")
    assert "Aucune activité enregistrée par les relais de la province du Luxembourg en 2024" in page
    assert "Traceback" not in page and "KeyError" not in page
    index = (out / "2024" / "index.html").read_text(encoding="utf-8")
    assert "non disponible" not in index and "Error" not in index
    silent = next((out / "2024" / "relais").glob("relais-*"))  # Реле (R4 of the fixture): no activity
    sheet = (silent / "fiche.html").read_text(encoding="utf-8")
    assert "Aucune activité enregistrée cette année." in sheet


def test_relay_sheets_built_whatever_the_codes(odd_build):
    """A 300-character code, two codes folding alike and a Cyrillic code do not kill the build at its end."""
    _, _, out = odd_build
    folders = sorted(p.name for p in (out / "2024" / "relais").iterdir())
    assert len(folders) == 4 and all(len(name) <= 49 and re.fullmatch(r"[a-z0-9-]+", name) for name in folders)
    assert all((out / "2024" / "relais" / name / "fiche.html").exists() for name in folders)
    index = (out / "2024" / "index.html").read_text(encoding="utf-8")
    assert index.count("fiche</a>") == 4
    long_sheet = next(name for name in folders if name.startswith("r" + "x" * 39))
    page = (out / "2024" / "relais" / long_sheet / "fiche.html").read_text(encoding="utf-8")
    assert "@SUM(1+1)" in page  # the relay's name, as text in HTML


def _libreoffice_cells(paths: list[Path], tmp_path: Path) -> dict[str, list]:
    """Open CSV files in LibreOffice Calc (headless), save them as XLSX, read every cell back with openpyxl."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice not found in CI: .ci/run installs libreoffice-calc")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-calc)")
    openpyxl = pytest.importorskip("openpyxl")
    home = Path(tempfile.mkdtemp(dir=tmp_path))
    inputs = tmp_path / "lo-in"
    inputs.mkdir()
    copies = []
    for i, path in enumerate(paths):  # unique names: LibreOffice writes <stem>.xlsx
        copies.append(shutil.copy(path, inputs / f"f{i}_{path.name}"))
    # a French-language spreadsheet's import: ';' (published tables, issue 12) or ',' (figures' data), UTF-8
    subprocess.run([soffice, f"-env:UserInstallation=file://{home}/profile", "--headless",
                    "--infilter=CSV:44/59,34,76", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path / "lo-out"), *map(str, copies)],
                   env={**os.environ, "HOME": str(home)}, capture_output=True, timeout=300, check=True)
    cells = {}
    for copy, path in zip(copies, paths):
        book = openpyxl.load_workbook(tmp_path / "lo-out" / f"{Path(copy).stem}.xlsx")
        cells[path.name if path.name not in cells else str(path)] = [c for row in book.active.iter_rows() for c in row]
    return cells


def test_no_formula_survives_in_a_spreadsheet(odd_build, tmp_path):
    _, _, out = odd_build
    liege = out / "2024" / "provinces" / "liege"
    relays = f"{file_stem('reach_by_relay')}.csv"
    paths = [out / "2024" / "wallonie" / "tableaux" / relays, liege / "tableaux" / relays,
             liege / "figures" / "donnees_personnes_par_relais.csv"]
    names = {v for p in paths for v in read_published_text(p)["relay_name"]}
    assert {"'" + name for name in FORMULAS.values()} <= names  # the names are there, made inert
    control = tmp_path / "control.csv"  # the same names written naively: LibreOffice does run them
    pd.DataFrame({"relay_name": list(FORMULAS.values()), "parents": [5, 6, 7]}).to_csv(control, index=False)
    cells = _libreoffice_cells([*paths, control], tmp_path)
    assert [c.value for c in cells.pop("control.csv") if c.data_type == "f"] == ['=HYPERLINK("http://x","Cliquez")']
    for name, sheet in cells.items():
        formulas = [c.value for c in sheet if c.data_type == "f"]
        assert formulas == [], (name, formulas)
    shown = {str(c.value) for sheet in cells.values() for c in sheet}
    assert "'@SUM(1+1)" in shown or "@SUM(1+1)" in shown


# --------------------------------------------------------------------------- built whole or not at all


def _tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in _files(root)}


def _previous_site(out: Path) -> dict[str, str]:
    site = out / "2024"
    (site / "wallonie").mkdir(parents=True)
    (site / "index.html").write_text("<p>site précédent</p>", encoding="utf-8")
    (site / "wallonie" / "rapport.html").write_text("<p>ancien rapport</p>", encoding="utf-8")
    return _tree_digest(site)


def _kernels(pid: int) -> list[int]:
    found = []
    for child in descendants(pid):
        try:
            if b"ipykernel" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc to see the kernels")
def test_ctrl_c_keeps_the_previous_site_and_stops_the_kernels(tmp_path):
    out = tmp_path / "reports"
    before = _previous_site(out)
    process = subprocess.Popen([sys.executable, "-m", "relais_analysis", "report", "--year", "2024", "--data",
                                str(SMALL), "--out", str(out), "--relays", "--workers", "2", "--province", "wallonie"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    kernels: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(kernels) < 2 and process.poll() is None:
        kernels = _kernels(process.pid)
        time.sleep(0.2)
    assert kernels, "no kernel started"
    staged = [p for p in out.iterdir() if p.name.startswith(".")]
    assert staged  # the new site is being written beside the old one, not into it
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole foreground process group
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "interrompu / interrupted"
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert len([line for line in stderr.splitlines() if line.strip() and "Rapports" not in line]) == 1, stderr
    time.sleep(0.5)
    assert [k for k in kernels if _alive(k)] == []  # no orphan ipykernel
    assert _tree_digest(out / "2024") == before  # the previous site, whole and unchanged
    assert [p for p in out.rglob(".*")] == []  # the unfinished folders are gone


def test_a_failing_notebook_keeps_the_previous_site(tmp_path, monkeypatch):
    fake_root = tmp_path / "project"
    (fake_root / "notebooks").mkdir(parents=True)
    (fake_root / "data").symlink_to(ROOT / "data")
    broken = (ROOT / "notebooks" / "annual_report.ipynb").read_text(encoding="utf-8")
    broken = broken.replace("display(Markdown(report.narrative()))",
                            "if report.params.province == '90000':\\n    raise RuntimeError('panne simulée')\\n"
                            "display(Markdown(report.narrative()))")
    (fake_root / "notebooks" / "annual_report.ipynb").write_text(broken, encoding="utf-8")
    out = tmp_path / "out"
    before = _previous_site(out)
    monkeypatch.setenv("RELAIS_ROOT", str(fake_root))  # read when the build plans its notebooks
    run = relais("report", "--year", "2024", "--data", str(SMALL), "--out", str(out), "--province", "Namur",
                 "Luxembourg")
    assert run.returncode == 1
    assert "panne simulée" in run.stdout and "Site précédent conservé" in run.stdout
    assert _tree_digest(out / "2024") == before  # nothing of the new build mixed into the old site
    internal = out / "interne" / "2024"
    assert (internal / "provinces" / "namur" / "annual_report.executed.ipynb").exists()
    assert "panne simulée" in (internal / "journal.txt").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["2024", "interne"]


# --------------------------------------------------------------------------- staging, unit level (fast)


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), RuntimeError("panne"), OSError(errno.ENOSPC, "No space")])
def test_an_interrupted_staging_leaves_the_previous_folder_whole(tmp_path, failure):
    site, internal = tmp_path / "2024", tmp_path / "interne" / "2024"
    site.mkdir()
    (site / "old.html").write_text("ancien", encoding="utf-8")
    expected = ParameterError if isinstance(failure, OSError) else type(failure)
    with pytest.raises(expected):
        with Staging(site, internal) as stage:
            (stage.site / "new.html").write_text("nouveau", encoding="utf-8")
            raise failure
    assert [p.name for p in site.iterdir()] == ["old.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024", "interne"]
    assert list((tmp_path / "interne").iterdir()) == []


def test_staging_swaps_the_whole_folder(tmp_path):
    site, internal = tmp_path / "2024", tmp_path / "interne" / "2024"
    site.mkdir()
    (site / "old.html").write_text("ancien", encoding="utf-8")
    with Staging(site, internal) as stage:
        (stage.site / "new.html").write_text("nouveau", encoding="utf-8")
        (stage.internal / "journal.txt").write_text("ok", encoding="utf-8")
        stage.commit()
    assert [p.name for p in site.iterdir()] == ["new.html"]  # never a mix of old and new files
    assert [p.name for p in internal.iterdir()] == ["journal.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024", "interne"]


def test_a_yearly_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "2024").write_text("pas un dossier", encoding="utf-8")
    with pytest.raises(ParameterError, match="not a folder"):
        with Staging(tmp_path / "2024", tmp_path / "interne" / "2024"):
            pass
    assert (tmp_path / "2024").read_text(encoding="utf-8") == "pas un dossier"
    assert [p for p in tmp_path.rglob(".*")] == []


@pytest.mark.parametrize("command", [["report", "--year", "2024"], ["indicators", "--year", "2024"],
                                     ["charts", "--year", "2024"]])
def test_an_output_path_that_is_a_file_gets_one_line(command, tmp_path):
    target = tmp_path / "rapport.txt"
    target.write_text("pas un dossier", encoding="utf-8")
    run = relais(*command, "--data", str(SMALL), "--out", str(target))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 2  # French, then English
    assert "n'est pas un dossier" in run.stderr and "is not a folder" in run.stderr
    assert target.read_text(encoding="utf-8") == "pas un dossier"


@pytest.mark.parametrize("name", ["2024", "interne", "site"])
def test_a_published_or_internal_folder_as_output_is_refused(name, tmp_path):
    # --out reports/2024 would put interne/ inside the folder a coordinator zips and sends
    out = tmp_path / name
    if name == "site":
        out.mkdir()
        (out / "index.html").write_text("<html></html>", encoding="utf-8")
    run = relais("report", "--year", "2024", "--data", str(SMALL), "--out", str(out))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 2  # French, then English
    assert f"--out {tmp_path.as_posix()}" in run.stderr
    assert not (out / "interne").exists() and not (out / "2024").exists()
    assert name == "site" or not out.exists()  # refused before anything is created


@pytest.mark.parametrize("where", ["folder", "parent-file"])
def test_a_map_written_into_a_folder_or_under_a_file_gets_one_line(where, tmp_path):
    (tmp_path / "fichier").write_text("pas un dossier", encoding="utf-8")
    out = tmp_path if where == "folder" else tmp_path / "fichier" / "carte.html"
    run = relais("map", "--year", "2024", "--data", str(SMALL), "--out", str(out))
    assert run.returncode == 2 and "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 2
    assert (tmp_path / "fichier").read_text(encoding="utf-8") == "pas un dossier"


def test_summary_json_has_no_absolute_path(demo_site):
    for path in demo_site.site.rglob("summary.json"):
        summary = json.loads(path.read_text(encoding="utf-8"))
        assert not ABSOLUTE_PATH.search(json.dumps(summary, ensure_ascii=False)), path


def test_index_names_every_table_for_readers(demo_site):
    # every table link on the index reads as French words, never as a file stem such as outcomes_bands_djg6
    page = (demo_site.site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="[^"]*tableaux/([^"/]+)\.csv">([^<]+)</a>', page)
    stems = {stem for stem, _ in links}
    assert {file_stem("outcomes_change"), file_stem("outcomes_bands_djg6"), file_stem("reach_by_relay")} <= stems
    assert file_stem("outcomes_change") == "evolution_entree_suivi"
    for stem, text in links:
        assert "_" not in text and text != stem, (stem, text)
    assert "niveaux à l&#x27;entrée et au suivi : DJG-6" in page or "niveaux à l'entrée et au suivi : DJG-6" in page
