"""People reached: unique parents, children and families, attendances, retention.

Pure functions from a validated :class:`~relais_analysis.intake.dataset.Dataset` to tidy
DataFrames. Counting rules (also in the methodology note of every report):

- A person counts **once per group and year**, however many activities they
  attended. A parent who attended in two provinces counts once for Wallonia and once
  in each province, so **provinces (and relays, activity types) may sum to more than
  the region**.
- An activity belongs to the province of the relay that organised it.
- "Parents" and "children" are participants with role ``parent`` / ``child`` who
  attended at least one activity in the year; "families" are distinct ``family_id`` of
  any participant who attended.
- Attendances (participations) count rows of ``attendance``, plus, for relays that
  only tally (``activity_counts``), ``n_parents + n_children``. Unique people can never
  be derived from tallies: tables then say so in the ``people_countable`` column
  (``"yes"``; ``"partial"``: some activities of the group were only tallied, unique
  counts cover the others; ``"no"``: the dataset has no person-level attendance, or
  every activity of the group was only tallied: unique counts are left empty).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from relais_analysis.geography import reference
from relais_analysis.config import PROVINCES
from relais_analysis.errors import ParameterError
from relais_analysis.intake.dataset import Dataset
from relais_analysis.indicators.scope import relay_province

__all__ = [
    "GROUPINGS",
    "activities_per_parent",
    "attendance_facts",
    "children_per_family",
    "new_and_returning_parents",
    "parents_by_residence",
    "reach_by",
    "reach_per_year",
    "retention",
    "women_share",
]

#: Groupings accepted by :func:`reach_by` and the columns they produce.
GROUPINGS: dict[str, list[str]] = {
    "region": [],
    "province": ["province_nis", "province_name"],
    "relay": ["relay_id", "relay_name", "province_nis"],
    "activity_type": ["type"],
    "residence": ["residence", "residence_name", "residence_province_nis"],
}
COUNT_COLUMNS = ["parents", "children", "families", "attendances", "activities"]


def _activities(dataset: Dataset, year: int | None) -> pd.DataFrame:
    act = dataset.activities[["activity_id", "relay_id", "year", "type"]]
    if year is not None:
        act = act[act["year"] == year]
    act = act.copy()
    act["province_nis"] = act["relay_id"].map(relay_province(dataset))
    act["tallied"] = act["activity_id"].isin(dataset.activity_counts["activity_id"])
    return act


def attendance_facts(dataset: Dataset, year: int | None = None) -> pd.DataFrame:
    """One row per attendance, joined with its activity and participant.

    Parameters
    ----------
    dataset : Dataset
    year : int, optional
        Keep one calendar year only.

    Returns
    -------
    pandas.DataFrame
        ``activity_id`` and ``participant_id`` (as integers: the row of the activity in
        ``dataset.activities`` and of the person in ``dataset.participants``),
        ``family_id`` (an integer code per family), ``relay_id``, ``year``, ``type``,
        ``province_nis`` (of the relay), ``role``, ``gender``, ``residence``
        (base-vintage code or NA), the text columns as categoricals. Integer codes make
        the distinct counts cheap; map them back through the dataset's tables when
        needed. Internal: never publish it. Built once per dataset and kept in
        ``dataset.derived.attendance_facts``.
    """
    facts = dataset.derived.attendance_facts
    if facts is None:  # computed once per dataset: the joins dominate reach's cost at 10^6 rows
        facts = _build_facts(dataset)
        dataset.derived.attendance_facts = facts
    if year is None:
        return facts
    return facts[facts["year"].to_numpy() == year]


def _positions(keys: pd.Series, universe: pd.Series) -> np.ndarray:
    """Row of ``universe`` (unique ids) holding each key; ``len(universe)`` or more when absent."""
    found = pc.index_in(pa.array(keys.astype("string").array), value_set=pa.array(universe.astype("string").array))
    return found.fill_null(len(universe)).to_numpy(zero_copy_only=False).astype(np.int64)


def _take(column: pd.Series, positions: np.ndarray) -> pd.Categorical:
    """``column[positions]`` as a categorical (integer codes: cheap to filter and count)."""
    codes, uniques = pd.factorize(column)  # unsorted: sorting 10^5 string categories costs more than the rest
    return pd.Categorical.from_codes(codes[positions], categories=pd.Index(uniques, dtype=object))


def _build_facts(dataset: Dataset) -> pd.DataFrame:
    act = _activities(dataset, None)
    people = dataset.participants
    index = dataset.attendance_index  # computed by ingest while checking references
    if index is not None and len(index) == len(dataset.attendance):
        a_pos, p_pos = index.activity_rows, index.participant_rows
    else:
        a_pos = _positions(dataset.attendance["activity_id"], act["activity_id"])
        p_pos = _positions(dataset.attendance["participant_id"], people["participant_id"])
    keep = (a_pos < len(act)) & (p_pos < len(people))
    a_pos, p_pos = a_pos[keep], p_pos[keep]
    family_codes, _ = pd.factorize(people["family_id"])
    facts = pd.DataFrame({
        "activity_id": a_pos,  # row of dataset.activities: an integer stands for the id (cheap to count)
        "participant_id": p_pos,  # row of dataset.participants
        "relay_id": _take(act["relay_id"], a_pos),
        "year": act["year"].to_numpy()[a_pos],
        "type": _take(act["type"], a_pos),
        "province_nis": _take(act["province_nis"], a_pos),
    })
    facts["family_id"] = family_codes[p_pos]  # family code (distinct per family_id)
    for col in ("role", "gender", "residence"):
        facts[col] = _take(people[col], p_pos)
    return facts


def _group_keys(by: str, year: int) -> list[str]:
    if by not in GROUPINGS:
        raise ParameterError(
            f"Regroupement inconnu : {by!r}. Valeurs possibles : {', '.join(GROUPINGS)}.",
            f"Unknown grouping: {by!r}. Valid values: {', '.join(GROUPINGS)}.",
        )
    return {"region": [], "province": ["province_nis"], "relay": ["relay_id"], "activity_type": ["type"],
            "residence": ["residence"]}[by]


def _count(frame: pd.DataFrame, keys: list[str], column: str, unique: bool) -> pd.Series:
    if not keys:
        value = frame[column].nunique() if unique else len(frame)
        return pd.Series([value], index=pd.Index(["all"], name="_all"))
    grouped = frame.groupby(keys, dropna=False, observed=True)[column]
    counts = grouped.nunique() if unique else grouped.size()
    # categorical keys -> plain labels, one kind of missing label (NaN) so that tables align
    counts.index = pd.Index([np.nan if pd.isna(v) else v for v in counts.index], dtype=object, name=keys[0])
    return counts


def reach_by(dataset: Dataset, year: int, by: str = "region") -> pd.DataFrame:
    """Parents, children, families, attendances and activities reached in a year, by group.

    Parameters
    ----------
    dataset : Dataset
    year : int
        Calendar year.
    by : {"region", "province", "relay", "activity_type", "residence"}
        ``region``: one row for Wallonia; ``province``: the relay's province (all five
        listed, zeros included); ``relay``: every relay active or with activities in
        the year; ``activity_type``; ``residence``: the participant's commune of
        residence in the year's vintage (NA = unknown residence; ``activities`` is then
        the number of distinct activities attended by residents).

    Returns
    -------
    pandas.DataFrame
        ``year``, the group columns (see :data:`GROUPINGS`), ``parents``,
        ``children``, ``families``, ``attendances``, ``activities`` (Int64; unique
        counts are <NA> where people cannot be counted), ``people_countable``.

    Raises
    ------
    ParameterError
        Unknown grouping or invalid year.
    """
    year = reference.check_year(year)
    keys = _group_keys(by, year)
    act = _activities(dataset, year)
    facts = attendance_facts(dataset, year)
    if by == "residence":
        facts = facts.assign(residence=reference.codes_to_year(facts["residence"], year))
    tallies = dataset.activity_counts.merge(act, on="activity_id", how="inner")
    tallies = tallies.assign(n=tallies["n_parents"].astype("int64") + tallies["n_children"].astype("int64"))

    parts = {
        "parents": _count(facts[facts["role"] == "parent"], keys, "participant_id", True),
        "children": _count(facts[facts["role"] == "child"], keys, "participant_id", True),
        "families": _count(facts, keys, "family_id", True),
        "attendances": _count(facts, keys, "participant_id", False),
    }
    if by == "residence":
        parts["activities"] = _count(facts, keys, "activity_id", True)
    else:
        parts["activities"] = _count(act, keys, "activity_id", False)
    if by != "residence" and not tallies.empty:
        tally_sum = tallies.groupby(keys)["n"].sum() if keys else pd.Series([tallies["n"].sum()], index=["all"])
        if not keys:
            tally_sum.index = pd.Index(["all"], name="_all")
        parts["attendances"] = parts["attendances"].add(tally_sum, fill_value=0)
    table = pd.DataFrame(parts)
    table = table.reindex(_all_groups(dataset, act, facts, by, table.index)).fillna(0)
    for col in COUNT_COLUMNS:
        table[col] = table[col].astype("int64").astype("Int64")
    table["people_countable"] = _countable(act, keys, table.index, by, dataset.has_people)
    for col in ("parents", "children", "families"):
        table.loc[table["people_countable"] == "no", col] = pd.NA
    table = table.reset_index()
    if not keys:
        table = table.drop(columns="_all")
    table.insert(0, "year", year)
    return _label(table, dataset, by, year)


def _all_groups(dataset: Dataset, act: pd.DataFrame, facts: pd.DataFrame, by: str, index: pd.Index) -> pd.Index:
    """Groups to list even with zero reach (all provinces, all types held, active relays)."""
    if by == "province":
        return pd.Index(sorted(set(PROVINCES) | set(index.dropna())), name="province_nis")
    if by == "relay":
        year = int(act["year"].iloc[0]) if len(act) else None
        relays = dataset.relays
        if year is not None:
            start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
            active = relays[(relays["opened"] <= end) & (relays["closed"].isna() | (relays["closed"] >= start))]
            return pd.Index(sorted(set(active["relay_id"]) | set(index)), name="relay_id")
    return index


def _countable(act: pd.DataFrame, keys: list[str], index: pd.Index, by: str, has_people: bool) -> pd.Series:
    if not has_people:
        return pd.Series("no", index=index)
    if by == "residence" or not act["tallied"].any():
        return pd.Series("yes", index=index)
    if keys:
        share = act.groupby(keys)["tallied"].mean().reindex(index).fillna(0.0)
    else:
        share = pd.Series([act["tallied"].mean()], index=index)
    return pd.Series(np.select([share >= 1.0, share > 0.0], ["no", "partial"], "yes"), index=index)


def _label(table: pd.DataFrame, dataset: Dataset, by: str, year: int) -> pd.DataFrame:
    if by == "province":
        table.insert(2, "province_name", table["province_nis"].map(PROVINCES))
    elif by == "relay":
        relays = dataset.relays.set_index("relay_id")
        table.insert(2, "relay_name", table["relay_id"].map(relays["name"]))
        table.insert(3, "province_nis", table["relay_id"].map(relay_province(dataset)))
    elif by == "residence":
        communes = reference.communes_table(year).set_index("nis")
        table.insert(2, "residence_name", table["residence"].map(communes["name_fr"]))
        table.insert(3, "residence_province_nis", table["residence"].map(communes["province_nis"]))
        table = table.sort_values("residence", na_position="last").reset_index(drop=True)
    return table


def reach_per_year(dataset: Dataset, by: str = "region") -> pd.DataFrame:
    """:func:`reach_by` for every year with activities, stacked (years ascending); computed once per dataset
    and grouping (``dataset.derived``), a copy returned."""
    known = dataset.derived.reach_per_year.get(by)
    if known is None:
        years = sorted(int(y) for y in dataset.activities["year"].unique())
        if not years:
            known = pd.DataFrame(columns=["year", *GROUPINGS[by], *COUNT_COLUMNS, "people_countable"])
        else:
            known = pd.concat([reach_by(dataset, y, by) for y in years], ignore_index=True)
        dataset.derived.reach_per_year[by] = known
    return known.copy()


def parents_by_residence(dataset: Dataset, year: int) -> pd.Series:
    """Unique parents reached in ``year`` per commune of residence (year vintage codes).

    Parents without a known residence are left out (see :func:`reach_by` with
    ``by="residence"`` for their number).
    """
    table = reach_by(dataset, year, "residence")
    table = table[table["residence"].notna()]
    return table.set_index("residence")["parents"].astype("int64").rename("parents")


def _parents_years(dataset: Dataset) -> pd.DataFrame:
    facts = attendance_facts(dataset)
    return facts.loc[facts["role"] == "parent", ["participant_id", "year"]].drop_duplicates()


def new_and_returning_parents(dataset: Dataset) -> pd.DataFrame:
    """Parents seen for the first time vs parents already seen in an earlier year.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``parents``, ``new_parents`` (first year seen in the data),
        ``returning_parents`` (seen in an earlier year), ``share_new`` (0-1). Computed once per
        dataset (``dataset.derived``); a copy is returned.
    """
    if dataset.derived.new_and_returning is None:
        dataset.derived.new_and_returning = _new_and_returning(dataset)
    return dataset.derived.new_and_returning.copy()


def _new_and_returning(dataset: Dataset) -> pd.DataFrame:
    seen = _parents_years(dataset)
    first = seen.groupby("participant_id")["year"].min().rename("first_year")
    seen = seen.join(first, on="participant_id")
    seen["new"] = seen["year"] == seen["first_year"]
    out = seen.groupby("year").agg(parents=("participant_id", "size"), new_parents=("new", "sum"))
    out["returning_parents"] = out["parents"] - out["new_parents"]
    out["share_new"] = out["new_parents"] / out["parents"]
    return out.reset_index().astype({"parents": "int64", "new_parents": "int64", "returning_parents": "int64"})


def retention(dataset: Dataset) -> pd.DataFrame:
    """Share of year-N parents seen again in year N+1.

    Returns
    -------
    pandas.DataFrame
        ``year`` (N), ``parents`` (in N), ``seen_next_year`` (also in N+1),
        ``retention_rate`` (0-1), ``next_year_partial`` (True when N+1 is the
        extraction year and the extraction is before 31 December: the rate is then a
        lower bound). Only years N whose N+1 is not after the extraction year.
    """
    seen = _parents_years(dataset)
    by_year = {y: set(g["participant_id"]) for y, g in seen.groupby("year")}
    rows = []
    for year in sorted(by_year):
        if year + 1 > dataset.as_of.year:
            continue
        parents = by_year[year]
        again = parents & by_year.get(year + 1, set())
        rows.append({
            "year": year,
            "parents": len(parents),
            "seen_next_year": len(again),
            "retention_rate": len(again) / len(parents) if parents else np.nan,
            "next_year_partial": year + 1 == dataset.as_of.year and (dataset.as_of.month, dataset.as_of.day) != (12, 31),
        })
    return pd.DataFrame(rows, columns=["year", "parents", "seen_next_year", "retention_rate", "next_year_partial"])


#: Bins of :func:`activities_per_parent`.
ACTIVITY_BINS = [(1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 5, "4-5"), (6, 10, "6-10"), (11, None, "11+")]


def activities_per_parent(dataset: Dataset, year: int) -> tuple[pd.DataFrame, float]:
    """Distribution of the number of activities attended per parent in a year.

    Returns
    -------
    (pandas.DataFrame, float)
        Table ``activities`` (bin label: 1, 2, 3, 4-5, 6-10, 11+), ``parents``,
        ``share`` (0-1); and the mean number of activities per parent (NaN if none).
    """
    facts = attendance_facts(dataset, reference.check_year(year))
    per_parent = facts[facts["role"] == "parent"].groupby("participant_id")["activity_id"].nunique()
    rows = []
    for low, high, label in ACTIVITY_BINS:
        mask = (per_parent >= low) & ((per_parent <= high) if high is not None else True)
        rows.append({"activities": label, "parents": int(mask.sum())})
    table = pd.DataFrame(rows)
    total = table["parents"].sum()
    table["share"] = table["parents"] / total if total else np.nan
    return table, float(per_parent.mean()) if len(per_parent) else float("nan")


def women_share(dataset: Dataset, year: int) -> pd.DataFrame:
    """Parents reached in a year by gender, and the share of women among known genders.

    Returns
    -------
    pandas.DataFrame
        One row: ``year``, ``parents``, ``women``, ``men``, ``x``, ``unknown``,
        ``share_women`` (women / parents of known gender, 0-1).
    """
    facts = attendance_facts(dataset, reference.check_year(year))
    parents = facts[facts["role"] == "parent"].drop_duplicates("participant_id")
    counts = parents["gender"].value_counts()
    women, men, x = (int(counts.get(g, 0)) for g in ("F", "M", "X"))
    known = women + men + x
    return pd.DataFrame([{
        "year": year, "parents": len(parents), "women": women, "men": men, "x": x,
        "unknown": len(parents) - known, "share_women": women / known if known else np.nan,
    }])


def children_per_family(dataset: Dataset, year: int) -> tuple[pd.DataFrame, float]:
    """Families reached in a year by the number of their children reached.

    Returns
    -------
    (pandas.DataFrame, float)
        Table ``children_reached`` (0, 1, 2, 3, 4+), ``families``, ``share``; and the mean
        number of children reached per family.
    """
    facts = attendance_facts(dataset, reference.check_year(year))
    families = pd.Index(facts["family_id"].unique())
    kids = facts[facts["role"] == "child"].groupby("family_id")["participant_id"].nunique()
    per_family = kids.reindex(families, fill_value=0)
    labels = per_family.clip(upper=4).map(lambda n: "4+" if n >= 4 else str(n))
    table = labels.value_counts().reindex(["0", "1", "2", "3", "4+"], fill_value=0).rename("families")
    table = table.rename_axis("children_reached").reset_index()
    total = table["families"].sum()
    table["share"] = table["families"] / total if total else np.nan
    return table, float(per_family.mean()) if len(per_family) else float("nan")
