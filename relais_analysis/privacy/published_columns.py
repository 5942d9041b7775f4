"""The catalogue of published columns and file names, in French and English.

Every column a published table may hold (:data:`COLUMNS`: headers in both languages,
type, unit), the published file name of every table (:data:`FILE_NAMES`), and the
conventions of a CSV file per language (:data:`CSV_CONVENTIONS`). Used by
:mod:`relais_analysis.privacy.published_csv` (CSV files and ``tables.json``) and
:mod:`relais_analysis.privacy.published_xlsx` (the workbook).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from relais_analysis.i18n import check_lang, text, text_pair
from relais_analysis.privacy.masked import is_suppressed

__all__ = ["COLUMNS", "CSV_CONVENTIONS", "FIGURE_DATA_PREFIX", "FIGURE_TABLES", "FILE_NAMES", "OUTCOME_FILE_NAMES",
           "YES_NO", "ColumnSpec", "column_entries", "column_spec", "figure_data_stem", "file_stem",
           "machine_table_name"]

#: Separator and decimal mark of a published CSV, per language.
CSV_CONVENTIONS: dict[str, dict[str, str]] = {"fr": {"separator": ";", "decimal": ","},
                                              "en": {"separator": ",", "decimal": "."}}
#: Yes and no as published, per language.
YES_NO = {lang: (text("published.yes", lang), text("published.no", lang)) for lang in ("fr", "en")}


@dataclass(frozen=True)
class ColumnSpec:
    """One published column: headers in both languages, type and unit.

    ``kind`` is ``integer`` (counts, populations, years), ``share`` (a proportion
    0-1, published as a percentage with one decimal), ``number`` (published with
    ``decimals`` decimals: means, estimates, p-values), ``boolean`` or ``text`` (codes
    and names: never numbers). ``unit`` is a key of the catalogue's ``column_unit.*``
    (``""``: none); the headers of catalogued columns are the catalogue's ``column.*``.
    """

    fr: str
    en: str
    kind: str = "integer"
    unit: str = ""
    decimals: int = 1

    def header(self, lang: str) -> str:
        """Column header in ``lang``; a share's header ends with ``(%)``."""
        text = self.fr if lang == "fr" else self.en
        return f"{text} (%)" if self.kind == "share" else text

    def unit_text(self, lang: str = "fr") -> str:
        """The unit in ``lang`` (``""`` without one)."""
        return text(f"column_unit.{self.unit}", lang) if self.unit else ""


def _c(name: str, kind: str = "integer", unit: str = "", decimals: int = 1) -> ColumnSpec:
    fr, en = text_pair(f"column.{name}")
    return ColumnSpec(fr, en, kind, unit, decimals)


