"""The machinery of conftest.py that shares builds between xdist workers (issue 10, a faster suite).

``_once_per_run`` computes once and hands the pickle to the other workers, and builds again when a background
build failed; the files that read a shared build are ordered after the others, each whole and in its order.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import conftest


class _Factory:
    """What ``_once_per_run`` uses of ``tmp_path_factory``, inside this test's own folder (as a worker's)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def getbasetemp(self) -> Path:
        (self.root / "popen-gw0").mkdir(parents=True, exist_ok=True)
        return self.root / "popen-gw0"

    def mktemp(self, name: str) -> Path:
        folder = self.root / f"{name}-plain"
        folder.mkdir()
        return folder


def test_once_per_run_computes_once_and_again_after_a_failed_background_build(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    calls: list[Path] = []

    def compute(folder: Path) -> str:
        calls.append(folder)
        (folder / "site.txt").write_text("built", encoding="utf-8")
        return f"built in {folder.name}"

    factory = _Factory(tmp_path)
    assert conftest._once_per_run(factory, "site", compute) == "built in site"
    assert conftest._once_per_run(factory, "site", compute) == "built in site"  # the other worker: the pickle
    assert len(calls) == 1
    # a background build that died half-way leaves its folder and no pickle: the worker builds it again
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "half.txt").write_text("half", encoding="utf-8")
    assert conftest._once_per_run(factory, "broken", compute) == "built in broken"
    assert sorted(p.name for p in (tmp_path / "broken").iterdir()) == ["site.txt"]
    assert (tmp_path / "broken.pickle").exists()


def test_files_that_read_a_shared_build_run_last_each_whole(tmp_path, monkeypatch):
    files = {name: tmp_path / f"test_{name}.py" for name in ("a", "b", "c", "d")}
    for name, path in files.items():
        # a file that asks for the build by name (written in two pieces: this file itself asks for none)
        asks = 'request.getfixturevalue("' + 'demo_site")\n'
        path.write_text(asks if name == "c" else "pass\n", encoding="utf-8")

    def item(name: str, index: int, *fixtures: str) -> SimpleNamespace:
        return SimpleNamespace(path=files[name], fixturenames=["tmp_path", *fixtures], nodeid=f"{name}{index}")

    items = [item("a", 0), item("a", 1, "small_relay_site"), item("b", 0), item("c", 0, "request"),
             item("c", 1), item("d", 0), item("d", 1)]
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    unchanged = list(items)
    conftest.pytest_collection_modifyitems(None, items)
    assert items == unchanged  # plain pytest: the collection order
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    conftest.pytest_collection_modifyitems(None, items)
    assert [i.nodeid for i in items] == ["b0", "d0", "d1", "a0", "a1", "c0", "c1"]
    asked = conftest._builds_asked(items)
    assert asked[files["a"]] == {"small_relay_site"} and asked[files["c"]] == {"demo_site"}
    assert asked[files["b"]] == asked[files["d"]] == set()
