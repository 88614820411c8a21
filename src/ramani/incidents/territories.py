"""Incidents drawn per territoire: the territoire polygons of the AdminUnit table, simplified, and the
number of incidents in each. The only geometry an incident ever has in public (never a point, a village
or a description); the platform draws the same aggregate over the incidents a member may see.

The polygons are built once per registry revision (a boundary import moves it); the public aggregate
once per publication version (`ramani.incidents.public.version`)."""

from __future__ import annotations

import hashlib
import json
import math
import threading

import shapely
from django.db.models import Count

from ramani.geo.models import AdminUnit
from ramani.geo.names import normalise, territoire_names

TOLERANCE = 0.01  # degrees (~1 km) at most: a backdrop for counts, not a survey
DECIMALS = 3

_lock = threading.Lock()
_shapes: dict[int, dict[str, dict]] = {}
_public: dict[str, bytes] = {}


def shapes() -> dict[str, dict]:
    """pcode -> {territoire, province, geometry (GeoJSON, simplified), bbox} for every territoire with a polygon."""
    from ramani.sites import revision

    number = revision.current()
    with _lock:
        if number not in _shapes:
            _shapes.clear()
            _public.clear()
            _shapes[number] = _build()
        return _shapes[number]


def _build() -> dict[str, dict]:
    provinces = dict(AdminUnit.objects.filter(level=1).values_list("pcode", "name"))
    out = {}
    rows = AdminUnit.objects.filter(level=2, geometry__isnull=False).values_list(
        "pcode", "name", "alt_names", "parent_pcode", "geometry"
    )
    for pcode, name, alt_names, parent, wkb in rows:
        geometry = shapely.from_wkb(bytes(wkb))
        tolerance = min(TOLERANCE, math.sqrt(geometry.area) / 40)  # a town's small polygon keeps its shape
        simple = shapely.simplify(geometry, tolerance, preserve_topology=True)
        simple = shapely.set_precision(simple, 10**-DECIMALS)
        if simple.is_empty:
            simple = shapely.set_precision(geometry, 10**-DECIMALS)
        out[pcode] = {
            "territoire": name,
            "province": provinces.get(parent, ""),
            "names": {normalise(n) for n in [name, *(alt_names or [])]},
            "geometry": json.loads(shapely.to_geojson(simple)),
            "bbox": tuple(round(v, 4) for v in geometry.bounds),
        }
    return out


def pcode_of(pcode: str, province: str, territoire: str) -> str:
    """The territoire polygon an incident is drawn on: its pcode, else its territoire's name (in its province when
    two share a name) — incidents received before the boundaries were imported have no pcode yet."""
    polygons = shapes()
    if pcode in polygons:
        return pcode
    wanted = normalise(territoire)
    if not wanted:
        return ""
    named = [p for p, shape in polygons.items() if wanted in shape["names"]]
    if len(named) > 1 and province:
        named = [p for p in named if normalise(polygons[p]["province"]) == normalise(province)] or named
    if len(named) > 1:  # a territoire and its town share the name (Uvira): the territoire
        named = [p for p in named if wanted in territoire_names(p[:4])] or named
    return min(named) if named else ""


def counts(incidents) -> dict[str, int]:
    """pcode -> how many of `incidents` (any queryset of Incident, already scoped) lie in that territoire."""
    rows = incidents.order_by().values("territoire_pcode", "province", "territoire").annotate(n=Count("id"))
    out: dict[str, int] = {}
    for row in rows:
        pcode = pcode_of(row["territoire_pcode"], row["province"], row["territoire"])
        if pcode:
            out[pcode] = out.get(pcode, 0) + row["n"]
    return out


def aggregate(incidents) -> dict:
    """A GeoJSON FeatureCollection: one simplified polygon per territoire holding at least one of `incidents`,
    with its pcode, name, province, `count` and `synthetic`; `unplaced` counts those with no territoire polygon."""
    found = counts(incidents)
    real = counts(incidents.filter(synthetic=False))
    polygons = shapes()
    total = incidents.count()
    features = [
        {
            "type": "Feature",
            "id": pcode,
            "geometry": polygons[pcode]["geometry"],
            "properties": {
                "pcode": pcode,
                "territoire": polygons[pcode]["territoire"],
                "province": polygons[pcode]["province"],
                "count": n,
                "synthetic": pcode not in real,  # every incident counted there is `ramani demo`'s
            },
        }
        for pcode, n in sorted(found.items())
    ]
    return {"type": "FeatureCollection", "features": features, "total": total, "unplaced": total - sum(found.values())}


def public_version() -> str:
    """Moves with the boundaries and with every publication (the public aggregate's cache key)."""
    from ramani.incidents.public import version
    from ramani.sites import revision

    return hashlib.sha256(f"{revision.current()}-{version()}".encode()).hexdigest()[:16]


def public_aggregate() -> tuple[bytes, str]:
    """(GeoJSON of the published incidents per territoire, its version), built once per version."""
    from ramani.incidents.models import Incident

    key = public_version()
    with _lock:
        cached = _public.get(key)
    if cached is None:
        body = json.dumps(aggregate(Incident.objects.published()), separators=(",", ":"), ensure_ascii=False)
        cached = body.encode()
        with _lock:
            _public.clear()
            _public[key] = cached
    return cached, key