_KINDS: dict[str, tuple] = {
    "year": ("integer", "year"),
    "parents": ("integer", "people"),
    "children": ("integer", "people"),
    "families": ("integer", "families"),
    "attendances": ("integer", "attendances"),
    "activities": ("integer", "activities"),
    "people_countable": ("text",),
    "province_nis": ("text",),
    "province_name": ("text",),
    "relay_id": ("text",),
    "relay_name": ("text",),
    "type": ("text",),
    "residence": ("text",),
    "residence_name": ("text",),
    "residence_province_nis": ("text",),
    "new_parents": ("integer", "people"),
    "returning_parents": ("integer", "people"),
    "share_new": ("share", "percent"),
    "seen_next_year": ("integer", "people"),
    "retention_rate": ("share", "percent"),
    "next_year_partial": ("boolean",),
    "share": ("share", "percent"),
    "children_reached": ("text",),
    "women": ("integer", "people"),
    "men": ("integer", "people"),
    "x": ("integer", "people"),
    "unknown": ("integer", "people"),
    "share_women": ("share", "percent"),
    "in_own_territory": ("integer", "people"),
    "in_other_territory": ("integer", "people"),
    "uncovered": ("integer", "people"),
    "unknown_residence": ("integer", "people"),
    "nis": ("text",),
    "name_fr": ("text",),
    "population": ("integer", "inhabitants"),
    "single_parent_households": ("integer", "households"),
    "rate_per_10000": ("number", "per_10000"),
    "rate_per_100_households": ("number", "per_100_households"),
    "unstable": ("boolean",),
    "n_communes": ("integer", "communes"),
    "communes_covered": ("integer", "communes"),
    "population_covered": ("integer", "inhabitants"),
    "share_covered": ("share", "percent"),
    "covered": ("boolean",),
    "n_relays": ("integer", "relays"),
    "relays": ("text",),
    "overlap": ("boolean",),
    "nearest_relay": ("text",),
    "distance_km": ("number", "km"),
    "radius_km": ("number", "km", 0),
    "population_within": ("integer", "inhabitants"),
    "share_within": ("share", "percent"),
    "communes_within": ("integer", "communes"),
    "rank": ("integer",),
    "added_population": ("integer", "inhabitants"),
    "communes_added": ("integer", "communes"),
    "communes_added_names": ("text",),
    "communes_added_nis": ("text",),
    # outcome tables (issue 9): counts of parents, estimates with 2 decimals, p-values with 3
    "instrument": ("text",),
    "score": ("text",),
    "measure": ("text",),
    "wave_from": ("text",),
    "wave_to": ("text",),
    "direction": ("text",),
    "by": ("text",),
    "group": ("text",),
    "wave": ("text",),
    "n": ("integer", "people"),
    "n_pairs": ("integer", "people"),
    "n_improved": ("integer", "people"),
    "n_unchanged": ("integer", "people"),
    "n_worse": ("integer", "people"),
    "share_improved": ("share", "percent"),
    "share_worse": ("share", "percent"),
    "mean": ("number", "points", 2),
    "median": ("number", "points", 2),
    "median_before": ("number", "points", 2),
    "median_after": ("number", "points", 2),
    "median_change": ("number", "points", 2),
    "hl_estimate": ("number", "points", 2),
    "hl_ci_low": ("number", "points", 2),
    "hl_ci_high": ("number", "points", 2),
    "mean_change": ("number", "points", 2),
    "mean_ci_low": ("number", "points", 2),
    "mean_ci_high": ("number", "points", 2),
    "wilcoxon_p": ("number", "", 3),
    "mannwhitney_p": ("number", "", 3),
    "rank_biserial": ("number", "", 2),
    "cohen_dz": ("number", "", 2),
    "hl_ci_method": ("text",),
    "wilcoxon_method": ("text",),
    "validated": ("boolean",),
    "working_translation": ("boolean",),
    "note": ("text",),
    "n_entry": ("integer", "people"),
    "n_stayed": ("integer", "people"),
    "n_left": ("integer", "people"),
    "mean_entry_stayed": ("number", "points", 2),
    "mean_entry_left": ("number", "points", 2),
    "left_worse_at_entry": ("boolean",),
    "total": ("integer", "people"),
    # the landing page's tables (programme since 2022, relays side by side)
    "period": ("text",),
    "partial": ("boolean",),
    "parents_previous": ("integer", "people"),
    "change_parents": ("share", "percent"),
    "activities_previous": ("integer", "activities"),
    "change_activities": ("share", "percent"),
    "relay": ("text",),
}

#: Every column a published table may hold, by machine name (headers from the catalogue's ``column.*``).
COLUMNS: dict[str, ColumnSpec] = {name: _c(name, *kind) for name, kind in _KINDS.items()}

