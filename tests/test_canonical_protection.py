"""The canonical protection of a year (:mod:`relais_analysis.privacy.canonical`): every path, the same masks.

Also its content-keyed cache (:mod:`relais_analysis.privacy.protection_cache`): a second
computation reads the disk, gives the same tables, survives a corrupt entry, and a
changed attendance row changes the key.
"""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from paths import DEMO, SMALL
from relais_analysis.cli import main
from relais_analysis.config import PROVINCES
from relais_analysis.indicators.tables import indicator_tables, write_tables
from relais_analysis.outcomes.chapter import OutcomeChapter
from relais_analysis.privacy import canonical, protection_cache
from relais_analysis.privacy.canonical import past_year_masks, protect_jobs, year_protection
from relais_analysis.privacy.handover import load_protected_outcomes
from relais_analysis.privacy.linked import protect_publication
from relais_analysis.privacy.masked import SUPPRESSED
from relais_analysis.report.build import plan_jobs


def test_previous_year_masked_as_every_publication_of_that_year(demo_dataset) -> None:
    """The 2025 comparison's previous-year counts carry the canonical 2024 masks, which hide four relay
    totals that a protection of Wallonia and the provinces alone (the old build without sheets) shows.
    (Moved from test_landing.py, where it asserted that gap.)"""
    from relais_analysis.indicators.relay_comparison import previous_year_parents

    previous = previous_year_parents(demo_dataset, 2025)
    canonical_2024 = past_year_masks(demo_dataset, 2025)
    for relay, value in previous.items():
        assert (value is SUPPRESSED) == canonical_2024[("parents", f"R:{relay}", 2024, "", "")], relay
    shared: dict = {}
    regional = [indicator_tables(demo_dataset, 2024, province=c, shared=shared, counts_only=True)
                for c in [None, *PROVINCES]]
    without_sheets = protect_publication(regional, fixed=past_year_masks(demo_dataset, 2024)).masked
    extra = [r for r, v in previous.items() if v is SUPPRESSED and ("parents", f"R:{r}", 2024, "", "") not in
             without_sheets]
    assert extra, "expected relay totals masked only by a protection with the relay sheets"
    assert all(isinstance(v, int) and v >= 5 or v is SUPPRESSED for v in previous.values())


def test_relais_outcomes_alone_masks_the_outcome_cells_of_the_report(demo_dataset, tmp_path, capsys) -> None:
    assert main(["outcomes", "--year", "2024", "--data", str(DEMO), "--out", str(tmp_path / "alone")]) == 0
    capsys.readouterr()
    jobs = plan_jobs(demo_dataset, year=2024, data_dir=DEMO, out_dir=tmp_path / "site", provinces=[None],
                     relays=False, lang="fr", threshold=5)
    jobs, _ = protect_jobs(demo_dataset, jobs, year=2024, threshold=5, folder=tmp_path / "protected")
    protected = load_protected_outcomes(jobs[0].parameters["protected_tables"])
    OutcomeChapter(demo_dataset, 2024, protected=protected).write(tmp_path / "report")
    alone = sorted((tmp_path / "alone" / "tableaux").glob("*.csv"))
    report = sorted((tmp_path / "report" / "tableaux").glob("*.csv"))
    assert [p.name for p in alone] == [p.name for p in report] and alone
    for a, b in zip(alone, report):
        assert a.read_bytes() == b.read_bytes(), a.name


# --------------------------------------------------------------------------- the cache


