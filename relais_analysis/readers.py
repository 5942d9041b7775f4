"""Find and read the raw input files of a data folder (CSV or Excel), as text.

Social workers' exports are messy: ``,`` or ``;`` separators, UTF-8 with or without
BOM or Windows-1252, stray spaces, blank lines, Excel workbooks. This module only
*reads*: every cell comes back as a stripped string (empty cells as ``None``), with the
row number the user sees in a spreadsheet (header = row 1). Interpretation and
validation live in :mod:`relais_analysis.ingest`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .errors import InputDataError
from .schema import TABLES, fold

__all__ = ["RawTable", "discover_tables", "read_table_file"]

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_SEPARATORS = [";", ",", "\t", "|"]


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _table_for(stem: str) -> str | None:
    key = fold(stem)
    for table in TABLES.values():
        if key == table.name or key in {fold(a) for a in table.aliases}:
            return table.name
    return None


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise InputDataError(
            f"Encodage illisible (ni UTF-8 ni Windows-1252) : {exc}. Réenregistrez le fichier en CSV UTF-8.",
            f"Unreadable encoding (neither UTF-8 nor Windows-1252): {exc}. Save the file again as CSV UTF-8.",
            file=path.name,
        ) from exc


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


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


def _parse_csv(text: str, sep: str, path: Path) -> pd.DataFrame:
    """Parse CSV text into string columns with pyarrow (single-threaded: see below).

    Empty lines are kept as all-null rows so that row numbers stay those the user
    sees. pyarrow's threaded reader was seen to abort the interpreter at exit now
    and then (pyarrow 26), so ``use_threads=False``; it still reads 10^6 rows in
    about 0.1 s.
    """
    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")], delimiter=sep))
    names = [h.strip() for h in header]
    if len(set(names)) != len(names):
        raise InputDataError(
            f"Noms de colonnes en double : {names}.", f"Duplicated column names: {names}.", file=path.name
        )
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(use_threads=False, column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sep, ignore_empty_lines=False, newlines_in_values='"' in text),
            convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, ValueError):
        return _parse_csv_tolerant(text, sep, path)
    return pd.DataFrame({name: pd.array(table.column(i), dtype="string") for i, name in enumerate(names)})


def _parse_csv_tolerant(text: str, sep: str, path: Path) -> pd.DataFrame:
    """Slower pandas parser for ragged files (rows shorter than the header are padded)."""
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype="string", keep_default_na=False,
                           skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputDataError(
            f"Fichier CSV illisible : {exc}. Vérifiez le séparateur ({sep!r}), le nombre de colonnes et les guillemets.",
            f"Unreadable CSV file: {exc}. Check the separator ({sep!r}), the number of columns and quotes.",
            file=path.name,
        ) from exc


def _read_csv(path: Path, table: str) -> RawTable:
    raw = path.read_bytes()
    text, encoding = _decode(raw, path)
    first_line = text.split("\n", 1)[0]
    sep = "\t" if path.suffix.lower() == ".tsv" else _sniff_separator(first_line)
    frame, rows, blank = _finish(_parse_csv(text, sep, path), 2)
    return RawTable(table, path.name, path, frame, rows, blank, encoding, sep, _sha256(path))


def _read_excel_sheets(path: Path) -> dict[str, pd.DataFrame]:
    try:
        return pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise InputDataError(
            f"Classeur Excel illisible : {exc}.",
            f"Unreadable Excel workbook: {exc}.",
            file=path.name,
        ) from exc


def read_table_file(path: Path, table: str, sheet: str | None = None) -> RawTable:
    """Read one file (or one sheet of a workbook) as the given table.

    Parameters
    ----------
    path : Path
        CSV (``,``, ``;``, tab or ``|``; UTF-8 with or without BOM, or Windows-1252)
        or XLSX file.
    table : str
        Canonical table name it holds.
    sheet : str, optional
        Sheet name for a workbook; default: the first sheet.

    Raises
    ------
    InputDataError
        If the file cannot be decoded or parsed.
    """
    path = Path(path)
    if path.suffix.lower() in _CSV_SUFFIXES:
        return _read_csv(path, table)
    sheets = _read_excel_sheets(path)
    name = sheet if sheet is not None else next(iter(sheets))
    frame, rows, blank = _finish(sheets[name], 2)
    source = path.name if sheet is None else f"{path.name}[{name}]"
    return RawTable(table, source, path, frame, rows, blank, "xlsx", "", _sha256(path))


def discover_tables(data_dir: Path) -> dict[str, RawTable]:
    """Find and read every input table in a data folder.

    A folder holds one file per table named after it (``relays.csv``,
    ``activites.xlsx``... French names accepted), or a single workbook with one sheet
    per table. Files that match no table are ignored (``README.md``,
    ``dataset.json``...).

    Raises
    ------
    InputDataError
        If the folder does not exist, a table is given twice, or no table is found.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputDataError(
            f"Dossier de données introuvable : {data_dir}.",
            f"Data folder not found: {data_dir}.",
        )
    found: dict[str, RawTable] = {}

    def add(raw: RawTable) -> None:
        if raw.table in found:
            raise InputDataError(
                f"La table {raw.table!r} est fournie deux fois : {found[raw.table].source} et {raw.source}. "
                "Gardez-en une seule.",
                f"Table {raw.table!r} is given twice: {found[raw.table].source} and {raw.source}. Keep only one.",
                file=raw.source,
            )
        found[raw.table] = raw

    files = sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in _CSV_SUFFIXES | _EXCEL_SUFFIXES:
            continue
        table = _table_for(path.stem)
        if table is not None:
            add(read_table_file(path, table))
        elif suffix in _EXCEL_SUFFIXES:
            sheets = _read_excel_sheets(path)
            for sheet, frame in sheets.items():
                sheet_table = _table_for(sheet)
                if sheet_table is None:
                    continue
                rows_frame, rows, blank = _finish(frame, 2)
                add(RawTable(sheet_table, f"{path.name}[{sheet}]", path, rows_frame, rows, blank, "xlsx", "",
                             _sha256(path)))
    if not found:
        names = ", ".join(f"{t}.csv" for t in TABLES)
        raise InputDataError(
            f"Aucune table reconnue dans {data_dir}. Fichiers attendus : {names} (ou .xlsx).",
            f"No table found in {data_dir}. Expected files: {names} (or .xlsx).",
        )
    return found
