"""The build's content-keyed cache (issue 10, batch speed): keys follow content, stale entries are never read,
concurrent notebooks compute an entry once, and a cached result gives the same bytes as a computed one."""

from __future__ import annotations

import multiprocessing
import pickle
import shutil
import time
from pathlib import Path

import pytest
from paths import SMALL

from relais_analysis.report.build_cache import CACHE_DIR, BuildCache, cache_for, content_key


def _copy_small(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    return data


def test_key_follows_content_not_names_or_times(tmp_path):
    data = _copy_small(tmp_path)
    twin = tmp_path / "twin"
    shutil.copytree(data, twin)
    assert content_key(data) == content_key(twin)  # same bytes elsewhere, other modification times
    relays = data / "relays.csv"
    relays.write_bytes(relays.read_bytes().replace(b"Alpha", b"Alpho", 1))
    assert content_key(data) != content_key(twin)
    (twin / "extra.csv").write_text("a\n", encoding="utf-8")
    assert content_key(twin) != content_key(data)
    assert content_key("x", 1) != content_key("x", "1")


def test_get_or_compute_computes_once_then_reads(tmp_path):
    cache, calls = BuildCache(tmp_path / "c"), []

    def compute():
        calls.append(1)
        return {"value": len(calls)}

    assert cache.get_or_compute("thing", "k1", compute) == {"value": 1}
    assert cache.get_or_compute("thing", "k1", compute) == {"value": 1}
    assert calls == [1]
    assert cache.get_or_compute("thing", "k2", compute) == {"value": 2}  # another key: computed again
    assert sorted(p.name for p in (tmp_path / "c").glob("*.pickle")) == ["thing-k1.pickle", "thing-k2.pickle"]


def test_a_failing_computation_writes_nothing(tmp_path):
    cache = BuildCache(tmp_path / "c")
    with pytest.raises(ZeroDivisionError):
        cache.get_or_compute("thing", "k", lambda: 1 / 0)
    assert cache.get("thing", "k") == (False, None)
    assert not list((tmp_path / "c").glob("*.pickle")) and not list((tmp_path / "c").glob(".*"))


def _slow_entry(folder: str, log: str) -> object:
    def compute():
        with open(log, "a", encoding="utf-8") as fh:
            fh.write("computed\n")
        time.sleep(0.5)
        return [1, 2, 3]

    return BuildCache(folder).get_or_compute("slow", "k", compute)


def test_concurrent_processes_compute_an_entry_once(tmp_path):
    pytest.importorskip("fcntl")
    log = tmp_path / "log.txt"
    with multiprocessing.get_context("fork").Pool(3) as pool:
        values = pool.starmap(_slow_entry, [(str(tmp_path / "c"), str(log))] * 3)
    assert values == [[1, 2, 3]] * 3
    assert log.read_text(encoding="utf-8") == "computed\n"


def test_notebooks_use_the_cache_only_when_the_build_created_it(tmp_path):
    protected = tmp_path / "tableaux_proteges" / "wallonie.pickle"
    protected.parent.mkdir()
    protected.write_bytes(b"")
    assert cache_for(None) is None and cache_for("None") is None
    assert cache_for(protected) is None  # share_work=False, or a notebook run on its own
    (protected.parent / CACHE_DIR).mkdir()
    assert cache_for(str(protected)).folder == protected.parent / CACHE_DIR


def test_a_changed_data_file_is_read_again_not_taken_from_the_cache(tmp_path):
    """The stale entry stays on disk under its old key; the report loads the changed data."""
    from relais_analysis.report.content import _shared_dataset, dataset_key, validate_parameters

    data = _copy_small(tmp_path)
    protected = tmp_path / "tableaux_proteges" / "wallonie.pickle"
    (protected.parent / CACHE_DIR).mkdir(parents=True)
    protected.write_bytes(b"")
    params = validate_parameters(year=2024, data_dir=str(data), output_dir=str(tmp_path / "out"),
                                 protected_tables=str(protected), as_of="2025-10-31")
    first, cache, key = _shared_dataset(params)
    assert cache is not None and cache.get("dataset", key)[0]
    again = _shared_dataset(params)[0]
    assert again.relays.equals(first.relays)
    name = str(first.relays["name"].iloc[0])
    relays = data / "relays.csv"
    relays.write_text(relays.read_text(encoding="utf-8").replace(name, name + " bis", 1), encoding="utf-8")
    assert dataset_key(params) != key
    changed = _shared_dataset(params)[0]
    assert str(changed.relays["name"].iloc[0]) == name + " bis"
    assert len(list((protected.parent / CACHE_DIR).glob("dataset-*.pickle"))) == 2


def test_cached_outcome_analysis_gives_the_same_chapter_bytes(demo_dataset, tmp_path):
    """A chapter built from the analysis handed over as a pickle (written by the build's main process,
    read by a notebook's kernel) writes the same files and HTML as one that computes it."""
    from relais_analysis.outcomes.chapter import OutcomeChapter, outcome_results

    results = outcome_results(demo_dataset, 2024)
    assert results is not None
    cached = pickle.loads(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
    chapters = {"computed": OutcomeChapter(demo_dataset, 2024),
                "cached": OutcomeChapter(demo_dataset, 2024, protected={"results": cached})}
    pages = {}
    for name, chapter in chapters.items():
        chapter.write(tmp_path / name)
        pages[name] = chapter.html() + chapter.table_html() + chapter.attrition_html()
    assert pages["computed"] == pages["cached"]
    files = sorted(p.relative_to(tmp_path / "computed") for p in (tmp_path / "computed").rglob("*") if p.is_file())
    assert len(files) > 5
    assert files == sorted(p.relative_to(tmp_path / "cached") for p in (tmp_path / "cached").rglob("*") if p.is_file())
    for rel in files:
        assert (tmp_path / "computed" / rel).read_bytes() == (tmp_path / "cached" / rel).read_bytes(), rel
