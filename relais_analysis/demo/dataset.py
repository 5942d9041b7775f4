"""Synthetic demonstration data: a fictitious but plausible Relais Familles Mono dataset.

:func:`write_demo` writes the five input tables of :mod:`relais_analysis.intake.schema`
(``relays``, ``territories``, ``activities``, ``participants``, ``attendance``) as CSV,
plus ``dataset.json`` (``synthetic: true``, extraction date, seed) and a bilingual
``README.md``. Nothing in it describes a real person: identifiers are random codes,
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
"""

from __future__ import annotations

import datetime as dt
import json
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from relais_analysis.geography import reference
from relais_analysis.config import CRS_ANALYSIS, CRS_WEB
from relais_analysis.demo.questionnaires import write_demo_questionnaires
from relais_analysis.intake.schema import ACTIVITY_TYPES, TABLES

__all__ = ["DEMO_AS_OF", "DEMO_SEED", "write_demo"]

#: Fixed extraction date of the demo data (never today's date: the files must not drift).
DEMO_AS_OF = dt.date(2025, 10, 31)
#: Default seed (the programme's launch year).
DEMO_SEED = 2022

_LAUNCH = dt.date(2022, 4, 1)
_YEARS = (2022, 2023, 2024, 2025)
#: Families active per year at scale 1 (2025: January to October).
_ACTIVE_FAMILIES = {2022: 680, 2023: 1165, 2024: 1470, 2025: 1270}
#: Share of a year's families that come back the next year.
_RETENTION = 0.36
_SHARE_TWO_PARENTS = 0.03
_SHARE_TWO_RELAYS = 0.03
_SHARE_AT_SECOND_RELAY = 0.3
_SHARE_RESIDENCE_OUTSIDE = 0.10
_SHARE_RESIDENCE_MISSING = 0.10
_SHARE_BIRTH_YEAR_MISSING = 0.02
_CHILDREN_PER_FAMILY = (0.32, 0.39, 0.22, 0.07)  # P(0, 1, 2, 3 children)
_MONTHLY_ACTIVITIES = 3.8  # per relay of average size, at full speed
_VISITS_SHAPE = 0.7  # visits per family and year: 1 + NegBin(shape, mean)
_VISITS_EXTRA_MEAN = 2.0
_MAX_VISITS = 40
_TERRITORY_OVERLAPS = 6
_TITLE = "Données synthétiques de démonstration – Relais Familles Mono"


@dataclass(frozen=True)
class _Relay:
    relay_id: str
    nis: str
    organisation: str
    opened: dt.date
    radius_km: float
    closed: dt.date | None = None
    successor: str | None = None


#: The relays: real towns, fictitious host organisations.
_RELAYS: tuple[_Relay, ...] = (
    _Relay("R01", "25112", "Mutualité Solidaris – Brabant wallon", dt.date(2022, 3, 1), 12.5),
    _Relay("R02", "25072", "Vie Féminine – Brabant wallon", dt.date(2022, 4, 1), 11.5),
    _Relay("R03", "52011", "Mutualité Solidaris – Charleroi", dt.date(2022, 3, 1), 12.5),
    _Relay("R04", "53053", "Mutualité chrétienne – Mons-Borinage", dt.date(2022, 3, 1), 13.5),
    _Relay("R05", "58001", "Asbl Familles du Centre", dt.date(2022, 5, 2), 11.5),
    _Relay("R06", "57081", "Mutualités Libres – Wallonie picarde", dt.date(2022, 4, 1), 14.5),
    _Relay("R07", "57096", "Vie Féminine – Mouscron-Comines", dt.date(2022, 6, 1), 10.5),
    _Relay("R08", "56016", "Asbl La Botte des Familles", dt.date(2023, 4, 3), 15.5),
    _Relay("R09", "62063", "Mutualité Solidaris – Liège", dt.date(2022, 3, 1), 11.5),
    _Relay("R10", "62096", "Asbl Parents Solos Meuse", dt.date(2022, 4, 1), 10.5,
           closed=dt.date(2024, 6, 30), successor="R09"),
    _Relay("R11", "63079", "Mutualité chrétienne – Verviers-Eupen", dt.date(2022, 3, 1), 13.5),
    _Relay("R12", "61031", "Ligue des familles – Huy", dt.date(2022, 5, 2), 13.5),
    _Relay("R13", "64074", "Mutualités Libres – Hesbaye", dt.date(2022, 9, 1), 12.5),
    _Relay("R14", "92094", "Mutualité Solidaris – Namur", dt.date(2022, 3, 1), 13.5),
    _Relay("R15", "91034", "Vie Féminine – Dinant-Philippeville", dt.date(2022, 4, 1), 16.5),
    _Relay("R16", "92142", "Ligue des familles – Namur", dt.date(2022, 6, 1), 11.5),
    _Relay("R17", "81001", "Mutualité chrétienne – Luxembourg", dt.date(2022, 4, 1), 15.5),
    _Relay("R18", "83034", "Asbl Le Fil des Familles – Famenne", dt.date(2022, 3, 1), 17.5),
    _Relay("R19", "84077", "Mutualité Solidaris – Luxembourg", dt.date(2022, 9, 1), 17.5),
)

