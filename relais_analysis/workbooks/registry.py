"""The registry of relays kept by the support centre: ``relays`` + ``territories`` (the existing contract).

``relais modele`` writes one workbook per relay of the registry; ``relais assemble`` ties
each workbook it receives to one of its relays and copies its two tables into the data
folder it writes. The registry is a folder (``relais.csv``, ``territoires.xlsx``...) or a
workbook with one sheet per table; default: the demo data's relays and territories.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.i18n import text_pair
from relais_analysis.intake.readers import discover_tables, read_table_file
from relais_analysis.workbooks.reader import _column_lookup, fold_header, table_for_sheet

__all__ = ["Registry", "read_registry"]


@dataclass
class Registry:
    """Relays and territories kept by the support centre (the existing contract)."""

    relays: pd.DataFrame
    raw: dict[str, pd.DataFrame]
    source: str


def _frame_of(raw_frame: pd.DataFrame, table: str) -> pd.DataFrame:
    lookup = _column_lookup(table)
    mapping = {}
    for header in raw_frame.columns:
        canonical = lookup.get(fold_header(header))
        if canonical and canonical not in mapping.values():
            mapping[header] = canonical
    return raw_frame[list(mapping)].rename(columns=mapping)


def read_registry(registry: str | Path | None = None) -> Registry:
    """Read the registry: a folder or a workbook with the ``relays`` and ``territories`` tables.

    Parameters
    ----------
    registry : str or Path, optional
        Default: the demo data folder (its relays and territories).

    Raises
    ------
    InputDataError
        If the registry is missing, or has no ``relays`` table with codes and names.
    """
    from relais_analysis.config import demo_dir

    path = Path(registry) if registry is not None else demo_dir()
    raw: dict[str, pd.DataFrame] = {}
    if path.is_dir():
        for name in ("relays", "territories"):
            candidates = [p for p in sorted(path.iterdir()) if p.is_file() and table_for_sheet(p.stem) == name
                          and p.suffix.lower() in {".csv", ".xlsx", ".txt", ".tsv"}]
            if candidates:
                raw[name] = read_table_file(candidates[0], name).frame
        if "relays" not in raw:  # a single workbook with one sheet per table
            tables = discover_tables(path)
            raw = {n: t.frame for n, t in tables.items() if n in ("relays", "territories")}
    elif path.is_file() and path.suffix.lower() in {".xlsx", ".xlsm"}:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        for sheet, frame in sheets.items():
            name = table_for_sheet(sheet)
            if name in ("relays", "territories"):
                raw[name] = frame
    elif not path.exists():
        raise InputDataError(*text_pair("workbook_error.no_registry", path=path))
    relays = _frame_of(raw["relays"], "relays") if "relays" in raw else pd.DataFrame()
    if not {"relay_id", "name"} <= set(relays.columns) or relays.empty:
        raise InputDataError(
            *text_pair("workbook_error.registry_without_relays", path=path),
            file=str(path),
        )
    relays = relays.astype("string").fillna("").astype(object)
    return Registry(relays.reset_index(drop=True), raw, str(path))
