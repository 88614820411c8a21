"""The offline basemap: province and territoire outlines from the imported admin boundaries.

Outlines (not filled polygons), each border once, simplified and rounded to ~100 m and
clipped to the region of the sites, so that the backdrop costs a few tens of kilobytes. Cached per registry revision
(a boundary import moves the revision).
"""

from __future__ import annotations

import json
import threading

import shapely

from ramani.geo.models import AdminUnit

TOLERANCE = {1: 0.006, 2: 0.015}  # degrees
DECIMALS = 3
MARGIN = 2.0  # degrees around the sites

_lock = threading.Lock()
_cache: dict[int, tuple[bytes, bytes]] = {}


def has_outlines() -> bool:
    return AdminUnit.objects.filter(geometry__isnull=False).exists()


def _rounded(coords) -> list:
    out: list = []
    for x, y in coords:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _region():
    """The sites' extent plus a margin: the outlines are a backdrop for the data, not a national map."""
    from django.db.models import Max, Min

    from ramani.sites.models import Site

    box = Site.objects.aggregate(a=Min("longitude"), b=Min("latitude"), c=Max("longitude"), d=Max("latitude"))
    if box["a"] is None:
        return None
    return shapely.box(box["a"] - MARGIN, box["b"] - MARGIN, box["c"] + MARGIN, box["d"] + MARGIN)


def build() -> bytes:
    """Each shared border once per level (province lines, territoire lines)."""
    region = _region()
    features = []
    for level in (1, 2):
        geoms = [
            shapely.from_wkb(bytes(g))
            for g in AdminUnit.objects.filter(level=level, geometry__isnull=False).values_list("geometry", flat=True)
        ]
        if not geoms:
            continue
        lines = shapely.union_all([g.boundary for g in geoms])
        if region is not None:
            lines = shapely.intersection(lines, region)
        merged = shapely.line_merge(lines) if lines.geom_type == "MultiLineString" else lines
        simple = shapely.simplify(merged, TOLERANCE[level], preserve_topology=False)
        parts = [simple] if simple.geom_type == "LineString" else list(getattr(simple, "geoms", []))
        coords = [c for c in (_rounded(p.coords) for p in parts if p.geom_type == "LineString") if len(c) > 1]
        if coords:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"level": level},
                    "geometry": {"type": "MultiLineString", "coordinates": coords},
                }
            )
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, separators=(",", ":"), ensure_ascii=False
    ).encode()


def outlines_geojson() -> tuple[bytes, bytes]:
    """(GeoJSON, the same gzipped), built once per registry revision."""
    import gzip

    from ramani.sites import revision

    number = revision.current()
    with _lock:
        if number not in _cache:
            _cache.clear()
            body = build()
            _cache[number] = (body, gzip.compress(body, 9))
        return _cache[number]


def attribution() -> str:
    """Credit for the outlines drawn (COD-AB asks for it)."""
    sources = set(AdminUnit.objects.filter(geometry__isnull=False).values_list("source", flat=True).distinct())
    if not sources:
        return ""
    if any(s.lower().startswith("cod_") for s in sources):
        return "Boundaries: COD-AB (RGC, OCHA) ©WorldBank CC BY 4.0"
    return "Boundaries: " + ", ".join(sorted(sources))
