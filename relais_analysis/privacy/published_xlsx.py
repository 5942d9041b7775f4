"""One Excel workbook per report: every published table on its own sheet.

For users who prefer a workbook to CSV files: :func:`write_published_workbook` writes
``tableaux.xlsx`` (``tables.xlsx`` in English) beside the CSV files, one sheet per table
(sheet name = the table's short title, at most 31 characters, unique), headers bold and
frozen, numbers formatted (``#,##0`` for counts, ``0.0%`` for shares: ``1 500`` and
``40,3 %`` in a French-language Excel), masked cells as ``n.p.`` with the footnote
under the table, column widths set. Every table is checked again
(:func:`~relais_analysis.privacy.checks.check_publishable`) and text cells that a
spreadsheet would run as a formula are neutralised and stored as text. The file is the
same, byte for byte, for the same tables (fixed dates in the package).
"""

from __future__ import annotations

import io
import numbers
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.i18n import check_lang, text
from relais_analysis.privacy.published_columns import YES_NO, ColumnSpec, column_spec
from relais_analysis.privacy.safe_csv import neutralise_cell
from relais_analysis.privacy.checks import check_publishable
from relais_analysis.privacy.masked import footnote, is_suppressed, masked_label

__all__ = ["WORKBOOK_NAMES", "add_sheets", "batched_sheets", "sheet_names", "write_published_workbook"]

#: File name of the workbook per language.
WORKBOOK_NAMES = {"fr": "tableaux.xlsx", "en": "tables.xlsx"}
_FORMATS = {"integer": "#,##0", "share": "0.0%"}
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FIXED_DATE = "2000-01-01T00:00:00Z"


def sheet_names(titles: list[str]) -> list[str]:
    """Sheet names from titles: forbidden characters removed, 31 characters at most, unique.

    Examples
    --------
    >>> sheet_names(["par relais", "domicile des parents de chaque relais", "par relais"])
    ['Par relais', 'Domicile des parents de chaque', 'Par relais (2)']
    """
    names: list[str] = []
    for title in titles:
        base = re.sub(r"\s+", " ", _FORBIDDEN.sub(" ", title)).strip().strip("'")
        base = base or text("published.workbook_sheet", "fr")
        base = (base[0].upper() + base[1:])[:31].strip()
        name, k = base, 2
        while name.lower() in {n.lower() for n in names}:
            suffix = f" ({k})"
            name, k = base[:31 - len(suffix)].strip() + suffix, k + 1
        names.append(name)
    return names


def _value(value: object, spec: ColumnSpec, lang: str, label: str) -> tuple[object, str | None]:
    """Cell value and number format."""
    if is_suppressed(value):
        return label, None
    try:
        if value is None or bool(pd.isna(value)):
            return None, None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (bool, np.bool_)):
        return YES_NO[lang][0 if value else 1], None
    if isinstance(value, numbers.Number):
        number = float(value)
        if spec.kind == "share":
            return round(number, 3), _FORMATS["share"]
        if spec.kind == "number":
            return number, "0" + ("." + "0" * spec.decimals if spec.decimals else "")
        return (int(number), _FORMATS["integer"]) if number.is_integer() else (number, "0.00")
    return neutralise_cell(str(value)), None


def write_published_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path, *, titles: Mapping[str, str],
                             lang: str = "fr", threshold: int, count_columns: Mapping[str, list[str]]) -> Path:
    """Write every table on its own sheet of one workbook.

    Parameters
    ----------
    tables : mapping of table name to protected DataFrame
    path : str or Path
    titles : mapping of table name to its short title in ``lang`` (the sheet's name)
    lang : {"fr", "en"}
    threshold : int
    count_columns : mapping of table name to its columns of counts of people

    Raises
    ------
    PrivacyError
        A table still holds a count from 1 to threshold - 1; nothing is written.
    ParameterError
        Invalid ``lang``.
    """
    from openpyxl import Workbook

    lang = _checked(tables, lang, threshold, count_columns)
    book = Workbook()
    book.remove(book.active)
    names = list(tables)
    for name, sheet_name in zip(names, sheet_names([titles.get(n, n) for n in names])):
        _fill_sheet(book, sheet_name, tables[name], lang, threshold)
    if not names:
        book.create_sheet(text("published.workbook_empty_sheet", lang))
    return _save(book, path)


#: Sheets waiting to be added, per workbook, inside :func:`batched_sheets` (None: add at once).
_PENDING: dict[tuple[Path, str, int], list[tuple[dict, dict, dict]]] | None = None


