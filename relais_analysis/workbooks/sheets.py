"""The sheets of a relay workbook: ``Lisez-moi``, the data sheets with their checks, the hidden lists.

Used by :func:`relais_analysis.workbooks.template.write_relay_workbook`. The instructions,
help texts and check messages come from the text catalogue (``workbook.*``, in French: the
workbook is filled in by French-speaking social workers); sheet names, headers and dropdown
values are the input contract of :mod:`relais_analysis.workbooks.layout`.
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from relais_analysis.config import PROGRAMME_START
from relais_analysis.i18n import text
from relais_analysis.workbooks.layout import (
    CHECKED_ROWS,
    GENDER_LABELS,
    LAYOUT,
    LISTS_SHEET,
    README_SHEET,
    RELAY_LABEL,
    ROLE_LABELS,
    SYNTHETIC_LABEL,
    TYPE_LABELS,
    WAVE_LABELS,
    SheetLayout,
)

__all__ = ["answer_lists", "data_sheet", "item_notes", "lists_sheet", "readme_sheet", "validation"]

#: The workbook is written in French (its readers are the relays' social workers).
_LANG = "fr"
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


def _text(key: str, **fields: object) -> str:
    return text(f"workbook.{key}", _LANG, **fields)


def answer_lists(instruments: dict) -> dict[str, tuple[str, ...]]:
    """Answer set -> French labels of its options (first item using the set)."""
    out: dict[str, tuple[str, ...]] = {}
    for inst in instruments.values():
        for item in inst.items:
            out.setdefault(item.answer_set, tuple(o.fr for o in item.options))
    return out


def item_notes(instruments: dict) -> dict[str, str]:
    """Item id -> comment shown on its header (instrument, French wording, answers)."""
    notes = {}
    for inst in instruments.values():
        flag = _text("note.working_translation") if inst.working_translation else ""
        for item in inst.items:
            answers = " / ".join(f"{o.fr} = {o.code}" for o in item.options)
            notes[item.id] = _text("note.item", instrument=inst.short_name, flag=flag, wording=item.fr,
                                   answers=answers)
    return notes


def lists_sheet(wb: Workbook, places: list[str], instruments: dict) -> None:
    """Add the hidden, protected ``Listes`` sheet and the defined names of the dropdowns."""
    ws = wb.create_sheet(LISTS_SHEET)
    columns = {"liste_types": (_text("list.types"), TYPE_LABELS), "liste_statuts": (_text("list.roles"), ROLE_LABELS),
               "liste_genres": (_text("list.genders"), GENDER_LABELS), "liste_lieux": (_text("list.places"), places),
               "liste_vagues": (_text("list.waves"), WAVE_LABELS),
               "liste_instruments": (_text("list.instruments"), tuple(instruments))}
    for answer_set, labels in answer_lists(instruments).items():
        columns[f"rep_{answer_set}"] = (_text("list.answers", answer_set=answer_set), labels)
    for col, (name, (header, values)) in enumerate(columns.items(), start=1):
        letter = ws.cell(row=1, column=col).column_letter
        ws.cell(row=1, column=col, value=header).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=col, value=value)
        ref = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
        ws.column_dimensions[letter].width = 30
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def readme_sheet(wb: Workbook, relay_id: str, name: str, year: int | None, synthetic: bool) -> None:
    """Turn the first sheet into ``Lisez-moi``: relay code and name (protected), year, instructions."""
    ws = wb.active
    ws.title = README_SHEET
    ws["A1"] = _text("title")
    ws["A1"].font = Font(bold=True, size=14)
    rows = [(RELAY_LABEL, relay_id), (_text("name_label"), name), (_text("year_label"), year if year else "")]
    if synthetic:
        rows.append((SYNTHETIC_LABEL, _text("synthetic_value")))
    for offset, (label, value) in enumerate(rows, start=3):
        ws.cell(row=offset, column=1, value=label).font = Font(bold=True)
        ws.cell(row=offset, column=2, value=value)
    start = 4 + len(rows)
    for offset, line in enumerate(_text("readme").split("\n")):
        ws.cell(row=start + offset, column=1, value=line)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    ws.protection.sheet = True  # relay code and name cannot be edited by accident
    wb.defined_names["code_relais"] = DefinedName("code_relais", attr_text=f"'{README_SHEET}'!$B$3")


#: Checks that are a dropdown of a defined name of the ``Listes`` sheet.
_LIST_CHECKS = {"type": "liste_types", "role": "liste_statuts", "gender": "liste_genres", "wave": "liste_vagues",
                "instrument": "liste_instruments"}


def validation(check: str, letter: str, layouts: dict[str, SheetLayout], year_max: int,
               n_rows: int = CHECKED_ROWS) -> DataValidation | None:
    """The data validation of column ``letter`` for ``check`` (see :class:`SheetLayout`), or None."""
    first = f"{letter}2"
    if check in _LIST_CHECKS:
        dv = DataValidation(type="list", formula1=_LIST_CHECKS[check], allow_blank=True)
    elif check.startswith("answers:"):
        dv = DataValidation(type="list", formula1=f"rep_{check.split(':', 1)[1]}", allow_blank=True)
    elif check == "place":  # a warning only: a place missing from the list can still be typed
        dv = DataValidation(type="list", formula1="liste_lieux", allow_blank=True, errorStyle="warning")
    elif check == "date":
        start = (PROGRAMME_START - dt.date(1899, 12, 30)).days
        dv = DataValidation(type="date", operator="greaterThanOrEqual", formula1=str(start), allow_blank=True)
        dv.error = _text("check.date")
    elif check == "year":
        dv = DataValidation(type="whole", operator="between", formula1="1920", formula2=str(year_max),
                            allow_blank=True)
        dv.error = _text("check.year", year_max=year_max)
    elif check == "code":
        dv = DataValidation(type="custom", allow_blank=True,
                            formula1=f'AND(LEN({first})<=20,ISERROR(SEARCH(" ",{first})))')
        dv.error = _text("check.code")
    elif check in {"activity", "participant"}:
        source = layouts["activities" if check == "activity" else "participants"]
        dv = DataValidation(type="list", formula1=f"liste_{source.excel_table.lower()}", allow_blank=True)
        dv.showInputMessage = True
        dv.promptTitle = _text("check.presence_title")
        dv.prompt = _text("check.presence_activity" if check == "activity" else "check.presence_participant")
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = dv.errorTitle or _text("check.invalid_title")
    dv.error = dv.error or _text("check.invalid_list")
    dv.add(f"{letter}2:{letter}{n_rows + 1}")
    return dv


def _number_format(check: str) -> str | None:
    if check == "date":
        return "DD/MM/YYYY"
    if check in {"code", "activity", "participant", "place"} or check.startswith("answers:"):
        return "@"  # text: "001" stays "001"
    return None


def data_sheet(wb: Workbook, layout: SheetLayout, rows: list[list[object]], year_max: int,
               notes: dict[str, str] | None = None) -> None:
    """Add one data sheet: styled headers, checks, the rows given, an Excel table, a frozen header."""
    ws = wb.create_sheet(layout.sheet)
    n_rows = max(CHECKED_ROWS, len(rows) + 1000)
    for col, (canonical, header, width, check) in enumerate(layout.columns, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = cell.column_letter
        ws.column_dimensions[letter].width = width
        fmt = _number_format(check)
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
        if notes and canonical in notes:
            cell.comment = Comment(notes[canonical], _text("note.author"), width=320, height=140)
        dv = validation(check, letter, LAYOUT, year_max, n_rows)
        if dv is not None:
            ws.add_data_validation(dv)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text as typed, never a formula
            if isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = "DD/MM/YYYY"
    last = ws.cell(row=1, column=len(layout.columns)).column_letter
    table = Table(displayName=layout.excel_table, ref=f"A1:{last}{max(len(rows), 1) + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    if layout.table in {"activities", "participants"}:
        name = f"liste_{layout.excel_table.lower()}"
        ref = f"'{layout.sheet}'!$A$2:$A${n_rows + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