@pytest.fixture
def disk(tmp_path, monkeypatch):
    """An empty disk cache and an empty memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(protection_cache.ENV_VAR, str(folder))
    monkeypatch.setattr(canonical, "_MEMO", {})
    return folder


def _csv_bytes(publication, folder) -> dict[str, bytes]:
    out = {}
    for scope, ts in publication.sets.items():
        for path in write_tables(ts, folder / scope.replace(":", "_")):
            out[f"{scope}/{path.name}"] = path.read_bytes()
    return out


def test_second_computation_reads_the_disk_and_gives_the_same_bytes(small_dataset, disk, tmp_path, monkeypatch):
    year = int(small_dataset.activities["year"].max())
    before = sum(canonical.COMPUTED.values())
    first = year_protection(small_dataset, year)
    computed = sum(canonical.COMPUTED.values()) - before
    assert computed >= 1 and len(list(disk.glob("*.pickle"))) == computed  # this year and each past year
    monkeypatch.setattr(canonical, "_MEMO", {})  # a new process: memory empty, disk warm
    second = year_protection(small_dataset, year)
    assert sum(canonical.COMPUTED.values()) - before == computed  # nothing computed again
    assert second is not first
    assert _csv_bytes(first, tmp_path / "a") == _csv_bytes(second, tmp_path / "b")
    assert second.masked == first.masked and second.stats == first.stats


def test_corrupt_entry_is_computed_again(small_dataset, disk, monkeypatch):
    year = int(small_dataset.activities["year"].max())
    first = year_protection(small_dataset, year)
    key = protection_cache.protection_key(small_dataset, year, 5, "fr")
    (disk / f"{key}.pickle").write_bytes(b"\x80\x05half a pickle")
    monkeypatch.setattr(canonical, "_MEMO", {})
    before = canonical.COMPUTED[year]
    again = year_protection(small_dataset, year)
    assert canonical.COMPUTED[year] == before + 1 and again.masked == first.masked
    assert isinstance(pickle.loads((disk / f"{key}.pickle").read_bytes()), type(first))  # rewritten whole
    assert not list(disk.glob("*.tmp"))


def test_key_follows_the_content(small_dataset):
    year = int(small_dataset.activities["year"].max())
    key = protection_cache.protection_key(small_dataset, year, 5, "fr")
    copy = dataclasses.replace(small_dataset, data_dir=None)  # another object, same content
    assert protection_cache.protection_key(copy, year, 5, "fr") == key
    attendance = small_dataset.attendance.copy()
    attendance.loc[attendance.index[0], "participant_id"] = attendance["participant_id"].iloc[-1]
    changed = dataclasses.replace(small_dataset, attendance=attendance)
    assert protection_cache.protection_key(changed, year, 5, "fr") != key
    assert protection_cache.protection_key(small_dataset, year, 6, "fr") != key
    assert protection_cache.protection_key(small_dataset, year - 1, 5, "fr") != key


def test_cache_folder_is_beside_the_data_and_never_published(small_dataset, monkeypatch):
    monkeypatch.delenv(protection_cache.ENV_VAR, raising=False)
    folder = protection_cache.cache_folder(small_dataset)
    assert folder == SMALL.resolve().parent / ".cache" / "relais-protection"
    monkeypatch.setenv(protection_cache.ENV_VAR, "off")
    assert protection_cache.cache_folder(small_dataset) is None


def test_key_follows_the_code(small_dataset, monkeypatch):
    """Editing the package's code (its digest) gives other keys: no entry of an older version is read."""
    year = int(small_dataset.activities["year"].max())
    key = protection_cache.protection_key(small_dataset, year, 5, "fr")
    digest = protection_cache.code_digest()
    assert len(digest) == 64
    monkeypatch.setattr(protection_cache, "code_digest", lambda: "0" * 64)
    assert protection_cache.protection_key(small_dataset, year, 5, "fr") != key


def test_an_entry_being_computed_elsewhere_is_waited_for(tmp_path):
    """Two processes (xdist workers, two builds) about to compute the same protection: the second waits for the
    first's entry instead of computing it again (here two threads, each with its own lock file handle)."""
    import threading

    order: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with protection_cache.computing(tmp_path, "k"):
            inside.set()
            release.wait(30)
            order.append("first done")

    def second() -> None:
        inside.wait(30)
        with protection_cache.computing(tmp_path, "k"):
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(0.5)  # without the lock, the second would be in (and done) by now
    release.set()
    for thread in threads:
        thread.join(30)
    assert order == ["first done", "second in"]
    with protection_cache.computing(tmp_path, "other"), protection_cache.computing(None, "k"):
        pass  # another key does not wait; without a folder there is nothing to lock