#: Published file names (without ``.csv``) per table, French and English.
FILE_NAMES: dict[str, dict[str, str]] = {
    "reach_per_year": {"fr": "personnes_touchees_par_annee", "en": "people_reached_per_year"},
    "reach_by_province": {"fr": "personnes_touchees_par_province", "en": "people_reached_by_province"},
    "reach_by_relay": {"fr": "personnes_touchees_par_relais", "en": "people_reached_by_relay"},
    "reach_by_activity_type": {"fr": "personnes_touchees_par_type_activite", "en": "people_reached_by_activity_type"},
    "reach_by_residence": {"fr": "personnes_touchees_par_commune_de_residence",
                           "en": "people_reached_by_municipality_of_residence"},
    "new_vs_returning": {"fr": "nouveaux_parents_et_parents_revenus", "en": "new_and_returning_parents"},
    "retention": {"fr": "fidelisation", "en": "retention"},
    "activities_per_parent": {"fr": "activites_par_parent", "en": "activities_per_parent"},
    "children_per_family": {"fr": "enfants_par_famille", "en": "children_per_family"},
    "gender": {"fr": "parents_par_genre", "en": "parents_by_gender"},
    "territory_vs_residence": {"fr": "domicile_des_parents_par_relais", "en": "where_each_relays_parents_live"},
    "reach_rates": {"fr": "taux_de_portee_par_commune", "en": "reach_rate_by_municipality"},
    "population_coverage": {"fr": "population_couverte", "en": "population_covered"},
    "commune_coverage": {"fr": "couverture_par_commune", "en": "coverage_by_municipality"},
    "access_distances": {"fr": "distance_au_relais_le_plus_proche", "en": "distance_to_the_nearest_relay"},
    "population_within": {"fr": "population_a_5_10_20_km", "en": "population_within_5_10_20_km"},
    "next_relay_suggestions": {"fr": "ou_ouvrir_un_nouveau_relais", "en": "where_to_open_a_new_relay"},
    "programme_trends": {"fr": "programme_depuis_2022", "en": "programme_since_2022"},
    "relay_comparison": {"fr": "comparaison_des_relais", "en": "relay_comparison"},
}


#: Published file names of the outcome tables (issue 9), per table or per prefix (``outcomes_waves_`` + instrument).
OUTCOME_FILE_NAMES: dict[str, dict[str, str]] = {
    "outcomes_change": {"fr": "evolution_entree_suivi", "en": "outcomes_change"},
    "outcomes_attrition": {"fr": "evolution_sans_reponse_au_suivi", "en": "outcomes_attrition"},
    "outcomes_waves_": {"fr": "evolution_reponses_par_vague_", "en": "outcomes_waves_"},
    "outcomes_bands_": {"fr": "evolution_niveaux_entree_suivi_", "en": "outcomes_bands_"},
    "outcomes_by_relay": {"fr": "evolution_par_relais", "en": "outcomes_by_relay"},
    "outcomes_by_province": {"fr": "evolution_par_province", "en": "outcomes_by_province"},
    "outcomes_by_year": {"fr": "evolution_par_annee_entree", "en": "outcomes_by_year"},
    "outcomes_by_dose": {"fr": "evolution_par_nombre_activites", "en": "outcomes_by_dose"},
}
#: Prefix of the data file of a figure, per language (``figures/donnees_personnes_par_annee.csv``).
FIGURE_DATA_PREFIX = {"fr": "donnees_", "en": "data_"}
#: Figures (file stem of the image) -> file name of their data (after the prefix) and the table they show.
FIGURE_TABLES: dict[str, dict[str, str]] = {
    "people_per_year": {"fr": "personnes_par_annee", "en": "people_per_year", "table": "reach_per_year"},
    "people_by_province": {"fr": "personnes_par_province", "en": "people_by_province",
                           "table": "reach_by_province"},
    "people_by_relay": {"fr": "personnes_par_relais", "en": "people_by_relay", "table": "reach_by_relay"},
    "activity_types": {"fr": "types_activite", "en": "activity_types", "table": "reach_by_activity_type"},
    "new_vs_returning": {"fr": "nouveaux_parents_et_parents_revenus", "en": "new_and_returning_parents",
                         "table": "new_vs_returning"},
    "retention_rate": {"fr": "fidelisation", "en": "retention", "table": "retention"},
    "choropleth": {"fr": "carte_par_commune", "en": "map_by_municipality", "table": "reach_rates"},
}


def _names(table: str) -> dict[str, str] | None:
    """File names of a table: its own entry, or its prefix's with the rest of the name appended."""
    if table in FILE_NAMES:
        return FILE_NAMES[table]
    if table in OUTCOME_FILE_NAMES:
        return OUTCOME_FILE_NAMES[table]
    for prefix, names in OUTCOME_FILE_NAMES.items():
        if prefix.endswith("_") and table.startswith(prefix) and len(table) > len(prefix):
            return {lang: name + table[len(prefix):] for lang, name in names.items()}
    return None


