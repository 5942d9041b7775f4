"""The layout of a relay workbook: its sheet names, column headers and dropdown values.

This is the *input contract* of the relay workbooks: :mod:`relais_analysis.workbooks.template`
writes it, :mod:`relais_analysis.workbooks.reader` reads it back and
:mod:`relais_analysis.workbooks.feedback` quotes it. Sheet names, headers, the labels of the
``Lisez-moi`` cells that are read back and the dropdown values are data (French, as social
workers see and type them), not reader text; the instructions and help texts of the workbook
are in the text catalogue (``workbook.*``). Nothing here imports the reader, the registry or
the writer, so the three no longer import one another in a circle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relais_analysis.intake.schema import ACTIVITY_TYPES

__all__ = [
    "GENDER_LABELS",
    "LAYOUT",
    "LISTS_SHEET",
    "QUESTIONNAIRE_SHEET",
    "README_SHEET",
    "RELAY_LABEL",
    "ROLE_LABELS",
    "SYNTHETIC_LABEL",
    "SheetLayout",
    "TYPE_LABELS",
    "WAVE_LABELS",
    "questionnaire_layout",
    "relay_file_name",
]

README_SHEET = "Lisez-moi"
LISTS_SHEET = "Listes"
#: Label of the cell left of the relay code on ``Lisez-moi`` (assemble finds the code by it).
RELAY_LABEL = "Code du relais"
#: Label of the cell marking synthetic demonstration data (read back by the reader).
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
#: Base columns of the ``Questionnaire`` sheet, before one column per item.
QUESTIONNAIRE_BASE = (("participant_id", "Code participant", 18, "participant"), ("wave", "Vague", 10, "wave"),
                      ("date", "Date du questionnaire", 18, "date"), ("instrument", "Questionnaire", 14, "instrument"))


def bundled_instruments() -> dict:
    """The shipped instruments (imported late: the outcomes stage comes after collection).

    Raises
    ------
    InstrumentError
        If a bundled instrument file is unreadable.
    """
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
    found = instruments if instruments is not None else bundled_instruments()
    columns = list(QUESTIONNAIRE_BASE)
    for inst in found.values():
        columns += [(item.id, item.id, 13, f"answers:{item.answer_set}") for item in inst.items]
    return SheetLayout("questionnaires", QUESTIONNAIRE_SHEET, "Questionnaires", tuple(columns))


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
