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

The layout (sheet names, headers, dropdown values) is :mod:`relais_analysis.workbooks.layout`;
the sheets themselves are written by :mod:`relais_analysis.workbooks.sheets`; the names of
the layout are re-exported here for the callers of this module.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text_pair
from relais_analysis.workbooks.layout import (
    GENDER_LABELS,
    LAYOUT,
    LISTS_SHEET,
    QUESTIONNAIRE_SHEET,
    README_SHEET,
    RELAY_LABEL,
    ROLE_LABELS,
    SYNTHETIC_LABEL,
    TYPE_LABELS,
    WAVE_LABELS,
    SheetLayout,
    bundled_instruments,
    questionnaire_layout,
    relay_file_name,
)
from relais_analysis.workbooks.registry import read_registry
from relais_analysis.workbooks.sheets import data_sheet, item_notes, lists_sheet, readme_sheet

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
    "place_choices",
    "questionnaire_layout",
    "relay_file_name",
    "write_relay_workbook",
    "write_templates",
]


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
        raise ParameterError(*text_pair("workbook_error.invalid_relay_code", relay_id=repr(relay_id)))
    path = Path(path)
    year_max = (year or dt.date.today().year)
    wb = Workbook()
    readme_sheet(wb, relay_id, name, year, synthetic)
    rows = rows or {}
    instruments = bundled_instruments()
    sheets = {**LAYOUT, "questionnaires": questionnaire_layout(instruments)}
    for table, layout in sheets.items():
        layout = (layouts or {}).get(table, layout)
        data_sheet(wb, layout, rows.get(layout.table, []), year_max,
                   item_notes(instruments) if table == "questionnaires" else None)
    lists_sheet(wb, places if places is not None else place_choices(), instruments)
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
