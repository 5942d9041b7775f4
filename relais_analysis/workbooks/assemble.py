"""Assemble the relays' workbooks into one standard data folder (``relais assemble``).

Each workbook is tied to exactly one relay of the registry (:mod:`relais_analysis.workbooks.reader`)
or refused with the reason. Local codes are scoped by relay (``P001`` of relay R07 becomes
``R07:P001``; same for activity and family codes), so the same code in two relays is two
people. Codes that are keyed pseudonyms made with the shared key (``relais pseudonymise``:
``P`` or ``F`` followed by 12 hexadecimal characters) stay as they are, so a parent known to
two relays under the same keyed code is one person; the copies of that person's row in the
two workbooks become one row when they agree (role and birth year), and stay two rows (and
are reported as duplicates) when they do not.

The folder written holds ``relays`` and ``territories`` (from the registry),
``activities``, ``participants``, ``attendance`` and, when a workbook holds answered
questionnaires (sheet ``Questionnaire``), ``questionnaires`` (CSV through
:func:`relais_analysis.privacy.safe_csv.write_csv`) and ``dataset.json``; it is validated with
:func:`relais_analysis.intake.ingest.load_dataset`, and every rejection or warning is mapped back
to its workbook, sheet and Excel row. Nothing is lost: for every relay and table, rows
read = rows accepted + rows rejected (:attr:`Assembly.accounts`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from relais_analysis.errors import InputDataError
from relais_analysis.i18n import text, text_pair
from relais_analysis.intake.dataset import Dataset
from relais_analysis.intake.ingest import load_dataset
from relais_analysis.workbooks.registry import Registry, read_registry
from relais_analysis.privacy.safe_csv import write_csv
from relais_analysis.workbooks.reader import WorkbookData, identify_relay, read_workbook, table_for_sheet

__all__ = ["Assembly", "Registry", "assemble", "is_keyed_code", "read_registry", "scope_code"]

DATA_TABLES = ("activities", "participants", "attendance", "questionnaires")
#: Tables a relay may leave out without it being reported as missing.
OPTIONAL_TABLES = ("questionnaires",)
_KEYED = re.compile(r"^([PF])([0-9a-fA-F]{12})$")
#: Columns of the problem list (one row per problem, mapped back to the workbook).
PROBLEM_COLUMNS = ["relay_id", "workbook", "sheet", "row", "column", "value", "reason_fr", "reason_en", "kind"]
#: Spreadsheets in another format: refused with the reason (save as .xlsx); other files are only noted.
_OTHER_SPREADSHEETS = {".xls", ".ods", ".csv", ".tsv", ".numbers", ".xlsb"}
_SCOPED = {"activities": ("activity_id",), "participants": ("participant_id", "family_id"),
           "attendance": ("activity_id", "participant_id"), "questionnaires": ("participant_id",)}


def _fr(key: str, **fields: object) -> str:
    """French text ``workbook.assemble.<key>``: the ledger, notes and accounts are read by the support centre."""
    return text(f"workbook.assemble.{key}", "fr", **fields)


def is_keyed_code(code: str) -> bool:
    """Whether a code is a keyed pseudonym of ``relais pseudonymise`` (kept across relays).

    Examples
    --------
    >>> is_keyed_code("P3fa9c01b22de"), is_keyed_code("P001"), is_keyed_code("R07:P001")
    (True, False, False)
    """
    return bool(_KEYED.match(code))


def scope_code(relay_id: str, code: str | None, *, keyed_allowed: bool = True) -> str | None:
    """Code made unique across relays: ``R07:P001``; keyed pseudonyms unchanged.

    Examples
    --------
    >>> scope_code("R07", "P001"), scope_code("R07", "Pab12cd34ef56"), scope_code("R07", "R07:P001")
    ('R07:P001', 'Pab12cd34ef56', 'R07:P001')
    """
    if code is None:
        return None
    match = _KEYED.match(code)
    if keyed_allowed and match:
        return match.group(1) + match.group(2).lower()
    if code.startswith(f"{relay_id}:"):
        return code
    return f"{relay_id}:{code}"


@dataclass
class Assembly:
    """What :func:`assemble` did.

    Attributes
    ----------
    dataset : Dataset
        The validated data folder.
    out_dir : Path
        The data folder written.
    workbooks : DataFrame
        One row per file found: ``workbook``, ``relay_id`` (empty if refused), ``how``
        (how it was tied, or why it was refused), ``refused`` (bool).
    accounts : DataFrame
        Per relay and table: ``relay_id``, ``table``, ``workbook``, ``sheet``, ``read``,
        ``accepted``, ``rejected``, ``warnings``, ``missing`` (always read = accepted + rejected).
    problems : DataFrame
        :data:`PROBLEM_COLUMNS`: every rejection (``kind="rejet"``) and warning
        (``kind="avertissement"``) with its workbook, sheet and Excel row.
    notes : list of str
        Ignored columns and sheets, merged keyed participants.
    headers : dict
        (relay, workbook, sheet) -> {canonical column: header as written}.
    """

    dataset: Dataset
    out_dir: Path
    workbooks: pd.DataFrame
    accounts: pd.DataFrame
    problems: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    headers: dict = field(default_factory=dict)


def _collect(exports_dir: Path, registry: Registry) -> tuple[dict[str, WorkbookData], list[dict], list[str]]:
    """Read and tie every workbook; refuse files that are not workbooks or not tied to one relay."""
    if not exports_dir.is_dir():
        raise InputDataError(*text_pair("workbook_error.no_folder", folder=exports_dir))
    found: dict[str, list[WorkbookData]] = {}
    ledger, notes = [], []
    for path in sorted(p for p in exports_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))):
        if path.suffix.lower() in _OTHER_SPREADSHEETS:
            ledger.append({"workbook": path.name, "relay_id": "", "refused": True,
                           "how": _fr("how.not_xlsx")})
            continue
        if path.suffix.lower() not in {".xlsx", ".xlsm"}:
            notes.append(_fr("note.not_workbook", file=path.name))
            continue
        try:
            book = read_workbook(path)
        except InputDataError as exc:
            ledger.append({"workbook": path.name, "relay_id": "", "refused": True, "how": exc.message_fr})
            continue
        if book.personal_columns:
            ledger.append({"workbook": path.name, "relay_id": "", "refused": True,
                           "how": _fr("how.personal_data", columns=book.personal_columns)})
            continue
        relay, how = identify_relay(book, registry.relays)
        ledger.append({"workbook": path.name, "relay_id": relay or "", "refused": relay is None, "how": how})
        if relay is not None:
            found.setdefault(relay, []).append(book)
        for other in book.other_sheets:
            notes.append(_fr("note.sheet_ignored", file=path.name, sheet=other))
    books = {}
    for relay, group in found.items():
        if len(group) == 1:
            books[relay] = group[0]
            continue
        names = ", ".join(b.path.name for b in group)
        for entry in ledger:
            if entry["relay_id"] == relay:
                entry.update(refused=True, how=_fr("how.several_workbooks", relay=relay, names=names))
    return books, ledger, notes


def _stack(books: dict[str, WorkbookData]) -> tuple[dict[str, pd.DataFrame], list[dict], list[dict]]:
    """Scoped tables with their provenance (one source list per CSV row) and sheet-level refusals."""
    tables: dict[str, list[pd.DataFrame]] = {t: [] for t in DATA_TABLES}
    refusals, sheets = [], []
    for relay, book in sorted(books.items()):
        for sheet in book.sheets:
            entry = {"relay_id": relay, "workbook": book.path.name, "sheet": sheet.sheet, "table": sheet.table,
                     "read": len(sheet.rows), "ignored": sheet.ignored, "missing": sheet.missing,
                     "headers": sheet.columns}
            sheets.append(entry)
            if sheet.missing:
                reason_fr, reason_en = text_pair("workbook.assemble.reason.missing_column",
                                                 columns=", ".join(sheet.missing))
                for row in sheet.rows:
                    refusals.append({"relay_id": relay, "workbook": book.path.name, "sheet": sheet.sheet,
                                     "row": row, "column": ", ".join(sheet.missing), "value": "",
                                     "reason_fr": reason_fr, "reason_en": reason_en,
                                     "kind": "rejet", "table": sheet.table})
                continue
            frame = sheet.frame.copy()
            for column in _SCOPED[sheet.table]:
                if column in frame.columns:
                    keyed = column != "activity_id"
                    frame[column] = [scope_code(relay, v, keyed_allowed=keyed) for v in frame[column]]
            if sheet.table == "activities":
                frame["relay_id"] = relay
            frame["_source"] = [[(relay, book.path.name, sheet.sheet, r)] for r in sheet.rows]
            tables[sheet.table].append(frame)
    stacked = {t: (pd.concat(v, ignore_index=True) if v else pd.DataFrame(columns=["_source"]))
               for t, v in tables.items()}
    return stacked, refusals, sheets


def _merge_keyed(participants: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """One row per keyed participant found in several workbooks, when the copies agree."""
    if participants.empty or "participant_id" not in participants.columns:
        return participants
    keyed = participants["participant_id"].map(lambda c: bool(c) and is_keyed_code(c))
    repeated = keyed & participants["participant_id"].duplicated(keep=False)
    if not repeated.any():
        return participants
    identity = [c for c in ("role", "birth_year") if c in participants.columns]
    groups = participants.loc[repeated].groupby("participant_id", sort=False)
    agree = groups[identity].nunique(dropna=False).le(1).all(axis=1) if identity else groups.size().gt(0)
    merged_ids = set(agree[agree].index)
    drop = []
    for pid, idx in groups.groups.items():
        if pid not in merged_ids:
            continue
        first, *others = list(idx)
        for other in others:
            participants.at[first, "_source"] = participants.at[first, "_source"] + participants.at[other, "_source"]
            drop.append(other)
    if merged_ids:
        notes.append(_fr("note.merged", people=len(merged_ids), rows=len(drop)))
    return participants.drop(index=drop).reset_index(drop=True)


def _write_folder(out_dir: Path, registry: Registry, tables: dict[str, pd.DataFrame], as_of: dt.date,
                  synthetic: bool) -> None:
    from relais_analysis.intake.schema import TABLES

    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"relays", "territories", *(n for n, f in tables.items() if n not in OPTIONAL_TABLES or not f.empty)}
    stale = [p.name for p in sorted(out_dir.iterdir()) if p.is_file() and table_for_sheet(p.stem) is not None
             and (table_for_sheet(p.stem) not in written or p.suffix.lower() != ".csv")]
    if stale:  # they would be read with the assembled tables
        raise InputDataError(*text_pair("workbook_error.stale_tables", folder=out_dir, tables=", ".join(stale)))
    for name in ("relays", "territories"):
        if name in registry.raw:
            write_csv(registry.raw[name], out_dir / f"{name}.csv")
    for name, frame in tables.items():
        columns = [c.name for c in TABLES[name].columns if c.name in frame.columns]
        if name in OPTIONAL_TABLES:
            if frame.empty:
                continue  # no workbook holds one: the table is absent, not empty
            columns += [c for c in frame.columns if c not in columns and not c.startswith("_")]
        write_csv(frame[columns] if columns else pd.DataFrame(columns=[c.name for c in TABLES[name].columns
                                                                         if c.required]),
                  out_dir / f"{name}.csv")
    meta = {"as_of": as_of.isoformat(), "synthetic": synthetic, "assembled_by": "relais assemble"}
    (out_dir / "dataset.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _excel_rows_in_reason(fr: str, en: str, frame: pd.DataFrame, workbook: str, sheet: str) -> tuple[str, str]:
    """``(déjà à la ligne 15679)`` of the assembled CSV -> the Excel row in the user's workbook."""
    match = re.search(r"\(déjà à la ligne (\d+)\)", fr)
    if not match or not (2 <= int(match.group(1)) < len(frame) + 2):
        return fr, en
    _relay, first_book, first_sheet, first_row = frame.at[int(match.group(1)) - 2, "_source"][0]
    same = (first_book, first_sheet) == (workbook, sheet)
    where = "where_row" if same else "where_other"
    where_fr, where_en = (text(f"workbook.assemble.{where}", lang, workbook=first_book, sheet=first_sheet,
                               row=first_row) for lang in ("fr", "en"))
    already = "workbook.assemble.already_row" if same else "workbook.assemble.already_other"
    fr = fr.replace(match.group(0), text(already, "fr", where=where_fr))
    en = re.sub(r"\(already on row \d+\)", text(already, "en", where=where_en), en)
    return fr, en


