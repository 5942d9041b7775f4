"""CSV files as text: encodings, separator and a guarded parse into string columns.

Part of :mod:`relais_analysis.intake.readers` (which finds the files and reads workbooks):
Excel's exports come as UTF-8 with or without BOM, Windows-1252 or UTF-16 ("Texte Unicode"),
separated by ``;``, ``,``, tabs or ``|``; every cell is read as a string.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from relais_analysis.errors import InputDataError
from relais_analysis.intake.xlsx import MAX_ROWS, check_unique_names, too_many_rows
from relais_analysis.texts import text_pair

__all__ = ["decode", "parse_csv", "sniff_separator"]

_SEPARATORS = [";", ",", "\t", "|"]


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with: UTF-8 (with or without BOM), UTF-16, Windows-1252.

    Examples
    --------
    >>> decode("Liège;Namur".encode("cp1252"), Path("x.csv"))
    ('Liège;Namur', 'windows-1252')

    Raises
    ------
    InputDataError
        If the bytes are none of these (or a binary file).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        return _decode_utf16(raw, path)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise InputDataError(
            *text_pair("intake_error.unreadable_encoding", exc=exc),
            file=path.name,
        ) from exc


def _decode_utf16(raw: bytes, path: Path) -> tuple[str, str]:
    """UTF-16 text (Excel's "Texte Unicode"): with a BOM, or guessed from where the NUL bytes sit."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    else:
        head = raw[:4096]
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputDataError(
            *text_pair("intake_error.unreadable_utf16", exc_reason=exc.reason),
            file=path.name,
        ) from exc
    if "\x00" in text:
        raise InputDataError(
            *text_pair("intake_error.binary_file"),
            file=path.name,
        )
    return text.removeprefix("\ufeff"), "utf-16"


def sniff_separator(header: str) -> str:
    """The separator a header line uses most (``;``, ``,``, tab or ``|``), ``,`` when none.

    Examples
    --------
    >>> sniff_separator("relay_id;name;commune")
    ';'
    """
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def parse_csv(text: str, sep: str, path: Path) -> pd.DataFrame:
    """Parse CSV text into string columns with pyarrow (single-threaded: see below).

    Empty lines are kept as all-null rows so that row numbers stay those the user
    sees. pyarrow's threaded reader was seen to abort the interpreter at exit now
    and then (pyarrow 26), so ``use_threads=False``; it still reads 10^6 rows in
    about 0.1 s.

    Raises
    ------
    InputDataError
        If the header repeats a column name, the file has more than :data:`~relais_analysis.intake.xlsx.MAX_ROWS`
        rows, or no parser can read it.
    """
    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")], delimiter=sep))
    names = [h.strip() for h in header]
    check_unique_names(names, path.name)
    if text.count("\n") > MAX_ROWS + 1:
        raise too_many_rows(path.name, text.count("\n") - 1)
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
            *text_pair("intake_error.unreadable_csv", exc=exc, sep=sep),
            file=path.name,
        ) from exc
