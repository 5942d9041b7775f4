"""Paths every test file uses, defined once (``from paths import DEMO, SMALL``).

The datasets they hold are loaded once per session by the fixtures of ``conftest.py``
(``demo_dataset``, ``small_dataset``, ``demo_indicator_tables``).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the project
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
SMALL = FIXTURES / "small"  # four relays, 13 participants: see tests/fixtures/README.md
DEMO = ROOT / "data" / "demo"  # the synthetic demo data (19 relays) that `make report` builds
ARTIFACTS = TESTS / "artifacts"