def _problems_of(frame: pd.DataFrame | None, tables: dict[str, pd.DataFrame], kind: str) -> list[dict]:
    """Map ingest problems (``table``/``file``, CSV ``row``) back to their workbook sources."""
    out = []
    if frame is None or frame.empty:
        return out
    for rec in frame.to_dict("records"):
        table = rec.get("table") or str(rec.get("file", "")).removesuffix(".csv")
        row = rec.get("row")
        base = {"column": rec.get("column", ""), "value": rec.get("value", ""), "reason_fr": rec.get("reason_fr", ""),
                "reason_en": rec.get("reason_en", ""), "kind": kind, "table": table, "csv_row": row}
        if table not in tables or pd.isna(row) or not (2 <= int(row) < len(tables[table]) + 2):
            out.append({**base, "relay_id": "", "workbook": str(rec.get("file", "")), "sheet": table,
                        "row": row})
            continue
        for relay, workbook, sheet, excel_row in tables[table].at[int(row) - 2, "_source"]:
            fr, en = _excel_rows_in_reason(base["reason_fr"], base["reason_en"], tables[table], workbook, sheet)
            out.append({**base, "relay_id": relay, "workbook": workbook, "sheet": sheet, "row": excel_row,
                        "reason_fr": fr, "reason_en": en})
    return out


