"""Row checks of :func:`relais_analysis.intake.ingest.load_dataset`: each problem recorded with its place.

A :class:`Problems` collector belongs to one input table: each check adds the rows it
refuses (file, sheet, row as seen in a spreadsheet, column, value, reason in French and
English, suggestion), or raises at the first one in strict mode. :func:`finish_table`
then keeps the accepted rows and records the row accounting (rows read = accepted +
rejected) in a :class:`~relais_analysis.intake.dataset.TableReport`.

Checks: required values, dates (ISO, dd/mm/yyyy or an Excel serial number), numbers
and their bounds, controlled vocabularies, communes (resolved by
:mod:`relais_analysis.geography.resolve`), duplicated keys, references to another table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from relais_analysis.errors import AmbiguousPlaceError, InputDataError, ReferenceDataError, UnknownCommuneError
from relais_analysis.geography.resolve import get_resolver
from relais_analysis.intake.dataset import TableReport
from relais_analysis.intake.readers import RawTable
from relais_analysis.intake.schema import TABLES, Table, suggest
from relais_analysis.texts import text, text_pair

__all__ = ["Problems", "Sink", "check_communes", "check_dates", "check_duplicates", "check_foreign", "check_numbers",
           "check_required", "check_vocabulary", "empty_table", "finish_table", "id_positions", "parse_dates"]


class Problems:
    """Collects row problems of one table; raises at the first one in strict mode."""

    def __init__(self, raw: RawTable, strict: bool) -> None:
        self.raw = raw
        self.strict = strict
        self.bad = np.zeros(len(raw.frame), dtype=bool)
        self.warned = np.zeros(len(raw.frame), dtype=bool)
        self.records: list[pd.DataFrame] = []
        self.warnings: list[pd.DataFrame] = []

    def warn(self, mask, column: str, values, reason_fr, reason_en=None, suggestion=None) -> None:
        """Record a warning: the value is blanked by the caller, the row is kept (even in strict mode)."""
        self.add(mask, column, values, reason_fr, reason_en, suggestion, warning=True)

    def add(self, mask, column: str, values, reason_fr: str, reason_en: str | pd.Series | None = None,
            suggestion: pd.Series | str | None = None, *, warning: bool = False) -> None:
        """Record the rows of ``mask`` as rejected (or warned) with their value and reason.

        Raises
        ------
        InputDataError
            In strict mode, for the first rejected row (warnings never raise).
        """
        if isinstance(mask, pd.Series):
            mask = mask.fillna(False).to_numpy(dtype=bool)
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        vals = pd.Series(values).iloc[idx] if values is not None else pd.Series([""] * len(idx))
        fr = reason_fr.iloc[idx].to_numpy() if isinstance(reason_fr, pd.Series) else reason_fr
        en_src = reason_en if reason_en is not None else reason_fr
        en = en_src.iloc[idx].to_numpy() if isinstance(en_src, pd.Series) else en_src
        hint = suggestion.iloc[idx].fillna("").to_numpy() if isinstance(suggestion, pd.Series) else (suggestion or "")
        record = pd.DataFrame(
            {
                "table": self.raw.table,
                "file": self.raw.file,
                "sheet": self.raw.sheet,
                "row": np.asarray(self.raw.row_numbers)[idx],
                "column": column,
                "value": vals.astype("string").fillna("").to_numpy(),
                "reason_fr": fr,
                "reason_en": en,
                "suggestion": hint,
            }
        )
        if warning:
            self.warned |= mask
            self.warnings.append(record)
            return
        if self.strict:
            first = record.iloc[0]
            raise InputDataError(first["reason_fr"], first["reason_en"], file=self.raw.source, row=int(first["row"]),
                                 column=column)
        self.bad |= mask
        self.records.append(record)


_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?$"
_DMY = r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"


def parse_dates(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse ISO or dd/mm/yyyy dates; returns (datetime64 series, invalid-mask of non-empty values)."""
    text = series.astype("string")
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    todo = text.notna() & dates.isna()
    if todo.any():
        dates = dates.astype("datetime64[us]")
        dates[todo] = _parse_dates_slow(text[todo])
    invalid = (text.notna() & dates.isna()).to_numpy()
    return dates.astype("datetime64[us]"), invalid


