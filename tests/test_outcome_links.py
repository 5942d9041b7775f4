"""Outcome tables in the linked system: the audit attacks them, the joint protection masks them (issue 9).

The holes are planted in small hand-written sites (a ``reach_by_relay`` table for the
relays' provinces and a few ``outcomes_*.csv``); the demo's outcome tables are
protected with the rest of the publication and attacked again.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from relais_analysis.privacy.audit import audit_report, audit_sites
from relais_analysis.cli import main
from relais_analysis.config import PROVINCES
from relais_analysis.privacy.joint_inputs import outcome_results
from relais_analysis.privacy.linked import protect_publication
from relais_analysis.privacy.outcome_links import mask_estimates
from relais_analysis.privacy.masked import SUPPRESSED, is_suppressed
from relais_analysis.privacy.links import build_system, scope_of

RELAYS = ("year,relay_id,relay_name,province_nis,parents,children,families,attendances,activities\n"
          "2024,R01,Wavre,20002,90,83,89,382,56\n2024,R02,Nivelles,20002,67,61,67,315,46\n"
          "2024,R09,Liège,60000,206,169,202,946,76\n2024,R10,Seraing,60000,37,23,37,76,15\n"
          "2024,R13,Waremme,60000,38,24,35,139,24\n")
CHANGE_HEAD = ("instrument,score,measure,wave_from,wave_to,direction,n_pairs,n_improved,n_unchanged,n_worse,"
               "share_improved,share_worse,hl_estimate,note\n")


def _site(folder: Path, files: dict[str, str]) -> Path:
    """A published Wallonia folder: ``reach_by_relay`` with its manifest, and the given outcome CSVs."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reach_by_relay.csv").write_text(RELAYS, encoding="utf-8")
    manifest = {"year": 2024, "province_nis": None, "relay_id": None, "published": True, "threshold": 5,
                "tables": [{"table": "reach_by_relay", "file": "reach_by_relay.csv",
                            "people_count_columns": ["parents", "children", "families", "attendances",
                                                     "activities"]}]}
    (folder / "tables.json").write_text(json.dumps(manifest), encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _by(by: str, rows: list[tuple[str, str]]) -> str:
    return "by,instrument,group,n_pairs,hl_estimate,hl_ci_low,hl_ci_high,note\n" + "".join(
        f"{by},djg6,{g},{n},,,,\n" for g, n in rows)


def test_relay_masked_alone_in_its_province_is_recovered(tmp_path, capsys):
    """Liège's pairs published, R09 and R13 published, R10 masked alone: R10 = 117 - 55 - 36."""
    site = _site(tmp_path / "w", {
        "outcomes_by_province": _by("province", [("20002", "51"), ("60000", "117")]),
        "outcomes_by_relay": _by("relay", [("R01", "30"), ("R02", "21"), ("R09", "55"), ("R10", "n.p."),
                                           ("R13", "36")]),
    })
    assert main(["audit", str(site)]) == 1
    assert "('outcome:djg6:score', 'R:R10', 2024, '', '') = [26 ; 26]" in capsys.readouterr().out


def test_unmasked_province_total_next_to_masked_relays(tmp_path):
    """The hole of the brief: Brabant wallon's total published beside its two relays, one masked."""
    site = _site(tmp_path / "w", {
        "outcomes_by_province": _by("province", [("20002", "51"), ("60000", "117")]),
        "outcomes_by_relay": _by("relay", [("R01", "n.p."), ("R02", "21"), ("R09", "55"), ("R10", "n.p."),
                                           ("R13", "n.p.")]),
    })
    _, system, result = audit_sites(site)
    assert result.intervals[("outcome:djg6:score", "R:R01", 2024, "", "")] == (30.0, 30.0)
    assert ("outcome:djg6:score", "R:R01", 2024, "", "") in result.recoverable
    # Liège: R10 + R13 = 117 - 55 = 62, each anywhere from 1 to 61: safe
    assert result.intervals[("outcome:djg6:score", "R:R10", 2024, "", "")] == (1.0, 61.0)
    lines, code = audit_report(site)
    assert code == 1 and any("W/outcomes_by_relay: 3 masquée(s), 1 retrouvable(s)" in line for line in lines)


def test_change_split_and_band_margins_are_linked(tmp_path):
    change = CHANGE_HEAD + ("djg6,score,DJG,entree,suivi,lower_is_better,471,214,n.p.,111,0.45,0.23,-0.5,\n"
                            "swemwbs,score,S,entree,suivi,higher_is_better,360,220,34,n.p.,0.61,n.p.,1.5,\n"
                            "swemwbs,metric,S m,entree,suivi,higher_is_better,360,n.p.,34,106,n.p.,0.29,1.2,\n")
    bands = ("entree \\ suivi,bas,haut,total\nbas,99,n.p.,136\nhaut,n.p.,n.p.,335\ntotal,196,275,471\n")
    site = _site(tmp_path / "w", {"outcomes_change": change, "outcomes_bands_djg6": bands})
    _, system, result = audit_sites(site)
    m = "outcome:djg6:score"
    assert result.intervals[(m, "W", 2024, "change", "unchanged")] == (146.0, 146.0)  # 471 - 214 - 111
    assert result.intervals[(m, "W", 2024, "band", "bas>haut")] == (37.0, 37.0)  # 136 - 99
    assert result.intervals[(m, "W", 2024, "band", "haut>bas")] == (97.0, 97.0)  # 196 - 99
    # the metric conversion is the same pairs: its row gives back the masked worse of the main score
    assert result.intervals[("outcome:swemwbs:score", "W", 2024, "change", "worse")] == (106.0, 106.0)


def test_attrition_and_waves_are_the_same_counts(tmp_path):
    attrition = ("instrument,wave_from,wave_to,n_entry,n_stayed,n_left,mean_entry_stayed,mean_entry_left,"
                 "mannwhitney_p,left_worse_at_entry\ndjg6,entree,suivi,900,n.p.,n.p.,,,,False\n")
    waves = "instrument,wave,group,n,mean,median\ndjg6,entree,all,900,3.4,4.0\ndjg6,suivi,paired,471,2.4,2.0\n"
    site = _site(tmp_path / "w", {"outcomes_attrition": attrition, "outcomes_waves_djg6": waves})
    _, _, result = audit_sites(site)
    assert result.intervals[("outcome_entry:djg6", "W", 2024, "followup", "no")] == (429.0, 429.0)
    assert ("outcome:djg6:score", "W", 2024, "", "") in result.recoverable  # shown in the wave table


def test_a_printed_mean_gives_back_its_count():
    """Why estimates are blanked with their count: a mean of integer scores printed with all its digits
    is a fraction whose denominator is the count (outcomes_attrition, demo: 1384 / 471)."""
    mean = 2.938428874734607
    assert Fraction(mean).limit_denominator(1000).denominator == 471


def test_mask_estimates_blanks_the_row():
    frame = pd.DataFrame({"group": ["a", "b"], "n_pairs": [SUPPRESSED, 30], "hl_estimate": [0.5, 1.0],
                          "hl_ci_low": [0.0, 0.5], "hl_ci_high": [1.0, 1.5]})
    out = mask_estimates("outcomes_by_relay", frame, {"n_pairs": [True, False]})
    assert out["hl_estimate"].isna().tolist() == [True, False] and out["hl_ci_high"].tolist()[1] == 1.5


@pytest.fixture(scope="module")
def joint(demo_dataset, demo_indicator_tables):
    results = outcome_results(demo_dataset, 2024)
    publication = protect_publication([demo_indicator_tables[c] for c in [None, *PROVINCES]],
                                      outcomes=results.tables)
    return results, publication


def test_joint_protection_of_the_demo_outcomes(joint):
    results, publication = joint
    assert set(publication.outcomes) == set(results.tables)
    sets = {s: ts.tables for s, ts in publication.sets.items()}
    sets["W"] = {**sets["W"], **publication.outcomes}
    system = build_system(sets, 2024, strict=False)
    masked = [k for k, v in system.values.items() if is_suppressed(v) and k[0].startswith("outcome")]
    assert len(masked) >= 10  # relays, dose groups, band cells
    from relais_analysis.privacy.audit import audit_system

    result = audit_system(system, exact=True)
    assert not result.unsafe and not result.inconsistent
    for key in masked:
        lo, hi = result.intervals[key]
        assert hi - lo + 1 >= 3, key


def test_estimates_next_to_masked_counts_are_blank(joint):
    _, publication = joint
    checked = 0
    for name, table in publication.outcomes.items():
        for count, estimates in (("n_pairs", ["hl_estimate", "hl_ci_low", "hl_ci_high", "mean_change"]),
                                 ("n", ["mean", "median"]), ("n_stayed", ["mean_entry_stayed"])):
            if count not in table.columns:
                continue
            for _, row in table[table[count].map(is_suppressed)].iterrows():
                for column in estimates:
                    if column in table.columns:
                        assert pd.isna(row[column]), (name, column)
                        checked += 1
    assert checked >= 10


def test_joint_protection_closes_a_hole_left_by_the_outcome_rules(demo_indicator_tables, joint):
    """An outcome table whose own rules masked one relay alone in its province: the joint pass masks more."""
    results, _ = joint
    relays = results.tables["outcomes_by_relay"].copy()
    djg6 = relays["instrument"] == "djg6"
    relays.loc[djg6 & (relays["group"] == "R13"), "n_pairs"] = 6  # shown: R10 alone masked in Liège
    relays["n_pairs"] = relays["n_pairs"].astype(object)
    before = build_system({"W": {**demo_indicator_tables[None].tables, "outcomes_by_relay": relays,
                                 "outcomes_by_province": results.tables["outcomes_by_province"]}}, 2024,
                          strict=False)
    from relais_analysis.privacy.audit import audit_system

    r10 = ("outcome:djg6:score", "R:R10", 2024, "", "")
    assert r10 in audit_system(before, {r10}).unsafe
    tables = {**results.tables, "outcomes_by_relay": relays}
    publication = protect_publication({scope_of(None): demo_indicator_tables[None]}, outcomes=tables)
    out = publication.outcomes["outcomes_by_relay"]
    liege = out[(out["instrument"] == "djg6") & out["group"].isin(["R09", "R10", "R11", "R12", "R13"])]
    assert liege["n_pairs"].map(is_suppressed).sum() >= 2
    assert publication.stats.by_audit > 0
