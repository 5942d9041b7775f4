"""Change by relay, province, year and dose on the demo data: protected, 10-pair rule, groups add up."""

from __future__ import annotations


import pytest

from relais_analysis.outcomes.analysis import analyse_outcomes
from relais_analysis.outcomes.groups import NOT_PUBLISHED, participant_groups
from relais_analysis.outcomes.tables import write_outcome_tables
from relais_analysis.privacy.checks import check_publishable
from relais_analysis.privacy.masked import SUPPRESSED



@pytest.fixture(scope="module")
def demo(demo_dataset):
    dataset = demo_dataset
    groups = participant_groups(dataset)
    return dataset, groups, analyse_outcomes(dataset.questionnaires, groups=groups)


def test_every_entry_parent_has_a_relay_and_province(demo):
    dataset, groups, _ = demo
    entry = dataset.questionnaires.query("wave == 'entree'")["participant_id"].nunique()
    assert len(groups) == entry and groups["relay"].notna().all() and groups["province"].notna().all()
    assert (groups["year"] == 2024).all()
    # dose only for parents with a follow-up
    follow = set(dataset.questionnaires.query("wave == 'suivi'")["participant_id"])
    assert groups["dose"].notna().sum() == len(follow)


def test_group_tables_are_protected_and_add_up(demo, tmp_path):
    _, _, res = demo
    change = res.tables["outcomes_change"].set_index(["instrument", "score"])
    for by in ("relay", "province", "year", "dose"):
        table = res.tables[f"outcomes_by_{by}"]
        check_publishable(table, count_columns=["n_pairs"])
        for inst, part in table.groupby("instrument"):
            published = [v for v in part["n_pairs"] if v is not SUPPRESSED]
            masked = sum(v is SUPPRESSED for v in part["n_pairs"])
            assert masked != 1  # one masked cell could be found from the total
            if not masked:
                assert sum(published) == change.loc[(inst, "score"), "n_pairs"]
        small = table["n_pairs"].map(lambda v: v is SUPPRESSED or v < 10)
        assert table.loc[small, "hl_estimate"].isna().all()
        assert table.loc[small, "note"].isin(["effectif insuffisant", NOT_PUBLISHED]).all()
        assert (table.loc[table["n_pairs"].map(lambda v: v is SUPPRESSED), "note"] == NOT_PUBLISHED).all()
        assert table.loc[~small, "hl_ci_low"].notna().all()
    assert res.tables["outcomes_by_dose"].query("instrument == 'djg6'")["group"].tolist()[:2] == ["1-2", "3-5"]
    paths = write_outcome_tables(res.tables, tmp_path)
    assert (tmp_path / "evolution_par_relais.csv") in paths


def test_relays_are_protected_within_their_province(demo):
    _, groups, res = demo
    relays = res.tables["outcomes_by_relay"]
    province = groups.drop_duplicates("relay").set_index("relay")["province"]
    for (inst, prov), part in relays.groupby([relays["instrument"], relays["group"].map(province)]):
        assert sum(v is SUPPRESSED for v in part["n_pairs"]) != 1, (inst, prov)