@contextmanager
def batched_sheets() -> Iterator[None]:
    """Inside this block, :func:`add_sheets` collects its tables; each workbook is opened and saved once, at the end.

    A report adds one sheet per figure's data: opening and saving a 30-sheet workbook six
    times took about 0.4 s of CPU per figure. The checks still run at each call (nothing
    unpublishable is ever collected); the sheets come in the order of the calls, as
    without the block. Nested blocks join the outermost one.

    Examples
    --------
    >>> with batched_sheets():
    ...     pass
    """
    global _PENDING
    if _PENDING is not None:
        yield
        return
    _PENDING = {}
    try:
        yield
        pending = _PENDING
    finally:
        _PENDING = None
    for (path, lang, threshold), calls in pending.items():
        tables, titles, counts = {}, {}, {}
        for t, ti, c in calls:  # a later call for the same table replaces it, as a second add_sheets would
            for name in t:
                tables.pop(name, None)
            tables.update(t), titles.update(ti), counts.update(c)
        add_sheets(tables, path, titles=titles, lang=lang, threshold=threshold, count_columns=counts)


def add_sheets(tables: Mapping[str, pd.DataFrame], path: str | Path, *, titles: Mapping[str, str], lang: str = "fr",
               threshold: int, count_columns: Mapping[str, list[str]]) -> Path:
    """Add tables to the workbook at ``path`` (created when missing), one sheet each, after its sheets.

    A sheet already holding one of these titles is replaced (writing the same tables
    twice gives the same workbook). A table whose index carries labels (the band
    cross-tab) gets its index as first column.

    Raises
    ------
    PrivacyError
        A table still holds a count from 1 to threshold - 1; nothing is written.
    ParameterError
        Invalid ``lang``.
    """
    from openpyxl import load_workbook

    path = Path(path)
    if _PENDING is not None:  # inside batched_sheets(): check now, write once at the end of the block
        lang = _checked(tables, lang, threshold, count_columns)
        _PENDING.setdefault((path, lang, threshold), []).append((dict(tables), dict(titles), dict(count_columns)))
        return path
    if not path.exists():
        return write_published_workbook(tables, path, titles=titles, lang=lang, threshold=threshold,
                                        count_columns=count_columns)
    lang = _checked(tables, lang, threshold, count_columns)
    book = load_workbook(path)
    wanted = sheet_names([titles.get(n, n) for n in tables])
    for sheet in list(book.worksheets):
        if sheet.title in wanted or sheet.title == text("published.workbook_empty_sheet", lang):
            book.remove(sheet)
    existing = list(book.sheetnames)
    names = sheet_names(existing + [titles.get(n, n) for n in tables])[len(existing):]
    for name, sheet_name in zip(tables, names):
        _fill_sheet(book, sheet_name, tables[name], lang, threshold)
    return _save(book, path)


def _checked(tables: Mapping[str, pd.DataFrame], lang: str, threshold: int,
             count_columns: Mapping[str, list[str]]) -> str:
    """Check the language and every table before anything is written; the checked language.

    Raises
    ------
    PrivacyError, ParameterError
        See :func:`write_published_workbook`.
    """
    lang = check_lang(lang)
    for name, frame in tables.items():
        check_publishable(frame, threshold=threshold, count_columns=list(count_columns.get(name, [])))
    return lang


def _fill_sheet(book: object, sheet_name: str, frame: pd.DataFrame, lang: str, threshold: int) -> None:
    """One table on a new sheet: bold frozen headers, formatted numbers, the masked footnote, widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from relais_analysis.privacy.published_columns import COLUMNS

    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.name is None):
        frame = frame.reset_index()
    label, note = masked_label(threshold, lang), footnote(threshold, lang)
    bold = Font(bold=True)
    sheet = book.create_sheet(sheet_name)
    specs = [column_spec(str(c), frame[c]) for c in frame.columns]
    headers = [s.header(lang) if c in COLUMNS else neutralise_cell(str(c)) for c, s in zip(frame.columns, specs)]
    widths = [len(h) for h in headers]
    for j, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=j, value=header)
        cell.data_type, cell.font = "s", bold
    masked = False
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, (value, spec) in enumerate(zip(row, specs), start=1):
            shown, number_format = _value(value, spec, lang, label)
            masked = masked or shown == label and is_suppressed(value)
            cell = sheet.cell(row=i, column=j, value=shown)
            if isinstance(shown, str):
                cell.data_type = "s"  # never a formula, whatever the text
            if number_format:
                cell.number_format = number_format
            widths[j - 1] = max(widths[j - 1], len(str(shown)) if shown is not None else 0)
    if masked:
        sheet.cell(row=len(frame) + 3, column=1, value=note).data_type = "s"
    sheet.freeze_panes = "A2"
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)


def _save(book: object, path: str | Path) -> Path:
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_deterministic(buffer.getvalue()))
    return path


def _deterministic(data: bytes) -> bytes:
    """The same workbook with fixed dates: in ``docProps/core.xml`` and on every zip entry."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rf"\g<1>{_FIXED_DATE}\g<2>",
                              text)
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return out.getvalue()
