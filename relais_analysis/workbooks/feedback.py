"""Feedback of ``relais assemble``: one French workbook per relay, one summary for the support centre.

Each relay's workbook lists the rows to correct (and the warnings), as the social worker
sees them: sheet, Excel row, column header as they wrote it, value as typed, reason and a
suggestion. The support centre's summary gives, per relay and table, rows read, accepted
and rejected (read = accepted + rejected), warnings, and what is missing (no workbook,
a sheet or a required column). These files hold pseudonymous codes and are internal:
they go to a folder of their own, never to ``reports/``. Text cells that could run as
formulas are neutralised, in the workbooks as in the CSV files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.table import Table, TableStyleInfo

from relais_analysis.i18n import text
from relais_analysis.workbooks.assemble import Assembly
from relais_analysis.privacy.safe_csv import neutralise_cell, write_csv
from relais_analysis.workbooks.layout import GENDER_LABELS, LAYOUT, QUESTIONNAIRE_SHEET, ROLE_LABELS, TYPE_LABELS

__all__ = ["FEEDBACK_HEADERS", "suggestion_for", "write_feedback"]

#: The feedback is written in French (its readers are the relays' social workers and the support centre).
_LANG = "fr"


def _text(key: str, **fields: object) -> str:
    return text(f"workbook_feedback.{key}", _LANG, **fields)


def _headers(*keys: str) -> list[str]:
    return [_text(f"header.{key}") for key in keys]


FEEDBACK_HEADERS = _headers("sheet", "row", "column", "value", "problem", "suggestion", "kind")
_SUMMARY_HEADERS = dict(zip(("relay_id", "table", "workbook", "sheet", "read", "accepted", "rejected", "warnings",
                             "missing"),
                            _headers("relay", "table", "workbook", "sheet", "read", "accepted", "rejected", "warnings",
                                     "missing")))
#: Table -> its sheet name in the template.
_TABLE_FR = {**{table: layout.sheet for table, layout in LAYOUT.items()}, "questionnaires": QUESTIONNAIRE_SHEET}
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


_CHOICES = {"type": TYPE_LABELS, "role": ROLE_LABELS, "gender": GENDER_LABELS}
#: Fragments of intake's French rejection reasons (matched, never shown) -> suggestion key, first match wins.
_REASON_NEEDLES = (
    ("identifiant inconnu dans la table activities", "unknown_activity"),
    ("identifiant inconnu dans la table participants", "unknown_participant"),
    ("présence en double", "duplicate_presence"),
    ("date illisible", "unreadable_date"),
    ("lancement du programme", "before_start"),
    ("date d'extraction", "after_extraction"),
    ("valeur non reconnue", "choose_value"),
    ("valeur manquante", "required"),
    ("en double", "duplicate_code"),
    ("parent et comme enfant", "parent_and_child"),
    ("inférieure au minimum", "below_minimum"),
    ("supérieure au maximum", "above_maximum"),
    ("colonne obligatoire absente", "missing_column"),
    ("avant l'ouverture", "before_opening"),
    ("après la fermeture", "after_closing"),
    ("commune", "place"),
)


def suggestion_for(reason: str, column: str = "") -> str:
    """A short French suggestion for a rejection reason of :mod:`relais_analysis.intake.ingest`.

    Examples
    --------
    >>> suggestion_for("présence en double (déjà à la ligne 12)")
    'Supprimez cette ligne : la personne est déjà notée présente à cette activité.'
    >>> suggestion_for("valeur non reconnue (valeurs possibles : parent, enfant)", "role")
    'Choisissez dans la liste déroulante : parent, enfant.'
    """
    hint = re.search(r"(Vouliez-vous dire[^?]*\?)", reason)
    if hint:
        return hint.group(1)
    if "valeur non reconnue" in reason and column in _CHOICES:
        return _text("suggestion.choose_from", choices=", ".join(_CHOICES[column]))
    for needle, key in _REASON_NEEDLES:
        if needle in reason:
            return _text(f"suggestion.{key}")
    return ""


def _header_of(assembly_sheets: dict, relay: str, workbook: str, sheet: str, column: str) -> str:
    headers = assembly_sheets.get((relay, workbook, sheet), {})
    return headers.get(column, column)


def _as_typed(relay: str, value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value)
    return text.replace(f"{relay}:", "") if relay else text


def _write_sheet(ws, headers: list[str], rows: list[list[object]], table_name: str, widths: list[int]) -> None:
    for j, (head, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=1, column=j, value=head)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), _HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = width
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=neutralise_cell(value) if isinstance(value, str) else value)
    last = ws.cell(row=1, column=len(headers)).column_letter
    table = Table(displayName=table_name, ref=f"A1:{last}{max(len(rows), 1) + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"


def _relay_rows(assembly: Assembly, relay: str, headers: dict) -> list[list[object]]:
    problems = assembly.problems[assembly.problems["relay_id"] == relay]
    problems = problems.sort_values(["sheet", "row", "column"], kind="stable")
    rows = []
    for p in problems.itertuples(index=False):
        column = _header_of(headers, relay, p.workbook, p.sheet, p.column)
        rows.append([p.sheet, int(p.row), column, _as_typed(relay, p.value), p.reason_fr,
                     suggestion_for(p.reason_fr, p.column), p.kind])
    return rows


def write_feedback(assembly: Assembly, out_dir: str | Path) -> list[Path]:
    """Write the per-relay feedback workbooks and the support centre's summary.

    Parameters
    ----------
    assembly : Assembly
        Result of :func:`relais_analysis.workbooks.assemble.assemble`.
    out_dir : str or Path
        Internal folder (created): ``retour_<relais>.xlsx`` per relay with a workbook,
        ``synthese_centre_appui.xlsx``, ``synthese_centre_appui.csv`` and ``problemes.csv``.

    Returns
    -------
    list of Path
        Files written.

    Raises
    ------
    OSError
        If the folder cannot be written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    default = {layout.sheet: {c: h for c, h, _w, _k in layout.columns} for layout in LAYOUT.values()}
    headers = dict(assembly.headers)
    for (relay, workbook, sheet) in {tuple(x) for x in assembly.problems[["relay_id", "workbook", "sheet"]]
                                     .itertuples(index=False)}:
        headers.setdefault((relay, workbook, sheet), default.get(sheet, {}))
    written = []
    accounts = assembly.accounts
    for relay, group in accounts[accounts["workbook"] != ""].groupby("relay_id", sort=True):
        wb = Workbook()
        ws = wb.active
        ws.title = _text("sheet.to_correct")
        rows = _relay_rows(assembly, relay, headers)
        _write_sheet(ws, FEEDBACK_HEADERS, rows, "A_corriger", [14, 8, 22, 22, 60, 60, 14])
        if not rows:
            ws.cell(row=3, column=1, value=_text("nothing_to_correct"))
        summary = wb.create_sheet(_text("sheet.summary"))
        table_rows = [[_TABLE_FR.get(r.table, r.table), r.sheet, r.read, r.accepted, r.rejected, r.warnings,
                       r.missing] for r in group.itertuples(index=False)]
        _write_sheet(summary, _headers("table", "sheet", "read", "accepted", "rejected", "warnings", "missing"),
                     table_rows, "Resume", [14, 14, 12, 12, 12, 15, 30])
        path = out / f"retour_{relay}.xlsx"
        wb.save(path)
        written.append(path)
    written += _write_summary(assembly, out)
    return written


