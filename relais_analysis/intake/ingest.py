"""Read, normalise and validate a data folder into a :class:`Dataset`.

Every input row is either accepted or reported: for each file, rows read =
rows accepted + rows rejected, and each rejected row appears in the rejection report
with its file, row number (as seen in a spreadsheet, header = row 1), column, value
and reason, in French and English. In strict mode the first problem stops the run.

Checks, per table (see :mod:`relais_analysis.intake.schema` for the contract): required
columns and values, types (dates ISO or dd/mm/yyyy, integers, coordinates),
controlled vocabularies (activity type, role, gender), communes (REFNIS code of
either vintage, postal code or name, resolved by :mod:`relais_analysis.geography.resolve`),
unique identifiers, referential integrity (territories and activities -> relays,
attendance -> activities and participants, counts -> activities), activity dates
from 2022-01-01 to the extraction date and within the relay's opening period, a
participant listed both as parent and as child, implausible parents' birth years,
duplicated attendance rows. Columns that look like personal data stop the run.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from relais_analysis.config import PROGRAMME_START
from relais_analysis.errors import AmbiguousPlaceError, InputDataError, ReferenceDataError, UnknownCommuneError
from relais_analysis.intake.losses import LOSS_THRESHOLD, TABLE_ORDER, check_losses, loss_problems, row_losses
from relais_analysis.intake.personal_data import check_no_personal_data
from relais_analysis.intake.readers import RawTable, discover_tables
from relais_analysis.geography.resolve import get_resolver
from relais_analysis.intake.schema import (ACTIVITY_TYPES, GENDERS, ROLES, TABLES, Table, canonical_activity_type, canonical_gender, canonical_role, fold,
                     suggest)

__all__ = ["LOSS_THRESHOLD", "Dataset", "TableReport", "check_losses", "load_dataset", "loss_problems",
           "read_metadata", "write_rejections"]

#: Columns of ``Dataset.rejections`` and ``Dataset.warnings``; ``sheet`` is empty for CSV files.
REJECTION_COLUMNS = ["table", "file", "sheet", "row", "column", "value", "reason_fr", "reason_en", "suggestion"]
#: A parent must be at least this old in the extraction year.
MIN_PARENT_AGE = 12
_ORDER = TABLE_ORDER + ("questionnaires",)  # summary order; questionnaires are outcomes, not reach


@dataclass
class TableReport:
    """Row accounting for one input file: ``rows_read == accepted + rejected``."""

    table: str
    source: str
    rows_read: int
    accepted: int
    rejected: int
    encoding: str = ""
    separator: str = ""
    sha256: str = ""
    warnings: int = 0


@dataclass
class Dataset:
    """A validated dataset: typed tables of accepted rows plus the rejection report.

    Attributes
    ----------
    relays : DataFrame
        ``relay_id``, ``name``, ``organisation``, ``commune`` (base-vintage REFNIS
        code), ``latitude``, ``longitude`` (float, may be NaN), ``opened``, ``closed``
        (datetime64, ``closed`` NaT while open).
    territories : DataFrame
        ``relay_id``, ``commune``, ``valid_from``, ``valid_to`` (NaT = open-ended).
    activities : DataFrame
        ``activity_id``, ``relay_id``, ``date`` (datetime64), ``year`` (int),
        ``type`` (canonical code), ``commune`` (may be NA), ``title``.
    participants : DataFrame
        ``participant_id``, ``family_id``, ``role`` (``parent``/``child``),
        ``gender`` (F, M, X, unknown), ``birth_year`` (Int64), ``residence`` (may be NA).
    attendance : DataFrame
        ``activity_id``, ``participant_id``.
    activity_counts : DataFrame
        ``activity_id``, ``n_parents``, ``n_children`` (aggregate-only relays).
    as_of : datetime.date
        Extraction date: no activity may be later.
    synthetic : bool
        True for the demo data (every output built on it says so).
    reports : dict of str to TableReport
        Row accounting per table.
    rejections : DataFrame
        One row per problem: ``table``, ``file``, ``sheet`` (empty for CSV), ``row``,
        ``column``, ``value``, ``reason_fr``, ``reason_en``, ``suggestion``.
    warnings : DataFrame
        Same columns: values of optional fields that were not recognised and were
        blanked (the row itself is accepted).
    notes : list of str
        Remarks that are not rejections (ignored columns, sheets and files, translated
        merger codes).
    """

    relays: pd.DataFrame
    territories: pd.DataFrame
    activities: pd.DataFrame
    participants: pd.DataFrame
    attendance: pd.DataFrame
    activity_counts: pd.DataFrame
    as_of: dt.date
    synthetic: bool = False
    data_dir: Path | None = None
    reports: dict[str, TableReport] = field(default_factory=dict)
    rejections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTION_COLUMNS))
    notes: list[str] = field(default_factory=list)
    warnings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTION_COLUMNS))
    #: Per table, every row read with its relay keys and whether it was accepted (see :meth:`losses`).
    row_status: dict = field(default_factory=dict, repr=False, compare=False)
    metadata: dict = field(default_factory=dict)
    #: Accepted questionnaires (optional table; see :mod:`relais_analysis.outcomes.validate`).
    questionnaires: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Population by base-vintage commune code replacing the bundled 1 January 2020 figures
    #: (see :func:`relais_analysis.geography.population.load_statbel_population`); None: bundled figures.
    population: pd.Series | None = None
    population_source: str = "Statbel, population au 1er janvier 2020 (data/reference)"
    #: Memoised derived tables (e.g. the attendance facts of :mod:`reach`); never compared or shown.
    cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def has_people(self) -> bool:
        """Whether unique people can be counted (person-level attendance is present)."""
        return len(self.attendance) > 0

    def summary(self) -> pd.DataFrame:
        """Per-table counts: ``table``, ``file``, ``read``, ``accepted``, ``rejected``, ``warnings``."""
        rows = [
            {"table": r.table, "file": r.source, "read": r.rows_read, "accepted": r.accepted, "rejected": r.rejected,
             "warnings": r.warnings}
            for name in _ORDER
            if (r := self.reports.get(name)) is not None
        ]
        return pd.DataFrame(rows, columns=["table", "file", "read", "accepted", "rejected", "warnings"])

    def losses(self) -> pd.DataFrame:
        """Rows read, accepted and rejected per relay and table.

        Activities, territories and relays carry their relay code; attendance rows
        belong to the relay of their activity, participants to the relay of their first
        attendance row, counts to the relay of their activity (as typed, rejected rows
        included). Rows that cannot be tied to a relay (blank rows, unknown activity)
        get ``relay_id`` ``""``.

        Returns
        -------
        pandas.DataFrame
            ``relay_id``, ``table``, ``read``, ``accepted``, ``rejected``, ``blank`` (empty
            lines, counted as read and rejected), ``share_rejected`` (0-1, of the rows that
            held something); for every relay and table, ``read == accepted + rejected``.
        """
        return row_losses(self.row_status)


class _Problems:
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


def read_metadata(data_dir: Path) -> dict:
    """The optional ``dataset.json`` of a data folder (``as_of``, ``synthetic``, ``title``)."""
    path = Path(data_dir) / "dataset.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputDataError(f"dataset.json illisible : {exc}.", f"Unreadable dataset.json: {exc}.",
                             file="dataset.json") from exc


def _as_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputDataError(
            f"{what} invalide : {value!r}. Format attendu : AAAA-MM-JJ.",
            f"Invalid {what}: {value!r}. Expected YYYY-MM-DD.",
        ) from exc


def _map_columns(raw: RawTable, table: Table, notes: list[str]) -> pd.DataFrame:
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
                f"Les colonnes {other!r} et {header!r} désignent toutes deux {canonical!r}. Gardez-en une seule.",
                f"Columns {other!r} and {header!r} both mean {canonical!r}. Keep only one.",
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
            f"Colonne(s) obligatoire(s) absente(s) : {expected}. Colonnes trouvées : {list(raw.frame.columns)}."
            + "".join(f" Colonne {h!r} : vouliez-vous dire {c!r} ?" for h, c in hints),
            f"Required column(s) missing: {expected}. Columns found: {list(raw.frame.columns)}."
            + "".join(f" Column {h!r}: did you mean {c!r}?" for h, c in hints),
            file=raw.source,
        )
    if unmatched:
        free = [c for c in table.columns if c.name not in mapping.values()]
        hints = dict(_header_hints(unmatched, free))
        listed = ", ".join(f"{h!r}" + (f" (vouliez-vous dire {hints[h]!r} ?)" if h in hints else "") for h in unmatched)
        notes.append(f"{raw.source} : colonne(s) ignorée(s) / ignored column(s) : {listed}")
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


_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?$"
_DMY = r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"


def _parse_dates(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
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


def _check_required(frame: pd.DataFrame, table: Table, problems: _Problems) -> None:
    for col in table.columns:
        if col.required:
            problems.add(frame[col.name].isna(), col.name, frame[col.name], "valeur manquante", "missing value")


def _check_dates(frame: pd.DataFrame, names: list[str], problems: _Problems) -> None:
    for name in names:
        raw = frame[name]
        parsed, invalid = _parse_dates(raw)
        problems.add(invalid, name, raw, "date illisible (attendu JJ/MM/AAAA, AAAA-MM-JJ ou une date Excel)",
                     "unreadable date (expected DD/MM/YYYY, YYYY-MM-DD or an Excel date)")
        frame[name] = parsed


def _check_vocabulary(frame: pd.DataFrame, name: str, mapper, problems: _Problems, valid: str,
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
            problems.warn(unknown, name, raw, f"valeur non reconnue, laissée vide (valeurs possibles : {valid})",
                          f"unrecognised value, left empty (valid values: {valid})", suggestion)
        else:
            problems.add(unknown, name, raw, f"valeur non reconnue (valeurs possibles : {valid})",
                         f"unrecognised value (valid values: {valid})", suggestion)
    frame[name] = mapped.astype("string")


def _check_communes(frame: pd.DataFrame, name: str, problems: _Problems, notes: list[str], source: str,
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
            problems.warn(failed, name, raw, "lieu non reconnu, laissé vide : " + take(fr),
                          "place not recognised, left empty: " + take(en), take(hints))
        else:
            problems.add(failed, name, raw, take(fr), take(en), take(hints))
    frame[name] = resolved


def _check_numbers(frame: pd.DataFrame, table: Table, problems: _Problems, integer_max: dict[str, int]) -> None:
    for col in table.columns:
        if col.type not in {"integer", "number"}:
            continue
        raw = frame[col.name]
        text = raw.astype("string").str.replace(",", ".", regex=False)
        values = pd.to_numeric(text, errors="coerce")
        problems.add(raw.notna() & values.isna(), col.name, raw, "nombre illisible", "unreadable number")
        if col.type == "integer":
            frac = values.notna() & (values != values.round())
            problems.add(frac, col.name, raw, "nombre entier attendu", "whole number expected")
        low = col.minimum
        high = integer_max.get(col.name, col.maximum)
        if low is not None:
            problems.add(values < low, col.name, raw, f"valeur inférieure au minimum {low:g}",
                         f"value below the minimum {low:g}")
        if high is not None:
            problems.add(values > high, col.name, raw, f"valeur supérieure au maximum {high:g}",
                         f"value above the maximum {high:g}")
        frame[col.name] = values.round().astype("Int64") if col.type == "integer" else values.astype("float64")


def _check_duplicates(frame: pd.DataFrame, keys: list[str], problems: _Problems, column: str,
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
    fr = (f"{what_fr} (déjà à la ligne " + first_rows.astype("Int64").astype("string") + ")")
    en = (f"{what_en} (already on row " + first_rows.astype("Int64").astype("string") + ")")
    value = frame[keys].astype("string").agg(" / ".join, axis=1) if len(keys) > 1 else frame[keys[0]]
    problems.add(dup.to_numpy(), column, value, fr, en)


def _isin(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Vectorised membership test (pyarrow's hash set: pandas' is a Python loop on arrow strings)."""
    found = pc.is_in(pa.array(values.astype("string").array), value_set=pa.array(allowed.astype("string").array))
    return found.to_numpy(zero_copy_only=False).astype(bool) if len(values) else np.zeros(0, dtype=bool)