_TYPES = tuple(ACTIVITY_TYPES)
#: Base mix of activity types, in the order of :data:`_TYPES`.
_TYPE_MIX = {"atelier_creatif": 0.25, "sortie_culturelle": 0.12, "plein_air": 0.11, "sejour": 0.018,
             "rencontre": 0.29, "information": 0.10, "evenement": 0.06, "autre": 0.045}
#: Relative pull of an activity by type (how many families it draws).
_TYPE_PULL = {"atelier_creatif": 1.0, "sortie_culturelle": 1.3, "plein_air": 1.2, "sejour": 0.8,
              "rencontre": 0.8, "information": 0.7, "evenement": 2.0, "autre": 0.8}
#: Probability that a child comes along when a parent attends, by type.
_CHILD_COMES = {"atelier_creatif": 0.75, "sortie_culturelle": 0.8, "plein_air": 0.85, "sejour": 0.95,
                "rencontre": 0.45, "information": 0.2, "evenement": 0.9, "autre": 0.6}
_TITLES = {
    "atelier_creatif": ("Atelier peinture", "Atelier bricolage", "Atelier couture", "Atelier cuisine",
                        "Atelier poterie", "Atelier scrapbooking", "Atelier bijoux", "Atelier photo"),
    "sortie_culturelle": ("Sortie au musée", "Spectacle jeune public", "Sortie cinéma", "Visite d'un château",
                          "Visite d'une ferme pédagogique", "Sortie au théâtre"),
    "plein_air": ("Balade en forêt", "Après-midi au parc", "Pique-nique en famille", "Balade nature",
                  "Jeux en plein air", "Balade à vélo"),
    "sejour": ("Séjour en Ardenne", "Week-end familles", "Séjour à la ferme", "Mini-séjour nature"),
    "rencontre": ("Café-papote", "Matinée café", "Groupe de parole", "Rencontre entre parents",
                  "Goûter partagé"),
    "information": ("Séance d'information : droits", "Séance d'information : logement",
                    "Info : allocations familiales", "Info : pensions alimentaires", "Info : budget et énergie"),
    "evenement": ("Fête des familles", "Journée portes ouvertes", "Goûter festif", "Fête de quartier"),
    "autre": ("Activité parents-enfants", "Activité libre", "Matinée jeux de société"),
}
#: Where group stays take place (REFNIS, base vintage).
_STAY_COMMUNES = ("83012", "83031", "84010", "82014", "91143", "91114", "93090", "63073", "85011")
#: Cities of cultural outings.
_CULTURE_COMMUNES = ("62063", "92094", "53053", "52011", "57081", "81001")

_PARENT_GENDERS = (("F", 0.815), ("M", 0.145), ("X", 0.005), ("", 0.035))
_SECOND_PARENT_GENDERS = (("M", 0.85), ("F", 0.12), ("", 0.03))
_CHILD_GENDERS = (("F", 0.49), ("M", 0.49), ("", 0.02))


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

    place = _Places.build()
    acts = _activities(rng, place, scale)
    fams = _families(rng, place, scale)
    events = _family_events(rng, place, acts, fams)
    people, attendance = _people_and_attendance(rng, acts, fams, events)
    acts, attendance = _drop_unattended(acts, attendance)

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
    (out / "README.md").write_text(_README.format(seed=int(seed), scale=scale), encoding="utf-8")
    write_demo_questionnaires(out, tables, seed=int(seed))  # outcomes: questionnaires.csv, its own random stream
    return _summary(out, seed, scale, tables, place, acts, people, attendance)


# --------------------------------------------------------------------------- geography


