"""Read relay workbooks as they come back from social workers, and tie each to its relay.

Only reading and identification live here; :mod:`relais_analysis.workbooks.assemble` scopes
codes, writes the standard data folder and validates it. Every cell is read with
openpyxl (values, not formulas): real Excel dates become ISO dates, numbers typed in a
date column are taken as Excel serial dates, whole numbers lose their ``.0``, text is
stripped. Headers are matched to the input contract whatever their accents, case or
typographic punctuation (``Date de l’activité`` = ``date_de_l_activite``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from relais_analysis.errors import InputDataError
from relais_analysis.i18n import text, text_pair
from relais_analysis.intake.personal_data import personal_header_kind
from relais_analysis.intake.schema import TABLES, fold
from relais_analysis.workbooks.layout import LISTS_SHEET, README_SHEET, RELAY_LABEL, SYNTHETIC_LABEL

__all__ = ["SheetData", "WorkbookData", "fold_header", "identify_relay", "read_workbook", "table_for_sheet"]

_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "«": '"', "»": '"', "–": "-", "—": "-",
                              "\u00a0": " ", "\u202f": " ", "\u2009": " "})
#: Free-text columns that are never read (they may hold names): dropped and noted.
FREE_TEXT = {"remarque", "remarques", "commentaire", "commentaires", "note", "notes", "observation",
             "observations", "remarks", "comments"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def fold_header(text: object) -> str:
    """Fold a header for matching, typographic punctuation included.

    Examples
    --------
    >>> fold_header("Date de l’activité")
    'date_de_l_activite'
    >>> fold_header("Code\\u00a0participant")
    'code_participant'
    """
    return fold(str(text).translate(_TYPOGRAPHIC))


def table_for_sheet(name: str) -> str | None:
    """Canonical table a sheet name denotes (``Présences`` -> ``attendance``), or None."""
    key = fold_header(name)
    for table in TABLES.values():
        if key == table.name or key in {fold_header(a) for a in table.aliases}:
            return table.name
    return None


#: Tables read from relay workbooks (``questionnaires`` is optional).
WORKBOOK_TABLES = ("activities", "participants", "attendance", "questionnaires")


def _item_ids() -> list[str]:
    from relais_analysis.outcomes.instruments import load_instruments

    return [item for inst in load_instruments().values() for item in inst.item_ids]


def _column_lookup(table: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in TABLES[table].columns:
        lookup[fold_header(col.name)] = col.name
        for alias in col.aliases:
            lookup.setdefault(fold_header(alias), col.name)
    if table == "questionnaires":  # one column per item of every instrument (answer codes or labels)
        from relais_analysis.outcomes.validate import BASE_COLUMNS

        for name, aliases in BASE_COLUMNS.items():
            for alias in aliases:
                lookup.setdefault(fold_header(alias), name)
        for item in _item_ids():
            lookup.setdefault(fold_header(item), item)
    return lookup


@dataclass
class SheetData:
    """One table sheet of a workbook, cells as text.

    Attributes
    ----------
    sheet : str
        Sheet name as in the workbook.
    table : str
        Canonical table.
    columns : dict
        Canonical column -> header as written.
    frame : DataFrame
        Canonical columns only, cells as ``str`` or None.
    rows : list of int
        Excel row number of each frame row (blank rows skipped).
    ignored : list of str
        Headers not read: free text (``Remarques``) and headers matching nothing.
    missing : list of str
        Required columns of the contract not found (their rows cannot be used).
    """

    sheet: str
    table: str
    columns: dict[str, str]
    frame: pd.DataFrame
    rows: list[int]
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class WorkbookData:
    """A workbook as read: its relay cell (if any), table sheets and other sheets."""

    path: Path
    relay_cell: str | None
    synthetic: bool
    sheets: list[SheetData]
    other_sheets: list[str]
    personal_columns: list[str]


def _cell_text(value: object, kind: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if kind == "date" and 20000 <= value <= 80000:  # a date cell formatted as a number
            return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    text = str(value).strip()
    if kind == "date" and re.fullmatch(r"\d{5}", text) and 20000 <= int(text) <= 80000:
        return (_EXCEL_EPOCH + dt.timedelta(days=int(text))).isoformat()
    return text or None


def _read_sheet(ws, table: str) -> tuple[SheetData, list[str]]:
    """Read one table sheet (header = first row holding a known column among the first five)."""
    lookup = _column_lookup(table)
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # some writers record a wrong sheet size (A1): read every row anyway
    rows = list(ws.iter_rows(values_only=True))
    header_at = 0
    for i, row in enumerate(rows[:5]):
        if any(fold_header(v) in lookup for v in row if v is not None):
            header_at = i
            break
    header = list(rows[header_at]) if rows else []
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored, personal = [], []
    for j, head in enumerate(header):
        if head is None or str(head).strip() == "":
            continue
        key = fold_header(head)
        canonical = lookup.get(key)
        if canonical is not None and canonical not in columns:
            columns[canonical], names[canonical] = j, str(head).strip()
        else:
            ignored.append(str(head).strip())
            if key not in FREE_TEXT and personal_header_kind(str(head)):
                personal.append(str(head).strip())
    kinds = {c: "string" for c in columns} | {c.name: c.type for c in TABLES[table].columns}
    data: dict[str, list] = {c: [] for c in columns}
    excel_rows = []
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {c: _cell_text(row[j] if j < len(row) else None, kinds[c]) for c, j in columns.items()}
        if all(v is None for v in cells.values()):
            continue  # blank lines (and table rows not yet used) are not rows
        for c, v in cells.items():
            data[c].append(v)
        excel_rows.append(i)
    frame = pd.DataFrame(data, dtype=object)
    missing = [c.name for c in TABLES[table].columns if c.required and c.name not in columns
               and not (table != "relays" and c.name == "relay_id")]
    return SheetData(ws.title, table, names, frame, excel_rows, ignored, missing), personal


def _relay_cell(ws) -> tuple[str | None, bool]:
    code, synthetic = None, False
    for row in ws.iter_rows(min_row=1, max_row=30, max_col=4, values_only=True):
        for j, value in enumerate(row[:-1]):
            key = fold_header(value) if value is not None else ""
            if key == fold_header(RELAY_LABEL) and row[j + 1] is not None:
                code = str(row[j + 1]).strip()
            if key == fold_header(SYNTHETIC_LABEL) and row[j + 1] is not None:
                synthetic = str(row[j + 1]).strip().lower().startswith("oui")
    return code, synthetic


def read_workbook(path: str | Path) -> WorkbookData:
    """Read every table sheet of a relay workbook.

    Raises
    ------
    InputDataError
        If the file is not a readable ``.xlsx`` workbook.
    """
    path = Path(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt or non-xlsx files
        raise InputDataError(*text_pair("workbook_error.unreadable", error=exc), file=path.name) from exc
    try:
        relay, synthetic, sheets, others, personal = None, False, [], [], []
        for ws in wb.worksheets:
            if fold_header(ws.title) == fold_header(README_SHEET):
                relay, synthetic = _relay_cell(ws)
                continue
            if fold_header(ws.title) == fold_header(LISTS_SHEET):
                continue
            table = table_for_sheet(ws.title)
            if table is None or table not in WORKBOOK_TABLES:
                others.append(ws.title)
                continue
            sheet, found = _read_sheet(ws, table)
            sheets.append(sheet)
            personal += [f"{ws.title}!{h}" for h in found]
    finally:
        wb.close()
    return WorkbookData(path, relay, synthetic, sheets, others, personal)


def _how(key: str, **fields: object) -> str:
    """How a workbook was tied to its relay, or why not (French: the support centre reads it)."""
    return text(f"workbook.how.{key}", "fr", **fields)


def _name_keys(name: str) -> set[str]:
    short = name.split("–")[-1].split(" - ")[-1]
    return {k for k in (fold_header(short),) if len(k) >= 3}


def identify_relay(book: WorkbookData, relays: pd.DataFrame) -> tuple[str | None, str]:
    """The relay a workbook belongs to, and how it was found (or None and the reason).

    Order: the template's relay cell; else a relay column (one code only); else the
    file name (the relay code as a word, or the place in the relay's name).

    Parameters
    ----------
    book : WorkbookData
    relays : DataFrame
        Registry relays (``relay_id``, ``name``).

    Returns
    -------
    (str or None, str)
        Relay code and how it was found (French), or None and why it was refused.
    """
    known = set(relays["relay_id"])
    if book.relay_cell:
        if book.relay_cell in known:
            return book.relay_cell, _how("relay_cell")
        return None, _how("relay_cell_unknown", code=repr(book.relay_cell))
    in_column = set()
    for sheet in book.sheets:
        if "relay_id" in sheet.frame.columns:
            in_column |= {v for v in sheet.frame["relay_id"] if v}
    if len(in_column) > 1:
        return None, _how("several_in_column", codes=", ".join(sorted(in_column)))
    if len(in_column) == 1:
        code = next(iter(in_column))
        if code in known:
            return code, _how("relay_column")
        return None, _how("relay_column_unknown", code=repr(code))
    stem = fold_header(book.path.stem)
    padded = f"_{stem}_"
    matches = set()
    for relay_id, name in zip(relays["relay_id"], relays["name"]):
        if f"_{fold_header(relay_id)}_" in padded or any(k in stem for k in _name_keys(str(name))):
            matches.add(relay_id)
    if len(matches) == 1:
        return next(iter(matches)), _how("file_name")
    if matches:
        return None, _how("several_in_file_name", codes=", ".join(sorted(matches)))
    return None, _how("no_relay")