#: Excel serial day numbers accepted in a date column: 1 Jan 1960 to 31 Dec 2099 (day 0 = 1899-12-30).
_SERIAL_RANGE = (21916, 73050)


def _parse_dates_slow(text: pd.Series) -> pd.Series:
    """dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, ISO with a midnight time, and Excel serial numbers (``45356``)."""
    parts = text.str.extract(_ISO)
    dmy = text.str.extract(_DMY)
    for key in ("y", "m", "d"):
        parts[key] = parts[key].fillna(dmy[key])
    numbers = parts.apply(pd.to_numeric, errors="coerce").astype("float64")
    dates = pd.to_datetime(
        pd.DataFrame({"year": numbers["y"], "month": numbers["m"], "day": numbers["d"]}), errors="coerce"
    ).astype("datetime64[us]")
    serial = pd.to_numeric(text.where(text.str.fullmatch(r"\d{5}(?:\.0+)?")), errors="coerce")
    serial = serial.where((serial >= _SERIAL_RANGE[0]) & (serial <= _SERIAL_RANGE[1]))
    if serial.notna().any():
        from_serial = pd.Timestamp("1899-12-30") + pd.to_timedelta(serial, unit="D")
        dates = dates.fillna(from_serial.astype("datetime64[us]"))
    return dates


def check_required(frame: pd.DataFrame, table: Table, problems: Problems) -> None:
    """Reject rows missing a required value (raises :class:`InputDataError` in strict mode)."""
    for col in table.columns:
        if col.required:
            problems.add(frame[col.name].isna(), col.name, frame[col.name], *text_pair("intake.missing_value"))


def check_dates(frame: pd.DataFrame, names: list[str], problems: Problems) -> None:
    """Parse the date columns ``names`` in place; reject unreadable dates (raises in strict mode)."""
    for name in names:
        raw = frame[name]
        parsed, invalid = parse_dates(raw)
        problems.add(invalid, name, raw, *text_pair("intake.unreadable_date"))
        frame[name] = parsed


def check_vocabulary(frame: pd.DataFrame, name: str, mapper, problems: Problems, valid: str,
                     spellings: dict[str, tuple[str, ...]], optional: bool = False) -> None:
    """Map user spellings to canonical codes; an unknown value rejects the row, or is blanked with a warning
    when the column is optional."""
    raw = frame[name]
    uniques = raw.dropna().unique()
    lookup = {value: mapper(value) for value in uniques}
    mapped = raw.map(lookup)
    unknown = raw.notna() & mapped.isna()
    if unknown.any():
        choices = [w for code, words in spellings.items() for w in (code, *words)]
        hints = {v: ", ".join(suggest(v, choices, n=2)) for v in raw[unknown].unique()}
        suggestion = raw.map(hints)
        if optional:
            problems.warn(unknown, name, raw, *text_pair("intake.unrecognised_value_blanked", valid=valid), suggestion)
        else:
            problems.add(unknown, name, raw, *text_pair("intake.unrecognised_value", valid=valid), suggestion)
    frame[name] = mapped.astype("string")


def around(key: str, lang: str, field: str, values: pd.Series, **fields: object) -> pd.Series:
    """The catalogue text ``key`` for every value of ``values`` (its field ``field``), other fields filled once.

    Examples
    --------
    >>> around("intake.duplicate_of_row", "en", "row", pd.Series(["2", "7"]), what="duplicate relay").tolist()
    ['duplicate relay (already on row 2)', 'duplicate relay (already on row 7)']
    """
    before, after = text(key, lang, **{field: "\x00"}, **fields).split("\x00")
    return before + values + after


