"""Coverage: territories, distances, rates and next-relay suggestions on the small fixture.

Modules :mod:`~relais_analysis.indicators.territory`, :mod:`~relais_analysis.indicators.access`,
:mod:`~relais_analysis.indicators.rates` and :mod:`~relais_analysis.indicators.planning`.

The fixture (tests/fixtures/small) has four relays:

- R1 Liège (62063, coordinates given), territory Liège 62063 + Seraing 62096;
- R2 Namur (92094, no coordinates), territory Namur 92094 + Andenne 92003, plus Huy
  61031 from 2024-07-01;
- R3 Huy (61031, coordinates given), closed 2024-06-30, territory Huy 61031 + Seraing
  62096 until 2024-06-30;
- R4 Bastogne (given as the merged code 82039, read as 82003, no coordinates),
  territory Bastogne 82003 + Bertogne 82005.

Populations (1 January 2020, reference geography): Liège 197217, Seraing 64192, Namur
111432, Andenne 27573, Huy 21238, Bastogne 16276, Bertogne 3656, Arlon 30081;
Wallonia 3645243.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import shapely

from relais_analysis.indicators import access, planning, rates, territory
from relais_analysis.geography import reference as geo
from relais_analysis.errors import ParameterError
from paths import SMALL


POP = {
    "62063": 197_217,  # Liège
    "62096": 64_192,  # Seraing
    "92094": 111_432,  # Namur
    "92003": 27_573,  # Andenne
    "61031": 21_238,  # Huy
    "82003": 16_276,  # Bastogne
    "82005": 3_656,  # Bertogne
}
COVERED_2024 = set(POP)
COVERED_POP = sum(POP.values())  # 441 584, the covered communes of 2024
WALLONIA_POP = 3_645_243


def _population_of_territories_csv() -> int:
    """Population of every commune named in the fixture's territories.csv, from the 2024 reference table.

    Computed without the territory module: each row of the fixture's territories.csv is valid in 2024 (R3's
    until 30 June, R2's Huy from 1 July), so every commune it names, by code or by French name, is covered.
    """
    table = geo.communes_table(2024)
    by_name = dict(zip(table["name_fr"], table["nis"]))
    named = pd.read_csv(SMALL / "territories.csv", dtype=str)["commune"]
    codes = {name if name.isdigit() else by_name[name] for name in named}
    return int(table.set_index("nis").loc[sorted(codes), "population"].sum())


@pytest.fixture(scope="module")
def dataset(small_dataset):
    return small_dataset


def _with_territories(dataset, rows: list[dict]):
    territories = pd.DataFrame(rows, columns=["relay_id", "commune", "valid_from", "valid_to"])
    territories = territories.astype({"relay_id": "string", "commune": "string"})
    for col in ("valid_from", "valid_to"):
        territories[col] = pd.to_datetime(territories[col])
    return dataclasses.replace(dataset, territories=territories)


# --------------------------------------------------------------------------- relays and territories


def test_active_relays_by_year(dataset):
    r2024 = territory.active_relays(dataset, 2024)
    assert list(r2024["relay_id"]) == ["R1", "R2", "R3", "R4"]
    assert r2024.set_index("relay_id")["closed_during_year"].to_dict() == {
        "R1": False, "R2": False, "R3": True, "R4": False}
    assert r2024.set_index("relay_id").loc["R4", "commune"] == "82003"
    assert list(r2024.columns) == ["relay_id", "name", "organisation", "commune", "opened", "closed",
                                   "closed_during_year"]

    r2025 = territory.active_relays(dataset, 2025)
    assert list(r2025["relay_id"]) == ["R1", "R2", "R4"]  # R3 closed in June 2024
    assert r2025.set_index("relay_id").loc["R4", "commune"] == "82039"  # merged vintage
    assert not r2025["closed_during_year"].any()

    assert list(territory.active_relays(dataset, 2022)["relay_id"]) == ["R1", "R2", "R3"]  # R4 opened 2023


def test_relay_points(dataset):
    points = territory.relay_points(dataset, 2024)
    assert points.crs.to_epsg() == 3812
    assert points.set_index("relay_id")["location_source"].to_dict() == {
        "R1": "coordinates", "R2": "commune", "R3": "coordinates", "R4": "commune"}
    communes = geo.load_communes(2024).set_index("nis")
    by_id = points.set_index("relay_id").geometry
    # Coordinates were reprojected to Lambert 2008 and land in their commune.
    assert communes.loc["62063", "geometry"].contains(by_id["R1"])
    assert communes.loc["61031", "geometry"].contains(by_id["R3"])
    # Without coordinates: the representative point of the commune.
    assert by_id["R2"].equals(communes.loc["92094", "geometry"].representative_point())
    assert by_id["R4"].equals(communes.loc["82003", "geometry"].representative_point())
    # 2025: R4's commune is the merged Bastogne.
    points_2025 = territory.relay_points(dataset, 2025).set_index("relay_id")
    merged = geo.load_communes(2025).set_index("nis").loc["82039", "geometry"]
    assert points_2025.loc["R4", "commune"] == "82039"
    assert merged.contains(points_2025.geometry["R4"])


def test_territory_communes(dataset):
    t2024 = territory.territory_communes(dataset, 2024)
    assert set(zip(t2024["relay_id"], t2024["nis"])) == {
        ("R1", "62063"), ("R1", "62096"),
        ("R2", "92094"), ("R2", "92003"), ("R2", "61031"),
        ("R3", "61031"), ("R3", "62096"),
        ("R4", "82003"), ("R4", "82005"),
    }
    assert not t2024.duplicated().any()

    t2023 = territory.territory_communes(dataset, 2023)  # Huy not yet R2's
    assert ("R2", "61031") not in set(zip(t2023["relay_id"], t2023["nis"]))

    t2025 = territory.territory_communes(dataset, 2025)
    assert set(zip(t2025["relay_id"], t2025["nis"])) == {
        ("R1", "62063"), ("R1", "62096"),
        ("R2", "92094"), ("R2", "92003"), ("R2", "61031"),
        ("R4", "82039"),  # 82003 + 82005 deduplicated into one row
    }
    assert len(t2025) == 6


def test_territory_needs_relay_open_during_validity(dataset):
    # R3 closed on 2024-06-30: a territory valid from 2024-08-01 never ran, even though
    # both the relay and the territory row touch 2024.
    ds = _with_territories(dataset, [
        {"relay_id": "R3", "commune": "62063", "valid_from": "2024-08-01", "valid_to": None},
        {"relay_id": "R1", "commune": "62096", "valid_from": None, "valid_to": "2023-12-31"},
        {"relay_id": "R1", "commune": "62063", "valid_from": "2024-12-31", "valid_to": None},
    ])
    t = territory.territory_communes(ds, 2024)
    assert list(zip(t["relay_id"], t["nis"])) == [("R1", "62063")]


# --------------------------------------------------------------------------- coverage


def test_commune_coverage_2024(dataset):
    table = territory.commune_coverage(dataset, 2024)
    assert len(table) == 262 and table["nis"].is_unique
    covered = table.loc[table["covered"]].set_index("nis")
    assert set(covered.index) == COVERED_2024
    assert len(covered) == 7
    assert covered.loc["62096", ["n_relays", "relays", "overlap"]].tolist() == [2, "R1, R3", True]  # Seraing
    assert covered.loc["61031", ["n_relays", "relays", "overlap"]].tolist() == [2, "R2, R3", True]  # Huy
    assert covered.loc["62063", ["n_relays", "relays", "overlap"]].tolist() == [1, "R1", False]
    uncovered = table.loc[~table["covered"]]
    assert (uncovered["n_relays"] == 0).all() and (uncovered["relays"] == "").all()
    assert not uncovered["overlap"].any()
    assert list(table.columns) == ["nis", "name_fr", "province_nis", "province_name", "population", "covered",
                                   "n_relays", "relays", "overlap"]


def test_commune_coverage_2025_after_merger(dataset):
    table = territory.commune_coverage(dataset, 2025)
    assert len(table) == 261
    covered = table.loc[table["covered"]].set_index("nis")
    assert set(covered.index) == {"62063", "62096", "92094", "92003", "61031", "82039"}
    assert covered.loc["61031", "relays"] == "R2"  # R3 closed
    assert covered.loc["62096", "relays"] == "R1"
    assert covered.loc["82039", "population"] == 16_276 + 3_656
    assert not covered["overlap"].any()


def test_commune_coverage_province_filter(dataset):
    table = territory.commune_coverage(dataset, 2024, province="Liège")
    assert len(table) == 84 and set(table["province_nis"]) == {"60000"}
    assert set(table.loc[table["covered"], "nis"]) == {"62063", "62096", "61031"}
    with pytest.raises(ParameterError):
        territory.commune_coverage(dataset, 2024, province="Limburg")


def test_relays_listed_in_natural_order(dataset):
    extra = pd.DataFrame({"relay_id": ["R10"], "commune": ["62096"], "valid_from": [pd.NaT], "valid_to": [pd.NaT]})
    relays = pd.concat([dataset.relays, dataset.relays.iloc[[0]].assign(relay_id="R10", latitude=np.nan,
                                                                        longitude=np.nan)], ignore_index=True)
    ds = dataclasses.replace(dataset, relays=relays.astype({"relay_id": "string"}),
                             territories=pd.concat([dataset.territories, extra.astype({"relay_id": "string",
                                                                                       "commune": "string"})],
                                                   ignore_index=True))
    seraing = territory.commune_coverage(ds, 2024).set_index("nis").loc["62096"]
    assert seraing["relays"] == "R1, R3, R10"
    assert seraing["n_relays"] == 3


def test_uncovered_communes(dataset):
    blank = territory.uncovered_communes(dataset, 2024)
    assert len(blank) == 262 - 7
    assert not blank["covered"].any()
    assert blank["population"].is_monotonic_decreasing
    assert blank.iloc[0]["name_fr"] == "Charleroi"  # the largest commune without a relay
    assert not set(blank["nis"]) & COVERED_2024
    assert len(territory.uncovered_communes(dataset, 2025)) == 261 - 6


def test_population_coverage(dataset):
    table = territory.population_coverage(dataset, 2024)
    assert list(table["province_nis"]) == ["20002", "50000", "60000", "80000", "90000", "03000"]
    region = table.iloc[-1]
    assert region["province_name"] == "Wallonie"
    assert region["n_communes"] == 262 and region["communes_covered"] == 7
    assert region["population"] == WALLONIA_POP
    # The hand-typed Statbel figures above are the ones in the reference file the code reads (an independent check
    # of both), and the covered population is their sum, not a figure copied from the output.
    reference = geo.communes_table(2024).set_index("nis")["population"]
    assert {nis: int(reference[nis]) for nis in POP} == POP
    assert int(reference.sum()) == WALLONIA_POP
    assert region["population_covered"] == COVERED_POP
    assert region["population_covered"] == _population_of_territories_csv()  # independent of the hand-typed POP
    assert region["share_covered"] == pytest.approx(COVERED_POP / WALLONIA_POP)
    provinces = table.set_index("province_nis")
    assert provinces.loc["60000", "population_covered"] == 197_217 + 64_192 + 21_238
    assert provinces.loc["90000", "population_covered"] == 111_432 + 27_573
    assert provinces.loc["80000", "population_covered"] == 16_276 + 3_656
    assert provinces.loc["50000", "population_covered"] == 0
    # The provinces add up to the region.
    assert table.iloc[:-1][["n_communes", "communes_covered", "population", "population_covered"]].sum().tolist() == [
        262, 7, WALLONIA_POP, COVERED_POP]

    t2025 = territory.population_coverage(dataset, 2025).set_index("province_nis")
    assert t2025.loc["03000", "n_communes"] == 261 and t2025.loc["03000", "communes_covered"] == 6
    assert t2025.loc["03000", "population_covered"] == COVERED_POP  # same people, one commune fewer
    assert t2025.loc["80000", "n_communes"] == 43


def test_population_coverage_without_territories(dataset):
    empty = _with_territories(dataset, [])
    table = territory.population_coverage(empty, 2024).set_index("province_nis")
    assert table.loc["03000", "population"] == WALLONIA_POP
    assert table.loc["03000", "population_covered"] == 0
    assert table.loc["03000", "communes_covered"] == 0
    assert (table["share_covered"] == 0).all()
    assert len(territory.uncovered_communes(empty, 2024)) == 262


# --------------------------------------------------------------------------- distances


def test_access_distances(dataset):
    table = access.access_distances(dataset, 2024)
    assert len(table) == 262 and table["nis"].is_unique
    rows = table.set_index("nis")
    assert rows.loc["62063", "nearest_relay"] == "R1"
    assert rows.loc["62063", "distance_km"] < 5
    assert rows.loc["92094", "nearest_relay"] == "R2"
    assert rows.loc["92094", "distance_km"] == pytest.approx(0, abs=1e-9)  # R2 sits at Namur's representative point
    # Arlon -> Bastogne: about 35 km as the crow flies.
    assert rows.loc["81001", "nearest_relay"] == "R4"
    assert 30 < rows.loc["81001", "distance_km"] < 45
    # Recompute one distance with plain shapely.
    communes = geo.load_communes(2024).set_index("nis")
    r4 = territory.relay_points(dataset, 2024).set_index("relay_id").geometry["R4"]
    arlon = communes.loc["81001", "geometry"].representative_point()
    assert rows.loc["81001", "distance_km"] == pytest.approx(arlon.distance(r4) / 1000)
    assert (table["distance_km"] >= 0).all()


def test_access_distances_detour_factor(dataset):
    straight = access.access_distances(dataset, 2024)
    road = access.access_distances(dataset, 2024, detour_factor=1.3)
    np.testing.assert_allclose(road["distance_km"], straight["distance_km"] * 1.3)
    assert (road["nearest_relay"] == straight["nearest_relay"]).all()
    for bad in (0.9, 0, -1, float("nan"), "abc"):
        with pytest.raises(ParameterError):
            access.access_distances(dataset, 2024, detour_factor=bad)


def test_access_distances_ties_no_duplicates(dataset):
    # R10 and R2 both sit at Namur's representative point: Namur must appear once, with R2.
    twin = dataset.relays.loc[dataset.relays["relay_id"] == "R2"].assign(relay_id="R10")
    ds = dataclasses.replace(dataset, relays=pd.concat([twin, dataset.relays], ignore_index=True)
                             .astype({"relay_id": "string"}))
    table = access.access_distances(ds, 2024)
    assert len(table) == 262 and table["nis"].is_unique
    assert table.set_index("nis").loc["92094", "nearest_relay"] == "R2"
    assert "R10" not in set(table["nearest_relay"])


def test_access_distances_province_and_no_relay(dataset):
    lux = access.access_distances(dataset, 2024, province="80000")
    assert len(lux) == 44 and set(lux["province_nis"]) == {"80000"}
    nobody = dataclasses.replace(dataset, relays=dataset.relays.iloc[0:0])
    table = access.access_distances(nobody, 2024)
    assert len(table) == 262 and table["nearest_relay"].isna().all() and table["distance_km"].isna().all()


def test_population_within(dataset):
    table = access.population_within(dataset, 2024, radii_km=(20, 5, 10, 10))
    assert sorted(set(table["radius_km"])) == [5.0, 10.0, 20.0]
    assert len(table) == 3 * 6
    assert list(table.columns[:6]) == ["radius_km", "province_nis", "province_name", "population_within",
                                       "share_within", "communes_within"]
    wide = table.pivot(index="province_nis", columns="radius_km", values="population_within")
    assert (wide[5.0] <= wide[10.0]).all() and (wide[10.0] <= wide[20.0]).all()
    communes = table.pivot(index="province_nis", columns="radius_km", values="communes_within")
    assert (communes[5.0] <= communes[10.0]).all() and (communes[10.0] <= communes[20.0]).all()
    # Consistent with access_distances.
    distances = access.access_distances(dataset, 2024)
    region = table.loc[(table["province_nis"] == "03000") & (table["radius_km"] == 10.0)].iloc[0]
    assert region["population_within"] == distances.loc[distances["distance_km"] <= 10, "population"].sum()
    assert region["share_within"] == pytest.approx(region["population_within"] / WALLONIA_POP)
    # Liège and Namur are each within 5 km of their relay.
    liege_5 = table.loc[(table["province_nis"] == "60000") & (table["radius_km"] == 5.0)].iloc[0]
    assert liege_5["population_within"] >= 197_217
    # A radius spanning Wallonia reaches everybody; a detour shrinks the reach.
    everything = access.population_within(dataset, 2024, radii_km=[500])
    assert (everything["share_within"] == 1.0).all()
    road = access.population_within(dataset, 2024, radii_km=[10], detour_factor=1.3)
    assert road.iloc[-1]["population_within"] <= region["population_within"]
    for bad in ([0], [-5], [], ["x"]):
        with pytest.raises(ParameterError):
            access.population_within(dataset, 2024, radii_km=bad)


# --------------------------------------------------------------------------- rates


def test_reach_rates_arithmetic(dataset):
    parents = pd.Series({"62063": 20, "82039": 3, "92094": 0})
    table = rates.reach_rates(dataset, 2025, parents, min_population=20_000)
    assert len(table) == 261
    rows = table.set_index("nis")
    assert rows.loc["62063", "parents"] == 20
    assert rows.loc["62063", "rate_per_10000"] == pytest.approx(20 / 197_217 * 10_000)  # 1.014
    assert rows.loc["82039", "rate_per_10000"] == pytest.approx(3 / 19_932 * 10_000)  # 1.505
    assert rows.loc["61031", "parents"] == 0 and rows.loc["61031", "rate_per_10000"] == 0
    assert not rows.loc["62063", "unstable"]
    assert rows.loc["82039", "unstable"]  # 19 932 < 20 000
    assert not rows.loc["61031", "unstable"]  # Huy: 21 238 >= 20 000
    assert "single_parent_households" not in table.columns


def test_reach_rates_base_codes_and_households(dataset):
    # Base-vintage codes are summed into the merged commune; households likewise.
    parents = pd.Series({"82003": 2, "82005": 1, "62063": 30})
    households = pd.DataFrame({
        "nis": ["82003", "82005", "62063", "61031"],
        "households_total": [7_000, 1_500, 95_000, 9_500],
        "households_single_parent": [700, 150, 12_000, 60],
    })
    table = rates.reach_rates(dataset, 2025, parents, households=households)
    rows = table.set_index("nis")
    assert rows.loc["82039", "parents"] == 3
    assert rows.loc["82039", "single_parent_households"] == 850
    assert rows.loc["82039", "rate_per_100_households"] == pytest.approx(3 / 850 * 100)
    assert rows.loc["62063", "rate_per_100_households"] == pytest.approx(30 / 12_000 * 100)
    assert not rows.loc["62063", "unstable"]
    assert rows.loc["61031", "unstable"]  # 60 single-parent households < 100
    assert rows.loc["92094", "unstable"]  # no household figure for Namur
    assert pd.isna(rows.loc["92094", "single_parent_households"])


def test_reach_rates_rejects_bad_input(dataset):
    with pytest.raises(ParameterError):
        rates.reach_rates(dataset, 2024, pd.Series({"62063": -1}))
    with pytest.raises(ParameterError):
        rates.reach_rates(dataset, 2024, pd.Series({"99999": 1}))
    with pytest.raises(ParameterError):
        rates.reach_rates(dataset, 2024, {"62063": 1})
    with pytest.raises(ParameterError):
        rates.reach_rates(dataset, 2024, pd.Series({"62063": 1}), min_population=-5)
    with pytest.raises(ParameterError):
        rates.reach_rates(dataset, 2024, pd.Series({"62063": 1}), households=pd.DataFrame({"nis": ["62063"]}))


def test_territory_vs_residence_2024(dataset):
    table = rates.territory_vs_residence(dataset, 2024).set_index("relay_id")
    cols = ["parents", "in_own_territory", "in_other_territory", "uncovered", "unknown_residence"]
    # R1: P01 (Liège, own), P03 (Seraing, own), P13 (Arlon, uncovered).
    assert table.loc["R1", cols].tolist() == [3, 2, 0, 1, 0]
    # R2: P06 (Namur), P07 (postal code 5000 = Namur), P09 (Huy, R2's from July 2024): all own.
    assert table.loc["R2", cols].tolist() == [3, 3, 0, 0, 0]
    # R3: P09 (Huy, own), P10 (no residence).
    assert table.loc["R3", cols].tolist() == [2, 1, 0, 0, 1]
    # R4: P11 (postal code 6687 = Bertogne, own); P12 is a child.
    assert table.loc["R4", cols].tolist() == [1, 1, 0, 0, 0]
    parts = table[["in_own_territory", "in_other_territory", "uncovered", "unknown_residence"]].sum(axis=1)
    assert (parts == table["parents"]).all()


def test_territory_vs_residence_other_years(dataset):
    t2023 = rates.territory_vs_residence(dataset, 2023).set_index("relay_id")
    assert t2023["parents"].to_dict() == {"R1": 1, "R2": 0, "R3": 0, "R4": 0}  # A7: P01
    t2025 = rates.territory_vs_residence(dataset, 2025).set_index("relay_id")
    assert list(t2025.index) == ["R1", "R2", "R4"]
    assert t2025.loc["R4", ["parents", "in_own_territory"]].tolist() == [1, 1]  # Bertogne is in 82039


def test_territory_vs_residence_other_territory(dataset):
    # Move P13 from Arlon to Namur: R1's parent then lives in R2's territory.
    participants = dataset.participants.copy()
    participants.loc[participants["participant_id"] == "P13", "residence"] = "92094"
    ds = dataclasses.replace(dataset, participants=participants)
    table = rates.territory_vs_residence(ds, 2024).set_index("relay_id")
    assert table.loc["R1", ["parents", "in_own_territory", "in_other_territory", "uncovered"]].tolist() == [3, 2, 1, 0]
    # A parent attending two relays counts for each: P09 (Huy) at R2 and R3.
    assert table.loc["R2", "in_own_territory"] == 3 and table.loc["R3", "in_own_territory"] == 1


# --------------------------------------------------------------------------- next relay


def _brute_force_gains(year: int, radius_km: float, uncovered: set[str], weights: pd.Series) -> pd.Series:
    communes = geo.load_communes(year).set_index("nis").sort_index()
    points = communes.geometry.representative_point()
    demand = points[points.index.isin(uncovered)]
    gains = {}
    for nis, site in points.items():
        near = [d for d, p in demand.items() if shapely.distance(site, p) <= radius_km * 1000]
        gains[nis] = int(weights.loc[near].sum())
    return pd.Series(gains)


def test_next_relay_first_pick_is_best(dataset):
    result = planning.next_relay_suggestions(dataset, 2024, k=5, radius_km=10)
    assert list(result["rank"]) == [1, 2, 3, 4, 5]
    uncovered = set(territory.uncovered_communes(dataset, 2024)["nis"])
    population = geo.communes_table(2024).set_index("nis")["population"]
    gains = _brute_force_gains(2024, 10, uncovered, population)
    first = result.iloc[0]
    assert first["added_population"] == gains.max()
    assert first["nis"] == gains[gains == gains.max()].index.min()
    # Greedy: added population never increases; no commune added twice; only uncovered ones.
    assert result["added_population"].is_monotonic_decreasing
    added = [code for cell in result["communes_added_nis"] for code in cell.split(", ")]
    assert len(added) == len(set(added)) == result["communes_added"].sum()
    assert set(added) <= uncovered
    for _, row in result.iterrows():
        codes = row["communes_added_nis"].split(", ")
        assert row["added_population"] == population.loc[codes].sum()
        assert len(row["communes_added_names"].split(", ")) == row["communes_added"]


def test_next_relay_stops_when_demand_runs_out(dataset):
    # Only Luxembourg, with a radius covering the whole province: one site suffices.
    result = planning.next_relay_suggestions(dataset, 2024, k=5, radius_km=200, province="Luxembourg")
    assert len(result) == 1
    uncovered_lux = territory.uncovered_communes(dataset, 2024, province="80000")
    assert result.iloc[0]["communes_added"] == len(uncovered_lux) == 44 - 2
    assert result.iloc[0]["added_population"] == 286_752 - 16_276 - 3_656


def test_next_relay_households_weight(dataset):
    table = geo.communes_table(2024)
    households = pd.DataFrame({
        "nis": table["nis"],
        "households_total": table["population"] // 2,
        "households_single_parent": table["population"] // 20,
    })
    result = planning.next_relay_suggestions(dataset, 2025, k=3, radius_km=15, households=households)
    assert "added_households" in result.columns and "added_population" not in result.columns
    uncovered = set(territory.uncovered_communes(dataset, 2025)["nis"])
    weights = households.set_index("nis")["households_single_parent"]
    gains = _brute_force_gains(2025, 15, uncovered, weights)
    assert result.iloc[0]["added_households"] == gains.max()
    with pytest.raises(ParameterError):
        planning.next_relay_suggestions(dataset, 2024, households=households.iloc[:10])


def test_next_relay_parameters(dataset):
    for kwargs in ({"k": 0}, {"k": -1}, {"k": 2.5}, {"radius_km": 0}, {"radius_km": -3}, {"detour_factor": 0.5}):
        with pytest.raises(ParameterError):
            planning.next_relay_suggestions(dataset, 2024, **kwargs)


def test_invalid_year(dataset):
    with pytest.raises(ParameterError):
        territory.commune_coverage(dataset, 2010)
