"""Blank relay workbooks (``relais modele``): one ``.xlsx`` per relay of the registry.

Each social worker (TPR) gets a workbook that already names their relay and guides
typing with dropdowns and checks, so that what comes back can be assembled without
retyping (:mod:`relais_analysis.workbooks.assemble`). Sheets:

* ``Lisez-moi``: the relay's code and name (protected: the file identifies its relay),
  the year, and short instructions in French;
* ``Activités``, ``Participants``, ``Présences``, ``Questionnaire``: one Excel table each (rows extend with
  their formatting and checks), frozen header row, French headers that map to the
  aliases of the input contract (:mod:`relais_analysis.intake.schema`);
* ``Listes`` (hidden, protected): the dropdown lists, reached through defined names
  because Excel's inline lists stop at 255 characters.

Questionnaire layout: one row per questionnaire answered (participant picked from
``Participants``, wave ``entrée``/``suivi``/``sortie``, date, instrument), then one column
per item of every shipped instrument (header = item id as in the data contract, its
French wording in the header's comment); each item column offers the French labels of
its answers (``oui``, ``plus ou moins``...), read back as codes by the validator. Only
the columns of the row's instrument are filled.

Attendance layout: one row per presence (activity x person), both picked from
dropdowns fed by the codes typed in ``Activités`` and ``Participants``. For ~40
activities a year with 5 to 15 people each, that is 200 to 600 short rows: the activity
code is typed once and copied down (Ctrl+D / fill handle) for everyone present, and each
person is picked from the list. A grid (one column per activity, a cross per person)
looks quicker but would need a new column per activity (tables cannot grow sideways
with their checks), gets 40+ columns wide, and cannot be checked cell by cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from relais_analysis.config import PROGRAMME_START
from relais_analysis.errors import ParameterError
from relais_analysis.intake.schema import ACTIVITY_TYPES

__all__ = [
    "LAYOUT",
    "README_SHEET",
    "RELAY_LABEL",
    "SheetLayout",
    "place_choices",
    "questionnaire_layout",
    "relay_file_name",
    "write_relay_workbook",
    "write_templates",
]

README_SHEET = "Lisez-moi"
LISTS_SHEET = "Listes"
#: Label of the cell left of the relay code on ``Lisez-moi`` (assemble finds the code by it).
RELAY_LABEL = "Code du relais"
NAME_LABEL = "Nom du relais"
YEAR_LABEL = "Année"
SYNTHETIC_LABEL = "Données synthétiques"
#: Rows reserved for checks below each header (tables extend beyond it on their own).
CHECKED_ROWS = 5000

#: French labels of the dropdowns (each maps to a canonical value through ``schema``).
TYPE_LABELS = tuple(spellings[0].capitalize() for spellings in ACTIVITY_TYPES.values())
ROLE_LABELS = ("parent", "enfant")
GENDER_LABELS = ("femme", "homme", "autre", "inconnu")
#: Waves offered in the Questionnaire sheet (``outcomes.validate.canonical_wave`` reads them).
WAVE_LABELS = ("entrée", "suivi", "sortie")
QUESTIONNAIRE_SHEET = "Questionnaire"


@dataclass(frozen=True)
class SheetLayout:
    """One data sheet of the template: its table and its columns.

    Attributes
    ----------
    table : str
        Canonical table of the input contract.
    sheet : str
        Sheet name (French).
    excel_table : str
        Name of the Excel table (no spaces or accents).
    columns : tuple of (canonical, header, width, check)
        ``check`` is ``"code"``, ``"date"``, ``"type"``, ``"role"``, ``"gender"``,
        ``"place"``, ``"year"``, ``"activity"``, ``"participant"`` or ``""``.
    """

    table: str
    sheet: str
    excel_table: str
    columns: tuple[tuple[str, str, int, str], ...]


LAYOUT: dict[str, SheetLayout] = {
    "activities": SheetLayout("activities", "Activités", "Activites", (
        ("activity_id", "Code activité", 15, "code"),
        ("date", "Date de l'activité", 18, "date"),
        ("type", "Type d'activité", 22, "type"),
        ("commune", "Lieu", 28, "place"),
        ("title", "Titre", 34, ""),
    )),
    "participants": SheetLayout("participants", "Participants", "Participants", (
        ("participant_id", "Code participant", 18, "code"),
        ("family_id", "Code famille", 15, "code"),
        ("role", "Statut", 12, "role"),
        ("gender", "Genre", 12, "gender"),
        ("birth_year", "Année de naissance", 19, "year"),
        ("residence", "Commune de résidence", 30, "place"),
    )),
    "attendance": SheetLayout("attendance", "Présences", "Presences", (
        ("activity_id", "Code activité", 15, "activity"),
        ("participant_id", "Code participant", 18, "participant"),
    )),
}


def _instruments() -> dict:
    from relais_analysis.outcomes.instruments import load_instruments

    return load_instruments()


def questionnaire_layout(instruments: dict | None = None) -> SheetLayout:
    """Layout of the ``Questionnaire`` sheet: base columns, then one column per item.

    Item columns carry the check ``answers:<answer_set>`` (dropdown of the answer set's
    French labels, a named range on the hidden lists sheet).

    Raises
    ------
    InstrumentError
        If a bundled instrument file is unreadable.

    Examples
    --------
    >>> layout = questionnaire_layout()
    >>> [c[0] for c in layout.columns[:5]]
    ['participant_id', 'wave', 'date', 'instrument', 'djg_1']
    """
    instruments = instruments if instruments is not None else _instruments()
    columns = [("participant_id", "Code participant", 18, "participant"), ("wave", "Vague", 10, "wave"),
               ("date", "Date du questionnaire", 18, "date"), ("instrument", "Questionnaire", 14, "instrument")]
    for inst in instruments.values():
        columns += [(item.id, item.id, 13, f"answers:{item.answer_set}") for item in inst.items]
    return SheetLayout("questionnaires", QUESTIONNAIRE_SHEET, "Questionnaires", tuple(columns))


def _answer_lists(instruments: dict) -> dict[str, tuple[str, ...]]:
    """Answer set -> French labels of its options (first item using the set)."""
    out: dict[str, tuple[str, ...]] = {}
    for inst in instruments.values():
        for item in inst.items:
            out.setdefault(item.answer_set, tuple(o.fr for o in item.options))
    return out


def _item_notes(instruments: dict) -> dict[str, str]:
    """Item id -> comment shown on its header (instrument, French wording, answers)."""
    notes = {}
    for inst in instruments.values():
        flag = " (traduction de travail)" if inst.working_translation else ""
        for item in inst.items:
            answers = " / ".join(f"{o.fr} = {o.code}" for o in item.options)
            notes[item.id] = f"{inst.short_name}{flag} : {item.fr}\nRéponses : {answers}"
    return notes

_README_LINES = (
    "Ce classeur sert à noter les activités collectives de votre relais et qui y a participé.",
    "Il est propre à votre relais (code ci-dessus) : ne le partagez pas avec un autre relais.",
    "",
    "1. Activités : une ligne par activité. Choisissez un code court (A001, A002...), la date (JJ/MM/AAAA),",
    "   le type dans la liste, et si vous le souhaitez le lieu (commune ou localité) et un titre.",
    "2. Participants : une ligne par personne, parent ou enfant, sous un CODE (P001, P002...), jamais un nom.",
    "   Les membres d'une même famille ont le même code famille (F001...). Gardez les mêmes codes d'une année à l'autre.",
    "3. Présences : une ligne par personne présente à une activité. Tapez le code de l'activité une fois,",
    "   recopiez-le vers le bas (Ctrl+D ou poignée de recopie) pour chaque personne présente, et choisissez",
    "   chaque personne dans la liste. Pour 40 activités de 5 à 15 personnes, cela fait 200 à 600 lignes courtes,",
    "   vérifiées une à une (une grille avec une colonne par activité deviendrait illisible et invérifiable).",
    "",
    "4. Questionnaire : une ligne par questionnaire rempli par un parent. Choisissez le code du parent (liste des",
    "   Participants), la vague (entrée au premier contact, suivi vers six mois, sortie), la date et le questionnaire",
    "   (djg6 solitude, osss3 soutien social, swemwbs bien-être, programme questions du programme). Remplissez",
    "   ensuite seulement les colonnes de ce questionnaire (djg_..., osss_..., swem_..., prog_...) en choisissant",
    "   la réponse dans la liste ; la question complète s'affiche au survol de l'en-tête. Les autres colonnes",
    "   restent vides. Une ligne par questionnaire : un parent qui remplit deux questionnaires a deux lignes.",
    "",
    "Les listes déroulantes et les contrôles (dates à partir du 01/01/2022, codes sans espace) évitent les erreurs.",
    "Les tableaux s'agrandissent seuls : tapez simplement sous la dernière ligne.",
    "Vous pouvez ajouter une colonne « Remarques » : elle n'est jamais lue ni transmise.",
    "Aucun nom, adresse, téléphone ou date de naissance complète : seulement des codes.",
    "Renvoyez le classeur au centre d'appui ; il vous renverra la liste des lignes à corriger, s'il y en a.",
)
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


def place_choices() -> list[str]:
    """Places offered in the residence and place dropdowns (all resolvable by ingest).

    Uses :func:`relais_analysis.geography.resolve.place_choices` (communes and localities with
    their postal code) when it exists, else the French names of the communes.

    Raises
    ------
    ReferenceDataError
        If the reference geography cannot be read.
    """
    from relais_analysis.geography import resolve

    choices = getattr(resolve, "place_choices", None)
    if choices is not None:
        return list(choices())
    from relais_analysis.geography import reference

    return sorted(reference.communes_table(2024)["name_fr"].tolist(), key=str.casefold)


def relay_file_name(relay_id: str, name: str, year: int | None = None) -> str:
    """File name of a relay's workbook, e.g. ``R07_Mouscron_2024.xlsx``.

    Examples
    --------
    >>> relay_file_name("R07", "Relais Familles Mono – Mouscron", 2024)
    'R07_Mouscron_2024.xlsx'
    """
    short = name.split("–")[-1].split(" - ")[-1].strip()
    short = re.sub(r"[^\w]+", "_", short, flags=re.UNICODE).strip("_")
    parts = [relay_id, short] + ([str(year)] if year else [])
    return "_".join(p for p in parts if p) + ".xlsx"


def _lists_sheet(wb: Workbook, places: list[str], instruments: dict) -> None:
    ws = wb.create_sheet(LISTS_SHEET)
    columns = {"liste_types": ("Types d'activité", TYPE_LABELS), "liste_statuts": ("Statuts", ROLE_LABELS),
               "liste_genres": ("Genres", GENDER_LABELS), "liste_lieux": ("Lieux", places),
               "liste_vagues": ("Vagues", WAVE_LABELS), "liste_instruments": ("Questionnaires", tuple(instruments))}
    for answer_set, labels in _answer_lists(instruments).items():
        columns[f"rep_{answer_set}"] = (f"Réponses {answer_set}", labels)
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


def _readme_sheet(wb: Workbook, relay_id: str, name: str, year: int | None, synthetic: bool) -> None:
    ws = wb.active
    ws.title = README_SHEET
    ws["A1"] = "Relais Familles Mono : activités et présences"
    ws["A1"].font = Font(bold=True, size=14)
    rows = [(RELAY_LABEL, relay_id), (NAME_LABEL, name), (YEAR_LABEL, year if year else "")]
    if synthetic:
        rows.append((SYNTHETIC_LABEL, "oui (démonstration, personne réelle)"))
    for offset, (label, value) in enumerate(rows, start=3):
        ws.cell(row=offset, column=1, value=label).font = Font(bold=True)
        ws.cell(row=offset, column=2, value=value)
    start = 4 + len(rows)
    for offset, line in enumerate(_README_LINES):
        ws.cell(row=start + offset, column=1, value=line)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    ws.protection.sheet = True  # relay code and name cannot be edited by accident
    wb.defined_names["code_relais"] = DefinedName("code_relais", attr_text=f"'{README_SHEET}'!$B$3")


def _validation(check: str, letter: str, layouts: dict[str, SheetLayout], year_max: int,
                n_rows: int = CHECKED_ROWS) -> DataValidation | None:
    first = f"{letter}2"
    if check == "type":
        dv = DataValidation(type="list", formula1="liste_types", allow_blank=True)
    elif check == "role":
        dv = DataValidation(type="list", formula1="liste_statuts", allow_blank=True)
    elif check == "gender":
        dv = DataValidation(type="list", formula1="liste_genres", allow_blank=True)
    elif check == "wave":
        dv = DataValidation(type="list", formula1="liste_vagues", allow_blank=True)
    elif check == "instrument":
        dv = DataValidation(type="list", formula1="liste_instruments", allow_blank=True)
    elif check.startswith("answers:"):
        dv = DataValidation(type="list", formula1=f"rep_{check.split(':', 1)[1]}", allow_blank=True)
    elif check == "place":  # a warning only: a place missing from the list can still be typed
        dv = DataValidation(type="list", formula1="liste_lieux", allow_blank=True, errorStyle="warning")
    elif check == "date":
        start = (PROGRAMME_START - dt.date(1899, 12, 30)).days
        dv = DataValidation(type="date", operator="greaterThanOrEqual", formula1=str(start), allow_blank=True)
        dv.error = "Une date à partir du 01/01/2022 (JJ/MM/AAAA)."
    elif check == "year":
        dv = DataValidation(type="whole", operator="between", formula1="1920", formula2=str(year_max),
                            allow_blank=True)
        dv.error = f"Une année entre 1920 et {year_max}."
    elif check == "code":
        dv = DataValidation(type="custom", allow_blank=True,
                            formula1=f'AND(LEN({first})<=20,ISERROR(SEARCH(" ",{first})))')
        dv.error = "Un code court sans espace (P001, F001, A001...), jamais un nom."
    elif check in {"activity", "participant"}:
        source = layouts["activities" if check == "activity" else "participants"]
        dv = DataValidation(type="list", formula1=f"liste_{source.excel_table.lower()}", allow_blank=True)
        dv.showInputMessage = True
        dv.promptTitle = "Une ligne par personne présente"
        dv.prompt = ("Tapez le code de l'activité une fois puis recopiez-le vers le bas (Ctrl+D)."
                     if check == "activity" else "Choisissez la personne dans la liste des codes de Participants.")
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = dv.errorTitle or "Valeur non valable"
    dv.error = dv.error or "Choisissez une valeur dans la liste."
    dv.add(f"{letter}2:{letter}{n_rows + 1}")
    return dv


def _data_sheet(wb: Workbook, layout: SheetLayout, rows: list[list[object]], year_max: int,
                notes: dict[str, str] | None = None) -> None:
    ws = wb.create_sheet(layout.sheet)
    n_rows = max(CHECKED_ROWS, len(rows) + 1000)
    for col, (_canonical, header, width, check) in enumerate(layout.columns, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = cell.column_letter
        ws.column_dimensions[letter].width = width
        if check == "date":
            fmt = "DD/MM/YYYY"
        elif check in {"code", "activity", "participant", "place"} or check.startswith("answers:"):
            fmt = "@"  # text: "001" stays "001"
        else:
            fmt = None
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
        if notes and _canonical in notes:
            cell.comment = Comment(notes[_canonical], "Relais Familles Mono", width=320, height=140)
        dv = _validation(check, letter, LAYOUT, year_max, n_rows)
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


def write_relay_workbook(
    path: str | Path,
    relay_id: str,
    name: str,
    *,
    year: int | None = None,
    places: list[str] | None = None,
    rows: dict[str, list[list[object]]] | None = None,
    synthetic: bool = False,
    layouts: dict[str, SheetLayout] | None = None,
) -> Path:
    """Write one relay's workbook (blank, or filled with ``rows`` for the demo and tests).

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` file written (parent folders created).
    relay_id, name : str
        Relay code and public name, written on ``Lisez-moi`` and protected.
    year : int, optional
        Year the workbook is for (informative).
    places : list of str, optional
        Place dropdown (default :func:`place_choices`).
    rows : dict, optional
        Table name -> rows of values in the order of :data:`LAYOUT` columns (and of
        :func:`questionnaire_layout` for ``questionnaires``).
    synthetic : bool, default False
        Mark the workbook as synthetic demonstration data.
    layouts : dict, optional
        Replacement sheet layouts (other headers, extra columns), for the demo and tests.

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        If the relay code is empty or holds a space.
    InstrumentError
        If a bundled instrument file is unreadable.
    """
    if not relay_id or re.search(r"\s", relay_id):
        raise ParameterError(f"Code de relais invalide : {relay_id!r}.", f"Invalid relay code: {relay_id!r}.")
    path = Path(path)
    year_max = (year or dt.date.today().year)
    wb = Workbook()
    _readme_sheet(wb, relay_id, name, year, synthetic)
    rows = rows or {}
    instruments = _instruments()
    sheets = {**LAYOUT, "questionnaires": questionnaire_layout(instruments)}
    for table, layout in sheets.items():
        layout = (layouts or {}).get(table, layout)
        _data_sheet(wb, layout, rows.get(layout.table, []), year_max,
                    _item_notes(instruments) if table == "questionnaires" else None)
    _lists_sheet(wb, places if places is not None else place_choices(), instruments)
    wb.active = 1  # open on Activités
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_templates(out_dir: str | Path, registry: str | Path | None = None, *, year: int | None = None) -> list[Path]:
    """Write one blank workbook per relay of the registry (``relais modele``).

    Parameters
    ----------
    out_dir : str or Path
        Folder written into (created).
    registry : str or Path, optional
        Folder or workbook holding the ``relays`` (+ ``territories``) tables; default:
        the demo relays.
    year : int, optional
        Year the workbooks are for; closed relays (closed before that year) are skipped.

    Returns
    -------
    list of Path
        The workbooks written, in relay order.

    Raises
    ------
    InputDataError
        If the registry cannot be read or has no relay.
    """
    from relais_analysis.workbooks.registry import read_registry

    relays = read_registry(registry).relays
    places = place_choices()
    out = Path(out_dir)
    written = []
    for relay in relays.itertuples(index=False):
        closed = getattr(relay, "closed", None)
        if year and isinstance(closed, str) and closed[:4].isdigit() and int(closed[:4]) < year:
            continue
        written.append(write_relay_workbook(out / relay_file_name(relay.relay_id, relay.name, year),
                                            relay.relay_id, relay.name, year=year, places=places))
    return written