def file_stem(table: str, lang: str = "fr") -> str:
    """Published file name (without ``.csv``) of a table; unknown tables keep their machine name.

    Examples
    --------
    >>> file_stem("reach_by_relay"), file_stem("reach_by_relay", "en"), file_stem("outcomes_change")
    ('personnes_touchees_par_relais', 'people_reached_by_relay', 'evolution_entree_suivi')
    >>> file_stem("outcomes_waves_djg6"), file_stem("outcomes_waves_djg6", "en"), file_stem("mystery")
    ('evolution_reponses_par_vague_djg6', 'outcomes_waves_djg6', 'mystery')
    """
    lang = check_lang(lang)
    names = _names(table)
    return names[lang] if names else table


def machine_table_name(stem: str) -> str:
    """The table a published file name stands for (French, English or machine name).

    Examples
    --------
    >>> machine_table_name("personnes_touchees_par_relais"), machine_table_name("reach_by_relay")
    ('reach_by_relay', 'reach_by_relay')
    >>> machine_table_name("evolution_niveaux_entree_suivi_djg6"), machine_table_name("evolution_par_relais")
    ('outcomes_bands_djg6', 'outcomes_by_relay')
    """
    for table, names in [*FILE_NAMES.items(), *OUTCOME_FILE_NAMES.items()]:
        if stem in names.values() and not table.endswith("_"):
            return table
    for prefix, names in OUTCOME_FILE_NAMES.items():
        for name in names.values():
            if prefix.endswith("_") and stem.startswith(name) and len(stem) > len(name):
                return prefix + stem[len(name):]
    return stem


def figure_data_stem(figure: str, lang: str = "fr") -> str:
    """File name (without ``.csv``) of the data of a figure: ``donnees_`` + its French name.

    Examples
    --------
    >>> figure_data_stem("people_per_year"), figure_data_stem("people_per_year", "en"), figure_data_stem("x")
    ('donnees_personnes_par_annee', 'data_people_per_year', 'donnees_x')
    """
    lang = check_lang(lang)
    return FIGURE_DATA_PREFIX[lang] + FIGURE_TABLES.get(figure, {}).get(lang, figure)


def column_spec(column: str, values: pd.Series | None = None) -> ColumnSpec:
    """The catalogue entry of ``column``, or one inferred from its values (headers = machine name).

    Examples
    --------
    >>> column_spec("share_women").header("fr"), column_spec("share_women").header("en")
    ('Part de femmes (%)', 'Share of women (%)')
    >>> column_spec("mystery", pd.Series([1.5])).kind
    'number'
    >>> column_spec("activities").kind, column_spec("activities", pd.Series(["1", "2-3"])).kind
    ('integer', 'text')
    """
    present = [] if values is None else [v for v in values.tolist() if not _missing(v) and not is_suppressed(v)]
    if column in COLUMNS:
        spec = COLUMNS[column]
        if spec.kind in ("integer", "number", "share") and any(isinstance(v, str) for v in present):
            return replace(spec, kind="text")  # e.g. "activities" as classes ("2-3") in activities_per_parent
        return spec
    kind = "text"
    if present and all(isinstance(v, (bool, np.bool_)) for v in present):
        kind = "boolean"
    elif present and all(isinstance(v, numbers.Number) for v in present):
        kind = "integer" if all(float(v).is_integer() for v in present) else "number"
    return ColumnSpec(column, column, kind, "", 2)


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def column_entries(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The ``columns`` of a table's entry in ``tables.json``: machine name, headers, type, unit.

    Examples
    --------
    >>> column_entries(pd.DataFrame({"share_women": [0.5]}))[0]["fr"]
    'Part de femmes (%)'
    """
    entries = []
    for column in frame.columns:
        spec = column_spec(str(column), frame[column])
        entries.append({"name": str(column), "fr": spec.header("fr"), "en": spec.header("en"),
                        "type": {"share": "number", "number": "number"}.get(spec.kind, spec.kind),
                        "unit": spec.unit_text("fr"), **({"decimals": spec.decimals} if spec.kind == "number" else {}),
                        **({"scale": "percent", "decimals": 1} if spec.kind == "share" else {})})
    return entries
