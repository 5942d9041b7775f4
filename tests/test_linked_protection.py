"""One protection for the whole publication (issue 9, section 1).

The attacks of the issue are reproduced on the tables as they were published before
(each table protected on its own, each province with its own commune-of-residence
table): the audit recovers the masked counts the issue names. The same attacks find
nothing once :func:`protect_publication` has protected every scope together.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from relais_analysis.indicators import reach
from relais_analysis.privacy.audit import audit_system
from relais_analysis.config import PROVINCES
from relais_analysis.errors import PrivacyError
from relais_analysis.privacy.handover import load_protected, save_protected
from relais_analysis.privacy.linked import protect_publication, protect_scope
from relais_analysis.privacy.canonical import year_protection
from relais_analysis.privacy.checks import check_publishable
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed
from relais_analysis.privacy.links import LinkedSystem, Relation, build_system, scope_of
from relais_analysis.indicators.scope import for_province
from relais_analysis.indicators.tables import PEOPLE_COUNTS, publish_tables, relay_tables
from paths import DEMO

BW, NAMUR = "P:20002", "P:90000"


@pytest.fixture(scope="module")
def demo(demo_dataset, demo_indicator_tables) -> tuple:
    raw = {scope_of(code): demo_indicator_tables[code] for code in [None, *PROVINCES]}
    return demo_dataset, raw


@pytest.fixture(scope="module")
def before(demo) -> tuple:
    """The publication as it was: per-table protection, a residence table in every province report."""
    dataset, raw = demo
    published = {}
    for scope, ts in raw.items():
        tables = dict(ts.tables)
        if ts.province_nis is not None:
            tables["reach_by_residence"] = reach.reach_by(for_province(dataset, ts.province_nis), 2024, "residence")
        published[scope] = publish_tables(replace(ts, tables=tables)).tables
    system = build_system(published, 2024, strict=False)
    return system, audit_system(system)


@pytest.fixture(scope="module")
def after(demo):
    return protect_publication(demo[1])


def _true(raw: dict, scope: str, table: str, column: str, **where: object) -> int:
    frame = raw[scope].tables[table]
    for col, value in where.items():
        frame = frame[frame[col] == value]
    return int(frame[column].iloc[0])


# --------------------------------------------------------------------------- the attacks of the issue, before


def test_differencing_mons_across_wallonia_and_provinces_recovered_before(before, demo):
    """Wallonia's Mons row minus Hainaut's (and the others'): Brabant wallon's masked Mons attendances."""
    system, result = before
    key = ("attendances", BW, 2024, "residence", "53053")
    assert is_suppressed(system.values[key])
    assert key in result.recoverable
    truth = reach.reach_by(for_province(demo[0], "20002"), 2024, "residence").set_index("residence")
    assert result.intervals[key] == (float(truth.loc["53053", "attendances"]),) * 2 == (1.0, 1.0)


def test_share_women_gives_back_masked_genders_before(before, demo):
    """Namur publishes share_women = women / (women + men + x) with x masked: x = 1, unknown = 10."""
    system, result = before
    raw = demo[1]
    for column in ("x", "unknown"):
        key = ("parents", NAMUR, 2024, "gender", column)
        assert is_suppressed(system.values[key]) and key in result.recoverable
        assert result.intervals[key][0] == _true(raw, NAMUR, "gender", column)
    assert result.intervals[("parents", NAMUR, 2024, "gender", "x")] == (1.0, 1.0)


def test_fallback_of_one_table_undone_by_another_scope_before(before, demo):
    """A relay's categories masked in its province's table are shown in the Wallonia table."""
    system, result = before
    key = ("parents", "R:R02", 2024, "origin", "in_other_territory")
    assert key in system.revealed and key in result.recoverable
    assert result.intervals[key][0] == _true(demo[1], "W", "territory_vs_residence", "in_other_territory",
                                             relay_id="R02")


def test_before_many_cells_recoverable(before):
    _, result = before
    assert len(result.recoverable) >= 20


# --------------------------------------------------------------------------- after


def test_joint_protection_leaves_nothing_to_recover(after):
    """The same attack, with every published share and rate, on the jointly protected tables."""
    system = build_system({s: ts.tables for s, ts in after.sets.items()}, 2024)
    result = audit_system(system, exact=True)
    assert not system.revealed and not result.inconsistent and not system.conflicts
    assert result.unsafe == []
    for key, (lo, hi) in result.intervals.items():
        assert hi - lo + 1 >= (3 if key[0] in ("parents", "children", "families") else 2)
    assert len(result.intervals) == after.stats.quantities_masked


def test_the_attacked_cells_are_masked_everywhere_after(after):
    sets = after.sets
    gender = sets[NAMUR].tables["gender"].iloc[0]
    assert is_suppressed(gender["x"]) and is_suppressed(gender["share_women"])
    origin_w = sets["W"].tables["territory_vs_residence"].set_index("relay_id").loc["R02"]
    origin_p = sets[BW].tables["territory_vs_residence"].set_index("relay_id").loc["R02"]
    for column in ("in_own_territory", "in_other_territory", "uncovered", "unknown_residence"):
        assert is_suppressed(origin_w[column]) == is_suppressed(origin_p[column])
    assert "reach_by_residence" not in sets[BW].tables  # published once, in the Wallonia report


def test_protected_tables_are_publishable_and_rates_follow_counts(after):
    for ts in after.sets.values():
        assert ts.published and ts.threshold == 5
        for name, frame in ts.tables.items():
            counts = [c for c in PEOPLE_COUNTS[name][0] if c in frame.columns]
            check_publishable(frame, threshold=5, count_columns=counts)
    for scope in after.sets:
        gender = after.sets[scope].tables["gender"].iloc[0]
        if any(is_suppressed(gender[c]) for c in ("women", "men", "x")):
            assert is_suppressed(gender["share_women"])
        else:
            assert gender["share_women"] == pytest.approx(gender["women"] / (gender["women"] + gender["men"]
                                                                                 + gender["x"]))


def test_stats_add_up(after):
    s = after.stats
    assert s.quantities_masked == s.primary + s.by_tables + s.by_audit
    assert s.cells_masked == sum(ts.total_suppressed for ts in after.sets.values()) >= s.quantities_masked
    assert s.narrowest is not None and s.narrowest >= 2
    assert s.rounds >= 1


def test_relay_sheets_join_the_system(demo):
    dataset, raw = demo
    sets = [raw["W"], raw["P:90000"], relay_tables(dataset, 2024, "R16")]
    publication = protect_publication(sets)
    assert set(publication.sets) == {"W", "P:90000", "R:R16"}
    sheet = publication.sets["R:R16"].tables
    region = publication.sets["W"].tables["territory_vs_residence"].set_index("relay_id").loc["R16"]
    for column in ("parents", "in_own_territory", "in_other_territory", "uncovered", "unknown_residence"):
        assert is_suppressed(sheet["territory_vs_residence"][column].iloc[0]) == is_suppressed(region[column])
    system = build_system({s: ts.tables for s, ts in publication.sets.items()}, 2024)
    assert audit_system(system).unsafe == []


def test_save_and_load_protected(after, tmp_path):
    files = save_protected(after, tmp_path)
    tables, stats = load_protected(files[NAMUR], year=2024, threshold=5)
    assert tables.province_nis == "90000" and stats["quantities_masked"] == after.stats.quantities_masked
    assert tables.tables["gender"]["x"].iloc[0] is SUPPRESSED
    with pytest.raises(Exception, match="2023"):
        load_protected(files[NAMUR], year=2023, threshold=5)


def test_protect_scope_alone(demo):
    protected = protect_scope(demo[1][NAMUR])
    system = build_system({NAMUR: protected.tables}, 2024)
    assert audit_system(system, exact=True).unsafe == []


# --------------------------------------------------------------------------- the engine on tables small enough to check by hand


def _province_rows(attendances: list[object]) -> pd.DataFrame:
    rows = []
    for code, value in zip(PROVINCES, attendances):
        rows.append({"year": 2024, "province_nis": code, "parents": 50, "children": 40, "families": 45,
                     "attendances": value, "activities": 20})
    return pd.DataFrame(rows)


def _region(total: int) -> pd.DataFrame:
    return pd.DataFrame([{"year": 2024, "parents": 200, "children": 160, "families": 180, "attendances": total,
                          "activities": 100}])


def test_intervals_by_hand():
    """Attendances add up exactly from provinces to Wallonia: two masked provinces share what is left."""
    tables = {"reach_per_year": _region(30), "reach_by_province": _province_rows([10, 9, SUPPRESSED, SUPPRESSED, 5])}
    result = audit_system(build_system({"W": tables}, 2024), exact=True)
    assert result.intervals[("attendances", "P:60000", 2024, "", "")] == (1.0, 5.0)
    assert result.unsafe == []
    # two masked cells that add up to 2 are both 1: zeros are never masked
    tables["reach_per_year"] = _region(26)
    result = audit_system(build_system({"W": tables}, 2024), exact=True)
    assert result.intervals[("attendances", "P:80000", 2024, "", "")] == (1.0, 1.0)
    assert len(result.recoverable) == 2
    # people only bound Wallonia (one parent, two provinces): no exact recovery from a sum
    tables["reach_by_province"] = _province_rows([10, 9, 6, 1, 5]).assign(parents=[50, 50, SUPPRESSED, 50, 50])
    result = audit_system(build_system({"W": tables}, 2024), exact=True)
    assert result.intervals[("parents", "P:60000", 2024, "", "")] == (1.0, 200.0)


def test_build_refuses_what_it_cannot_protect():
    """Two masked 1s adding up to 2, known from outside, and nothing else to mask: refused, naming the table."""
    a, b = (("parents", "W", 2024, "gender", g) for g in ("x", "unknown"))
    system = LinkedSystem(values={a: 1, b: 1})
    for key in (a, b):
        system.cells[key].append(("W", "gender", 0, key[4]))
    system.relations.append(Relation(((a, 1.0), (b, 1.0)), 2.0, 2.0, "partition"))
    from relais_analysis.privacy.linked import _audit_until_safe

    with pytest.raises(PrivacyError, match="W/gender"):
        _audit_until_safe(system, {a: "primary", b: "primary"})


def test_masking_the_total_protects_two_small_cells():
    """Same two 1s, but their total is a published cell: the audit masks it and both become safe."""
    a, b, total = (("parents", "W", 2024, "gender", g) for g in ("x", "unknown", "sum"))
    system = LinkedSystem(values={a: 1, b: 1, total: 2})
    for key in (a, b, total):
        system.cells[key].append(("W", "gender", 0, key[4]))
    system.relations.append(Relation(((total, 1.0), (a, -1.0), (b, -1.0)), 0.0, 0.0, "partition"))
    from relais_analysis.privacy.linked import _audit_until_safe

    masked = {a: "primary", b: "primary"}
    rounds, result = _audit_until_safe(system, masked)
    assert masked[total] == "audit" and rounds == 2 and result.unsafe == []


def test_unbounded_masked_cell_is_safe():
    key = ("parents", "W", 2024, "", "")
    system = LinkedSystem(values={key: SUPPRESSED})
    system.cells[key].append(("W", "reach_per_year", 0, "parents"))
    result = audit_system(system)
    assert result.intervals[key] == (1.0, math.inf) and result.unsafe == []


def test_inconsistent_links_refused_in_a_build():
    tables_w = {"reach_by_province": _province_rows([10, 9, 6, 1, 5])}
    tables_p = {"reach_per_year": _region(30).assign(attendances=11)}
    with pytest.raises(PrivacyError, match="incohérent"):
        build_system({"W": tables_w, "P:20002": tables_p}, 2024)
    relaxed = build_system({"W": tables_w, "P:20002": tables_p}, 2024, strict=False)
    assert relaxed.conflicts


def test_one_scope_protected_as_in_the_report(demo, after):
    """``relais indicators --province Namur`` masks the same cells as the report's Namur tables."""
    dataset, raw = demo
    from relais_analysis.privacy.canonical import protect_in_publication

    alone = protect_in_publication(dataset, raw[NAMUR])
    report = year_protection(dataset, 2024)  # what every publication of 2024 masks (relay sheets included)
    assert set(report.sets) > set(after.sets)
    for name, frame in report.sets[NAMUR].tables.items():
        pd.testing.assert_frame_equal(alone.tables[name], frame, check_dtype=False)


def test_notebook_alone_and_in_a_build(after, tmp_path):
    """A report run alone takes the year's canonical masks and says so; in a build it loads its set."""
    from relais_analysis.report.content import AnnualReport
    from relais_analysis.errors import ParameterError

    alone = AnnualReport(year=2024, province="Namur", data_dir=str(DEMO), output_dir=str(tmp_path / "a"))
    assert not alone.whole_publication and "relais report" in alone.protection_note()
    for name, frame in year_protection(alone.dataset, 2024).sets[NAMUR].tables.items():
        pd.testing.assert_frame_equal(alone.tables.tables[name], frame, check_dtype=False)
    files = save_protected(after, tmp_path / "internal")
    built = AnnualReport(year=2024, province="Namur", data_dir=str(DEMO), output_dir=str(tmp_path / "b"),
                         protected_tables=str(files[NAMUR]))
    assert built.whole_publication and built.protection_note() == ""
    assert built.tables.tables["gender"]["x"].iloc[0] is SUPPRESSED
    with pytest.raises(ParameterError, match="autre territoire"):
        AnnualReport(year=2024, province="Liège", data_dir=str(DEMO), output_dir=str(tmp_path / "c"),
                     protected_tables=str(files[NAMUR]))
