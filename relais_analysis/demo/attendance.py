"""Who came to what: family visits year by year, the people of each family and their attendance."""

from __future__ import annotations

import numpy as np

from relais_analysis.demo.activities import CHILD_COMES, TYPES
from relais_analysis.demo.draws import pick, random_codes
from relais_analysis.demo.families import RETENTION
from relais_analysis.demo.setting import Places, YEARS

__all__ = ["drop_unattended", "family_events", "people_and_attendance"]

_SHARE_AT_SECOND_RELAY = 0.3
_SHARE_BIRTH_YEAR_MISSING = 0.02
_VISITS_SHAPE = 0.7  # visits per family and year: 1 + NegBin(shape, mean)
_VISITS_EXTRA_MEAN = 2.0
_MAX_VISITS = 40
_PARENT_GENDERS = (("F", 0.815), ("M", 0.145), ("X", 0.005), ("", 0.035))
_SECOND_PARENT_GENDERS = (("M", 0.85), ("F", 0.12), ("", 0.03))
_CHILD_GENDERS = (("F", 0.49), ("M", 0.49), ("", 0.02))


def _pools(place: Places, acts: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Activities open to a family of relay r in year y, as contiguous weighted blocks.

    Pool ``r * n_years + (y - first year)`` holds the activities of relay r in year y and,
    after r closed, those of its successor. Returns (activity index per member,
    cumulative pull over all members, start of each pool in that cumulative array).
    """
    n_years = len(YEARS)
    year = acts["date"].astype("datetime64[Y]").astype(int) + 1970 - YEARS[0]
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


def family_events(rng: np.random.Generator, place: Places, acts: dict[str, np.ndarray],
                   fams: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """(family, activity) visits, year by year; heavy users are likelier to come back."""
    pools = _pools(place, acts)
    n_years = len(YEARS)
    pool_size = np.diff(pools[2])
    active = np.array([], dtype=np.int64)
    visits_prev = np.array([], dtype=np.int64)
    fam_out, act_out = [], []
    for k, y in enumerate(YEARS):
        keep = int(round(RETENTION * len(active)))
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


def people_and_attendance(rng: np.random.Generator, acts: dict[str, np.ndarray], fams: dict[str, np.ndarray],
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
    comes = np.array([CHILD_COMES[t] for t in TYPES])[acts["kind"][act_ev[ev]]]
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
    people["family_id"] = random_codes(rng, "F", n_fam)[people["family"]]
    people["participant_id"] = random_codes(rng, "P", len(people["family"]))
    return people, {"person": new_index[person], "activity": activity}


def _demography(rng: np.random.Generator, fams: dict[str, np.ndarray], people: dict[str, np.ndarray]) -> dict:
    """Gender, birth year and residence of each person."""
    n = len(people["family"])
    child, second = people["child"], people["second"]
    gender = np.where(child, pick(rng, _CHILD_GENDERS, n),
                      np.where(second, pick(rng, _SECOND_PARENT_GENDERS, n), pick(rng, _PARENT_GENDERS, n)))
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


def drop_unattended(acts: dict[str, np.ndarray],
                     attendance: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Keep only activities with at least one presence (renumbering the attendance)."""
    used = np.zeros(len(acts["date"]), dtype=bool)
    used[attendance["activity"]] = True
    new_index = np.cumsum(used) - 1
    return {k: v[used] for k, v in acts.items()}, {**attendance, "activity": new_index[attendance["activity"]]}