def _accounts(sheets: list[dict], problems: pd.DataFrame, tables: dict[str, pd.DataFrame], dataset: Dataset,
              books: dict[str, WorkbookData], registry: Registry) -> pd.DataFrame:
    """Per relay and table, rows read = accepted + rejected (checked against the dataset)."""
    rejected = problems[problems["kind"] == "rejet"]
    for name, frame in tables.items():
        bad_rows = set(rejected.loc[(rejected["table"] == name) & rejected["csv_row"].notna(), "csv_row"].astype(int))
        n_ok = sum(1 for i in range(len(frame)) if i + 2 not in bad_rows)
        if n_ok != len(getattr(dataset, name)):
            raise InputDataError(  # a bug, not bad input: accepted rows must be the dataset's rows
                *text_pair("workbook_error.inconsistent_count", table=name, accepted=n_ok,
                           validated=len(getattr(dataset, name))))
    bad = rejected.groupby(["relay_id", "workbook", "sheet"])["row"].nunique()
    attended = set(dataset.attendance["activity_id"])
    idle = dataset.activities.loc[~dataset.activities["activity_id"].isin(attended), "relay_id"].value_counts()
    warned = problems[problems["kind"] == "avertissement"].groupby(["relay_id", "workbook", "sheet"])["row"].nunique()
    rows = []
    for entry in sheets:
        key = (entry["relay_id"], entry["workbook"], entry["sheet"])
        n_bad = int(bad.get(key, 0))
        empty = _fr("missing.no_row_optional" if entry["table"] in OPTIONAL_TABLES else "missing.no_row")
        missing = [_fr("missing.column", column=c) for c in entry["missing"]] + ([] if entry["read"] else [empty])
        if entry["table"] == "activities" and idle.get(entry["relay_id"], 0):
            missing.append(_fr("missing.idle_activities", n=idle[entry["relay_id"]]))
        rows.append({"relay_id": entry["relay_id"], "table": entry["table"], "workbook": entry["workbook"],
                     "sheet": entry["sheet"], "read": entry["read"], "accepted": entry["read"] - n_bad,
                     "rejected": n_bad, "warnings": int(warned.get(key, 0)), "missing": "; ".join(missing)})
    for relay in registry.relays["relay_id"]:
        have = {r["table"] for r in rows if r["relay_id"] == relay}
        for table in DATA_TABLES:
            if table not in have:
                what = _fr("missing.no_workbook" if relay not in books else "missing.no_sheet")
                if table in OPTIONAL_TABLES and relay in books:
                    what = _fr("missing.optional", what=what)
                rows.append({"relay_id": relay, "table": table, "workbook": books[relay].path.name if relay in books
                             else "", "sheet": "", "read": 0, "accepted": 0, "rejected": 0, "warnings": 0,
                             "missing": what})
    order = {t: i for i, t in enumerate(DATA_TABLES)}
    frame = pd.DataFrame(rows)
    return frame.sort_values(["relay_id", "table"], key=lambda s: s.map(order) if s.name == "table" else s,
                             kind="stable").reset_index(drop=True)