@dataclass
class _Places:
    """Relays, communes and territories: fixed geography, independent of seed and scale."""

    relays: tuple[_Relay, ...]
    communes: pd.DataFrame  # nis, province_nis, population, x, y (EPSG:3812), lat, lon
    relay_commune: np.ndarray  # commune index of each relay
    territory: np.ndarray  # bool (n_relays, n_communes): the relay's original territory
    takeover: np.ndarray  # bool (n_relays, n_communes): communes taken over from a closed relay
    weight: np.ndarray  # relative size of each relay (mean 1)

    @classmethod
    def build(cls) -> _Places:
        gdf = reference.load_communes(2024).to_crs(CRS_ANALYSIS)
        points = gdf.geometry.representative_point()
        web = points.to_crs(CRS_WEB)
        communes = pd.DataFrame({
            "nis": gdf["nis"].to_numpy(dtype=str),
            "province_nis": gdf["province_nis"].to_numpy(dtype=str),
            "population": gdf["population"].to_numpy(dtype=np.int64),
            "x": points.x.to_numpy(), "y": points.y.to_numpy(),
            "lat": web.y.to_numpy(), "lon": web.x.to_numpy(),
        })
        index = {code: i for i, code in enumerate(communes["nis"])}
        relay_commune = np.array([index[r.nis] for r in _RELAYS])
        territory = _territories(communes, relay_commune)
        takeover = np.zeros_like(territory)
        ids = [r.relay_id for r in _RELAYS]
        for i, relay in enumerate(_RELAYS):
            if relay.successor:
                heir = ids.index(relay.successor)
                takeover[heir] = territory[i] & ~territory[heir]
        population = (territory * communes["population"].to_numpy()).sum(axis=1)
        weight = np.sqrt(population)
        return cls(_RELAYS, communes, relay_commune, territory, takeover, weight / weight.mean())

    def index(self, relay_id: str) -> int:
        return [r.relay_id for r in self.relays].index(relay_id)

    def distances_km(self) -> np.ndarray:
        """Distances (n_communes, n_relays) from each commune to each relay, km."""
        xy = self.communes[["x", "y"]].to_numpy()
        rel = xy[self.relay_commune]
        return np.hypot(xy[:, None, 0] - rel[None, :, 0], xy[:, None, 1] - rel[None, :, 1]) / 1000


def _territories(communes: pd.DataFrame, relay_commune: np.ndarray) -> np.ndarray:
    """Each relay's communes: nearest relay of the province within its radius, plus a few overlaps."""
    xy = communes[["x", "y"]].to_numpy()
    rel = xy[relay_commune]
    dist = np.hypot(xy[:, None, 0] - rel[None, :, 0], xy[:, None, 1] - rel[None, :, 1]) / 1000
    province = communes["province_nis"].to_numpy()
    radius = np.array([r.radius_km for r in _RELAYS])
    reachable = (dist <= radius[None, :]) & (province[:, None] == province[relay_commune][None, :])
    masked = np.where(reachable, dist, np.inf)
    nearest = masked.argmin(axis=1)
    covered = reachable.any(axis=1)
    territory = np.zeros((len(_RELAYS), len(communes)), dtype=bool)
    territory[nearest[covered], np.flatnonzero(covered)] = True
    # Deliberate overlaps: the border communes nearly as close to a second relay.
    second = np.sort(masked, axis=1)[:, 1]
    candidates = np.flatnonzero(np.isfinite(second) & ~np.isin(np.arange(len(communes)), relay_commune))
    ratio = second[candidates] / masked[candidates].min(axis=1)
    for commune in candidates[np.argsort(ratio, kind="stable")[:_TERRITORY_OVERLAPS]]:
        runner_up = np.argsort(masked[commune], kind="stable")[1]
        territory[runner_up, commune] = True
    return territory


# --------------------------------------------------------------------------- activities


def _month_starts() -> np.ndarray:
    return np.arange(np.datetime64(_LAUNCH, "M"), np.datetime64(DEMO_AS_OF, "M") + 1)


def _activities(rng: np.random.Generator, place: _Places, scale: float) -> dict[str, np.ndarray]:
    """Activities of every relay, month by month while it is open."""
    months = _month_starts()
    n_rel = len(place.relays)
    year = months.astype("datetime64[Y]").astype(int) + 1970
    month = months.astype(int) % 12 + 1
    ramp = np.select([year == 2022, year == 2023], [np.where(month < 7, 0.5, 0.7), 0.9], 1.0)
    rate = _MONTHLY_ACTIVITIES * scale * place.weight[:, None] * ramp[None, :]
    counts = rng.poisson(rate).ravel()
    relay = np.repeat(np.repeat(np.arange(n_rel), len(months)), counts)
    start = np.repeat(np.tile(months, n_rel), counts).astype("datetime64[D]")
    length = ((start.astype("datetime64[M]") + 1).astype("datetime64[D]") - start).astype(int)
    date = start + np.floor(rng.random(len(start)) * length).astype(int)
    opened = np.array([max(r.opened, _LAUNCH) for r in place.relays], dtype="datetime64[D]")
    closed = np.array([r.closed or DEMO_AS_OF for r in place.relays], dtype="datetime64[D]")
    keep = (date >= opened[relay]) & (date <= closed[relay])
    relay, date = relay[keep], date[keep]
    kind = _draw_rows(rng, _type_mix_by_month(), date.astype("datetime64[M]").astype(int) % 12)
    order = np.lexsort((rng.random(len(date)), relay, date))
    relay, date, kind = relay[order], date[order], kind[order]
    pull = np.array([_TYPE_PULL[t] for t in _TYPES])[kind] * rng.gamma(4.0, 0.25, size=len(date))
    return {"relay": relay, "date": date, "kind": kind, "pull": pull,
            "commune": _activity_communes(rng, place, relay, date, kind),
            "title": _draw_rows(rng, _title_table(), kind)}


