"""The demo data as 19 filled-in relay workbooks (``relais demo --workbooks OUT_DIR``).

The synthetic dataset of :mod:`relais_analysis.demo.dataset` is split by relay and written the
way social workers would fill their workbooks, so that ``relais assemble`` can be tried
(and tested) on realistic input:

* local codes that collide: ``A001``, ``P001``, ``F001``... restart in every relay; only
  the people (and families) known to two relays carry a keyed pseudonym (``P`` + 12 hex
  characters, as ``relais pseudonymise`` makes with the shared key), the same in both;
* French headers, some with typographic apostrophes (``Date de l’activité``), a few extra
  ``Remarques`` columns; some dates typed as text (``05/03/2024``), others real Excel dates;
* some villages instead of communes (``Jambes`` for Namur), some postal codes;
* 17 workbooks made from the template; two not: one identified by its file name, one by a
  relay column;
* the demo questionnaires (``questionnaires.csv`` of ``data/demo``) on each relay's
  ``Questionnaire`` sheet, in the relay of the parent's first activity: answers as the
  French labels of the dropdowns (template workbooks) or as codes (the two others);
* a handful of real errors, each in an *extra* row (a row that is not part of the demo
  data), listed in ``erreurs_semees.json``: assembling gives exactly the numbers of
  ``data/demo`` and the feedback workbooks list exactly these rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from relais_analysis.geography import reference
from relais_analysis.demo.dataset import DEMO_SEED, write_demo
from relais_analysis.errors import ReferenceDataError
from relais_analysis.geography.resolve import get_resolver
from relais_analysis.intake.schema import ACTIVITY_TYPES
from relais_analysis.outcomes.instruments import load_instruments
from relais_analysis.workbooks.template import (
    LAYOUT,
    TYPE_LABELS,
    SheetLayout,
    place_choices,
    questionnaire_layout,
    relay_file_name,
    write_relay_workbook,
)

__all__ = ["DemoWorkbooks", "MANIFEST_NAME", "PLANTED", "write_demo_workbooks"]

MANIFEST_NAME = "erreurs_semees.json"
_TYPE_LABEL = dict(zip(ACTIVITY_TYPES, TYPE_LABELS))
_GENDER = {"F": "femme", "M": "homme", "X": "autre", "": None}
#: Relays whose workbook is not made from the template: file name, and how it is identified.
_PLAIN = {"R06": "Tournai export présences.xlsx", "R18": "activites_2022-2025.xlsx"}
_RELAY_COLUMN = {"R18"}
#: Relays whose headers use typographic apostrophes; relays with a Remarques column.
_TYPOGRAPHIC = {"R02", "R05", "R09", "R13", "R16"}
_REMARKS = {"R03", "R11", "R15"}
#: Planted errors: relay, table, position (fraction of the sheet), values, column, what is wrong.
PLANTED: tuple[tuple[str, str, float, tuple, str, str], ...] = (
    ("R01", "participants", 0.5, ("P9001", "F9001", "parent", "femme", 1890, None), "birth_year",
     "année de naissance 1890 (faute de frappe)"),
    ("R03", "activities", 0.3, ("A9001", "31/02/2024", "Atelier créatif", None, "Atelier peinture"), "date",
     "date impossible 31/02/2024"),
    ("R05", "activities", 0.8, ("A9002", "12/05/2024", "Pique-nique", None, None), "type",
     "type d'activité hors liste"),
    ("R09", "attendance", 0.6, (None, "P999"), "participant_id", "code participant absent de la feuille Participants"),
    ("R12", "attendance", 0.4, None, "participant_id", "présence notée deux fois"),
    ("R14", "participants", 0.2, ("P9002", "F9002", "grand-mère", "femme", 1950, None), "role",
     "statut hors liste (grand-mère)"),
)


@dataclass
class DemoWorkbooks:
    """What :func:`write_demo_workbooks` wrote: the workbooks, the manifest, the planted errors."""

    workbooks: list[Path]
    manifest: Path
    planted: list[dict]


def _keyed(prefix: str, code: str) -> str:
    return prefix + hashlib.sha256(f"demo-shared-key|{code}".encode()).hexdigest()[:12]


def _local_codes(prefix: str, values: list[str]) -> dict[str, str]:
    width = max(3, len(str(len(values))))
    return {v: f"{prefix}{i:0{width}d}" for i, v in enumerate(values, start=1)}


def _place_names(rng: np.random.Generator) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Commune name per code, and the village names that resolve to each commune."""
    resolver = get_resolver()
    names = {}
    for nis, name in zip(reference.communes_table(2024)["nis"], reference.communes_table(2024)["name_fr"]):
        try:
            names[nis] = name if resolver.resolve(name).nis == nis else None
        except ReferenceDataError:  # e.g. "Celles (Tournai)": use the dropdown's label "Celles (7760)"
            names[nis] = None
    for choice in place_choices():
        nis = resolver.resolve(choice).nis
        if names.get(nis) is None:
            names[nis] = choice
    villages: dict[str, list[str]] = {}
    locs = reference.localities()
    for name, nis in zip(locs["locality_fr"], locs["nis"]):
        if name == names.get(nis):
            continue
        try:
            if resolver.resolve(name).nis == nis:
                villages.setdefault(nis, []).append(name)
        except ReferenceDataError:  # shared or unknown name: not used as a village
            continue
    return names, villages


