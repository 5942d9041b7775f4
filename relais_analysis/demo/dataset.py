"""Synthetic demonstration data: a fictitious but plausible Relais Familles Mono dataset.

:func:`write_demo` writes the five input tables of :mod:`relais_analysis.intake.schema`
(``relays``, ``territories``, ``activities``, ``participants``, ``attendance``) as CSV,
plus ``dataset.json`` (``synthetic: true``, extraction date, seed) and a bilingual
``README.md`` (from the template ``readme_template.md`` beside this module). Nothing in it describes a real person: identifiers are random codes,
and every figure comes from a seeded :func:`numpy.random.default_rng`.

The shape follows the programme: 19 relays in real Walloon towns (one opened in 2023,
one closed on 30 June 2024 and taken over by a neighbour), territories made of the
communes around each relay (about half of Wallonia covered, with a few overlaps and
real "zones blanches"), activities from April 2022 to :data:`DEMO_AS_OF`, families
that mostly come one to three times a year, a third of whom come back the next year.
At ``scale=1`` about 1,500 single parents and 1,250 children take part in 2024.

``scale`` multiplies families, activities and attendance (relays and territories stay
the same), for benchmarks: everything per row is vectorised with numpy, so a million
attendance rows (``scale=43``) take a few seconds and ten million about a minute.
Same seed and scale, same bytes.

The generator's parts, in the order :func:`write_demo` runs them (one random stream, so
the order is part of the output): :mod:`~relais_analysis.demo.setting` (relays, communes,
territories), :mod:`~relais_analysis.demo.activities`, :mod:`~relais_analysis.demo.families`,
:mod:`~relais_analysis.demo.attendance`, then the tables and summary here.
"""

from __future__ import annotations

import datetime as dt
import json
import numbers
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.demo.activities import TYPES, make_activities, title_strings
from relais_analysis.demo.attendance import drop_unattended, family_events, people_and_attendance
from relais_analysis.demo.draws import codes
from relais_analysis.demo.families import make_families
from relais_analysis.demo.questionnaires import write_demo_questionnaires
from relais_analysis.demo.setting import DEMO_AS_OF, DEMO_SEED, YEARS, Places
from relais_analysis.geography import reference
from relais_analysis.i18n import text
from relais_analysis.intake.schema import TABLES

__all__ = ["DEMO_AS_OF", "DEMO_SEED", "write_demo"]

_TITLE = text("demo.title", "fr")
#: Public name of a demo relay (synthetic data: the registry's relay names).
_RELAY_NAME = "Relais Familles Mono – {town}"


# --------------------------------------------------------------------------- public