def _type_mix_by_month() -> np.ndarray:
    """Probabilities (12 months, n_types): more outdoor activities and stays in summer, parties in December."""
    base = np.array([_TYPE_MIX[t] for t in _TYPES])
    factors = np.ones((12, len(_TYPES)))
    col = {t: i for i, t in enumerate(_TYPES)}
    factors[[5, 6, 7], col["plein_air"]] = 2.2
    factors[[0, 1, 10, 11], col["plein_air"]] = 0.4
    factors[[3, 6, 7, 9], col["sejour"]] = 3.0
    factors[[6, 7], col["sortie_culturelle"]] = 1.4
    factors[11, col["evenement"]] = 3.5
    factors[5, col["evenement"]] = 1.8
    factors[[6, 7], col["information"]] = 0.4
    mix = base[None, :] * factors
    return mix / mix.sum(axis=1, keepdims=True)


def _title_table() -> np.ndarray:
    width = max(len(v) for v in _TITLES.values())
    table = np.zeros((len(_TYPES), width))
    for i, t in enumerate(_TYPES):
        table[i, : len(_TITLES[t])] = 1.0 / len(_TITLES[t])
    return table


def _title_strings() -> np.ndarray:
    width = max(len(v) for v in _TITLES.values())
    return np.array([[*(_TITLES[t]), *([""] * (width - len(_TITLES[t])))] for t in _TYPES], dtype=object)


def _activity_communes(rng: np.random.Generator, place: _Places, relay: np.ndarray, date: np.ndarray,
                       kind: np.ndarray) -> np.ndarray:
    """Where each activity is held: mostly at the relay, else in its territory; stays in the Ardenne."""
    n_rel = len(place.relays)
    pop = place.communes["population"].to_numpy().astype(float)
    # Rows 0..n-1: original territories; rows n..2n-1: territories enlarged by a takeover.
    area = np.vstack([place.territory, place.territory | place.takeover]) * pop[None, :]
    row = relay.copy()
    for relay_def in place.relays:
        if relay_def.closed and relay_def.successor:
            heir = place.index(relay_def.successor)
            row[(relay == heir) & (date > np.datetime64(relay_def.closed))] += n_rel
    in_territory = _draw_rows(rng, area, row)
    commune = np.where(rng.random(len(relay)) < 0.6, place.relay_commune[relay], in_territory)
    code = {c: i for i, c in enumerate(place.communes["nis"])}
    stay = np.array([code[c] for c in _STAY_COMMUNES])
    culture = np.array([code[c] for c in _CULTURE_COMMUNES])
    is_stay = kind == _TYPES.index("sejour")
    commune[is_stay] = stay[rng.integers(0, len(stay), size=int(is_stay.sum()))]
    elsewhere = (kind == _TYPES.index("sortie_culturelle")) & (rng.random(len(relay)) < 0.35)
    commune[elsewhere] = culture[rng.integers(0, len(culture), size=int(elsewhere.sum()))]
    return commune


# --------------------------------------------------------------------------- families


def _open_fraction(relay: _Relay, year: int) -> float:
    start = max(relay.opened, _LAUNCH, dt.date(year, 1, 1))
    end = min(relay.closed or DEMO_AS_OF, DEMO_AS_OF, dt.date(year, 12, 31))
    if end < start:
        return 0.0
    full = (min(DEMO_AS_OF, dt.date(year, 12, 31)) - max(_LAUNCH, dt.date(year, 1, 1))).days + 1
    return ((end - start).days + 1) / full


