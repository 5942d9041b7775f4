"""CSV files that a spreadsheet opens as text, never as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may be
run as a formula by Excel or LibreOffice Calc when a CSV file is opened (OWASP "CSV
injection"). Every CSV the package writes, published or internal, goes through
:func:`write_csv` (or :func:`neutralise_frame`), which prefixes such text cells with an
apostrophe. Numbers stay numbers: ``-3`` or ``-2,5`` typed as text are kept as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

__all__ = ["neutralise_cell", "neutralise_frame", "write_csv"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?$")


def neutralise_cell(value: object) -> object:
    """``value`` made inert for a spreadsheet: text that could run as a formula gets a ``'``.

    Examples
    --------
    >>> neutralise_cell('=HYPERLINK("http://x";"Cliquez")')
    '\\'=HYPERLINK("http://x";"Cliquez")'
    >>> neutralise_cell("@SUM(1+1)")
    "'@SUM(1+1)"
    >>> neutralise_cell("-12,5"), neutralise_cell(-3), neutralise_cell("Namur")
    ('-12,5', -3, 'Namur')
    """
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with every text cell, column name and index label neutralised.

    Examples
    --------
    >>> neutralise_frame(pd.DataFrame({"name": ["+cmd|' /C calc'!A0", "R1"], "n": [1, 2]}))
                      name  n
    0  '+cmd|' /C calc'!A0  1
    1                   R1  2
    """
    result = frame.copy()
    for k in range(result.shape[1]):
        column = result.iloc[:, k]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            result.isetitem(k, column.map(neutralise_cell, na_action="ignore").astype(column.dtype))
    result.columns = [neutralise_cell(c) for c in result.columns]
    if result.index.dtype == object:
        result.index = result.index.map(neutralise_cell)
    return result


def write_csv(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    index: bool = False,
    sep: str = ",",
    bom: bool = False,
) -> Path:
    """Write ``frame`` as a deterministic UTF-8 CSV with formula-like cells neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : str or Path
        Parent folders are created.
    index : bool, default False
        Whether to write the index.
    sep : str, default ","
    bom : bool, default False
        Start the file with a UTF-8 byte-order mark (Excel then reads it as UTF-8).

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = neutralise_frame(frame).to_csv(index=index, sep=sep, lineterminator="\n")
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))
    return path