def check_communes(frame: pd.DataFrame, name: str, problems: Problems, notes: list[str], source: str,
                   optional: bool = False) -> None:
    """Resolve places to commune codes; an unresolved place rejects the row, or is blanked with a warning when
    the column is optional (an activity's place, a participant's residence)."""
    raw = frame[name]
    resolver = get_resolver()
    codes, fr, en, hints = {}, {}, {}, {}
    positions, uniques = pd.factorize(raw)
    for value in uniques:
        try:
            res = resolver.resolve(value)
        except ReferenceDataError as exc:
            fr[value], en[value] = exc.message_fr, exc.message_en
            if isinstance(exc, UnknownCommuneError):
                hints[value] = " ; ".join(exc.suggestions)
            elif isinstance(exc, AmbiguousPlaceError):
                hints[value] = " ; ".join(label for label, *_ in exc.candidates)
            continue
        codes[value] = res.nis
        if res.note:
            notes.append(f"{source}, {name} {value!r} : {res.note}")
    def take(mapping: dict) -> pd.Series:
        looked_up = pd.array([mapping.get(u) for u in uniques] + [None], dtype="string")
        return pd.Series(looked_up.take(np.where(positions < 0, len(uniques), positions)), index=raw.index)

    resolved = take(codes)
    failed = raw.notna() & resolved.isna()
    if failed.any():
        if optional:
            problems.warn(failed, name, raw, around("intake.place_blanked", "fr", "reason", take(fr)),
                          around("intake.place_blanked", "en", "reason", take(en)), take(hints))
        else:
            problems.add(failed, name, raw, take(fr), take(en), take(hints))
    frame[name] = resolved


def check_numbers(frame: pd.DataFrame, table: Table, problems: Problems, integer_max: dict[str, int]) -> None:
    """Parse the number columns in place; reject unreadable, fractional or out-of-bounds values.

    ``integer_max`` overrides the schema's maximum of some columns (a birth year cannot
    be after the extraction year). Raises :class:`InputDataError` in strict mode.
    """
    for col in table.columns:
        if col.type not in {"integer", "number"}:
            continue
        raw = frame[col.name]
        text = raw.astype("string").str.replace(",", ".", regex=False)
        values = pd.to_numeric(text, errors="coerce")
        problems.add(raw.notna() & values.isna(), col.name, raw, *text_pair("intake.unreadable_number"))
        if col.type == "integer":
            frac = values.notna() & (values != values.round())
            problems.add(frac, col.name, raw, *text_pair("intake.whole_number_expected"))
        low = col.minimum
        high = integer_max.get(col.name, col.maximum)
        if low is not None:
            problems.add(values < low, col.name, raw, *text_pair("intake.below_minimum", low=low))
        if high is not None:
            problems.add(values > high, col.name, raw, *text_pair("intake.above_maximum", high=high))
        frame[col.name] = values.round().astype("Int64") if col.type == "integer" else values.astype("float64")


def check_duplicates(frame: pd.DataFrame, keys: list[str], problems: Problems, column: str,
                     what_fr: str, what_en: str, codes: np.ndarray | None = None) -> None:
    """Reject repeated keys (the first occurrence stays). ``codes``: an integer per key, when known."""
    valid = frame[keys].notna().all(axis=1) & ~problems.bad
    if codes is None:
        codes = np.zeros(len(frame), dtype="int64")
        for key in keys:
            key_codes, uniques = pd.factorize(frame[key])
            codes = codes * (len(uniques) + 1) + key_codes + 1
    dup = pd.Series(codes, index=frame.index).where(valid).duplicated(keep="first") & valid
    if not dup.any():
        return
    first_index = frame.loc[valid].reset_index().drop_duplicates(keys, keep="first").set_index(keys)["index"]
    rows = np.asarray(problems.raw.row_numbers)
    dup_keys = frame.loc[dup, keys]
    first_rows = pd.Series(
        [rows[first_index.loc[tuple(k) if len(keys) > 1 else k[0]]] for k in dup_keys.itertuples(index=False)],
        index=dup_keys.index,
    ).reindex(frame.index)
    first = first_rows.astype("Int64").astype("string")
    fr = around("intake.duplicate_of_row", "fr", "row", first, what=what_fr)
    en = around("intake.duplicate_of_row", "en", "row", first, what=what_en)
    value = frame[keys].astype("string").agg(" / ".join, axis=1) if len(keys) > 1 else frame[keys[0]]
    problems.add(dup.to_numpy(), column, value, fr, en)


