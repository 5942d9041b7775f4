"""The tables an annual report publishes, computed, protected and written as CSV.

:func:`indicator_tables` computes every indicator table for one year and scope
(Wallonia or one province) from a validated dataset; :func:`publish_tables` applies
small-cell protection (:mod:`relais_analysis.privacy.suppress`) to the counts of people in
them, table by table, with the additivity each table really has; and
:func:`write_tables` writes them (checked again) with a manifest. Charts, maps,
notebooks and the report all read these published tables, so a number a funder sees
is always a protected one.

Which columns are counts of people is declared per table (:data:`PEOPLE_COUNTS`):
population figures, numbers of communes and distances are public reference
statistics, not counts of people reached, and are never masked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relais_analysis.indicators import access, planning, rates, territory
from relais_analysis.geography import reference
from relais_analysis.indicators import reach
from relais_analysis.config import DEFAULT_THRESHOLD
from relais_analysis.intake.dataset import Dataset
from relais_analysis.errors import ParameterError, PrivacyError
from relais_analysis.i18n import catalogue, text_pair
from relais_analysis.privacy.masked import SUPPRESSED, check_threshold
from relais_analysis.privacy.suppress import suppress_small_counts
from relais_analysis.privacy.published_csv import machine_table_name
from relais_analysis.privacy.safe_csv import write_csv
from relais_analysis.indicators.scope import for_province

__all__ = ["OUTCOME_TABLE_TITLES", "PEOPLE_COUNTS", "TABLE_TITLES", "TableSet", "indicator_tables", "publish_tables",
           "relay_tables", "table_order", "table_title", "write_tables"]

_REACH = ["parents", "children", "families", "attendances", "activities"]

#: Per table: (columns counting people or their activities, additive_rows, additive_columns, total_column).
PEOPLE_COUNTS: dict[str, tuple[list[str], bool, bool, str | None]] = {
    "reach_per_year": (_REACH, False, False, None),
    "reach_by_province": (_REACH, True, False, None),
    "reach_by_relay": (_REACH, True, False, None),
    "reach_by_activity_type": (_REACH, True, False, None),
    "reach_by_residence": (_REACH, True, False, None),
    "new_vs_returning": (["parents", "new_parents", "returning_parents"], False, True, "parents"),
    "retention": (["parents", "seen_next_year"], False, False, None),
    "activities_per_parent": (["parents"], True, False, None),
    "children_per_family": (["families"], True, False, None),
    "gender": (["parents", "women", "men", "x", "unknown"], False, True, "parents"),
    "territory_vs_residence": (
        ["parents", "in_own_territory", "in_other_territory", "uncovered", "unknown_residence"], True, True, "parents"),
    "reach_rates": (["parents"], True, False, None),
    "population_coverage": ([], False, False, None),
    "commune_coverage": ([], False, False, None),
    "access_distances": ([], False, False, None),
    "population_within": ([], False, False, None),
    "next_relay_suggestions": ([], False, False, None),
}
#: Titles of the tables for readers (index page), French and English: the ``table.*`` keys of
#: the text catalogue (``relais_analysis/texts/table.toml``).
TABLE_TITLES: dict[str, dict[str, str]] = {
    key.removeprefix("table."): dict(pair) for key, pair in catalogue().items()
    if key.startswith("table.") and not key.startswith("table.outcome.")
}
#: Titles of the outcome tables (issue 11), in the order the index lists them; ``{name}`` is the
#: instrument's short name for the per-instrument tables (``table.outcome.*`` keys).
OUTCOME_TABLE_TITLES: dict[str, dict[str, str]] = {
    key.removeprefix("table.outcome."): dict(pair) for key, pair in catalogue().items()
    if key.startswith("table.outcome.")
}


def table_title(name: str, lang: str = "fr", short_names: Mapping[str, str] | None = None) -> str:
    """Readers' title of a published table (index page), French or English.

    ``short_names`` maps an instrument id to its short name for the per-instrument outcome
    tables (the report passes them; this stage does not read the outcome stage's files).

    Examples
    --------
    >>> table_title("reach_by_relay")
    'par relais'
    >>> table_title("outcomes_bands_djg6", short_names={"djg6": "DJG-6"})
    "niveaux à l'entrée et au suivi : DJG-6"
    >>> table_title("unknown_table", "en")
    'unknown_table'
    >>> table_title("personnes_touchees_par_relais")  # a published file's name
    'par relais'
    """
    name = machine_table_name(name)
    if name in TABLE_TITLES:
        return TABLE_TITLES[name][lang]
    if name in OUTCOME_TABLE_TITLES:
        return OUTCOME_TABLE_TITLES[name][lang]
    for prefix, titles in OUTCOME_TABLE_TITLES.items():
        if prefix.endswith("_") and name.startswith(prefix):
            instrument = name[len(prefix):]
            return titles[lang].format(name=(short_names or {}).get(instrument, instrument))
    return name


def table_order(name: str) -> tuple[int, str]:
    """Sort key of a published table on the index: reach and coverage first, then outcomes."""
    name = machine_table_name(name)
    if name in TABLE_TITLES:
        return list(TABLE_TITLES).index(name), name
    for k, prefix in enumerate(OUTCOME_TABLE_TITLES):
        if name == prefix or (prefix.endswith("_") and name.startswith(prefix)):
            return len(TABLE_TITLES) + k, name
    return len(TABLE_TITLES) + len(OUTCOME_TABLE_TITLES), name
#: Rate columns and the count they are computed from (masked together).
RATES: dict[str, dict[str, str]] = {
    "new_vs_returning": {"share_new": "new_parents"},
    "retention": {"retention_rate": "seen_next_year"},
    "activities_per_parent": {"share": "parents"},
    "children_per_family": {"share": "families"},
    "gender": {"share_women": "women"},
    "reach_rates": {"rate_per_10000": "parents", "rate_per_100_households": "parents"},
}


@dataclass
class TableSet:
    """Tables of one year and scope, raw (internal) or published (protected).

    Attributes
    ----------
    year : int
    province_nis : str or None
        None for Wallonia.
    tables : dict of str to DataFrame
    published : bool
        True once :func:`publish_tables` has protected the counts.
    threshold : int
    suppressed_cells : dict of str to int
        Masked cells per table (primary + secondary).
    people_countable : bool
    relay_id : str or None
        The relay of a relay sheet's set (:func:`relay_tables`).
    """

    year: int
    province_nis: str | None
    tables: dict[str, pd.DataFrame]
    published: bool = False
    threshold: int = DEFAULT_THRESHOLD
    suppressed_cells: dict[str, int] = field(default_factory=dict)
    people_countable: bool = True
    relay_id: str | None = None

    @property
    def total_suppressed(self) -> int:
        """Number of masked cells over all tables."""
        return sum(self.suppressed_cells.values())


def indicator_tables(dataset: Dataset, year: int, *, province: object = None,
                     households: pd.DataFrame | None = None, shared: dict | None = None,
                     counts_only: bool = False) -> TableSet:
    """Every indicator table of one year, for Wallonia or one province, unprotected.

    Internal use only (the support centre's own analyses): counts are exact and
    small ones are not masked. Use :func:`publish_tables` before anything leaves.

    Parameters
    ----------
    dataset : Dataset
    year : int
    province : str, optional
        Province code or name; reach tables then cover activities of that province's
        relays, coverage tables its communes.
    households : DataFrame, optional
        Single-parent households per commune (see :mod:`relais_analysis.geography.population`).
    shared : dict, optional
        Cache of the regional tables every scope uses, filled on the first call: pass
        the same empty dict when computing several scopes of one dataset and year.
    counts_only : bool
        Only the tables holding counts of people (what the protection of a past year
        needs: :func:`relais_analysis.privacy.linked.past_year_masks`).

    Returns
    -------
    TableSet

    Notes
    -----
    A province's set has no ``reach_by_residence`` table, and its ``reach_rates``
    and ``territory_vs_residence`` rows are the regional ones (parents reached by
    any relay, per commune of the province; each relay's parents wherever they
    live): the same numbers as the Wallonia report, never a second breakdown that a
    reader could subtract from it.
    """
    year = reference.check_year(year)
    code = reference.check_province(province)
    scoped = for_province(dataset, code)
    t: dict[str, pd.DataFrame] = {}
    years = reach.reach_per_year(scoped)
    t["reach_per_year"] = years[years["year"] <= year].reset_index(drop=True)
    if code is None:
        t["reach_by_province"] = reach.reach_by(scoped, year, "province")
    t["reach_by_relay"] = reach.reach_by(scoped, year, "relay")
    t["reach_by_activity_type"] = reach.reach_by(scoped, year, "activity_type")
    if code is None:  # published once, at regional level (see the note below)
        t["reach_by_residence"] = reach.reach_by(scoped, year, "residence")
    new = reach.new_and_returning_parents(scoped)
    t["new_vs_returning"] = new[new["year"] <= year].reset_index(drop=True)
    ret = reach.retention(scoped)
    t["retention"] = ret[ret["year"] < year + 1].reset_index(drop=True)
    t["activities_per_parent"], _ = reach.activities_per_parent(scoped, year)
    t["children_per_family"], _ = reach.children_per_family(scoped, year)
    t["gender"] = reach.women_share(scoped, year)
    shared = {} if shared is None else shared
    if shared.get("key") != (id(dataset), year):
        shared.clear()
        shared["key"] = (id(dataset), year)

    def regional(name: str, compute):  # noqa: ANN001, ANN202
        if name not in shared:
            shared[name] = compute()
        return shared[name]

    origin = regional("origin", lambda: rates.territory_vs_residence(dataset, year))
    if code is not None:
        origin = origin[origin["relay_id"].isin(t["reach_by_relay"]["relay_id"])]
    t["territory_vs_residence"] = origin
    t["reach_rates"] = rates.reach_rates(dataset, year,
                                         regional("by_residence", lambda: reach.parents_by_residence(dataset, year)),
                                         households=households, province=code)
    if counts_only:
        return TableSet(year, code, {n: f.reset_index(drop=True) for n, f in t.items()},
                        people_countable=dataset.has_people)
    prov_cov = regional("population_coverage", lambda: territory.population_coverage(dataset, year))
    t["population_coverage"] = prov_cov if code is None else prov_cov[prov_cov["province_nis"] == code]
    t["commune_coverage"] = territory.commune_coverage(dataset, year, province=code)
    t["access_distances"] = access.access_distances(dataset, year, province=code)
    within = regional("population_within", lambda: access.population_within(dataset, year))
    t["population_within"] = within[within["province_nis"] == (code or "03000")].reset_index(drop=True)
    t["next_relay_suggestions"] = planning.next_relay_suggestions(dataset, year, households=households,
                                                                  province=code)
    for name, frame in t.items():
        t[name] = frame.reset_index(drop=True)
    return TableSet(year, code, t, people_countable=dataset.has_people)


def relay_tables(dataset: Dataset, year: int, relay_id: str, *, shared: dict | None = None) -> TableSet:
    """Tables of one relay's sheet (unprotected): its reach over the years, activity types,
    parents by gender and origin, and the communes of its territory.

    ``shared``: as in :func:`indicator_tables` (regional tables computed once).

    Raises
    ------
    ParameterError
        Unknown relay or invalid year.
    """
    from relais_analysis.indicators.scope import for_relay

    year = reference.check_year(year)
    scoped = for_relay(dataset, relay_id)
    t: dict[str, pd.DataFrame] = {}
    years = reach.reach_per_year(scoped)
    t["reach_per_year"] = years[years["year"] <= year].reset_index(drop=True)
    t["reach_by_activity_type"] = reach.reach_by(scoped, year, "activity_type")
    new = reach.new_and_returning_parents(scoped)
    t["new_vs_returning"] = new[new["year"] <= year].reset_index(drop=True)
    t["gender"] = reach.women_share(scoped, year)
    shared = {} if shared is None else shared
    if shared.get("key") != (id(dataset), year):
        shared.clear()
        shared["key"] = (id(dataset), year)
    for name, compute in (("origin", rates.territory_vs_residence), ("territory", territory.territory_communes),
                          ("communes", territory.commune_coverage)):
        if name not in shared:
            shared[name] = compute(dataset, year)
    origin, assigned, communes = shared["origin"], shared["territory"], shared["communes"]
    t["territory_vs_residence"] = origin[origin["relay_id"] == relay_id].reset_index(drop=True)
    mine = communes[communes["nis"].isin(assigned.loc[assigned["relay_id"] == relay_id, "nis"])]
    t["commune_coverage"] = mine.reset_index(drop=True)
    for name, frame in t.items():
        t[name] = frame.reset_index(drop=True)
    return TableSet(year, None, t, people_countable=scoped.has_people, relay_id=str(relay_id))


def publish_tables(tables: TableSet, *, threshold: int = DEFAULT_THRESHOLD) -> TableSet:
    """Mask small counts of people in every table (primary and secondary suppression).

    Raises
    ------
    ParameterError
        If ``threshold`` is below 3.
    """
    threshold = check_threshold(threshold)
    out, masked = {}, {}
    for name, frame in tables.tables.items():
        counts, by_rows, by_cols, total_col = PEOPLE_COUNTS[name]
        counts = [c for c in counts if c in frame.columns]
        if not counts:
            out[name], masked[name] = frame.copy(), 0
            continue
        rates = {r: c for r, c in RATES.get(name, {}).items() if r in frame.columns}
        by_rows = by_rows and len(frame) > 1  # a single row has no column total to protect against
        try:
            protected = suppress_small_counts(
                frame, counts, threshold=threshold, additive_rows=by_rows, additive_columns=by_cols,
                total_column=total_col, rate_columns=rates or None,
            )
        except PrivacyError:
            protected = _mask_all_categories(frame, counts, total_col, threshold, rates)
        out[name] = protected
        masked[name] = int(protected.attrs.get("suppressed_primary", 0) + protected.attrs.get("suppressed_secondary", 0))
    return TableSet(tables.year, tables.province_nis, out, True, threshold, masked, tables.people_countable,
                    tables.relay_id)


def _mask_all_categories(frame: pd.DataFrame, counts: list[str], total_col: str | None, threshold: int,
                         rates: dict[str, str]) -> pd.DataFrame:
    """Fallback for a cross-tab that cannot be protected cell by cell: mask every non-zero category.

    Only the row totals stay (masked themselves when small); each category is then
    hidden in every row, so none can be recomputed from the totals.
    """
    categories = [c for c in counts if c != total_col]
    protected = suppress_small_counts(frame, [total_col] if total_col else counts, threshold=threshold,
                                      additive_rows=False, rate_columns=None)
    for col in categories:
        protected[col] = [SUPPRESSED if (not pd.isna(v) and v != 0) else v for v in frame[col].tolist()]
    for rate, count in rates.items():
        protected[rate] = [SUPPRESSED if c is SUPPRESSED else r for r, c in zip(protected[rate], protected[count])]
    masked = sum(int(v is SUPPRESSED) for c in counts for v in protected[c])
    protected.attrs.update({"threshold": threshold, "suppressed_primary": masked, "suppressed_secondary": 0,
                            "fallback": "all categories masked"})
    return protected


def write_tables(tables: TableSet, out_dir: str | Path, *, lang: str = "fr", prefix: str = "") -> list[Path]:
    """Write each table as CSV plus ``tables.json`` (names, files, columns, masked cells).

    Published sets go through :func:`relais_analysis.privacy.published_csv.write_excel_csv`
    (which refuses any small count left): files named and headed in ``lang``, ``;`` and
    decimal comma in French, UTF-8 with BOM, opened by a double click in Excel; the
    manifest names every column in both languages with its type and unit (the contract
    :func:`relais_analysis.privacy.published_csv.read_published_table` reads back), and
    one workbook (``tableaux.xlsx``) holds every table on its own sheet. An unprotected
    set is written as plain CSV with machine names, only with a ``prefix`` that says so
    (e.g. ``"INTERNE_NE_PAS_PUBLIER_"``).

    Raises
    ------
    PrivacyError
        A published table still holds a count between 1 and threshold - 1.
    ParameterError
        An unprotected set without a warning prefix, or an invalid ``lang``.
    """
    from relais_analysis.privacy.published_csv import file_stem, manifest_entry, write_excel_csv
    from relais_analysis.privacy.published_xlsx import WORKBOOK_NAMES, write_published_workbook

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not tables.published and not prefix:
        raise ParameterError(*text_pair("indicator_error.unprotected_prefix"))
    written, manifest = [], []
    for name, frame in tables.tables.items():
        counts = [c for c in PEOPLE_COUNTS[name][0] if c in frame.columns]
        if tables.published:  # checked, then formula-like text neutralised (relay names reach Excel)
            path = write_excel_csv(frame, out_dir / f"{prefix}{file_stem(name, lang)}.csv",
                                   threshold=tables.threshold, lang=lang, count_columns=counts)
            entry = manifest_entry(name, path.name, frame, lang,
                                   {lg: table_title(name, lg) for lg in ("fr", "en")})
        else:
            path = write_csv(frame, out_dir / f"{prefix}{name}.csv")
            entry = {"table": name, "file": path.name}
        written.append(path)
        manifest.append({**entry, "people_count_columns": counts,
                         "suppressed_cells": tables.suppressed_cells.get(name, 0)})
    meta = {"year": tables.year, "province_nis": tables.province_nis, "relay_id": tables.relay_id,
            "published": tables.published,
            "threshold": tables.threshold, "suppressed_cells": tables.total_suppressed, "tables": manifest}
    if tables.published:
        book = write_published_workbook(
            tables.tables, out_dir / f"{prefix}{WORKBOOK_NAMES[lang]}", lang=lang, threshold=tables.threshold,
            titles={n: table_title(n, lang) for n in tables.tables},
            count_columns={n: [c for c in PEOPLE_COUNTS[n][0] if c in f.columns] for n, f in tables.tables.items()})
        meta["workbook"] = book.name
        written.append(book)
    manifest_path = out_dir / f"{prefix}tables.json"
    manifest_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [*written, manifest_path]
