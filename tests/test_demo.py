"""Tests of the synthetic demo data generator (:mod:`relais_analysis.demo.dataset`).

The generated CSVs are read with plain pandas (all columns as text), independently of
the ingest module, and checked against the input contract and the target figures.
"""

from __future__ import annotations

import fnmatch
import json
import re
import string
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from relais_analysis.geography import reference
from relais_analysis.demo.dataset import DEMO_AS_OF, DEMO_SEED, write_demo
from relais_analysis.intake.schema import ACTIVITY_TYPES, TABLES
from paths import DEMO as DEMO_DIR
from paths import ROOT

CSV_TABLES = ("relays", "territories", "activities", "participants", "attendance")
FILES = {f"{name}.csv" for name in CSV_TABLES} | {"dataset.json", "README.md", "questionnaires.csv"}


def _read(directory: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(directory / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("demo")
    return out, write_demo(out, seed=DEMO_SEED)


@pytest.fixture(scope="module")
def tables(generated: tuple[Path, dict]) -> dict[str, pd.DataFrame]:
    out, _ = generated
    return {name: _read(out, name) for name in CSV_TABLES}


@pytest.fixture(scope="module")
def communes() -> pd.DataFrame:
    return reference.communes_table(2024)


@pytest.fixture(scope="module")
def visits(tables: dict[str, pd.DataFrame], communes: pd.DataFrame) -> pd.DataFrame:
    """Attendance joined with activities, participants and the relay's province."""
    relays = tables["relays"].merge(communes[["nis", "province_nis"]], left_on="commune", right_on="nis")
    return (
        tables["attendance"]
        .merge(tables["activities"][["activity_id", "relay_id", "date"]], on="activity_id")
        .merge(tables["participants"], on="participant_id")
        .merge(relays[["relay_id", "province_nis"]], on="relay_id")
        .assign(year=lambda d: d["date"].str[:4].astype(int))
    )


def _parents(visits: pd.DataFrame, year: int) -> pd.Series:
    return visits.loc[(visits["year"] == year) & (visits["role"] == "parent"), "participant_id"].drop_duplicates()


def _in_force(territories: pd.DataFrame, day: str) -> pd.DataFrame:
    valid_to = territories["valid_to"].replace("", "9999-12-31")
    return territories[(territories["valid_from"] <= day) & (valid_to >= day)]


# --------------------------------------------------------------------------- files


def test_file_set_and_encoding(generated: tuple[Path, dict]) -> None:
    out, summary = generated
    assert {p.name for p in out.iterdir()} == FILES
    for name in FILES:
        data = (out / name).read_bytes()
        data.decode("utf-8")
        assert b"\r" not in data
        assert data.endswith(b"\n")
    assert summary["rows"]["relays"] == 19


def test_columns_are_canonical(tables: dict[str, pd.DataFrame]) -> None:
    for name, frame in tables.items():
        assert list(frame.columns) == [col.name for col in TABLES[name].columns], name


def test_dataset_json(generated: tuple[Path, dict]) -> None:
    meta = json.loads((generated[0] / "dataset.json").read_text(encoding="utf-8"))
    assert meta == {
        "synthetic": True,
        "as_of": "2025-10-31",
        "seed": DEMO_SEED,
        "scale": 1.0,
        "title": "Données synthétiques de démonstration – Relais Familles Mono",
        "generator": "relais_analysis.demo",
    }
    assert DEMO_AS_OF.isoformat() == meta["as_of"]


def test_readme_is_bilingual(generated: tuple[Path, dict]) -> None:
    text = (generated[0] / "README.md").read_text(encoding="utf-8")
    assert text.index("DONNÉES SYNTHÉTIQUES") < text.index("SYNTHETIC DATA")
    assert "relais demo data/demo --seed 2022" in text
    assert "Aucune personne réelle" in text and "No real person" in text


def test_readme_template_ships_with_the_package() -> None:
    """The README is a template read at run time: it must be package data, and hold only the fields write_demo fills."""
    package = ROOT / "relais_analysis"
    template = package / "demo" / "readme_template.md"
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert any(fnmatch.fnmatch(template.relative_to(package).as_posix(), p) for p in patterns["relais_analysis"])
    text = template.read_text(encoding="utf-8")
    assert {field for _, field, _, _ in string.Formatter().parse(text) if field is not None} == {"seed", "scale"}


# --------------------------------------------------------------------------- relays and territories


def test_relays(tables: dict[str, pd.DataFrame], communes: pd.DataFrame) -> None:
    relays = tables["relays"]
    assert list(relays["relay_id"]) == [f"R{i:02d}" for i in range(1, 20)]
    provinces = relays.merge(communes, left_on="commune", right_on="nis")["province_name"].value_counts()
    assert len(provinces) == 5
    assert provinces["Hainaut"] >= provinces["Namur"] and provinces["Liège"] >= provinces["Brabant wallon"]
    assert relays["name"].str.startswith("Relais Familles Mono – ").all()
    assert relays["name"].is_unique
    assert (relays["closed"] != "").sum() == 1
    assert relays.loc[relays["closed"] != "", "closed"].iloc[0] == "2024-06-30"
    assert relays["opened"].str.startswith("2023").sum() == 1
    assert relays["latitude"].str.fullmatch(r"\d{2}\.\d{5}").all()
    assert relays["longitude"].str.fullmatch(r"\d\.\d{5}").all()


def test_relay_points_lie_in_their_commune(tables: dict[str, pd.DataFrame]) -> None:
    relays = tables["relays"]
    points = gpd.GeoSeries(
        gpd.points_from_xy(relays["longitude"].astype(float), relays["latitude"].astype(float)), crs="EPSG:4326"
    ).to_crs("EPSG:3812")
    shapes = reference.load_communes(2024).set_index("nis").loc[relays["commune"], "geometry"]
    assert all(shape.contains(point) for shape, point in zip(shapes, points))


def test_territories_coverage_gaps_and_overlaps(tables: dict[str, pd.DataFrame], communes: pd.DataFrame) -> None:
    territories = tables["territories"]
    year_2024 = territories[(territories["valid_from"] <= "2024-12-31")
                            & (territories["valid_to"].replace("", "9999") >= "2024-01-01")]
    covered = year_2024["commune"].nunique()
    assert len(communes) == 262
    assert 0.40 * 262 <= covered <= 0.65 * 262
    assert covered < 262
    overlaps = (_in_force(territories, "2024-01-01").groupby("commune")["relay_id"].nunique() > 1).sum()
    assert 1 <= overlaps <= 15
    assert not territories.duplicated(["relay_id", "commune", "valid_from"]).any()


def test_closed_relay_is_taken_over(tables: dict[str, pd.DataFrame]) -> None:
    relays, territories = tables["relays"], tables["territories"]
    closed = relays.loc[relays["closed"] != ""].iloc[0]
    own = territories[territories["relay_id"] == closed["relay_id"]]
    assert (own["valid_to"] == closed["closed"]).all()
    taken = territories[territories["valid_from"] == "2024-07-01"]
    assert taken["relay_id"].nunique() == 1 and len(taken) >= 1
    after = set(_in_force(territories, "2024-07-01")["commune"])
    assert set(own["commune"]) <= after


# --------------------------------------------------------------------------- activities and people


def test_commune_codes_are_base_vintage(tables: dict[str, pd.DataFrame], communes: pd.DataFrame) -> None:
    codes = set(communes["nis"])
    assert set(tables["relays"]["commune"]) <= codes
    assert set(tables["territories"]["commune"]) <= codes
    assert set(tables["activities"]["commune"]) <= codes
    residence = tables["participants"]["residence"]
    assert set(residence[residence != ""]) <= codes
    assert 0.85 <= (residence != "").mean() <= 0.95


def test_activity_dates_and_open_periods(tables: dict[str, pd.DataFrame]) -> None:
    acts = tables["activities"].merge(tables["relays"][["relay_id", "opened", "closed"]], on="relay_id")
    assert acts["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    pd.to_datetime(acts["date"], format="%Y-%m-%d")
    assert acts["date"].min() >= "2022-01-01"
    assert acts["date"].max() <= DEMO_AS_OF.isoformat()
    assert (acts["date"] >= acts["opened"]).all()
    assert (acts["date"] <= acts["closed"].replace("", "9999-12-31")).all()
    for year in (2022, 2023, 2024, 2025):
        assert acts["date"].str.startswith(str(year)).any()


def test_activity_types_and_titles(tables: dict[str, pd.DataFrame]) -> None:
    acts = tables["activities"]
    share = acts["type"].value_counts(normalize=True)
    assert set(share.index) == set(ACTIVITY_TYPES)
    assert share[["rencontre", "atelier_creatif"]].min() > share.drop(["rencontre", "atelier_creatif"]).max()
    assert share["sejour"] < 0.06
    assert (acts["title"] != "").all()
    assert acts["activity_id"].str.fullmatch(r"A\d{6}").all() and acts["activity_id"].is_unique


def test_participants(tables: dict[str, pd.DataFrame]) -> None:
    people = tables["participants"]
    assert people["participant_id"].str.fullmatch(r"P[0-9a-f]{7}").all()
    assert people["participant_id"].is_unique
    assert people["family_id"].str.fullmatch(r"F[0-9a-f]{7}").all()
    assert set(people["role"]) == {"parent", "child"}
    assert set(people["gender"]) <= {"F", "M", "X", ""}
    years = people.loc[people["birth_year"] != ""].astype({"birth_year": int})
    parents, children = years[years["role"] == "parent"], years[years["role"] == "child"]
    assert parents["birth_year"].between(1970, 2003).all()
    assert children["birth_year"].between(2008, 2024).all()
    parents_per_family = people[people["role"] == "parent"].groupby("family_id").size()
    assert parents_per_family.max() == 2 and (parents_per_family == 2).mean() < 0.06


def test_referential_integrity(tables: dict[str, pd.DataFrame]) -> None:
    attendance, acts = tables["attendance"], tables["activities"]
    assert set(attendance["activity_id"]) <= set(acts["activity_id"])
    assert set(attendance["participant_id"]) <= set(tables["participants"]["participant_id"])
    assert set(acts["relay_id"]) <= set(tables["relays"]["relay_id"])
    assert set(tables["territories"]["relay_id"]) <= set(tables["relays"]["relay_id"])
    assert not attendance.duplicated().any()


def test_children_come_with_a_parent(visits: pd.DataFrame) -> None:
    parents = set(zip(*visits.loc[visits["role"] == "parent", ["activity_id", "family_id"]].T.to_numpy()))
    children = visits.loc[visits["role"] == "child", ["activity_id", "family_id"]]
    with_parent = [pair in parents for pair in zip(children["activity_id"], children["family_id"])]
    assert np.mean(with_parent) >= 0.95


# --------------------------------------------------------------------------- figures


def test_2024_targets(visits: pd.DataFrame, tables: dict[str, pd.DataFrame],
                      generated: tuple[Path, dict]) -> None:
    parents = _parents(visits, 2024)
    children = visits.loc[(visits["year"] == 2024) & (visits["role"] == "child"), "participant_id"].nunique()
    assert 1450 <= len(parents) <= 1550
    assert 1200 <= children <= 1300
    genders = tables["participants"].set_index("participant_id").loc[parents, "gender"]
    assert 0.75 <= (genders == "F").mean() <= 0.85
    assert (genders == "M").any() and (genders == "X").any() and (genders == "").any()
    summary = generated[1]["years"][2024]
    assert (summary["parents"], summary["children"]) == (len(parents), children)


def test_other_years_are_plausible(visits: pd.DataFrame) -> None:
    counts = {year: len(_parents(visits, year)) for year in (2022, 2023, 2024, 2025)}
    assert 550 <= counts[2022] <= 850
    assert 1050 <= counts[2023] <= 1350
    assert 1100 <= counts[2025] <= 1450
    assert counts[2022] < counts[2023] < counts[2024] and counts[2025] < counts[2024]


def test_visits_heavy_tail_and_retention(visits: pd.DataFrame) -> None:
    per_parent = visits[(visits["year"] == 2024) & (visits["role"] == "parent")].groupby("participant_id").size()
    assert 0.6 <= (per_parent <= 3).mean() <= 0.85
    assert per_parent.max() >= 15
    before, after = set(_parents(visits, 2023)), set(_parents(visits, 2024))
    assert 0.30 <= len(before & after) / len(before) <= 0.40


def test_some_families_attend_two_relays_in_two_provinces(visits: pd.DataFrame) -> None:
    per_family = visits.groupby("family_id")
    relays, provinces = per_family["relay_id"].nunique(), per_family["province_nis"].nunique()
    assert 5 <= (provinces > 1).sum() <= 150
    assert (relays > 1).mean() < 0.06


# --------------------------------------------------------------------------- reproducibility and scale


def test_determinism(tmp_path: Path) -> None:
    first = write_demo(tmp_path / "a", seed=7, scale=0.3)
    second = write_demo(tmp_path / "b", seed=7, scale=0.3)
    assert first["rows"] == second["rows"]
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    write_demo(tmp_path / "c", seed=8, scale=0.3)
    assert (tmp_path / "a" / "attendance.csv").read_bytes() != (tmp_path / "c" / "attendance.csv").read_bytes()


def test_scale_two_doubles_the_data(tmp_path: Path, generated: tuple[Path, dict]) -> None:
    out, single = generated
    double = write_demo(tmp_path, seed=DEMO_SEED, scale=2)
    assert 1.8 <= double["rows"]["attendance"] / single["rows"]["attendance"] <= 2.2
    assert 1.8 <= double["rows"]["participants"] / single["rows"]["participants"] <= 2.2
    assert 1.8 <= double["years"][2024]["parents"] / single["years"][2024]["parents"] <= 2.2
    for name in ("relays.csv", "territories.csv"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes()


def test_bundled_demo_matches_generator(generated: tuple[Path, dict]) -> None:
    out, _ = generated
    assert {p.name for p in DEMO_DIR.iterdir()} >= FILES
    for name in sorted(FILES):
        assert (DEMO_DIR / name).read_bytes() == (out / name).read_bytes(), (
            f"data/demo/{name} differs from write_demo(seed={DEMO_SEED}); regenerate with "
            "`relais demo data/demo --seed 2022`"
        )


@pytest.mark.parametrize("scale", [0, -1.0, float("nan"), "1", True])
def test_invalid_scale(tmp_path: Path, scale: object) -> None:
    with pytest.raises(ValueError, match="scale"):
        write_demo(tmp_path, scale=scale)  # type: ignore[arg-type]


def test_summary_is_consistent(generated: tuple[Path, dict], tables: dict[str, pd.DataFrame]) -> None:
    summary = generated[1]
    assert summary["rows"] == {name: len(frame) for name, frame in tables.items()}
    assert summary["covered_communes_2024"] + summary["uncovered_communes_2024"] == 262
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", summary["as_of"])
    assert sum(v["attendances"] for v in summary["years"].values()) == len(tables["attendance"])
