"""Synthetic activities: how many each relay holds per month, of which type, where, and their titles."""

from __future__ import annotations

import numpy as np

from relais_analysis.demo.draws import draw_rows
from relais_analysis.demo.setting import DEMO_AS_OF, LAUNCH, Places
from relais_analysis.intake.schema import ACTIVITY_TYPES

__all__ = ["CHILD_COMES", "TYPES", "make_activities", "title_strings"]

_MONTHLY_ACTIVITIES = 3.8  # per relay of average size, at full speed
#: Activity types of the input contract, in the order used by the arrays of this package.
TYPES = tuple(ACTIVITY_TYPES)
#: Base mix of activity types, in the order of :data:`TYPES`.
_TYPE_MIX = {"atelier_creatif": 0.25, "sortie_culturelle": 0.12, "plein_air": 0.11, "sejour": 0.018,
             "rencontre": 0.29, "information": 0.10, "evenement": 0.06, "autre": 0.045}
#: Relative pull of an activity by type (how many families it draws).
_TYPE_PULL = {"atelier_creatif": 1.0, "sortie_culturelle": 1.3, "plein_air": 1.2, "sejour": 0.8,
              "rencontre": 0.8, "information": 0.7, "evenement": 2.0, "autre": 0.8}
#: Probability that a child comes along when a parent attends, by type.
CHILD_COMES = {"atelier_creatif": 0.75, "sortie_culturelle": 0.8, "plein_air": 0.85, "sejour": 0.95,
               "rencontre": 0.45, "information": 0.2, "evenement": 0.9, "autre": 0.6}
#: Synthetic activity titles by type (demo data, French as social workers write them).
_DEMO_TITLES = {
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


def _month_starts() -> np.ndarray:
    return np.arange(np.datetime64(LAUNCH, "M"), np.datetime64(DEMO_AS_OF, "M") + 1)


def make_activities(rng: np.random.Generator, place: Places, scale: float) -> dict[str, np.ndarray]:
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
    opened = np.array([max(r.opened, LAUNCH) for r in place.relays], dtype="datetime64[D]")
    closed = np.array([r.closed or DEMO_AS_OF for r in place.relays], dtype="datetime64[D]")
    keep = (date >= opened[relay]) & (date <= closed[relay])
    relay, date = relay[keep], date[keep]
    kind = draw_rows(rng, _type_mix_by_month(), date.astype("datetime64[M]").astype(int) % 12)
    order = np.lexsort((rng.random(len(date)), relay, date))
    relay, date, kind = relay[order], date[order], kind[order]
    pull = np.array([_TYPE_PULL[t] for t in TYPES])[kind] * rng.gamma(4.0, 0.25, size=len(date))
    return {"relay": relay, "date": date, "kind": kind, "pull": pull,
            "commune": _activity_communes(rng, place, relay, date, kind),
            "title": draw_rows(rng, _title_table(), kind)}


def _type_mix_by_month() -> np.ndarray:
    """Probabilities (12 months, n_types): more outdoor activities and stays in summer, parties in December."""
    base = np.array([_TYPE_MIX[t] for t in TYPES])
    factors = np.ones((12, len(TYPES)))
    col = {t: i for i, t in enumerate(TYPES)}
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
    width = max(len(v) for v in _DEMO_TITLES.values())
    table = np.zeros((len(TYPES), width))
    for i, t in enumerate(TYPES):
        table[i, : len(_DEMO_TITLES[t])] = 1.0 / len(_DEMO_TITLES[t])
    return table


def title_strings() -> np.ndarray:
    """Titles (n_types, widest list): row ``t`` holds the titles of type ``t``, padded with ``""``."""
    width = max(len(v) for v in _DEMO_TITLES.values())
    return np.array([[*(_DEMO_TITLES[t]), *([""] * (width - len(_DEMO_TITLES[t])))] for t in TYPES], dtype=object)


def _activity_communes(rng: np.random.Generator, place: Places, relay: np.ndarray, date: np.ndarray,
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
    in_territory = draw_rows(rng, area, row)
    commune = np.where(rng.random(len(relay)) < 0.6, place.relay_commune[relay], in_territory)
    code = {c: i for i, c in enumerate(place.communes["nis"])}
    stay = np.array([code[c] for c in _STAY_COMMUNES])
    culture = np.array([code[c] for c in _CULTURE_COMMUNES])
    is_stay = kind == TYPES.index("sejour")
    commune[is_stay] = stay[rng.integers(0, len(stay), size=int(is_stay.sum()))]
    elsewhere = (kind == TYPES.index("sortie_culturelle")) & (rng.random(len(relay)) < 0.35)
    commune[elsewhere] = culture[rng.integers(0, len(culture), size=int(elsewhere.sum()))]
    return commune
