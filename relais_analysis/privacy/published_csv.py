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
``... (%)``; other decimal numbers with the decimals of their column (one by default,
two for the outcome estimates, three for p-values); counts as integers; masked cells
keep the one label ``n.p.``; yes/no as ``oui``/``non``. Text cells are neutralised
against formulas (:mod:`relais_analysis.privacy.safe_csv`).

The machine-readable contract is the folder's ``tables.json``: per file, the table's
machine name, its title, its language conventions and every column (machine name,
French and English headers, type, unit; :func:`column_entries`). The outcome tables
(``evolution_*.csv``) are listed in the same manifest; the data of each figure
(``figures/donnees_*.csv``, :func:`write_figure_table`) in ``figures/tables.json``;
:func:`update_manifest` adds entries to an existing manifest.
:func:`read_published_table` reads a published file back with machine column names,
numbers as numbers and masked cells as
:data:`~relais_analysis.privacy.masked.SUPPRESSED`; :func:`read_published_text`
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
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.i18n import check_lang, text_pair
from relais_analysis.privacy.published_columns import (COLUMNS, CSV_CONVENTIONS, FILE_NAMES, YES_NO, ColumnSpec,
                                                       _missing, column_entries, column_spec, file_stem,
                                                       machine_table_name)
from relais_analysis.privacy.masked import SUPPRESSED, masked_label

__all__ = ["COLUMNS", "CSV_CONVENTIONS", "FILE_NAMES", "ColumnSpec", "column_entries", "column_spec",
           "file_stem", "localised_frame", "machine_table_name", "manifest_entry", "people_columns",
           "read_published_table", "read_published_text", "update_manifest", "write_excel_csv", "write_figure_table"]


def _format(value: object, spec: ColumnSpec, lang: str) -> object:
    """One cell as written (masked and empty cells are already text)."""
    if isinstance(value, str) or _missing(value):
        return value
    if isinstance(value, (bool, np.bool_)):
        return YES_NO[lang][0] if bool(value) else YES_NO[lang][1]
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
    :func:`~relais_analysis.privacy.export.to_publishable_frame`); shares are
    percentages with one decimal; yes/no in words.

    Raises
    ------
    ParameterError
        Invalid ``lang`` or ``threshold``.

    Examples
    --------
    >>> from relais_analysis.privacy.masked import SUPPRESSED
    >>> table = pd.DataFrame({"year": [2024, 2024], "women": [161, SUPPRESSED], "share_women": [0.40272108843537413, SUPPRESSED]})
    >>> localised_frame(table, "fr").to_dict("list")
    {'Année': ['2024', '2024'], 'Femmes': ['161', 'n.p.'], 'Part de femmes (%)': ['40,3', 'n.p.']}
    >>> list(localised_frame(table, "en").iloc[0])
    ['2024', '161', '40.3']
    """
    from relais_analysis.privacy.export import to_publishable_frame

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
    from relais_analysis.privacy.checks import check_publishable
    from relais_analysis.privacy.export import resolve_threshold as _resolve_threshold

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
        raise InputDataError(*text_pair("published.unreadable_manifest", path=manifest, error=exc)) from exc
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
    decimal mark, percentages); a file without one (older sites, older outcome tables)
    is read as written, ``,``-separated unless its first line holds more ``;``.

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
        raise InputDataError(*text_pair("published.unreadable_table", path=path, error=exc)) from exc
    columns = entry.get("columns") if entry else None
    if columns:
        sep, decimal = entry.get("separator", ","), entry.get("decimal", ".")
    else:
        first = text.split("\n", 1)[0]
        sep, decimal = (";", ",") if first.count(";") > first.count(",") else (",", ".")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputDataError(*text_pair("published.unreadable_table", path=path, error=exc)) from exc
    if not columns:
        return frame
    lang = entry.get("lang", "fr")
    by_header = {str(c.get(lang, c["name"])): c for c in columns}
    unknown = [h for h in frame.columns if h not in by_header]
    if unknown:
        raise InputDataError(*text_pair("published.unexpected_columns", path=path, columns=unknown))
    out = pd.DataFrame(index=frame.index)
    for header in frame.columns:
        column = by_header[header]
        values = frame[header]
        if column.get("type") in ("number", "integer"):
            percent = column.get("scale") == "percent"
            values = values.map(lambda v: _machine_number(v, decimal, percent) if v else v)
        elif column.get("type") == "boolean":
            yes, no = YES_NO.get(lang, YES_NO["fr"])
            values = values.map(lambda v: {yes: "True", no: "False"}.get(v, v))
        out[column["name"]] = values
    return out


def read_published_table(path: str | Path) -> pd.DataFrame:
    """A published CSV back as data: machine column names, numbers as numbers, masked as the sentinel.

    Counts and other integers come back as ``int``, decimals and shares as ``float``
    (a share as a proportion: ``40,3`` -> ``0.403``), yes/no as ``bool``, masked cells
    (``n.p.``, or any text in a number column) as
    :data:`~relais_analysis.privacy.masked.SUPPRESSED`, empty cells as ``pd.NA``,
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


