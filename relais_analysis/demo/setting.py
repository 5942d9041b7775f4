"""The fixed setting of the synthetic programme: calendar, relays, communes and territories.

Independent of seed and scale: 19 relays in real Walloon towns with fictitious host
organisations (one opened in 2023, one closed on 30 June 2024 and taken over by a
neighbour), each covering the communes around it (about half of Wallonia, with a few
overlaps and real "zones blanches").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from relais_analysis.config import CRS_ANALYSIS, CRS_WEB
from relais_analysis.geography import reference

__all__ = ["DEMO_AS_OF", "DEMO_SEED", "LAUNCH", "Places", "Relay", "YEARS"]

#: Fixed extraction date of the demo data (never today's date: the files must not drift).
DEMO_AS_OF = dt.date(2025, 10, 31)
#: Default seed (the programme's launch year).
DEMO_SEED = 2022

#: First day of activities in the demo.
LAUNCH = dt.date(2022, 4, 1)
#: Years with activities (2025: January to October).
YEARS = (2022, 2023, 2024, 2025)
_TERRITORY_OVERLAPS = 6


@dataclass(frozen=True)
class Relay:
    """A relay of the demo: code, commune (REFNIS), host, opening, territory radius, closure and heir."""

    relay_id: str
    nis: str
    organisation: str
    opened: dt.date
    radius_km: float
    closed: dt.date | None = None
    successor: str | None = None


#: The relays: real towns, fictitious host organisations.
_DEMO_RELAYS: tuple[Relay, ...] = (
    Relay("R01", "25112", "Mutualité Solidaris – Brabant wallon", dt.date(2022, 3, 1), 12.5),
    Relay("R02", "25072", "Vie Féminine – Brabant wallon", dt.date(2022, 4, 1), 11.5),
    Relay("R03", "52011", "Mutualité Solidaris – Charleroi", dt.date(2022, 3, 1), 12.5),
    Relay("R04", "53053", "Mutualité chrétienne – Mons-Borinage", dt.date(2022, 3, 1), 13.5),
    Relay("R05", "58001", "Asbl Familles du Centre", dt.date(2022, 5, 2), 11.5),
    Relay("R06", "57081", "Mutualités Libres – Wallonie picarde", dt.date(2022, 4, 1), 14.5),
    Relay("R07", "57096", "Vie Féminine – Mouscron-Comines", dt.date(2022, 6, 1), 10.5),
    Relay("R08", "56016", "Asbl La Botte des Familles", dt.date(2023, 4, 3), 15.5),
    Relay("R09", "62063", "Mutualité Solidaris – Liège", dt.date(2022, 3, 1), 11.5),
    Relay("R10", "62096", "Asbl Parents Solos Meuse", dt.date(2022, 4, 1), 10.5,
           closed=dt.date(2024, 6, 30), successor="R09"),
    Relay("R11", "63079", "Mutualité chrétienne – Verviers-Eupen", dt.date(2022, 3, 1), 13.5),
    Relay("R12", "61031", "Ligue des familles – Huy", dt.date(2022, 5, 2), 13.5),
    Relay("R13", "64074", "Mutualités Libres – Hesbaye", dt.date(2022, 9, 1), 12.5),
    Relay("R14", "92094", "Mutualité Solidaris – Namur", dt.date(2022, 3, 1), 13.5),
    Relay("R15", "91034", "Vie Féminine – Dinant-Philippeville", dt.date(2022, 4, 1), 16.5),
    Relay("R16", "92142", "Ligue des familles – Namur", dt.date(2022, 6, 1), 11.5),
    Relay("R17", "81001", "Mutualité chrétienne – Luxembourg", dt.date(2022, 4, 1), 15.5),
    Relay("R18", "83034", "Asbl Le Fil des Familles – Famenne", dt.date(2022, 3, 1), 17.5),
    Relay("R19", "84077", "Mutualité Solidaris – Luxembourg", dt.date(2022, 9, 1), 17.5),
)


@dataclass
class Places:
    """Relays, communes and territories: fixed geography, independent of seed and scale."""

    relays: tuple[Relay, ...]
    communes: pd.DataFrame  # nis, province_nis, population, x, y (EPSG:3812), lat, lon
    relay_commune: np.ndarray  # commune index of each relay
    territory: np.ndarray  # bool (n_relays, n_communes): the relay's original territory
    takeover: np.ndarray  # bool (n_relays, n_communes): communes taken over from a closed relay
    weight: np.ndarray  # relative size of each relay (mean 1)

    @classmethod
    def build(cls) -> Places:
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
        relay_commune = np.array([index[r.nis] for r in _DEMO_RELAYS])
        territory = _territories(communes, relay_commune)
        takeover = np.zeros_like(territory)
        ids = [r.relay_id for r in _DEMO_RELAYS]
        for i, relay in enumerate(_DEMO_RELAYS):
            if relay.successor:
                heir = ids.index(relay.successor)
                takeover[heir] = territory[i] & ~territory[heir]
        population = (territory * communes["population"].to_numpy()).sum(axis=1)
        weight = np.sqrt(population)
        return cls(_DEMO_RELAYS, communes, relay_commune, territory, takeover, weight / weight.mean())

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
    radius = np.array([r.radius_km for r in _DEMO_RELAYS])
    reachable = (dist <= radius[None, :]) & (province[:, None] == province[relay_commune][None, :])
    masked = np.where(reachable, dist, np.inf)
    nearest = masked.argmin(axis=1)
    covered = reachable.any(axis=1)
    territory = np.zeros((len(_DEMO_RELAYS), len(communes)), dtype=bool)
    territory[nearest[covered], np.flatnonzero(covered)] = True
    # Deliberate overlaps: the border communes nearly as close to a second relay.
    second = np.sort(masked, axis=1)[:, 1]
    candidates = np.flatnonzero(np.isfinite(second) & ~np.isin(np.arange(len(communes)), relay_commune))
    ratio = second[candidates] / masked[candidates].min(axis=1)
    for commune in candidates[np.argsort(ratio, kind="stable")[:_TERRITORY_OVERLAPS]]:
        runner_up = np.argsort(masked[commune], kind="stable")[1]
        territory[runner_up, commune] = True
    return territory
