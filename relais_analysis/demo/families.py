"""Synthetic families: when they first come, to which relay, how many parents and children, where they live."""

from __future__ import annotations

import datetime as dt

import numpy as np

from relais_analysis.demo.draws import draw_rows
from relais_analysis.demo.setting import DEMO_AS_OF, LAUNCH, Places, Relay, YEARS

__all__ = ["RETENTION", "make_families"]

#: Families active per year at scale 1 (2025: January to October).
_ACTIVE_FAMILIES = {2022: 680, 2023: 1165, 2024: 1470, 2025: 1270}
#: Share of a year's families that come back the next year.
RETENTION = 0.36
_SHARE_TWO_PARENTS = 0.03
_SHARE_TWO_RELAYS = 0.03
_SHARE_RESIDENCE_OUTSIDE = 0.10
_SHARE_RESIDENCE_MISSING = 0.10
_CHILDREN_PER_FAMILY = (0.32, 0.39, 0.22, 0.07)  # P(0, 1, 2, 3 children)


def _open_fraction(relay: Relay, year: int) -> float:
    start = max(relay.opened, LAUNCH, dt.date(year, 1, 1))
    end = min(relay.closed or DEMO_AS_OF, DEMO_AS_OF, dt.date(year, 12, 31))
    if end < start:
        return 0.0
    full = (min(DEMO_AS_OF, dt.date(year, 12, 31)) - max(LAUNCH, dt.date(year, 1, 1))).days + 1
    return ((end - start).days + 1) / full


def make_families(rng: np.random.Generator, place: Places, scale: float) -> dict[str, np.ndarray]:
    """Families: home relay, first year, optional second relay, composition, residence."""
    n_rel = len(place.relays)
    first_year, home = [], []
    carried = 0.0
    for y in YEARS:
        newcomers = _ACTIVE_FAMILIES[y] * scale - carried
        n_new = max(int(round(newcomers)), 0)
        carried = RETENTION * _ACTIVE_FAMILIES[y] * scale
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


def _second_relays(rng: np.random.Generator, place: Places, home: np.ndarray) -> np.ndarray:
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


def _residences(rng: np.random.Generator, place: Places, home: np.ndarray) -> np.ndarray:
    """Commune of residence (-1 if missing): mostly in the home relay's territory, weighted by population."""
    pop = place.communes["population"].to_numpy().astype(float)
    inside = place.territory * pop[None, :]
    dist = place.distances_km().T
    outside = np.where(place.territory, 0.0, pop[None, :] * np.exp(-dist / 12.0))
    residence = np.where(rng.random(len(home)) < _SHARE_RESIDENCE_OUTSIDE,
                         draw_rows(rng, outside, home), draw_rows(rng, inside, home))
    residence[rng.random(len(home)) < _SHARE_RESIDENCE_MISSING] = -1
    return residence
