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

from relais_analysis.workbooks.assemble import Assembly
from relais_analysis.privacy.safe_csv import neutralise_cell, write_csv
from relais_analysis.workbooks.layout import GENDER_LABELS, LAYOUT, ROLE_LABELS, TYPE_LABELS

__all__ = ["FEEDBACK_HEADERS", "suggestion_for", "write_feedback"]

FEEDBACK_HEADERS = ["Feuille", "Ligne", "Colonne", "Valeur", "Problème", "Suggestion", "Type"]
_SUMMARY_HEADERS = {"relay_id": "Relais", "table": "Table", "workbook": "Classeur", "sheet": "Feuille",
                    "read": "Lignes lues", "accepted": "Acceptées", "rejected": "Rejetées",
                    "warnings": "Avertissements", "missing": "Ce qui manque"}
_TABLE_FR = {"activities": "Activités", "participants": "Participants", "attendance": "Présences",
             "questionnaires": "Questionnaire"}
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")


_CHOICES = {"type": TYPE_LABELS, "role": ROLE_LABELS, "gender": GENDER_LABELS}


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
        return f"Choisissez dans la liste déroulante : {', '.join(_CHOICES[column])}."
    rules = (
        ("identifiant inconnu dans la table activities",
         "Ajoutez ce code dans la feuille Activités, ou corrigez-le (il doit y être écrit à l'identique)."),
        ("identifiant inconnu dans la table participants",
         "Ajoutez ce code dans la feuille Participants, ou corrigez-le (il doit y être écrit à l'identique)."),
        ("présence en double", "Supprimez cette ligne : la personne est déjà notée présente à cette activité."),
        ("date illisible", "Écrivez la date sous la forme JJ/MM/AAAA (par exemple 05/03/2024)."),
        ("lancement du programme", "Vérifiez l'année : le programme a commencé le 01/01/2022."),
        ("date d'extraction", "Vérifiez la date : elle est postérieure à l'extraction des données."),
        ("valeur non reconnue", "Choisissez une valeur dans la liste déroulante."),
        ("valeur manquante", "Complétez cette case (elle est obligatoire)."),
        ("en double", "Gardez une seule ligne par code, ou donnez un autre code."),
        ("parent et comme enfant", "Une personne est soit parent, soit enfant : corrigez le statut ou le code."),
        ("inférieure au minimum", "Vérifiez le nombre (année de naissance à partir de 1920)."),
        ("supérieure au maximum", "Vérifiez le nombre."),
        ("colonne obligatoire absente", "Rétablissez l'en-tête de colonne du modèle (voir Lisez-moi)."),
        ("avant l'ouverture", "Vérifiez la date ou le relais : le relais n'était pas encore ouvert."),
        ("après la fermeture", "Vérifiez la date ou le relais : le relais était fermé."),
        ("commune", "Choisissez la commune ou la localité dans la liste (avec son code postal si besoin)."),
    )
    for needle, text in rules:
        if needle in reason:
            return text
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
        ws.title = "À corriger"
        rows = _relay_rows(assembly, relay, headers)
        _write_sheet(ws, FEEDBACK_HEADERS, rows, "A_corriger", [14, 8, 22, 22, 60, 60, 14])
        if not rows:
            ws.cell(row=3, column=1, value="Aucune ligne à corriger : merci !")
        summary = wb.create_sheet("Résumé")
        table_rows = [[_TABLE_FR.get(r.table, r.table), r.sheet, r.read, r.accepted, r.rejected, r.warnings,
                       r.missing] for r in group.itertuples(index=False)]
        _write_sheet(summary, ["Table", "Feuille", "Lignes lues", "Acceptées", "Rejetées", "Avertissements",
                               "Ce qui manque"], table_rows, "Resume", [14, 14, 12, 12, 12, 15, 30])
        path = out / f"retour_{relay}.xlsx"
        wb.save(path)
        written.append(path)
    written += _write_summary(assembly, out)
    return written


def _write_summary(assembly: Assembly, out: Path) -> list[Path]:
    frame = assembly.accounts.rename(columns=_SUMMARY_HEADERS)
    frame["Table"] = frame["Table"].map(lambda t: _TABLE_FR.get(t, t))
    wb = Workbook()
    ws = wb.active
    ws.title = "Par relais"
    _write_sheet(ws, list(frame.columns), frame.values.tolist(), "Par_relais", [8, 13, 28, 13, 11, 10, 9, 14, 24])
    books = assembly.workbooks.rename(columns={"workbook": "Classeur", "relay_id": "Relais",
                                               "how": "Rattachement ou motif du refus", "refused": "Refusé"})
    books["Refusé"] = books["Refusé"].map({True: "oui", False: "non"})
    _write_sheet(wb.create_sheet("Classeurs"), list(books.columns), books.values.tolist(), "Classeurs",
                 [32, 8, 70, 8])
    other = assembly.problems[assembly.problems["relay_id"] == ""]
    other_rows = [[p.workbook, p.row, p.column, p.value, p.reason_fr, p.kind] for p in other.itertuples(index=False)]
    _write_sheet(wb.create_sheet("Registre"), ["Fichier", "Ligne", "Colonne", "Valeur", "Problème", "Type"],
                 other_rows, "Registre", [20, 8, 16, 20, 60, 14])
    notes = wb.create_sheet("Notes")
    notes.column_dimensions["A"].width = 120
    for i, note in enumerate(assembly.notes, start=1):
        notes.cell(row=i, column=1, value=neutralise_cell(note))
    xlsx = out / "synthese_centre_appui.xlsx"
    wb.save(xlsx)
    csv = write_csv(assembly.accounts, out / "synthese_centre_appui.csv", bom=True)
    columns = [c for c in assembly.problems.columns if c not in {"csv_row"}]
    problems = write_csv(assembly.problems[columns], out / "problemes.csv", bom=True)
    return [xlsx, csv, problems]
