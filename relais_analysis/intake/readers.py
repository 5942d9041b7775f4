"""Find and read the raw input files of a data folder (CSV or Excel), as text.

Social workers' exports are messy: ``,`` or ``;`` separators, UTF-8 with or without
BOM, Windows-1252 or UTF-16 (Excel's "Texte Unicode", tab-separated), stray spaces,
blank lines, Excel workbooks with French sheet names, real date cells, instructions and
hidden list sheets. This module only *reads*: every cell comes back as a stripped
string (empty cells as ``None``; real Excel dates as ``YYYY-MM-DD``), with the row
number the user sees in a spreadsheet (header = row 1). Interpretation and validation
live in :mod:`relais_analysis.intake.ingest`.

Input guards (see :mod:`relais_analysis.intake.xlsx`): workbooks that would expand beyond
200 MB and sheets or CSV files of more than 1,000,000 rows are refused before being
read; duplicate column names are refused in CSV and XLSX alike. CSV text (encodings, separators,
the parse) is :mod:`relais_analysis.intake.csv_text`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.intake.csv_text import decode, parse_csv, sniff_separator
from relais_analysis.intake.schema import TABLES, fold
from relais_analysis.intake.xlsx import MAX_ROWS, MAX_XLSX_UNCOMPRESSED_BYTES, Sheet, read_workbook
from relais_analysis.texts import text, text_pair

__all__ = ["MAX_ROWS", "MAX_XLSX_UNCOMPRESSED_BYTES", "RawTable", "discover_tables", "read_table_file",
           "table_for_sheet"]

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
#: Spreadsheet formats this package cannot read: reported with the way out.
_UNREAD_SUFFIXES = {".xls", ".ods", ".numbers", ".xlsb"}
#: The tables' French sheet names, as a workbook must spell them (data, shown in messages).
_SHEET_NAMES_FR = "Activités, Participants, Présences, Relais, Territoires"
#: Sheets that are a workbook's furniture (instructions, lists): skipped silently, like hidden sheets.
NON_TABLE_SHEETS = frozenset(
    {"lisez_moi", "lisezmoi", "readme", "read_me", "instructions", "mode_d_emploi", "aide", "help", "notice",
     "listes", "liste", "lists", "valeurs", "parametres"}
)


@dataclass
class RawTable:
    """One table as read from disk, before validation.

    Attributes
    ----------
    table : str
        Canonical table name (``relays``, ``activities``...).
    source : str
        File name as the user knows it (``activites.xlsx``, or ``export.xlsx[relais]``
        for a workbook sheet).
    path : Path
        File on disk.
    frame : pandas.DataFrame
        All cells as stripped strings (``string`` dtype) or ``<NA>``; original headers.
    row_numbers : numpy.ndarray
        Spreadsheet row number of each frame row (header = 1).
    blank_rows : list of int
        Row numbers of entirely blank rows inside the data (reported, never silently
        dropped; trailing blank lines are not rows).
    encoding, separator : str
        What was detected (for CSV).
    sha256 : str
        Checksum of the file (recorded in the methodology note).
    file : str
        File name alone (``export.xlsx``).
    sheet : str
        Sheet name of a workbook; empty for CSV.
    """

    table: str
    source: str
    path: Path
    frame: pd.DataFrame
    row_numbers: "pd.Index"
    blank_rows: list[int]
    encoding: str = ""
    separator: str = ""
    sha256: str = ""
    file: str = ""
    sheet: str = ""

    def __post_init__(self) -> None:
        if not self.file:
            self.file = Path(self.path).name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_for_sheet(name: str) -> str | None:
    """Canonical table a file stem or sheet name stands for (French names accepted), or None.

    Examples
    --------
    >>> table_for_sheet("Présences"), table_for_sheet("Activités"), table_for_sheet("Lisez-moi")
    ('attendance', 'activities', None)
    """
    key = fold(name)
    for table in TABLES.values():
        if key == table.name or key in {fold(a) for a in table.aliases}:
            return table.name
    return None


_table_for = table_for_sheet


def _finish(frame: pd.DataFrame, first_row: int) -> tuple[pd.DataFrame, "pd.Index", list[int]]:
    """Strip cells, drop trailing blank rows, report interior blank rows."""
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in frame.columns:
        stripped = frame[col].astype("string").str.strip()
        frame[col] = stripped.mask(stripped == "")
    rows = pd.RangeIndex(first_row, first_row + len(frame))
    blank = frame.isna().all(axis=1).to_numpy() if len(frame.columns) else []
    # trailing blank rows are not rows (spreadsheets often keep formatted empty lines)
    last = len(frame)
    while last > 0 and blank[last - 1]:
        last -= 1
    frame = frame.iloc[:last]
    blank = blank[:last]
    rows = rows[:last]
    blank = np.asarray(blank, dtype=bool)
    blank_rows = [int(r) for r in np.asarray(rows)[blank]]
    keep = ~blank
    return frame.loc[keep].reset_index(drop=True), pd.Index(rows[keep]), blank_rows


def _read_csv(path: Path, table: str) -> RawTable:
    raw = path.read_bytes()
    content, encoding = decode(raw, path)
    first_line = content.split("\n", 1)[0]
    sep = "\t" if path.suffix.lower() == ".tsv" else sniff_separator(first_line)
    frame, rows, blank = _finish(parse_csv(content, sep, path), 2)
    return RawTable(table, path.name, path, frame, rows, blank, encoding, sep, _sha256(path))


def _first_visible(sheets: list[Sheet]) -> Sheet:
    return next((s for s in sheets if s.state == "visible"), sheets[0])


def read_table_file(path: Path, table: str, sheet: str | None = None) -> RawTable:
    """Read one file (or one sheet of a workbook) as the given table.

    Parameters
    ----------
    path : Path
        CSV (``,``, ``;``, tab or ``|``; UTF-8 with or without BOM, Windows-1252 or
        UTF-16) or XLSX file.
    table : str
        Canonical table name it holds.
    sheet : str, optional
        Sheet name for a workbook; default: the first visible sheet.

    Raises
    ------
    InputDataError
        If the file cannot be decoded or parsed, is too large, the sheet does not
        exist, or two columns have the same name.
    """
    path = Path(path)
    if path.suffix.lower() in _CSV_SUFFIXES:
        return _read_csv(path, table)
    sheets = read_workbook(path)
    if not sheets:
        raise InputDataError(*text_pair("intake_error.workbook_without_sheet"), file=path.name)
    if sheet is None:
        chosen = _first_visible(sheets)
    else:
        chosen = next((s for s in sheets if s.name == sheet), None)
        if chosen is None:
            raise InputDataError(
                *text_pair("intake_error.sheet_not_found", sheet=sheet, sheets=[s.name for s in sheets]),
                file=path.name,
            )
    return _raw_from_sheet(path, table, chosen, path.name if sheet is None else f"{path.name}[{chosen.name}]")


def _raw_from_sheet(path: Path, table: str, sheet: Sheet, source: str) -> RawTable:
    frame, rows, blank = _finish(sheet.frame, 2)
    return RawTable(table, source, path, frame, rows, blank, "xlsx", "", _sha256(path), path.name, sheet.name)


def _workbook_tables(path: Path, notes: list[str]) -> list[RawTable]:
    """Table sheets of a workbook, found by sheet name whatever the file's own name.

    A workbook named after a table (``activites.xlsx``) whose sheets match no table is
    read from its first visible sheet. Instructions (``Lisez-moi``) and hidden sheets
    are skipped silently; any other sheet that matches no table gets a note.
    """
    sheets = read_workbook(path)
    by_sheet = [(s, table_for_sheet(s.name)) for s in sheets]
    found = [
        _raw_from_sheet(path, table, s, f"{path.name}[{s.name}]") for s, table in by_sheet if table is not None
    ]
    used = {id(s) for s, table in by_sheet if table is not None}
    file_table = table_for_sheet(path.stem)
    if not found and file_table is not None and sheets:
        first = _first_visible(sheets)
        found = [_raw_from_sheet(path, file_table, first, path.name)]
        used.add(id(first))
    for s in sheets:
        if id(s) in used or s.state != "visible" or fold(s.name) in NON_TABLE_SHEETS:
            continue
        if s.frame.empty and not len(s.frame.columns):
            continue  # an empty spare sheet ("Feuil2")
        notes.append(text("intake.note.sheet_ignored", file=path.name, sheet=s.name, expected=_SHEET_NAMES_FR))
    if not found:
        notes.append(text("intake.note.workbook_ignored", file=path.name, sheets=", ".join(s.name for s in sheets),
                          expected=_SHEET_NAMES_FR))
    return found


def discover_tables(data_dir: Path, notes: list[str] | None = None) -> dict[str, RawTable]:
    """Find and read every input table in a data folder.

    A folder holds one file per table named after it (``relays.csv``,
    ``activites.xlsx``... French names accepted), or workbooks whose sheets are named
    after tables (``Activités``, ``Participants``, ``Présences``, ``Relais``,
    ``Territoires``), whatever the workbook's own name. A CSV file, workbook or sheet
    that matches no table is reported in ``notes`` (never silently ignored);
    ``README.md``, ``dataset.json`` and other non-table formats are skipped, as are
    instruction sheets (``Lisez-moi``) and hidden list sheets.

    Parameters
    ----------
    data_dir : Path
        The folder.
    notes : list of str, optional
        Receives one line per file or sheet that was not read, and why.

    Raises
    ------
    InputDataError
        If the folder does not exist, a table is given twice (with a pointer to
        ``relais assemble`` when several workbooks each hold the same tables, one per
        relay), no table is found, or a file cannot be read.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputDataError(
            *text_pair("intake_error.data_folder_not_found", data_dir=data_dir),
        )
    notes = notes if notes is not None else []
    tables: dict[str, list[RawTable]] = {}
    files = sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    for path in files:
        suffix = path.suffix.lower()
        if suffix in _UNREAD_SUFFIXES:
            notes.append(text("intake.note.format_not_read", file=path.name, suffix=suffix))
            continue
        if suffix in _CSV_SUFFIXES:
            table = table_for_sheet(path.stem)
            if table is None:
                notes.append(text("intake.note.file_ignored", file=path.name,
                                  expected=", ".join(f"{t}.csv" for t in TABLES)))
                continue
            raws = [read_table_file(path, table)]
        elif suffix in _EXCEL_SUFFIXES:
            raws = _workbook_tables(path, notes)
        else:
            continue
        for raw in raws:
            tables.setdefault(raw.table, []).append(raw)
    _refuse_duplicates(tables)
    if not tables:
        names = ", ".join(f"{t}.csv" for t in TABLES)
        raise InputDataError(
            *text_pair("intake_error.no_table_found", data_dir=data_dir, names=names, sheets=_SHEET_NAMES_FR),
        )
    return {name: raws[0] for name, raws in tables.items()}


def _refuse_duplicates(tables: dict[str, list[RawTable]]) -> None:
    repeated = {name: raws for name, raws in tables.items() if len(raws) > 1}
    if not repeated:
        return
    books = sorted({raw.file for raws in repeated.values() for raw in raws if raw.encoding == "xlsx"})
    if len(books) > 1:
        listed = ", ".join(books[:4]) + (f" (+{len(books) - 4})" if len(books) > 4 else "")
        names = ", ".join(sorted(repeated))
        raise InputDataError(
            *text_pair("intake_error.several_workbooks_same_tables", names=names, listed=listed),
        )
    name, raws = next(iter(sorted(repeated.items())))
    raise InputDataError(
        *text_pair("intake_error.table_given_twice", name=name, first=raws[0].source, second=raws[1].source),
        file=raws[1].source,
    )