def _date_cell(value: str, as_text: bool) -> object:
    day = dt.date.fromisoformat(value)
    return day.strftime("%d/%m/%Y") if as_text else day


def _layouts(relay: str) -> dict[str, SheetLayout] | None:
    if relay not in _TYPOGRAPHIC and relay not in _REMARKS:
        return None
    out = {}
    for table, layout in LAYOUT.items():
        columns = tuple((c, h.replace("'", "’") if relay in _TYPOGRAPHIC else h, w, k)
                        for c, h, w, k in layout.columns)
        if relay in _REMARKS and table in {"activities", "participants"}:
            columns += (("remarks", "Remarques", 30, ""),)
        out[table] = SheetLayout(layout.table, layout.sheet, layout.excel_table, columns)
    return out


def _relay_rows(relay: str, tables: dict[str, pd.DataFrame], multi_people: set[str], multi_families: set[str],
                places: tuple[dict[str, str], dict[str, list[str]]], rng: np.random.Generator) -> dict[str, list]:
    names, villages = places
    acts = tables["activities"][tables["activities"]["relay_id"] == relay]
    att = tables["attendance"][tables["attendance"]["activity_id"].isin(acts["activity_id"])]
    people = tables["participants"][tables["participants"]["participant_id"].isin(att["participant_id"])]
    act_code = _local_codes("A", list(acts["activity_id"]))
    local_people = [p for p in people["participant_id"] if p not in multi_people]
    person_code = _local_codes("P", local_people) | {p: _keyed("P", p) for p in people["participant_id"]
                                                     if p in multi_people}
    local_families = list(dict.fromkeys(f for f in people["family_id"] if f not in multi_families))
    family_code = _local_codes("F", local_families) | {f: _keyed("F", f) for f in people["family_id"]
                                                       if f in multi_families}
    text_share = {0: 0.0, 1: 0.35, 2: 1.0}[int(relay[1:]) % 3]
    village_share = 0.25 if int(relay[1:]) % 2 else 0.05
    extra = relay in _REMARKS
    activities = []
    for a in acts.itertuples(index=False):
        row = [act_code[a.activity_id], _date_cell(a.date, rng.random() < text_share), _TYPE_LABEL[a.type],
               names.get(a.commune, a.commune) if a.commune else None, a.title or None]
        activities.append(row + ([None] if extra else []))
    participants = []
    for p in people.itertuples(index=False):
        residence = None
        if p.residence:
            choices = villages.get(p.residence)
            residence = (str(rng.choice(choices)) if choices and rng.random() < village_share
                         else names.get(p.residence, p.residence))
        row = [person_code[p.participant_id], family_code[p.family_id], "parent" if p.role == "parent" else "enfant",
               _GENDER[p.gender], int(p.birth_year) if p.birth_year else None, residence]
        participants.append(row + ([None] if extra else []))
    if extra and activities:
        activities[0][-1] = "annulée puis reportée"
        participants[0][-1] = "vient avec une voisine"
    attendance = [[act_code[a], person_code[p]] for a, p in zip(att["activity_id"], att["participant_id"])]
    answers = tables["questionnaires"]
    answers = answers[answers["participant_id"].map(tables["home"]).eq(relay)]
    questionnaires = _questionnaire_rows(answers, person_code, relay not in _PLAIN, text_share, rng)
    return {"activities": activities, "participants": participants, "attendance": attendance,
            "questionnaires": questionnaires}


def _questionnaire_rows(answers: pd.DataFrame, person_code: dict[str, str], as_labels: bool,
                        text_share: float, rng: np.random.Generator) -> list[list]:
    """One row per questionnaire, in :func:`questionnaire_layout` column order."""
    items = [c[0] for c in questionnaire_layout().columns[4:]]
    labels = {item.id: {str(o.code): o.fr for o in item.options}
              for inst in load_instruments().values() for item in inst.items}
    wave_label = {"entree": "entrée"}
    out = []
    for rec in answers.to_dict("records"):
        row = [person_code[rec["participant_id"]], wave_label.get(rec["wave"], rec["wave"]) if as_labels else rec["wave"],
               _date_cell(rec["date"], rng.random() < text_share) if rec.get("date") else None, rec["instrument"]]
        for item in items:
            code = rec.get(item) or None
            row.append(None if code is None else (labels[item].get(code, code) if as_labels else int(code)))
        out.append(row)
    return out


