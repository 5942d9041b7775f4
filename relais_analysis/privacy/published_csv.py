"""Published tables as CSV files a French-language Excel opens with a double click, and read back.

A published table is written (:func:`write_excel_csv`) in the conventions of its
language, so that a double click in a spreadsheet of that language splits the columns
and reads the numbers:

- French: ``;`` between columns, decimal comma (``40,3``), UTF-8 with a byte-order
  mark (Excel then reads the accents), French file name and column headers;
- English: ``,`` between columns, decimal point, UTF-8 with a byte-order mark, English
  names. (A ``;`` file opens as one column in an English-locale Excel, whose list
  separator is ``,``; a French-locale Excel reads ``40.3`` as text.)

Shares are written as percentages rounded to one decimal in a column named
``... (%)``; other decimal numbers with one decimal; counts as integers; masked cells
keep the one label ``n.p.``; yes/no as ``oui``/``non``. Text cells are neutralised
against formulas (:mod:`relais_analysis.privacy.safe_csv`).

The machine-readable contract is the folder's ``tables.json``: per file, the table's
machine name, its title, its language conventions and every column (machine name,
French and English headers, type, unit; :func:`column_entries`).
:func:`read_published_table` reads a published file back with machine column names,
numbers as numbers and masked cells as
:data:`~relais_analysis.privacy.suppression.SUPPRESSED`; :func:`read_published_text`
gives the same cells as text in machine notation (what the audit reads, so that a
share keeps its printed precision). Files written before this format (``,``, English
headers, no ``columns`` in the manifest) are read as they are.
"""

from __future__ import annotations

import csv
import io
import json
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.i18n import check_lang
from relais_analysis.privacy.suppression import SUPPRESSED, is_suppressed, masked_label

__all__ = ["COLUMNS", "CSV_CONVENTIONS", "FILE_NAMES", "ColumnSpec", "column_entries", "column_spec",
           "file_stem", "localised_frame", "machine_table_name", "manifest_entry", "read_published_table",
           "read_published_text", "write_excel_csv"]

#: Separator and decimal mark of a published CSV, per language.
CSV_CONVENTIONS: dict[str, dict[str, str]] = {"fr": {"separator": ";", "decimal": ","},
                                              "en": {"separator": ",", "decimal": "."}}
_YES_NO = {"fr": ("oui", "non"), "en": ("yes", "no")}


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


def _format(value: object, spec: ColumnSpec, lang: str) -> object:
    """One cell as written (masked and empty cells are already text)."""
    if isinstance(value, str) or _missing(value):
        return value
    if isinstance(value, (bool, np.bool_)):
        return _YES_NO[lang][0] if bool(value) else _YES_NO[lang][1]
    if not isinstance(value, numbers.Number):
        return value
    if spec.kind == "share":
        text = f"{float(value) * 100:.1f}"
    elif spec.kind == "number":
        text = f"{float(value):.{spec.decimals}f}"
    elif float(value).is_integer():
        return str(int(value))
    else:
        text = repr(float(value))
    return text.replace(".", CSV_CONVENTIONS[lang]["decimal"])


def localised_frame(table: pd.DataFrame, lang: str = "fr", *, threshold: int | None = None) -> pd.DataFrame:
    """``table`` as published in ``lang``: headers in ``lang``, numbers as text in its conventions.

    Masked cells read ``n.p.``, no data is empty (as
    :func:`~relais_analysis.privacy.suppression.to_publishable_frame`); shares are
    percentages with one decimal; yes/no in words.

    Raises
    ------
    ParameterError
        Invalid ``lang`` or ``threshold``.

    Examples
    --------
    >>> from relais_analysis.privacy.suppression import SUPPRESSED
    >>> table = pd.DataFrame({"year": [2024, 2024], "women": [161, SUPPRESSED], "share_women": [0.40272108843537413, SUPPRESSED]})
    >>> localised_frame(table, "fr").to_dict("list")
    {'Année': ['2024', '2024'], 'Femmes': ['161', 'n.p.'], 'Part de femmes (%)': ['40,3', 'n.p.']}
    >>> list(localised_frame(table, "en").iloc[0])
    ['2024', '161', '40.3']
    """
    from relais_analysis.privacy.suppression import to_publishable_frame

    lang = check_lang(lang)
    shown = to_publishable_frame(table, lang, threshold=threshold)
    out = pd.DataFrame(index=shown.index)
    for k, column in enumerate(table.columns):
        spec = column_spec(str(column), table.iloc[:, k])
        cells = [_format(v, spec, lang) for v in shown.iloc[:, k].tolist()]
        out[spec.header(lang) if column in COLUMNS else column] = pd.Series(cells, index=shown.index, dtype=object)
    out.index.name = shown.index.name
    return out


def write_excel_csv(table: pd.DataFrame, path: str | Path, *, threshold: int | None = None, lang: str = "fr",
                    count_columns: Iterable[str] | None = None) -> Path:
    """Check a protected table and write it for a double click in a spreadsheet of ``lang``.

    Raises
    ------
    PrivacyError
        A count from 1 to threshold - 1 is left; nothing is written.
    ParameterError
        Invalid ``lang`` or ``threshold``.
    """
    from relais_analysis.privacy.safe_csv import write_csv
    from relais_analysis.privacy.suppression import _resolve_threshold, check_publishable

    lang = check_lang(lang)
    threshold = _resolve_threshold(table, threshold)
    check_publishable(table, threshold=threshold, count_columns=None if count_columns is None else list(count_columns))
    frame = localised_frame(table, lang, threshold=threshold)
    default_index = isinstance(table.index, pd.RangeIndex) and table.index.name is None
    return write_csv(frame, path, index=not default_index, sep=CSV_CONVENTIONS[lang]["separator"], bom=True)