def _positions(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Row of ``allowed`` (unique ids) holding each value, -1 when absent (pyarrow hash lookup)."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    found = pc.index_in(pa.array(values.astype("string").array), value_set=pa.array(allowed.astype("string").array))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _check_foreign(frame: pd.DataFrame, column: str, valid_ids: pd.Series, target: str,
                   problems: _Problems, positions: np.ndarray | None = None) -> None:
    found = _isin(frame[column], valid_ids) if positions is None else positions >= 0
    missing = frame[column].notna().to_numpy() & ~found
    problems.add(missing, column, frame[column],
                 f"identifiant inconnu dans la table {target} (ou ligne rejetée)",
                 f"unknown identifier in table {target} (or rejected row)")


@dataclass
class _Sink:
    """What validation collects across tables: rejections, warnings, and each row's status (for losses)."""

    rejections: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    status: dict = field(default_factory=dict)


#: Key columns kept per row to tie it to a relay (see :meth:`Dataset.losses`).
_RELAY_KEYS = ("relay_id", "activity_id", "participant_id")


def _finish(raw: RawTable, frame: pd.DataFrame, problems: _Problems, reports: dict, sink: _Sink) -> pd.DataFrame:
    blank = [int(r) for r in raw.blank_rows]
    if blank:
        record = pd.DataFrame({"table": raw.table, "file": raw.file, "sheet": raw.sheet, "row": blank, "column": "",
                               "value": "", "reason_fr": "ligne vide", "reason_en": "empty row", "suggestion": ""})
        if problems.strict:
            raise InputDataError("ligne vide", "empty row", file=raw.source, row=blank[0])
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