def _isin(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Vectorised membership test (pyarrow's hash set: pandas' is a Python loop on arrow strings)."""
    found = pc.is_in(pa.array(values.astype("string").array), value_set=pa.array(allowed.astype("string").array))
    return found.to_numpy(zero_copy_only=False).astype(bool) if len(values) else np.zeros(0, dtype=bool)


def id_positions(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Row of ``allowed`` (unique ids) holding each value, -1 when absent (pyarrow hash lookup)."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    found = pc.index_in(pa.array(values.astype("string").array), value_set=pa.array(allowed.astype("string").array))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def check_foreign(frame: pd.DataFrame, column: str, valid_ids: pd.Series, target: str,
                  problems: Problems, positions: np.ndarray | None = None) -> None:
    """Reject rows whose ``column`` is not among ``valid_ids`` (the accepted rows of table ``target``).

    ``positions``: the :func:`id_positions` of the column, when already computed.
    Raises :class:`InputDataError` in strict mode.
    """
    found = _isin(frame[column], valid_ids) if positions is None else positions >= 0
    missing = frame[column].notna().to_numpy() & ~found
    problems.add(missing, column, frame[column],
                 *text_pair("intake.unknown_identifier", target=target))


@dataclass
class Sink:
    """What validation collects across tables: rejections, warnings, and each row's status (for losses)."""

    rejections: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    status: dict = field(default_factory=dict)


#: Key columns kept per row to tie it to a relay (see :meth:`Dataset.losses`).
_RELAY_KEYS = ("relay_id", "activity_id", "participant_id")


def finish_table(raw: RawTable, frame: pd.DataFrame, problems: Problems, reports: dict, sink: Sink) -> pd.DataFrame:
    """The accepted rows of a table; its problems, row status and :class:`TableReport` recorded.

    Blank lines count as read and rejected.

    Raises
    ------
    InputDataError
        In strict mode, if the table has a blank line.
    """
    blank = [int(r) for r in raw.blank_rows]
    if blank:
        record = pd.DataFrame({"table": raw.table, "file": raw.file, "sheet": raw.sheet, "row": blank, "column": "",
                               "value": "", "reason_fr": text("intake.empty_row", "fr"), "reason_en": text("intake.empty_row", "en"), "suggestion": ""})
        if problems.strict:
            raise InputDataError(*text_pair("intake.empty_row"), file=raw.source, row=blank[0])
        sink.rejections.append(record)
    sink.rejections.extend(problems.records)
    sink.warnings.extend(problems.warnings)
    status = pd.DataFrame({"row": np.asarray(raw.row_numbers), "accepted": ~problems.bad, "blank": False})
    for key in _RELAY_KEYS:
        if key in frame.columns:
            status[key] = frame[key].astype("string").array  # no copy: arrow strings stay arrow strings
    if blank:
        status = pd.concat([status, pd.DataFrame({"row": blank, "accepted": False, "blank": True})],
                           ignore_index=True)
    sink.status[raw.table] = status
    accepted = frame.loc[~problems.bad].reset_index(drop=True)
    n_read = len(raw.frame) + len(blank)
    n_warned = int((problems.warned & ~problems.bad).sum())
    reports[raw.table] = TableReport(raw.table, raw.source, n_read, len(accepted), n_read - len(accepted),
                                     raw.encoding, raw.separator, raw.sha256, n_warned)
    return accepted


def empty_table(table: str) -> pd.DataFrame:
    """A table without rows, with the schema's columns (for an optional table that is absent)."""
    return pd.DataFrame({c.name: pd.Series(dtype="string") for c in TABLES[table].columns})

