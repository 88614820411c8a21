"""The offline basemap: province and territoire outlines from the imported admin boundaries.

Outlines (not filled polygons) simplified for a country-wide view and rounded to ~100 m,
so that the whole eastern DRC costs a few tens of kilobytes. Cached per registry revision
(a boundary import moves the revision).
"""

from __future__ import annotations

import json
import threading

import shapely

from ramani.geo.models import AdminUnit

TOLERANCE = {1: 0.005, 2: 0.01}  # degrees
DECIMALS = 3

_lock = threading.Lock()
_cache: dict[int, bytes] = {}


def has_outlines() -> bool:
    return AdminUnit.objects.filter(geometry__isnull=False).exists()


def _rounded(coords) -> list:
    out = []
    for x, y in coords:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def build() -> bytes:
    features = []
    for unit in AdminUnit.objects.filter(geometry__isnull=False).order_by("-level", "pcode"):
        geom = shapely.from_wkb(bytes(unit.geometry))
        outline = shapely.simplify(geom.boundary, TOLERANCE.get(unit.level, 0.01), preserve_topology=False)
        lines = [outline] if outline.geom_type == "LineString" else list(getattr(outline, "geoms", []))
        coords = [c for c in (_rounded(line.coords) for line in lines) if len(c) > 1]
        if not coords:
            continue
        features.append({"type": "Feature", "properties": {"pcode": unit.pcode, "name": unit.name, "level": unit.level},
                         "geometry": {"type": "MultiLineString", "coordinates": coords}})
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"),
                      ensure_ascii=False).encode()


def outlines_geojson() -> bytes:
    from ramani.sites import revision

    number = revision.current()
    with _lock:
        if number not in _cache:
            _cache.clear()
            _cache[number] = build()
        return _cache[number]
