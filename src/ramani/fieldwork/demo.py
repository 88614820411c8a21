"""Synthetic villages near the demo's mines, so a sampling frame can be built from the demo.

Mines are taken in pcode order; about one mine in three gets a village 0.3–4 km away (others nearby
then join it; never in a lake: ramani.geo.water), one in twelve a town; the rest keep no settlement
and become units of their own. Same seed, same villages; every one is flagged synthetic.
"""

from __future__ import annotations

import math
import random

from ramani.fieldwork.settlements import SettlementResult, save
from ramani.geo import water
from ramani.sites.demo import _word
from ramani.sites.site_refresh import DEMO_SOURCE


def villages(sites: list[tuple[str, float, float]], seed: int = 1) -> list[dict]:
    """Settlement records near the given (pcode, longitude, latitude) mines."""
    rng = random.Random(f"villages:{seed}")
    out = []
    for pcode, lon, lat in sites:
        roll = rng.random()
        if roll >= 0.4:
            continue
        town = roll < 0.08

        def draw(rng: random.Random, lon: float = lon, lat: float = lat) -> tuple[float, float]:
            distance = rng.uniform(0.3, 4.0)
            bearing = rng.uniform(0, 2 * math.pi)
            dlat = distance * math.cos(bearing) / 111.2
            dlon = distance * math.sin(bearing) / (111.2 * max(0.2, math.cos(math.radians(lat))))
            return round(lon + dlon, 6), round(lat + dlat, 6)

        point = water.draw_on_land(rng, draw)
        if point is None:  # a mine on a lake shore with water all round: no village
            continue
        population = int(rng.lognormvariate(math.log(18_000 if town else 1_200), 0.6))
        out.append(
            dict(
                key=f"demo:{pcode}",
                name=_word(rng, 2) if not town else _word(rng, 3),
                kind="town" if town else "village",
                kind_derived=False,
                population=population,
                longitude=point[0],
                latitude=point[1],
            )
        )
    return out


def load_villages(seed: int = 1) -> SettlementResult:
    from ramani.sites.models import Site

    sites = list(
        Site.objects.filter(synthetic=True, longitude__isnull=False, latitude__isnull=False)
        .order_by("pcode")
        .values_list("pcode", "longitude", "latitude")
    )
    return save(villages(sites, seed), source=DEMO_SOURCE, synthetic=True)