def write_demo(out_dir: str | Path, *, seed: int = DEMO_SEED, scale: float = 1.0) -> dict:
    """Generate the synthetic demo dataset and write it to ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        Directory to write into (created if needed; the seven demo files are overwritten,
        nothing else is touched).
    seed : int, default :data:`DEMO_SEED`
        Seed of :func:`numpy.random.default_rng`. Same seed and scale give byte-identical files.
    scale : float, default 1.0
        Multiplies families, activities and attendance (about 22,000 attendance rows at
        scale 1, a million at scale 43; relays and territories do not change).

    Returns
    -------
    dict
        ``rows`` (rows written per table), ``years`` (per year: ``parents``, ``children``,
        ``attendances``, ``activities``, ``women_share``), ``covered_communes_2024``,
        ``uncovered_communes_2024``, ``retention_2023_2024``, plus ``seed``, ``scale``,
        ``as_of`` and ``out_dir``.

    Raises
    ------
    ValueError
        If ``scale`` is not a positive finite number or ``seed`` is not an integer.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be an integer, got {seed!r}.")
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number (e.g. 1 or 40), got {scale!r}.")
    scale = float(scale)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)

    place = Places.build()
    acts = make_activities(rng, place, scale)
    fams = make_families(rng, place, scale)
    events = family_events(rng, place, acts, fams)
    people, attendance = people_and_attendance(rng, acts, fams, events)
    acts, attendance = drop_unattended(acts, attendance)

    tables = {
        "relays": _relays_frame(place),
        "territories": _territories_frame(place),
        "activities": _activities_frame(acts, place),
        "participants": _participants_frame(people, place),
        "attendance": _attendance_frame(attendance, acts, people),
    }
    for name, frame in tables.items():
        frame = frame[[col.name for col in TABLES[name].columns]]
        frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\n", encoding="utf-8")
    meta = {"synthetic": True, "as_of": DEMO_AS_OF.isoformat(), "seed": int(seed), "scale": scale,
            "title": _TITLE, "generator": "relais_analysis.demo"}
    (out / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out / "README.md").write_text(_readme_template().format(seed=int(seed), scale=scale), encoding="utf-8")
    write_demo_questionnaires(out, tables, seed=int(seed))  # outcomes: questionnaires.csv, its own random stream
    return _summary(out, seed, scale, tables, place, acts, people, attendance)

# --------------------------------------------------------------------------- frames


def _relays_frame(place: Places) -> pd.DataFrame:
    com = place.communes.iloc[place.relay_commune]
    names = reference.communes_table(2024).set_index("nis")["name_fr"]
    return pd.DataFrame({
        "relay_id": [r.relay_id for r in place.relays],
        "name": [_RELAY_NAME.format(town=names[r.nis]) for r in place.relays],
        "organisation": [r.organisation for r in place.relays],
        "commune": [r.nis for r in place.relays],
        "latitude": [f"{v:.5f}" for v in com["lat"]],
        "longitude": [f"{v:.5f}" for v in com["lon"]],
        "opened": [r.opened.isoformat() for r in place.relays],
        "closed": [r.closed.isoformat() if r.closed else "" for r in place.relays],
    })


def _territories_frame(place: Places) -> pd.DataFrame:
    nis = place.communes["nis"].to_numpy()
    rows = []
    for i, relay in enumerate(place.relays):
        for c in np.flatnonzero(place.territory[i]):
            rows.append((relay.relay_id, nis[c], relay.opened.isoformat(),
                         relay.closed.isoformat() if relay.closed else ""))
        for c in np.flatnonzero(place.takeover[i]):
            donor = next(r for r in place.relays if r.successor == relay.relay_id)
            rows.append((relay.relay_id, nis[c], (donor.closed + dt.timedelta(days=1)).isoformat(), ""))
    frame = pd.DataFrame(rows, columns=["relay_id", "commune", "valid_from", "valid_to"])
    return frame.sort_values(["relay_id", "valid_from", "commune"], kind="stable").reset_index(drop=True)


def _activities_frame(acts: dict[str, np.ndarray], place: Places) -> pd.DataFrame:
    n = len(acts["date"])
    titles = title_strings()
    return pd.DataFrame({
        "activity_id": codes("A", np.arange(1, n + 1), max(6, len(str(n))), 10),
        "relay_id": np.array([r.relay_id for r in place.relays])[acts["relay"]],
        "date": np.datetime_as_string(acts["date"], unit="D"),
        "type": np.array(TYPES)[acts["kind"]],
        "commune": place.communes["nis"].to_numpy()[acts["commune"]],
        "title": titles[acts["kind"], acts["title"]],
    })


def _participants_frame(people: dict[str, np.ndarray], place: Places) -> pd.DataFrame:
    nis = np.append(place.communes["nis"].to_numpy(dtype=object), "")
    return pd.DataFrame({
        "participant_id": people["participant_id"],
        "family_id": people["family_id"],
        "role": np.where(people["child"], "child", "parent"),
        "gender": people["gender"],
        "birth_year": pd.Series(people["birth_year"], dtype="Int64").mask(people["birth_year"] < 0),
        "residence": nis[people["residence"]],
    })


def _attendance_frame(attendance: dict[str, np.ndarray], acts: dict[str, np.ndarray],
                      people: dict[str, np.ndarray]) -> pd.DataFrame:
    n_act = len(acts["date"])
    act_ids = codes("A", np.arange(1, n_act + 1), max(6, len(str(n_act))), 10)
    # Object columns share the code strings (no copy per row); categoricals with arrow-backed
    # categories make to_csv convert every category at each chunk (quadratic).
    return pd.DataFrame({
        "activity_id": pd.Series(act_ids[attendance["activity"]], dtype=object),
        "participant_id": pd.Series(people["participant_id"][attendance["person"]], dtype=object),
    })


# --------------------------------------------------------------------------- summary


def _summary(out: Path, seed: int, scale: float, tables: dict[str, pd.DataFrame], place: Places,
             acts: dict[str, np.ndarray], people: dict[str, np.ndarray],
             attendance: dict[str, np.ndarray]) -> dict:
    """Rows written and the key figures per year, as plain Python numbers."""
    act_year = acts["date"].astype("datetime64[Y]").astype(int) + 1970
    att_year = act_year[attendance["activity"]]
    is_child = people["child"][attendance["person"]]
    years: dict[int, dict[str, float | int]] = {}
    parents_by_year: dict[int, np.ndarray] = {}
    for y in YEARS:
        in_year = att_year == y
        parents = np.unique(attendance["person"][in_year & ~is_child])
        parents_by_year[y] = parents
        women = int((people["gender"][parents] == "F").sum())
        years[y] = {
            "parents": len(parents),
            "children": len(np.unique(attendance["person"][in_year & is_child])),
            "attendances": int(in_year.sum()),
            "activities": int((act_year == y).sum()),
            "women_share": round(women / len(parents), 4) if len(parents) else 0.0,
        }
    open_2024 = np.array([(r.closed is None or r.closed.year >= 2024) and r.opened.year <= 2024
                          for r in place.relays])
    covered = int((place.territory[open_2024].any(axis=0) | place.takeover.any(axis=0)).sum())
    before, after = parents_by_year[2023], parents_by_year[2024]
    retention = len(np.intersect1d(before, after)) / len(before) if len(before) else 0.0
    return {
        "out_dir": str(out),
        "seed": int(seed),
        "scale": scale,
        "as_of": DEMO_AS_OF.isoformat(),
        "rows": {name: len(frame) for name, frame in tables.items()},
        "years": years,
        "covered_communes_2024": covered,
        "uncovered_communes_2024": len(place.communes) - covered,
        "retention_2023_2024": round(retention, 4),
    }


def _readme_template() -> str:
    """The bilingual README of the demo data, with ``{seed}`` and ``{scale}`` fields (package data)."""
    return resources.files("relais_analysis.demo").joinpath("readme_template.md").read_text(encoding="utf-8")
