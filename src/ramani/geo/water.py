"""Where the lakes are: the Natural Earth 1:10m lakes the offline basemap draws.

Read from the package's own basemap data (`geo/data/naturalearth_basemap.json`, public domain, see
geo/data/README.md), so what the map shows as water is what this module calls water. Used by the
demo generators (no synthetic point in a lake) and by `ramani check sites` (a site in a lake is a
reported problem).
"""

from __future__ import annotations

import functools
import json
import random
from collections.abc import Callable
from pathlib import Path

import shapely
from shapely.geometry import shape

BASEMAP = Path(__file__).parent / "data" / "naturalearth_basemap.json"
SHORE_MARGIN = 0.003  # degrees (~300 m): how far from the drawn shore a generated point keeps


@functools.cache
def lakes() -> shapely.Geometry:
    """The union of the basemap's lakes (prepared, for fast point tests)."""
    features = json.loads(BASEMAP.read_text(encoding="utf-8"))["features"]
    water = shapely.union_all([shape(f["geometry"]) for f in features if f["properties"].get("k") == "lake"])
    shapely.prepare(water)
    return water


@functools.cache
def _margin() -> shapely.Geometry:
    water = lakes().buffer(SHORE_MARGIN)
    shapely.prepare(water)
    return water


def in_lake(lon: float, lat: float) -> bool:
    """True when (lon, lat) lies inside a basemap lake."""
    return bool(lakes().contains(shapely.Point(lon, lat)))


def near_lake(lon: float, lat: float) -> bool:
    """True when (lon, lat) is in a lake or within SHORE_MARGIN of its shore (where generators don't put points)."""
    return bool(_margin().contains(shapely.Point(lon, lat)))


def on_land(area: shapely.Geometry) -> shapely.Geometry:
    """`area` without the lakes and their shore margin (prepared)."""
    if not area.intersects(_margin()):
        return area
    land = area.difference(_margin())
    shapely.prepare(land)
    return land


def draw_on_land(
    rng: random.Random, draw: Callable[[random.Random], tuple[float, float]], tries: int = 100
) -> tuple[float, float] | None:
    """The first (lon, lat) of `draw(rng)` that is not near a lake; None if `tries` draws all were."""
    for _ in range(tries):
        lon, lat = draw(rng)
        if not near_lake(lon, lat):
            return lon, lat
    return None