def _write_summary(assembly: Assembly, out: Path) -> list[Path]:
    frame = assembly.accounts.rename(columns=_SUMMARY_HEADERS)
    table = _SUMMARY_HEADERS["table"]
    frame[table] = frame[table].map(lambda t: _TABLE_FR.get(t, t))
    wb = Workbook()
    ws = wb.active
    ws.title = _text("sheet.per_relay")
    _write_sheet(ws, list(frame.columns), frame.values.tolist(), "Par_relais", [8, 13, 28, 13, 11, 10, 9, 14, 24])
    names = dict(zip(("workbook", "relay_id", "how", "refused"), _headers("workbook", "relay", "how", "refused")))
    books = assembly.workbooks.rename(columns=names)
    books[names["refused"]] = books[names["refused"]].map({True: _text("yes"), False: _text("no")})
    _write_sheet(wb.create_sheet(_text("sheet.workbooks")), list(books.columns), books.values.tolist(), "Classeurs",
                 [32, 8, 70, 8])
    other = assembly.problems[assembly.problems["relay_id"] == ""]
    other_rows = [[p.workbook, p.row, p.column, p.value, p.reason_fr, p.kind] for p in other.itertuples(index=False)]
    _write_sheet(wb.create_sheet(_text("sheet.registry")), _headers("file", "row", "column", "value", "problem", "kind"),
                 other_rows, "Registre", [20, 8, 16, 20, 60, 14])
    notes = wb.create_sheet(_text("sheet.notes"))
    notes.column_dimensions["A"].width = 120
    for i, note in enumerate(assembly.notes, start=1):
        notes.cell(row=i, column=1, value=neutralise_cell(note))
    xlsx = out / "synthese_centre_appui.xlsx"
    wb.save(xlsx)
    # The CSV copies open by a double click in a French Excel, as the published tables: ";" and French headers.
    csv = write_csv(frame, out / "synthese_centre_appui.csv", sep=";", bom=True)
    problems = assembly.problems[[c for c in assembly.problems.columns if c != "csv_row"]]
    problems = problems.assign(table=problems["table"].map(lambda t: _TABLE_FR.get(t, t)))
    problems = problems.rename(columns=dict(zip(
        ("relay_id", "workbook", "sheet", "row", "column", "value", "reason_fr", "reason_en", "kind", "table"),
        _headers("relay", "workbook", "sheet", "row", "column", "value", "problem", "problem_en", "kind", "table"))))
    return [xlsx, csv, write_csv(problems, out / "problemes.csv", sep=";", bom=True)]
