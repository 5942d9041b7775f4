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

from relais_analysis.i18n import check_lang
from relais_analysis.privacy.masked import is_suppressed

__all__ = ["COLUMNS", "CSV_CONVENTIONS", "FILE_NAMES", "YES_NO", "ColumnSpec", "column_entries", "column_spec",
           "file_stem", "machine_table_name"]

#: Separator and decimal mark of a published CSV, per language.
CSV_CONVENTIONS: dict[str, dict[str, str]] = {"fr": {"separator": ";", "decimal": ","},
                                              "en": {"separator": ",", "decimal": "."}}
YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}


@dataclass(frozen=True)
class ColumnSpec:
    """One published column: headers in both languages, type and unit.

    ``kind`` is ``integer`` (counts, populations, years), ``share`` (a proportion
    0-1, published as a percentage with one decimal), ``number`` (published with
    ``decimals`` decimals), ``boolean`` or ``text`` (codes and names: never numbers).
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


def _c(fr: str, en: str, kind: str = "integer", unit: str = "", decimals: int = 1) -> ColumnSpec:
    return ColumnSpec(fr, en, kind, unit, decimals)


#: Every column a published table may hold, by machine name.
COLUMNS: dict[str, ColumnSpec] = {
    "year": _c("Année", "Year", unit="année"),
    "parents": _c("Parents", "Parents", unit="personnes"),
    "children": _c("Enfants", "Children", unit="personnes"),
    "families": _c("Familles", "Families", unit="familles"),
    "attendances": _c("Participations", "Attendances", unit="participations"),
    "activities": _c("Activités", "Activities", unit="activités"),
    "people_countable": _c("Personnes dénombrables", "People countable", "text"),
    "province_nis": _c("Code INS de la province", "Province NIS code", "text"),
    "province_name": _c("Province", "Province", "text"),
    "relay_id": _c("Code du relais", "Relay code", "text"),
    "relay_name": _c("Relais", "Relay", "text"),
    "type": _c("Type d'activité", "Activity type", "text"),
    "residence": _c("Code INS de la commune de résidence", "NIS code of the municipality of residence", "text"),
    "residence_name": _c("Commune de résidence", "Municipality of residence", "text"),
    "residence_province_nis": _c("Code INS de la province de résidence", "NIS code of the province of residence",
                                 "text"),
    "new_parents": _c("Nouveaux parents", "New parents", unit="personnes"),
    "returning_parents": _c("Parents revenus", "Returning parents", unit="personnes"),
    "share_new": _c("Part de nouveaux parents", "Share of new parents", "share", "%"),
    "seen_next_year": _c("Revenus l'année suivante", "Seen the next year", unit="personnes"),
    "retention_rate": _c("Taux de fidélisation", "Retention rate", "share", "%"),
    "next_year_partial": _c("Année suivante partielle", "Next year partial", "boolean"),
    "share": _c("Part", "Share", "share", "%"),
    "children_reached": _c("Enfants touchés", "Children reached", "text"),
    "women": _c("Femmes", "Women", unit="personnes"),
    "men": _c("Hommes", "Men", unit="personnes"),
    "x": _c("X", "X", unit="personnes"),
    "unknown": _c("Genre inconnu", "Gender unknown", unit="personnes"),
    "share_women": _c("Part de femmes", "Share of women", "share", "%"),
    "in_own_territory": _c("Dans le territoire du relais", "In the relay's territory", unit="personnes"),
    "in_other_territory": _c("Dans le territoire d'un autre relais", "In another relay's territory",
                             unit="personnes"),
    "uncovered": _c("Dans une commune non couverte", "In an uncovered municipality", unit="personnes"),
    "unknown_residence": _c("Domicile inconnu", "Residence unknown", unit="personnes"),
    "nis": _c("Code INS de la commune", "Municipality NIS code", "text"),
    "name_fr": _c("Commune", "Municipality", "text"),
    "population": _c("Population", "Population", unit="habitants"),
    "single_parent_households": _c("Ménages monoparentaux", "Single-parent households", unit="ménages"),
    "rate_per_10000": _c("Parents pour 10 000 habitants", "Parents per 10,000 inhabitants", "number",
                         "pour 10 000 habitants"),
    "rate_per_100_households": _c("Parents pour 100 ménages monoparentaux",
                                  "Parents per 100 single-parent households", "number",
                                  "pour 100 ménages monoparentaux"),
    "unstable": _c("Taux instable (petite population)", "Unstable rate (small population)", "boolean"),
    "n_communes": _c("Communes", "Municipalities", unit="communes"),
    "communes_covered": _c("Communes couvertes", "Municipalities covered", unit="communes"),
    "population_covered": _c("Population couverte", "Population covered", unit="habitants"),
    "share_covered": _c("Part de la population couverte", "Share of the population covered", "share", "%"),
    "covered": _c("Couverte", "Covered", "boolean"),
    "n_relays": _c("Nombre de relais", "Number of relays", unit="relais"),
    "relays": _c("Relais", "Relays", "text"),
    "overlap": _c("Plusieurs relais", "Several relays", "boolean"),
    "nearest_relay": _c("Relais le plus proche", "Nearest relay", "text"),
    "distance_km": _c("Distance (km)", "Distance (km)", "number", "km"),
    "radius_km": _c("Rayon (km)", "Radius (km)", "number", "km", 0),
    "population_within": _c("Population dans le rayon", "Population within the radius", unit="habitants"),
    "share_within": _c("Part de la population dans le rayon", "Share of the population within the radius",
                       "share", "%"),
    "communes_within": _c("Communes dans le rayon", "Municipalities within the radius", unit="communes"),
    "rank": _c("Rang", "Rank"),
    "added_population": _c("Population ajoutée", "Population added", unit="habitants"),
    "communes_added": _c("Communes ajoutées", "Municipalities added", unit="communes"),
    "communes_added_names": _c("Noms des communes ajoutées", "Names of the municipalities added", "text"),
    "communes_added_nis": _c("Codes INS des communes ajoutées", "NIS codes of the municipalities added", "text"),
}

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
}


def file_stem(table: str, lang: str = "fr") -> str:
    """Published file name (without ``.csv``) of a table; unknown tables keep their machine name.

    Examples
    --------
    >>> file_stem("reach_by_relay"), file_stem("reach_by_relay", "en"), file_stem("outcomes_change")
    ('personnes_touchees_par_relais', 'people_reached_by_relay', 'outcomes_change')
    """
    return FILE_NAMES.get(table, {}).get(check_lang(lang), table)


def machine_table_name(stem: str) -> str:
    """The table a published file name stands for (French, English or machine name).

    Examples
    --------
    >>> machine_table_name("personnes_touchees_par_relais"), machine_table_name("reach_by_relay")
    ('reach_by_relay', 'reach_by_relay')
    """
    for table, names in FILE_NAMES.items():
        if stem in names.values():
            return table
    return stem


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
                        "unit": spec.unit, **({"decimals": spec.decimals} if spec.kind == "number" else {}),
                        **({"scale": "percent", "decimals": 1} if spec.kind == "share" else {})})
    return entries