def update_manifest(path: str | Path, entries: list[dict[str, object]], **meta: object) -> Path:
    """Add ``entries`` to the ``tables.json`` at ``path`` (created with ``meta`` when missing).

    An entry for a file already listed replaces it, so writing the same tables twice
    gives the same manifest; entries keep the order in which files were first written.

    Raises
    ------
    InputDataError
        The existing manifest cannot be read.
    """
    path = Path(path)
    current: dict = {**meta, "tables": []}
    if path.is_file():
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputDataError(*text_pair("published.unreadable_manifest", path=path, error=exc)) from exc
    listed = {e.get("file"): k for k, e in enumerate(current.setdefault("tables", []))}
    for entry in entries:
        if entry["file"] in listed:
            current["tables"][listed[entry["file"]]] = entry
        else:
            listed[entry["file"]] = len(current["tables"])
            current["tables"].append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def people_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of ``frame`` that the catalogue says count people (or families).

    Examples
    --------
    >>> people_columns(pd.DataFrame(columns=["year", "parents", "attendances", "share_new", "n_pairs"]))
    ['parents', 'n_pairs']
    """
    return [str(c) for c in frame.columns
            if c in COLUMNS and COLUMNS[c].kind == "integer" and COLUMNS[c].unit in ("people", "families")]


def write_figure_table(table: pd.DataFrame, path_stem: str | Path, *, lang: str = "fr",
                       count_columns: Iterable[str] | None = None) -> Path:
    """Write the data of a figure beside it, as every published table, and list it in ``tables.json``.

    ``figures/people_per_year.png`` gets ``figures/donnees_personnes_par_annee.csv``
    (:func:`figure_data_stem`): checked (:func:`write_excel_csv`), ``;`` and BOM in
    French; the folder's ``tables.json`` names it (``"figure"``: the image's stem,
    ``"table"``: the published table it shows, and every column in both languages),
    which is how :func:`read_published_table` and the audit read it back. In a report's
    folder (``figures/`` beside ``tableaux/``), the data also gets its sheet in the
    report's workbook (``tableaux/tableaux.xlsx``, written before the figures).

    Raises
    ------
    PrivacyError
        A count from 1 to threshold - 1 is left; nothing is written.
    ParameterError
        Invalid ``lang``.
    """
    from relais_analysis.i18n import catalogue, text
    from relais_analysis.privacy.published_columns import FIGURE_TABLES, figure_data_stem
    from relais_analysis.privacy.published_xlsx import WORKBOOK_NAMES, add_sheets

    lang = check_lang(lang)
    stem = Path(path_stem)
    counts = None if count_columns is None else list(count_columns)
    path = write_excel_csv(table, stem.parent / f"{figure_data_stem(stem.name, lang)}.csv", lang=lang,
                           count_columns=counts)
    source = FIGURE_TABLES.get(stem.name, {}).get("table", stem.name)
    titles = {lg: text(f"published.figure_title.{stem.name}", lg) if f"published.figure_title.{stem.name}" in
              catalogue() else text("published.figure_data", lg, figure=stem.name) for lg in ("fr", "en")}
    entry = manifest_entry(source, path.name, table, lang, titles)
    entry.update(figure=stem.name, people_count_columns=counts if counts is not None else people_columns(table))
    update_manifest(stem.parent / "tables.json", [entry], figures=True)
    book = stem.parent.parent / "tableaux" / WORKBOOK_NAMES[lang]
    if stem.parent.name == "figures" and book.is_file():  # a report's folder: the workbook gets the figure's data too
        from relais_analysis.privacy.export import resolve_threshold

        add_sheets({stem.name: table}, book, titles={stem.name: titles[lang]}, lang=lang,
                   threshold=resolve_threshold(table, None), count_columns={stem.name: entry["people_count_columns"]})
    return path