def assemble(
    exports_dir: str | Path,
    out_dir: str | Path,
    registry: str | Path | None = None,
    *,
    as_of: dt.date | str | None = None,
) -> Assembly:
    """Assemble relay workbooks into a validated data folder (see the module docstring).

    Parameters
    ----------
    exports_dir : str or Path
        Folder of the workbooks received (``.xlsx``; other files are refused and listed).
    out_dir : str or Path
        Data folder written (CSV tables + ``dataset.json``), readable by ``relais validate``.
    registry : str or Path, optional
        Folder or workbook with ``relays`` and ``territories`` (default: the demo's).
    as_of : date or str, optional
        Extraction date (default today); activities after it are rejected.

    Returns
    -------
    Assembly

    Raises
    ------
    InputDataError
        If a folder is missing, no workbook can be tied to a relay, or the registry is unusable.
    """
    exports_dir, out_dir = Path(exports_dir), Path(out_dir)
    reg = read_registry(registry)
    books, ledger, notes = _collect(exports_dir, reg)
    if not books:
        reasons = "; ".join(_fr("workbook_reason", workbook=e["workbook"], how=e["how"]) for e in ledger)
        raise InputDataError(*(text("workbook_error.no_workbook", lang, folder=exports_dir,
                                    reasons=reasons or text("workbook.assemble.empty_folder", lang))
                               for lang in ("fr", "en")))
    tables, refusals, sheets = _stack(books)
    tables["participants"] = _merge_keyed(tables["participants"], notes)
    as_of_date = dt.date.fromisoformat(str(as_of)) if as_of else dt.date.today()
    synthetic = any(b.synthetic for b in books.values())
    _write_folder(out_dir, reg, tables, as_of_date, synthetic)
    dataset = load_dataset(out_dir)
    problems = pd.DataFrame(
        refusals + _problems_of(dataset.rejections, tables, "rejet")
        + _problems_of(getattr(dataset, "warnings", None), tables, "avertissement"),
        columns=[*PROBLEM_COLUMNS, "table", "csv_row"])
    accounts = _accounts(sheets, problems, tables, dataset, books, reg)
    for entry in sheets:
        free = [h for h in entry["ignored"]]
        if free:
            notes.append(_fr("note.unread_columns", workbook=entry["workbook"], sheet=entry["sheet"], columns=free))
    return Assembly(dataset, out_dir, pd.DataFrame(ledger, columns=["workbook", "relay_id", "how", "refused"]),
                    accounts, problems, notes,
                    {(e["relay_id"], e["workbook"], e["sheet"]): e["headers"] for e in sheets})