def _families(rng: np.random.Generator, place: _Places, scale: float) -> dict[str, np.ndarray]:
    """Families: home relay, first year, optional second relay, composition, residence."""
    n_rel = len(place.relays)
    first_year, home = [], []
    carried = 0.0
    for y in _YEARS:
        newcomers = _ACTIVE_FAMILIES[y] * scale - carried
        n_new = max(int(round(newcomers)), 0)
        carried = _RETENTION * _ACTIVE_FAMILIES[y] * scale
        p = place.weight * np.array([_open_fraction(r, y) for r in place.relays])
        home.append(rng.choice(n_rel, size=n_new, p=p / p.sum()))
        first_year.append(np.full(n_new, y))
    home = np.concatenate(home)
    first_year = np.concatenate(first_year)
    n = len(home)
    return {
        "home": home,
        "first_year": first_year,
        "second": _second_relays(rng, place, home),
        "two_parents": rng.random(n) < _SHARE_TWO_PARENTS,
        "n_children": rng.choice(len(_CHILDREN_PER_FAMILY), size=n, p=_CHILDREN_PER_FAMILY),
        "residence": _residences(rng, place, home),
    }


def _second_relays(rng: np.random.Generator, place: _Places, home: np.ndarray) -> np.ndarray:
    """A second relay for a few families (-1 otherwise): the nearest one, or the nearest in another province."""
    xy = place.communes[["x", "y"]].to_numpy()[place.relay_commune]
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(dist, np.inf)
    province = place.communes["province_nis"].to_numpy()[place.relay_commune]
    nearest = dist.argmin(axis=1)
    nearest_abroad = np.where(province[:, None] != province[None, :], dist, np.inf).argmin(axis=1)
    second = np.full(len(home), -1)
    has = rng.random(len(home)) < _SHARE_TWO_RELAYS
    abroad = rng.random(len(home)) < 0.5
    second[has] = np.where(abroad[has], nearest_abroad[home[has]], nearest[home[has]])
    return second


def _residences(rng: np.random.Generator, place: _Places, home: np.ndarray) -> np.ndarray:
    """Commune of residence (-1 if missing): mostly in the home relay's territory, weighted by population."""
    pop = place.communes["population"].to_numpy().astype(float)
    inside = place.territory * pop[None, :]
    dist = place.distances_km().T
    outside = np.where(place.territory, 0.0, pop[None, :] * np.exp(-dist / 12.0))
    residence = np.where(rng.random(len(home)) < _SHARE_RESIDENCE_OUTSIDE,
                         _draw_rows(rng, outside, home), _draw_rows(rng, inside, home))
    residence[rng.random(len(home)) < _SHARE_RESIDENCE_MISSING] = -1
    return residence


# --------------------------------------------------------------------------- attendance


