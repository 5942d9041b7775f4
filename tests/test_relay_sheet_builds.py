"""Issue 9's gap, closed: a build with relay sheets masks the same regional cells as a build without.

Relay sheets link to the Wallonia and province tables (relays add up to their province).
Protected in one pass with them, the audit masks a few more regional cells than a
protection without sheets; a reader holding both publications of a year (or a later
year's site, which republishes this year's rows) would see a quantity masked in one and
printed in the other. Every publishing path now takes its masks from the canonical
protection of the year (:func:`relais_analysis.privacy.canonical.year_protection`), which
protects every active relay's sheet whether or not a build publishes it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from paths import DEMO
from relais_analysis.config import PROVINCES
from relais_analysis.indicators.tables import indicator_tables, relay_tables
from relais_analysis.indicators.territory import active_relays
from relais_analysis.privacy.canonical import past_year_masks, protect_jobs, year_protection
from relais_analysis.privacy.handover import load_protected
from relais_analysis.privacy.linked import protect_publication
from relais_analysis.privacy.links import build_system
from relais_analysis.privacy.masked import is_suppressed
from relais_analysis.report.build import plan_jobs

YEAR = 2024


def _build(dataset, folder, relays: bool) -> SimpleNamespace:
    """The protected tables ``relais report`` hands its notebooks, with or without relay sheets."""
    jobs = plan_jobs(dataset, year=YEAR, data_dir=DEMO, out_dir=folder / "site", provinces=[None, *PROVINCES],
                     relays=relays, lang="fr", threshold=5)
    jobs, _ = protect_jobs(dataset, jobs, year=YEAR, threshold=5, folder=folder / "protected")
    sets = {}
    for job in jobs:
        ts = load_protected(job.parameters["protected_tables"], year=YEAR, threshold=5)[0]
        sets["R:" + ts.relay_id if ts.relay_id else ("W" if ts.province_nis is None else f"P:{ts.province_nis}")] = ts
    system = build_system({s: dict(ts.tables) for s, ts in sets.items()}, YEAR, rates=False)
    masked = {key for key, value in system.values.items() if is_suppressed(value)}
    return SimpleNamespace(sets=sets, masked=masked, jobs=jobs)


@pytest.fixture(scope="module")
def builds(demo_dataset, tmp_path_factory):
    folder = tmp_path_factory.mktemp("relay_sheet_builds")
    return _build(demo_dataset, folder / "without", False), _build(demo_dataset, folder / "with", True)


def test_a_build_with_sheets_masks_the_regional_cells_of_a_build_without(builds):
    without, with_sheets = builds
    assert len(with_sheets.sets) == len(without.sets) + 19  # the demo's 19 relay sheets
    system = build_system({s: dict(ts.tables) for s, ts in without.sets.items()}, YEAR, rates=False)
    keys = {k for k in system.cells if k[2] == YEAR}
    assert {k for k in keys if k in with_sheets.masked} == {k for k in keys if k in without.masked}


def test_both_builds_publish_identical_regional_tables(builds):
    """Every table of Wallonia and the provinces is the same, cell for cell, with or without sheets."""
    without, with_sheets = builds
    assert set(without.sets) == {"W", *(f"P:{code}" for code in PROVINCES)}
    for scope, ts in without.sets.items():
        other = with_sheets.sets[scope].tables
        assert set(other) == set(ts.tables)
        for name, frame in ts.tables.items():
            pd.testing.assert_frame_equal(frame, other[name])


def test_the_gap_was_real_without_the_canonical_protection(demo_dataset, builds):
    """Protected without the sheets (as builds without them were), regional cells differ: the test can fail."""
    shared: dict = {}
    regional = [indicator_tables(demo_dataset, YEAR, province=code, shared=shared) for code in [None, *PROVINCES]]
    sheets = [relay_tables(demo_dataset, YEAR, str(r), shared=shared)
              for r in active_relays(demo_dataset, YEAR)["relay_id"]]
    past = past_year_masks(demo_dataset, YEAR)
    alone = protect_publication(regional, fixed=past)
    together = protect_publication([*regional, *sheets], fixed=past)
    regional_keys = {k for k in alone.quantities if k[2] == YEAR}
    assert {k for k in regional_keys if k in together.masked} != {k for k in regional_keys if k in alone.masked}
    canonical = year_protection(demo_dataset, YEAR)  # the outcome tables are linked to nothing regional
    assert {k for k in regional_keys if k in canonical.masked} == {k for k in regional_keys if k in together.masked}
    assert builds[0].masked >= {k for k in regional_keys if k in together.masked}  # the build without sheets