def _empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series(dtype="string") for c in TABLES[table].columns})


def load_dataset(
    data_dir: str | Path,
    *,
    as_of: dt.date | str | None = None,
    strict: bool = False,
) -> Dataset:
    """Read and validate every table of a data folder.

    Parameters
    ----------
    data_dir : str or Path
        Folder with one file per table (``relays.csv``, ``activites.xlsx``...) or one
        workbook with a sheet per table, and optionally ``dataset.json``.
    as_of : date or str, optional
        Extraction date; activities after it are rejected. Default: ``as_of`` of
        ``dataset.json`` if present, else today.
    strict : bool, default False
        Stop at the first problem (raise) instead of rejecting rows and going on.

    Returns
    -------
    Dataset

    Raises
    ------
    InputDataError
        A file cannot be read, a required column or table is missing, or (strict
        mode) any row is invalid.
    PersonalDataError
        A column looks like names, e-mails, phone numbers, addresses or national
        register numbers.
    """
    data_dir = Path(data_dir)
    metadata = read_metadata(data_dir) if data_dir.is_dir() else {}
    notes: list[str] = []
    raws = discover_tables(data_dir, notes)
    if as_of is None:
        as_of = metadata.get("as_of") or dt.date.today()
    as_of = _as_date(as_of, "date d'extraction (as_of)")
    as_of_ts = pd.Timestamp(as_of)
    start_ts = pd.Timestamp(PROGRAMME_START)
    for name in ("relays", "activities"):
        if name not in raws:
            raise InputDataError(
                f"Table obligatoire absente : {name} ({name}.csv ou .xlsx).",
                f"Required table missing: {name} ({name}.csv or .xlsx).",
                file=str(data_dir),
            )
    if "attendance" in raws and "participants" not in raws:
        raise InputDataError("attendance fourni sans participants.", "attendance given without participants.",
                             file=raws["attendance"].source)
    if "attendance" not in raws and "activity_counts" not in raws:
        raise InputDataError(
            "Ni présences (participants + attendance) ni comptages (activity_counts) : rien à analyser.",
            "Neither attendance (participants + attendance) nor counts (activity_counts): nothing to analyse.",
            file=str(data_dir),
        )

    cache: dict = {}
    reports: dict[str, TableReport] = {}
    rejections = _Sink()
    out: dict[str, pd.DataFrame] = {}

    def begin(name: str) -> tuple[RawTable, pd.DataFrame, _Problems] | None:
        raw = raws.get(name)
        if raw is None:
            return None
        frame = _map_columns(raw, TABLES[name], notes)
        problems = _Problems(raw, strict)
        _check_required(frame, TABLES[name], problems)
        return raw, frame, problems

    # relays
    raw, frame, problems = begin("relays")
    _check_dates(frame, ["opened", "closed"], problems)
    _check_numbers(frame, TABLES["relays"], problems, {})
    _check_communes(frame, "commune", problems, notes, raw.source)
    problems.add((frame["opened"] > as_of_ts).to_numpy(), "opened", frame["opened"].dt.strftime("%Y-%m-%d"),
                 f"ouverture après la date d'extraction {as_of:%d/%m/%Y}", f"opening after the extraction date {as_of}")
    problems.add((frame["closed"] < frame["opened"]).to_numpy(), "closed", frame["closed"].dt.strftime("%Y-%m-%d"),
                 "fermeture avant l'ouverture", "closing before opening")
    _check_duplicates(frame, ["relay_id"], problems, "relay_id", "relais en double", "duplicate relay")
    relays = _finish(raw, frame, problems, reports, rejections)
    out["relays"] = relays

    # territories
    if (begun := begin("territories")) is not None:
        raw, frame, problems = begun
        _check_dates(frame, ["valid_from", "valid_to"], problems)
        _check_communes(frame, "commune", problems, notes, raw.source)
        _check_foreign(frame, "relay_id", relays["relay_id"], "relays", problems)
        problems.add((frame["valid_to"] < frame["valid_from"]).to_numpy(), "valid_to", frame["valid_to"],
                     "fin de validité avant le début", "valid_to before valid_from")
        _check_duplicates(frame, ["relay_id", "commune", "valid_from"], problems, "commune",
                          "commune déjà attribuée à ce relais", "commune already assigned to this relay")
        out["territories"] = _finish(raw, frame, problems, reports, rejections)
    else:
        out["territories"] = _empty("territories")
        notes.append("Pas de table territories : la couverture territoriale ne peut pas être calculée.")

    # activities
    raw, frame, problems = begin("activities")
    _check_dates(frame, ["date"], problems)
    _check_vocabulary(frame, "type", canonical_activity_type, problems, ", ".join(ACTIVITY_TYPES), ACTIVITY_TYPES)
    _check_communes(frame, "commune", problems, notes, raw.source, optional=True)
    problems.add((frame["date"] < start_ts).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 "date antérieure au lancement du programme (01/01/2022)", "date before the programme start (2022-01-01)")
    problems.add((frame["date"] > as_of_ts).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 f"date postérieure à la date d'extraction ({as_of:%d/%m/%Y})",
                 f"date after the extraction date ({as_of})")
    _check_foreign(frame, "relay_id", relays["relay_id"], "relays", problems)
    periods = relays.set_index("relay_id")[["opened", "closed"]]
    opened = frame["relay_id"].map(periods["opened"])
    closed = frame["relay_id"].map(periods["closed"])
    problems.add((frame["date"] < opened).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 "activité avant l'ouverture du relais", "activity before the relay opened")
    problems.add((frame["date"] > closed).to_numpy(), "date", frame["date"].dt.strftime("%Y-%m-%d"),
                 "activité après la fermeture du relais", "activity after the relay closed")
    _check_duplicates(frame, ["activity_id"], problems, "activity_id", "activité en double", "duplicate activity")
    activities = _finish(raw, frame, problems, reports, rejections)
    activities["year"] = activities["date"].dt.year.astype("int64")
    out["activities"] = activities

    # participants
    if (begun := begin("participants")) is not None:
        raw, frame, problems = begun
        _check_vocabulary(frame, "role", canonical_role, problems, "parent, enfant", ROLES)
        _check_vocabulary(frame, "gender", canonical_gender, problems, "F, M, X, inconnu", GENDERS, optional=True)
        _check_numbers(frame, TABLES["participants"], problems, {"birth_year": as_of.year})
        _check_communes(frame, "residence", problems, notes, raw.source, optional=True)
        young = (frame["role"] == "parent") & (frame["birth_year"] > as_of.year - MIN_PARENT_AGE)
        problems.add(young.fillna(False).to_numpy(), "birth_year", frame["birth_year"],
                     f"parent né après {as_of.year - MIN_PARENT_AGE} : enfant enregistré comme parent ?",
                     f"parent born after {as_of.year - MIN_PARENT_AGE}: a child recorded as a parent?")
        repeated = frame.loc[frame["participant_id"].duplicated(keep=False) & frame["role"].notna()]
        roles = repeated.groupby("participant_id")["role"].nunique()
        both = frame["participant_id"].isin(roles[roles > 1].index)
        problems.add(both.to_numpy(), "role", frame["role"],
                     "même personne enregistrée comme parent et comme enfant",
                     "same person recorded both as parent and as child")
        _check_duplicates(frame, ["participant_id"], problems, "participant_id", "participant en double",
                          "duplicate participant")
        frame["gender"] = frame["gender"].fillna("unknown")
        out["participants"] = _finish(raw, frame, problems, reports, rejections)
    else:
        out["participants"] = _empty("participants")

    # attendance
    if (begun := begin("attendance")) is not None:
        raw, frame, problems = begun
        act_pos = _positions(frame["activity_id"], activities["activity_id"])
        part_pos = _positions(frame["participant_id"], out["participants"]["participant_id"])
        _check_foreign(frame, "activity_id", activities["activity_id"], "activities", problems, act_pos)
        _check_foreign(frame, "participant_id", out["participants"]["participant_id"], "participants", problems,
                       part_pos)
        _check_duplicates(frame, ["activity_id", "participant_id"], problems, "participant_id",
                          "présence en double", "duplicated attendance row",
                          codes=act_pos * (len(out["participants"]) + 1) + part_pos)
        out["attendance"] = _finish(raw, frame, problems, reports, rejections)
        # row of the accepted activity / participant of each accepted attendance row, reused by reach
        cache["attendance_positions"] = (act_pos[~problems.bad], part_pos[~problems.bad])
    else:
        out["attendance"] = _empty("attendance")

    # activity_counts
    if (begun := begin("activity_counts")) is not None:
        raw, frame, problems = begun
        _check_numbers(frame, TABLES["activity_counts"], problems, {})
        _check_foreign(frame, "activity_id", activities["activity_id"], "activities", problems)
        _check_duplicates(frame, ["activity_id"], problems, "activity_id", "comptage en double", "duplicate count")
        out["activity_counts"] = _finish(raw, frame, problems, reports, rejections)
    else:
        out["activity_counts"] = _empty("activity_counts")

    from relais_analysis.outcomes.validate import ingest_questionnaires  # optional table: outcome questionnaires

    questionnaires = ingest_questionnaires(raws, out["participants"], as_of, strict=strict, reports=reports,
                                           rejections=rejections, notes=notes)
    rejection_frame = (
        pd.concat(rejections.rejections, ignore_index=True) if rejections.rejections
        else pd.DataFrame(columns=REJECTION_COLUMNS)
    )
    warning_frame = (
        pd.concat(rejections.warnings, ignore_index=True) if rejections.warnings
        else pd.DataFrame(columns=REJECTION_COLUMNS)
    )
    dataset = Dataset(
        relays=out["relays"],
        territories=out["territories"],
        activities=out["activities"],
        participants=out["participants"],
        attendance=out["attendance"],
        activity_counts=out["activity_counts"],
        as_of=as_of,
        synthetic=bool(metadata.get("synthetic", False)),
        data_dir=data_dir,
        reports=reports,
        rejections=rejection_frame[REJECTION_COLUMNS],
        warnings=warning_frame[REJECTION_COLUMNS],
        row_status=rejections.status,
        notes=notes,
        metadata=metadata,
        questionnaires=questionnaires,
    )
    dataset.cache.update(cache)
    return dataset