def _pools(place: _Places, acts: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Activities open to a family of relay r in year y, as contiguous weighted blocks.

    Pool ``r * n_years + (y - first year)`` holds the activities of relay r in year y and,
    after r closed, those of its successor. Returns (activity index per member,
    cumulative pull over all members, start of each pool in that cumulative array).
    """
    n_years = len(_YEARS)
    year = acts["date"].astype("datetime64[Y]").astype(int) + 1970 - _YEARS[0]
    member = np.arange(len(year))
    pool = acts["relay"] * n_years + year
    extra_members, extra_pools = [member], [pool]
    for i, relay in enumerate(place.relays):
        if relay.closed and relay.successor:
            later = (acts["relay"] == place.index(relay.successor)) & (acts["date"] > np.datetime64(relay.closed))
            extra_members.append(member[later])
            extra_pools.append(i * n_years + year[later])
    member, pool = np.concatenate(extra_members), np.concatenate(extra_pools)
    order = np.argsort(pool, kind="stable")
    member, pool = member[order], pool[order]
    cum = np.cumsum(acts["pull"][member])
    starts = np.searchsorted(pool, np.arange(len(place.relays) * n_years + 1))
    return member, cum, starts


def _draw_in_pools(rng: np.random.Generator, pools: tuple[np.ndarray, np.ndarray, np.ndarray],
                   which: np.ndarray) -> np.ndarray:
    """One activity per element of ``which`` (pool numbers), drawn by pull; -1 where the pool is empty."""
    member, cum, starts = pools
    before = np.concatenate([[0.0], cum])
    lo, hi = before[starts[which]], before[starts[which + 1]]
    target = lo + rng.random(len(which)) * (hi - lo)
    pos = np.searchsorted(cum, target, side="right")
    pos = np.clip(pos, starts[which], np.maximum(starts[which + 1] - 1, starts[which]))
    empty = starts[which + 1] == starts[which]
    out = member[np.minimum(pos, len(member) - 1)]
    out[empty] = -1
    return out


def _family_events(rng: np.random.Generator, place: _Places, acts: dict[str, np.ndarray],
                   fams: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """(family, activity) visits, year by year; heavy users are likelier to come back."""
    pools = _pools(place, acts)
    n_years = len(_YEARS)
    pool_size = np.diff(pools[2])
    active = np.array([], dtype=np.int64)
    visits_prev = np.array([], dtype=np.int64)
    fam_out, act_out = [], []
    for k, y in enumerate(_YEARS):
        keep = int(round(_RETENTION * len(active)))
        key = np.log(rng.random(len(active))) / np.sqrt(visits_prev)  # weighted sampling without replacement
        retained = active[np.sort(np.argsort(-key, kind="stable")[:keep])]
        active = np.concatenate([retained, np.flatnonzero(fams["first_year"] == y)])
        # 1 + negative binomial: most come 1-3 times, a few very often (mean about 3).
        shape = _VISITS_SHAPE
        visits = 1 + rng.negative_binomial(shape, shape / (shape + _VISITS_EXTRA_MEAN), size=len(active))
        home_pool = np.maximum(pool_size[fams["home"][active] * n_years + k], 1)
        visits = np.minimum(np.minimum(visits, _MAX_VISITS), home_pool)
        family = np.repeat(active, visits)
        relay = fams["home"][family]
        second = fams["second"][family]
        use_second = (second >= 0) & (rng.random(len(family)) < _SHARE_AT_SECOND_RELAY)
        use_second &= pool_size[np.maximum(second, 0) * n_years + k] > 0
        relay = np.where(use_second, second, relay)
        activity = _draw_in_pools(rng, pools, relay * n_years + k)
        fam_out.append(family[activity >= 0])
        act_out.append(activity[activity >= 0])
        visits_prev = visits
    family, activity = np.concatenate(fam_out), np.concatenate(act_out)
    pair = np.unique(activity.astype(np.int64) * len(fams["home"]) + family)
    return {"family": pair % len(fams["home"]), "activity": pair // len(fams["home"])}


def _people_and_attendance(rng: np.random.Generator, acts: dict[str, np.ndarray], fams: dict[str, np.ndarray],
                           events: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Members of each family and who of them came to each family visit.

    People who never attended are dropped. Returns people (family, role, gender,
    birth year, residence) and attendance (person, activity), sorted by activity.
    """
    n_fam = len(fams["home"])
    size = 1 + fams["two_parents"] + fams["n_children"]
    offset = np.concatenate([[0], np.cumsum(size)])
    family = np.repeat(np.arange(n_fam), size)
    rank = np.arange(offset[-1]) - offset[family]
    is_child = rank >= 1 + fams["two_parents"][family]
    is_second = (rank == 1) & fams["two_parents"][family]
    people = {"family": family, "child": is_child, "second": is_second}
    people.update(_demography(rng, fams, people))

    fam_ev, act_ev = events["family"], events["activity"]
    persons, activities = [offset[fam_ev]], [act_ev]
    two = fams["two_parents"][fam_ev] & (rng.random(len(fam_ev)) < 0.45)
    persons.append(offset[fam_ev[two]] + 1)
    activities.append(act_ev[two])
    kids = fams["n_children"][fam_ev]
    ev = np.repeat(np.arange(len(fam_ev)), kids)
    child_rank = np.arange(len(ev)) - np.repeat(np.cumsum(kids) - kids, kids)
    child = offset[fam_ev[ev]] + 1 + fams["two_parents"][fam_ev[ev]] + child_rank
    act_year = acts["date"][act_ev[ev]].astype("datetime64[Y]").astype(int) + 1970
    age = act_year - people["birth_year_true"][child]
    comes = np.array([_CHILD_COMES[t] for t in _TYPES])[acts["kind"][act_ev[ev]]]
    comes = comes * np.where(age >= 14, 0.5, 1.0)
    go = (rng.random(len(ev)) < comes) & (age >= 0)
    persons.append(child[go])
    activities.append(act_ev[ev][go])
    person, activity = np.concatenate(persons), np.concatenate(activities)
    order = np.lexsort((person, activity))
    person, activity = person[order], activity[order]

    seen = np.zeros(offset[-1], dtype=bool)
    seen[person] = True
    new_index = np.cumsum(seen) - 1
    people = {k: v[seen] for k, v in people.items()}
    people["family_id"] = _random_codes(rng, "F", n_fam)[people["family"]]
    people["participant_id"] = _random_codes(rng, "P", len(people["family"]))
    return people, {"person": new_index[person], "activity": activity}


def _demography(rng: np.random.Generator, fams: dict[str, np.ndarray], people: dict[str, np.ndarray]) -> dict:
    """Gender, birth year and residence of each person."""
    n = len(people["family"])
    child, second = people["child"], people["second"]
    gender = np.where(child, _pick(rng, _CHILD_GENDERS, n),
                      np.where(second, _pick(rng, _SECOND_PARENT_GENDERS, n), _pick(rng, _PARENT_GENDERS, n)))
    parent_year = np.clip(np.round(rng.normal(1988.5, 7.0, size=n)), 1970, 2003).astype(int)
    # Children: born after their family's first parent turned 17, up to the family's first year.
    first_parent_year = parent_year[np.searchsorted(people["family"], people["family"], side="left")]
    joined = np.minimum(fams["first_year"][people["family"]], 2024)
    age = np.minimum(rng.gamma(3.0, 2.6, size=n).astype(int), 16)
    child_year = np.clip(joined - age, np.maximum(first_parent_year + 17, 2008), joined)
    birth_year = np.where(child, child_year, parent_year)
    missing = rng.random(n) < _SHARE_BIRTH_YEAR_MISSING
    return {"gender": gender, "birth_year_true": birth_year,
            "birth_year": np.where(missing, -1, birth_year),
            "residence": fams["residence"][people["family"]]}


def _drop_unattended(acts: dict[str, np.ndarray],
                     attendance: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Keep only activities with at least one presence (renumbering the attendance)."""
    used = np.zeros(len(acts["date"]), dtype=bool)
    used[attendance["activity"]] = True
    new_index = np.cumsum(used) - 1
    return {k: v[used] for k, v in acts.items()}, {**attendance, "activity": new_index[attendance["activity"]]}


# --------------------------------------------------------------------------- frames


def _relays_frame(place: _Places) -> pd.DataFrame:
    com = place.communes.iloc[place.relay_commune]
    names = reference.communes_table(2024).set_index("nis")["name_fr"]
    return pd.DataFrame({
        "relay_id": [r.relay_id for r in place.relays],
        "name": [f"Relais Familles Mono – {names[r.nis]}" for r in place.relays],
        "organisation": [r.organisation for r in place.relays],
        "commune": [r.nis for r in place.relays],
        "latitude": [f"{v:.5f}" for v in com["lat"]],
        "longitude": [f"{v:.5f}" for v in com["lon"]],
        "opened": [r.opened.isoformat() for r in place.relays],
        "closed": [r.closed.isoformat() if r.closed else "" for r in place.relays],
    })


def _territories_frame(place: _Places) -> pd.DataFrame:
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


def _activities_frame(acts: dict[str, np.ndarray], place: _Places) -> pd.DataFrame:
    n = len(acts["date"])
    titles = _title_strings()
    return pd.DataFrame({
        "activity_id": _codes("A", np.arange(1, n + 1), max(6, len(str(n))), 10),
        "relay_id": np.array([r.relay_id for r in place.relays])[acts["relay"]],
        "date": np.datetime_as_string(acts["date"], unit="D"),
        "type": np.array(_TYPES)[acts["kind"]],
        "commune": place.communes["nis"].to_numpy()[acts["commune"]],
        "title": titles[acts["kind"], acts["title"]],
    })


def _participants_frame(people: dict[str, np.ndarray], place: _Places) -> pd.DataFrame:
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
    act_ids = _codes("A", np.arange(1, n_act + 1), max(6, len(str(n_act))), 10)
    # Object columns share the code strings (no copy per row); categoricals with arrow-backed
    # categories make to_csv convert every category at each chunk (quadratic).
    return pd.DataFrame({
        "activity_id": pd.Series(act_ids[attendance["activity"]], dtype=object),
        "participant_id": pd.Series(people["participant_id"][attendance["person"]], dtype=object),
    })


# --------------------------------------------------------------------------- helpers


def _draw_rows(rng: np.random.Generator, weights: np.ndarray, row: np.ndarray) -> np.ndarray:
    """For each element of ``row``, a column index drawn with probability ∝ ``weights[row]``.

    Vectorised inverse-CDF sampling: the rows' cumulative distributions are stacked
    end to end (row r spans (r, r + 1]) and searched once.
    """
    weights = np.asarray(weights, dtype=float)
    n_rows, n_cols = weights.shape
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1:]
    cum = np.divide(cum, total, out=np.ones_like(cum), where=total > 0)
    cum[:, -1] = 1.0
    stacked = (cum + np.arange(n_rows)[:, None]).ravel()
    pos = np.searchsorted(stacked, row + rng.random(len(row)), side="right")
    return np.clip(pos - row * n_cols, 0, n_cols - 1)


def _pick(rng: np.random.Generator, choices: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    values = np.array([c[0] for c in choices], dtype=object)
    p = np.array([c[1] for c in choices])
    return values[rng.choice(len(values), size=n, p=p / p.sum())]


def _codes(prefix: str, values: np.ndarray, width: int, base: int) -> np.ndarray:
    """Codes like ``A000042`` (base 10) or ``P3f9a0c1`` (base 16), vectorised."""
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    values = np.asarray(values, dtype=np.int64)
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    table = np.empty((len(values), width + 1), dtype=np.uint8)
    table[:, 0] = ord(prefix)
    table[:, 1:] = digits[(values[:, None] // powers[None, :]) % base]
    return table.view(f"S{width + 1}").ravel().astype(f"U{width + 1}").astype(object)


def _random_codes(rng: np.random.Generator, prefix: str, n: int) -> np.ndarray:
    """``n`` distinct random hexadecimal codes (7 digits, more for very large ``n``)."""
    width = 7
    while 16**width < 16 * max(n, 1):
        width += 1
    drawn = np.array([], dtype=np.int64)
    while True:
        drawn = np.concatenate([drawn, rng.integers(0, 16**width, size=n + n // 8 + 16)])
        _, first = np.unique(drawn, return_index=True)
        if len(first) >= n:
            break
    return _codes(prefix, drawn[np.sort(first)[:n]], width, 16)


# --------------------------------------------------------------------------- summary


def _summary(out: Path, seed: int, scale: float, tables: dict[str, pd.DataFrame], place: _Places,
             acts: dict[str, np.ndarray], people: dict[str, np.ndarray],
             attendance: dict[str, np.ndarray]) -> dict:
    """Rows written and the key figures per year, as plain Python numbers."""
    act_year = acts["date"].astype("datetime64[Y]").astype(int) + 1970
    att_year = act_year[attendance["activity"]]
    is_child = people["child"][attendance["person"]]
    years: dict[int, dict[str, float | int]] = {}
    parents_by_year: dict[int, np.ndarray] = {}
    for y in _YEARS:
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


_README = """\
# DONNÉES SYNTHÉTIQUES – Relais Familles Mono (démonstration)

**Ces données sont entièrement fictives.** Aucune personne réelle n'y figure : les codes
des participants et des familles sont tirés au hasard, et tous les chiffres sortent d'un
générateur pseudo-aléatoire. Seuls les noms et codes REFNIS des communes sont réels ; les
organisations hôtes sont inventées. Ne pas utiliser ces chiffres comme résultats du programme.

## Fichiers

| fichier | contenu |
|---|---|
| `relays.csv` | les 19 points-relais : code, nom, organisation hôte, commune (REFNIS), coordonnées WGS84, dates d'ouverture et de fermeture (un relais ouvert en 2023, un autre fermé le 30 juin 2024) |
| `territories.csv` | communes couvertes par chaque relais, avec période de validité (reprise du territoire du relais fermé à partir du 1er juillet 2024) |
| `activities.csv` | activités collectives : code, relais, date, type (liste contrôlée), commune où elle a eu lieu, titre |
| `participants.csv` | personnes (codes pseudonymes) : famille, rôle (parent/enfant), genre, année de naissance, commune de résidence |
| `attendance.csv` | présences : une ligne par personne présente à une activité |
| `dataset.json` | métadonnées : `synthetic: true`, date d'extraction (`as_of`), graine, échelle |

## Génération

    relais demo data/demo --seed {seed}

ou, en Python, `relais_analysis.demo.dataset.write_demo("data/demo", seed={seed}, scale={scale})`.
Même graine et même échelle : fichiers identiques octet pour octet. Date d'extraction fixe : 31 octobre 2025.

---

# SYNTHETIC DATA – Relais Familles Mono (demo)

**This data is entirely fictitious.** No real person is in it: participant and family
codes are random, and every figure comes from a pseudo-random generator. Only the names and
REFNIS codes of the communes are real; the host organisations are made up. Do not quote
these figures as results of the programme.

## Files

| file | content |
|---|---|
| `relays.csv` | the 19 relays: code, name, host organisation, commune (REFNIS), WGS84 coordinates, opening and closing dates (one relay opened in 2023, another closed on 30 June 2024) |
| `territories.csv` | communes covered by each relay, with validity period (the closed relay's territory is taken over from 1 July 2024) |
| `activities.csv` | group activities: code, relay, date, type (controlled list), commune where held, title |
| `participants.csv` | people (pseudonymous codes): family, role (parent/child), gender, birth year, commune of residence |
| `attendance.csv` | attendance: one row per person present at an activity |
| `dataset.json` | metadata: `synthetic: true`, extraction date (`as_of`), seed, scale |

## How it was generated

    relais demo data/demo --seed {seed}

or, in Python, `relais_analysis.demo.dataset.write_demo("data/demo", seed={seed}, scale={scale})`.
Same seed and scale: byte-identical files. Fixed extraction date: 31 October 2025.
"""
