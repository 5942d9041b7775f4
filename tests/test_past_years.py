"""Consistency across years (issue 9): a build republishes past years' rows with the masks of their own build.

A 2025 build publishes the 2022-2024 rows of ``reach_per_year``, ``new_vs_returning`` and
``retention`` again. Protected only with the 2025 tables, they may be masked differently
than the 2024 build masked them, and a reader holding both sites combines them. The demo
shows it (Luxembourg's 2022 parents); with :func:`past_year_masks` the union of the two
publications gives nothing back.
"""

from __future__ import annotations

import pytest

from relais_analysis.privacy.audit import audit_system
from relais_analysis.cli import main
from relais_analysis.config import PROVINCES
from relais_analysis.privacy.joint_inputs import past_year_masks
from relais_analysis.privacy.linked import protect_publication
from relais_analysis.privacy.masked import is_suppressed
from relais_analysis.privacy.links import build_system
from relais_analysis.indicators.tables import indicator_tables, write_tables


def _sets(dataset, year):
    shared: dict = {}
    return [indicator_tables(dataset, year, province=c, shared=shared, counts_only=True) for c in [None, *PROVINCES]]


@pytest.fixture(scope="module")
def publications(demo_dataset):
    """The demo protected for 2024 (as its build does), and for 2025 with and without past years' masks."""
    p2024 = protect_publication(_sets(demo_dataset, 2024), fixed=past_year_masks(demo_dataset, 2024))
    raw2025 = _sets(demo_dataset, 2025)
    own = protect_publication(raw2025)
    fixed = protect_publication(raw2025, fixed=past_year_masks(demo_dataset, 2025))
    return p2024, own, fixed


def _union(*publications):
    sets = {f"{scope}@{p.year}": ts.tables for p in publications for scope, ts in p.sets.items()}
    labels = {f"{scope}@{p.year}": (scope, p.year) for p in publications for scope in p.sets}
    system = build_system(sets, 2024, strict=False, labels=labels)
    return system, audit_system(system)


def test_each_year_masked_on_its_own_reopens_cells(publications):
    p2024, own, _ = publications
    system, result = _union(p2024, own)
    luxembourg_2022 = ("parents", "P:80000", 2022, "", "")
    assert luxembourg_2022 in system.revealed  # masked by one build, shown by the other
    assert luxembourg_2022 in result.recoverable


def test_past_years_masked_as_their_own_build_leave_nothing(publications):
    p2024, _, fixed = publications
    system, result = _union(p2024, fixed)
    assert not system.revealed and not result.unsafe and not result.inconsistent
    assert fixed.stats.past_years >= 1  # masked only because the 2022 build masks them


def test_past_rows_carry_the_same_masks_whatever_the_build_year(publications):
    p2024, _, fixed = publications
    for scope in p2024.sets:
        for name in ("reach_per_year", "new_vs_returning", "retention"):
            old, new = p2024.sets[scope].tables[name], fixed.sets[scope].tables[name]
            old, new = old[old["year"] <= 2023], new[new["year"] <= 2023]
            for column in ("parents", "new_parents", "seen_next_year"):
                if column in old.columns:
                    assert old[column].map(is_suppressed).tolist() == new[column].map(is_suppressed).tolist(), \
                        (scope, name, column)


def test_audit_attacks_several_sites_together(publications, tmp_path, capsys):
    p2024, own, fixed = publications
    for label, publication in (("2024", p2024), ("own", own), ("2025", fixed)):
        for scope, ts in publication.sets.items():
            write_tables(ts, tmp_path / label / scope.replace(":", "_"))
    assert main(["audit", str(tmp_path / "2024"), str(tmp_path / "own")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2024+2025 : ") and "P:80000@2025/reach_per_year" in out
    assert main(["audit", str(tmp_path / "2024"), str(tmp_path / "2025")]) == 0
    assert "0 retrouvable(s) / recoverable, 0 trop étroite(s)" in capsys.readouterr().out


@pytest.mark.slow
def test_demo_sites_2024_and_2025_audited_together(demo_site, demo_site_2025, capsys):
    """``relais report`` for 2024 and for 2025 (outcome tables included): their union gives nothing back."""
    assert main(["audit", str(demo_site.site), str(demo_site_2025.site)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2024+2025 : ") and "0 retrouvable(s) / recoverable, 0 trop étroite(s)" in out
    assert "W@2024/outcomes_by_relay" in out