# --------------------------------------------------------------------------- reading back

def _manifest_entry(path: Path) -> dict | None:
    manifest = path.parent / "tables.json"
    if not manifest.is_file():
        return None
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputDataError(f"Manifeste illisible {manifest} : {exc}", f"Unreadable manifest {manifest}: {exc}") from exc
    for entry in meta.get("tables", []) if isinstance(meta, dict) else []:
        if isinstance(entry, dict) and entry.get("file") == path.name:
            return entry
    return None


def _machine_number(text: str, decimal: str, percent: bool) -> str:
    """``"40,3"`` (a percentage) -> ``"0.403"``: machine notation, printed precision kept."""
    plain = text.replace(decimal, ".") if decimal != "." else text
    try:
        number = Decimal(plain)
    except InvalidOperation:
        return text  # the masked label, or any other text
    if percent:
        number = number.scaleb(-2)
    return format(number, "f")


def read_published_text(path: str | Path) -> pd.DataFrame:
    """A published CSV as text cells in machine notation, with machine column names.

    Uses the table's entry in the ``tables.json`` beside it (headers, separator,
    decimal mark, percentages); a file without one (older sites, outcome tables) is
    read as written, ``,``-separated unless its first line holds more ``;``.

    Raises
    ------
    InputDataError
        The file cannot be read, or its headers are not those of its manifest entry.
    """
    path = Path(path)
    entry = _manifest_entry(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputDataError(f"Tableau illisible {path} : {exc}", f"Unreadable table {path}: {exc}") from exc
    columns = entry.get("columns") if entry else None
    if columns:
        sep, decimal = entry.get("separator", ","), entry.get("decimal", ".")
    else:
        first = text.split("\n", 1)[0]
        sep, decimal = (";", ",") if first.count(";") > first.count(",") else (",", ".")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputDataError(f"Tableau illisible {path} : {exc}", f"Unreadable table {path}: {exc}") from exc
    if not columns:
        return frame
    lang = entry.get("lang", "fr")
    by_header = {str(c.get(lang, c["name"])): c for c in columns}
    unknown = [h for h in frame.columns if h not in by_header]
    if unknown:
        raise InputDataError(f"Colonnes inattendues dans {path} : {unknown} (voir tables.json).",
                             f"Unexpected columns in {path}: {unknown} (see tables.json).")
    out = pd.DataFrame(index=frame.index)
    for header in frame.columns:
        column = by_header[header]
        values = frame[header]
        if column.get("type") in ("number", "integer"):
            percent = column.get("scale") == "percent"
            values = values.map(lambda v: _machine_number(v, decimal, percent) if v else v)
        elif column.get("type") == "boolean":
            yes, no = _YES_NO.get(lang, _YES_NO["fr"])
            values = values.map(lambda v: {yes: "True", no: "False"}.get(v, v))
        out[column["name"]] = values
    return out


def read_published_table(path: str | Path) -> pd.DataFrame:
    """A published CSV back as data: machine column names, numbers as numbers, masked as the sentinel.

    Counts and other integers come back as ``int``, decimals and shares as ``float``
    (a share as a proportion: ``40,3`` -> ``0.403``), yes/no as ``bool``, masked cells
    (``n.p.``, or any text in a number column) as
    :data:`~relais_analysis.privacy.suppression.SUPPRESSED`, empty cells as ``pd.NA``,
    codes and names as text. Columns of files without a manifest entry are typed by
    their content (only cells that all read as numbers become numbers).

    Raises
    ------
    InputDataError
        See :func:`read_published_text`.
    """
    path = Path(path)
    frame = read_published_text(path)
    entry = _manifest_entry(path) or {}
    kinds = {c["name"]: c.get("type") for c in entry.get("columns", [])}
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        kind = kinds.get(column)
        cells = frame[column].tolist()
        if kind is None:  # a file without a contract: numbers where every cell is a number, a mask or empty
            filled = [v for v in cells if v != ""]
            kind = "number" if filled and any(_is_number(v) for v in filled) and all(
                _is_number(v) or _looks_masked(v) for v in filled) else "text"
        if kind in ("number", "integer"):
            values = [pd.NA if v == "" else (_number(v) if _is_number(v) else SUPPRESSED) for v in cells]
        elif kind == "boolean":
            values = [pd.NA if v == "" else v == "True" for v in cells]
        else:
            out[column] = frame[column]
            continue
        out[column] = pd.Series(values, index=frame.index, dtype=object)
    return out


def _looks_masked(text: str) -> bool:
    """The masked label, or the older ``< 5``."""
    return text == masked_label() or text.startswith("<")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def manifest_entry(table: str, file_name: str, frame: pd.DataFrame, lang: str,
                   titles: Mapping[str, str] | None = None) -> dict[str, object]:
    """The contract of one published file for ``tables.json`` (without the protection counts)."""
    return {"table": table, "file": file_name, "lang": lang, **CSV_CONVENTIONS[lang], "encoding": "utf-8-sig",
            "title": dict(titles or {}), "columns": column_entries(frame)}