def _plant(rows: dict[str, dict[str, list]], names: dict[str, str]) -> list[dict]:
    """Insert the planted error rows; return the manifest (workbook, sheet, Excel row)."""
    manifest = []
    for relay, table, where, values, column, what in PLANTED:
        sheet_rows = rows[relay][table]
        at = int(len(sheet_rows) * where)
        if table == "attendance" and values is None:  # the same presence typed twice, a few rows apart
            values = tuple(sheet_rows[at - 3])
        elif table == "attendance":
            values = (sheet_rows[at][0], values[1])
        width = len(sheet_rows[0])
        sheet_rows.insert(at, list(values) + [None] * (width - len(values)))
        manifest.append({"relay_id": relay, "workbook": names[relay], "sheet": LAYOUT[table].sheet,
                         "row": at + 2, "column": column, "description": what})
    return manifest


def _write_plain(path: Path, relay: str, rows: dict[str, list]) -> None:
    """A workbook not made from the template (lower-case sheet names, own headers)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "activites"
    with_column = relay in _RELAY_COLUMN  # else only the file name says which relay it is
    ws.append(["Relais"] * with_column + ["Code activité", "Date", "Type d’activité", "Lieu", "Titre"])
    for row in rows["activities"]:
        ws.append([relay] * with_column + row[:5])
    ws = wb.create_sheet("participants")
    ws.append(["Code participant", "Famille", "Statut", "Sexe", "Naissance", "Domicile"])
    for row in rows["participants"]:
        ws.append(row[:6])
    ws = wb.create_sheet("presences")
    ws.append(["Activité", "Participant"])
    for row in rows["attendance"]:
        ws.append(row[:2])
    if rows["questionnaires"]:
        ws = wb.create_sheet("questionnaire")
        ws.append(["Participant", "Vague", "Date", "Questionnaire"] + [c[0] for c in questionnaire_layout().columns[4:]])
        for row in rows["questionnaires"]:
            ws.append(row)
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
    wb.save(path)


def write_demo_workbooks(out_dir: str | Path, *, seed: int = DEMO_SEED) -> DemoWorkbooks:
    """Write the demo data as 19 relay workbooks plus the manifest of planted errors.

    Parameters
    ----------
    out_dir : str or Path
        Folder written into (created).
    seed : int, default DEMO_SEED
        Seed of the demo data (and of the choices made here).

    Returns
    -------
    DemoWorkbooks

    Raises
    ------
    ReferenceDataError
        If the reference geography cannot be read.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_demo(tmp, seed=seed)
        tables = {n: pd.read_csv(Path(tmp) / f"{n}.csv", dtype=str, keep_default_na=False)
                  for n in ("relays", "activities", "participants", "attendance", "questionnaires")}
    rng = np.random.default_rng(seed)
    visits = tables["attendance"].merge(tables["activities"][["activity_id", "relay_id"]], on="activity_id")
    relays_per_person = visits.groupby("participant_id")["relay_id"].nunique()
    multi_people = set(relays_per_person[relays_per_person > 1].index)
    # a parent's questionnaires go to the workbook of the relay of their first activity
    first = visits.merge(tables["activities"][["activity_id", "date"]], on="activity_id")
    first = first.sort_values(["date", "activity_id"], kind="stable").drop_duplicates("participant_id")
    tables["home"] = dict(zip(first["participant_id"], first["relay_id"]))
    family_of = dict(zip(tables["participants"]["participant_id"], tables["participants"]["family_id"]))
    visits["family_id"] = visits["participant_id"].map(family_of)
    relays_per_family = visits.groupby("family_id")["relay_id"].nunique()
    multi_families = set(relays_per_family[relays_per_family > 1].index)
    places = _place_names(rng)
    rows, file_names = {}, {}
    for relay in tables["relays"].itertuples(index=False):
        rows[relay.relay_id] = _relay_rows(relay.relay_id, tables, multi_people, multi_families, places, rng)
        file_names[relay.relay_id] = _PLAIN.get(relay.relay_id) or relay_file_name(relay.relay_id, relay.name)
    manifest = _plant(rows, file_names)
    choices = place_choices()
    written = []
    for relay in tables["relays"].itertuples(index=False):
        path = out / file_names[relay.relay_id]
        if relay.relay_id in _PLAIN:
            _write_plain(path, relay.relay_id, rows[relay.relay_id])
        else:
            write_relay_workbook(path, relay.relay_id, relay.name, places=choices, rows=rows[relay.relay_id],
                                 synthetic=True, layouts=_layouts(relay.relay_id))
        written.append(path)
    manifest_path = out / MANIFEST_NAME
    manifest_path.write_text(json.dumps({"synthetic": True, "seed": seed, "planted_errors": manifest},
                                        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return DemoWorkbooks(written, manifest_path, manifest)
