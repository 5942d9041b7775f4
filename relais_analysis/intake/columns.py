"""Input headers to the canonical columns of a table (aliases, misspellings, personal data refused)."""

from __future__ import annotations

import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.intake.personal_data import check_no_personal_data
from relais_analysis.intake.readers import RawTable
from relais_analysis.intake.schema import Table, fold, suggest
from relais_analysis.texts import text, text_pair

__all__ = ["map_columns"]


def map_columns(raw: RawTable, table: Table, notes: list[str]) -> pd.DataFrame:
    """Rename headers to canonical names; refuse personal data and missing columns."""
    lookup = {}
    for col in table.columns:
        lookup[fold(col.name)] = col.name
        for alias in col.aliases:
            lookup.setdefault(fold(alias), col.name)
    mapping, unmatched = {}, []
    for header in raw.frame.columns:
        canonical = lookup.get(fold(header))
        if canonical is None:
            unmatched.append(header)
        elif canonical in mapping.values():
            other = next(h for h, c in mapping.items() if c == canonical)
            raise InputDataError(
                *text_pair("intake_error.two_columns_same_meaning", other=other, header=header, canonical=canonical),
                file=raw.source,
                column=header,
            )
        else:
            mapping[header] = canonical
    check_no_personal_data(raw.frame, raw.source, unmatched, mapping)
    missing = [c.name for c in table.columns if c.required and c.name not in mapping.values()]
    if missing:
        expected = ", ".join(f"{c.name} ({' / '.join(c.aliases[:2])})" if c.aliases else c.name
                             for c in table.columns if c.name in missing)
        hints = _header_hints(unmatched, [table.column(m) for m in missing])
        raise InputDataError(
            *(text("intake_error.required_columns_missing", lang, expected=expected, found=list(raw.frame.columns))
              + "".join(text("intake_error.column_did_you_mean", lang, header=h, column=c) for h, c in hints)
              for lang in ("fr", "en")),
            file=raw.source,
        )
    if unmatched:
        free = [c for c in table.columns if c.name not in mapping.values()]
        hints = dict(_header_hints(unmatched, free))
        listed = ", ".join(f"{h!r}" + (text("intake.note.did_you_mean", column=hints[h]) if h in hints else "")
                           for h in unmatched)
        notes.append(text("intake.note.columns_ignored", source=raw.source, listed=listed))
    frame = raw.frame[list(mapping)].rename(columns=mapping)
    for col in table.columns:
        if col.name not in frame.columns:
            frame[col.name] = pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[[c.name for c in table.columns]]


def _header_hints(headers: list[str], columns: list) -> list[tuple[str, str]]:
    """(header, column name) pairs where a header looks like a misspelt column name or alias."""
    hints = []
    for header in headers:
        for col in columns:
            if suggest(header, (col.name, *col.aliases), n=1, cutoff=0.75):
                hints.append((str(header), col.name))
                break
    return hints