def write_rejections(dataset: Dataset, path: str | Path, *, warnings: bool = True) -> Path:
    """Write the rejection report (and the warnings) as a UTF-8 CSV with a BOM, for Excel.

    Columns: ``level`` (``rejet`` or ``avertissement``), ``table``, ``file``, ``sheet``
    (empty for CSV), ``row`` (as seen in a spreadsheet), ``column``, ``value``,
    ``reason_fr``, ``reason_en``, ``suggestion``; sorted by file, sheet and row.
    Formula-like cells are neutralised (:func:`relais_analysis.privacy.safe_csv.write_csv`).

    Raises
    ------
    InputDataError
        If ``path`` is an existing folder, or its parent is a file.
    """
    from relais_analysis.privacy.safe_csv import write_csv

    path = Path(path)
    if path.is_dir():
        raise InputDataError(f"{path} est un dossier : donnez un nom de fichier (p. ex. rejets.csv).",
                             f"{path} is a folder: give a file name (e.g. rejections.csv).")
    if any(parent.exists() and not parent.is_dir() for parent in path.parents):
        raise InputDataError(f"Impossible d'écrire {path} : un des dossiers parents est un fichier.",
                             f"Cannot write {path}: one of its parent folders is a file.")
    parts = [dataset.rejections.assign(level="rejet")]
    if warnings and len(dataset.warnings):
        parts.append(dataset.warnings.assign(level="avertissement"))
    frame = pd.concat(parts, ignore_index=True)[["level", *REJECTION_COLUMNS]]
    frame = frame.sort_values(["file", "sheet", "row"], kind="stable")
    return write_csv(frame, path, bom=True)
