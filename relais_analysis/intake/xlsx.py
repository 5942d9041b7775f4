"""Read an XLSX workbook as text, after refusing absurd files (zip bomb, row count, duplicate headers).

A workbook is refused before openpyxl opens it when its zip members would expand to
more than :data:`MAX_XLSX_UNCOMPRESSED_BYTES` (200 MB: a zip bomb, or far beyond what
19 relays type in a year; a filled relay workbook is well under 1 MB), and a sheet is
refused as soon as it declares or holds more than :data:`MAX_ROWS` rows (1,000,000;
Excel's own limit is 1,048,576). Every cell comes back as text: real dates as
``YYYY-MM-DD``, whole numbers without ``.0``; the sheet's visibility is kept so that
hidden list sheets can be skipped.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.texts import text, text_pair

__all__ = ["MAX_ROWS", "MAX_XLSX_UNCOMPRESSED_BYTES", "Sheet", "cell_text", "check_unique_names",
           "check_workbook_size", "read_workbook", "too_many_rows"]

#: Refuse a workbook whose zip members expand to more than this (zip bomb guard).
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Refuse a sheet or CSV file with more data rows than this.
MAX_ROWS = 1_000_000


def check_unique_names(names: list[str], where: str) -> None:
    """Refuse a header row where a column name appears twice.

    Raises
    ------
    InputDataError
        Naming the repeated names and the file (or ``file[sheet]``) ``where``.
    """
    seen: set[str] = set()
    twice = [n for n in names if n and (n in seen or seen.add(n))]
    if twice:
        raise InputDataError(
            *text_pair("intake_error.duplicated_column_names", twice=sorted(set(twice)), names=names),
            file=where,
        )


def too_many_rows(where: str, n: int) -> InputDataError:
    """The error for a sheet or file of ``n`` rows, more than :data:`MAX_ROWS`."""
    return InputDataError(
        text("intake_error.too_many_rows", "fr", n=f"{n:,}".replace(",", "\u202f"),
             most=f"{MAX_ROWS:,}".replace(",", "\u202f")),
        text("intake_error.too_many_rows", "en", n=f"{n:,}", most=f"{MAX_ROWS:,}"),
        file=where,
    )


def check_workbook_size(path: Path) -> None:
    """Refuse a workbook that is not a zip, or whose members expand beyond the limit, before openpyxl opens it.

    Only the zip's central directory is read (declared sizes): a 1 GB bomb is refused
    in milliseconds, without expanding anything.

    Raises
    ------
    InputDataError
        Not a valid .xlsx (zip) file, or more than :data:`MAX_XLSX_UNCOMPRESSED_BYTES` once expanded.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputDataError(
            *text_pair("intake_error.not_an_xlsx", exc=exc),
            file=path.name,
        ) from exc
    if expanded > MAX_XLSX_UNCOMPRESSED_BYTES:
        mb, limit = expanded / 1024**2, MAX_XLSX_UNCOMPRESSED_BYTES / 1024**2
        raise InputDataError(
            text("intake_error.zip_bomb", "fr", mb=f"{mb:,.0f}".replace(",", "\u202f"), limit=f"{limit:.0f}"),
            text("intake_error.zip_bomb", "en", mb=f"{mb:,.0f}", limit=f"{limit:.0f}"),
            file=path.name,
        )


def cell_text(value: object) -> str | None:
    """One cell as text: real dates as ISO, whole numbers without ``.0``.

    Examples
    --------
    >>> cell_text(dt.datetime(2024, 3, 5)), cell_text(5100.0), cell_text(50.5), cell_text(None)
    ('2024-03-05', '5100', '50.5', None)
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


@dataclass
class Sheet:
    """One sheet: its name, visibility (``visible``, ``hidden``, ``veryHidden``) and cells as text."""

    name: str
    state: str
    frame: pd.DataFrame


def read_workbook(path: Path) -> list[Sheet]:
    """Every sheet of a workbook as string columns (header = first row), after the size guards.

    Raises
    ------
    InputDataError
        Too large once expanded, not a workbook, unreadable, a sheet of more than
        :data:`MAX_ROWS` rows, or a sheet with two columns of the same name.
    """
    import openpyxl

    check_workbook_size(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on corrupt files
        raise InputDataError(
            *text_pair("intake_error.unreadable_xlsx", exc=exc), file=path.name
        ) from exc
    sheets = []
    try:
        for sheet in book.worksheets:
            where = f"{path.name}[{sheet.title}]"
            declared = sheet.max_row or 0
            if declared > MAX_ROWS + 1:
                raise too_many_rows(where, declared - 1)
            rows = []
            for i, row in enumerate(sheet.iter_rows(values_only=True)):
                if i > MAX_ROWS:
                    raise too_many_rows(where, i)
                rows.append(row)
            sheets.append(Sheet(sheet.title, sheet.sheet_state, sheet_frame(rows, where)))
    finally:
        book.close()
    return sheets


def sheet_frame(rows: list[tuple], where: str) -> pd.DataFrame:
    """Cells of a sheet (first row = header) as string columns; unused untitled columns dropped.

    Raises
    ------
    InputDataError
        Two columns of the same name.
    """
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    header = [cell_text(v) for v in rows[0]] + [None] * (width - len(rows[0]))
    body = [tuple(r) + (None,) * (width - len(r)) for r in rows[1:]]
    columns = list(zip(*body)) if body else [()] * width
    names, data = [], {}
    for i, (name, values) in enumerate(zip(header, columns)):
        texts = [cell_text(v) for v in values]
        label = (name or "").strip()
        if not label:
            if all(t is None or not str(t).strip() for t in texts):
                continue  # an unused column
            from openpyxl.utils import get_column_letter

            label = f"(colonne {get_column_letter(i + 1)} sans titre)"
        names.append(label)
        data[len(names) - 1] = texts
    check_unique_names(names, where)
    frame = pd.DataFrame({name: pd.array(data[i], dtype="string") for i, name in enumerate(names)})
    return frame
