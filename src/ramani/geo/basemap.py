"""The offline basemap: province and territoire outlines from the imported admin boundaries, and
water, countries, rivers and towns from a bundled Natural Earth extract.

Outlines (not filled polygons), each border once, simplified and rounded to ~100 m and
clipped to the region of the sites, so that the backdrop costs a few tens of kilobytes. Cached per registry revision
(a boundary import moves the revision).
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

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


# ---- Natural Earth: water, countries, rivers and towns (bundled, derived by `scripts/build-basemap`) ----

NATURAL_EARTH = Path(__file__).resolve().parent / "data" / "naturalearth_basemap.json"
NATURAL_EARTH_ATTRIBUTION = "Natural Earth (public domain)"
NE_BBOX = (11.5, -14.5, 36.0, 6.0)  # the extract's box (lon, lat): features are cut to it
NE_OCEAN = (5.0, -20.0, 14.5, 0.9)  # the Atlantic off Gabon, Congo, DRC and Angola: sea minus the countries
NE_DECIMALS = 4  # ~10 m
NE_TOLERANCE = {"country": 0.005, "lake": 0.002, "river": 0.004}  # degrees (~100-400 m): drawn up to zoom ~11
# Natural Earth names lakes in English (v4 has no name_fr): the French and English names shown
LAKE_NAMES = {
    "Lake Edward": ("Lac Édouard", "Lake Edward"),
    "Lake Malawi": ("Lac Malawi", "Lake Malawi"),
    "Lac Moeru": ("Lac Moero", "Lake Mweru"),
    "Lake Rentenue": ("Lac Tshangalele", "Lake Tshangalele"),
    "Lake Cheshi": ("Lac Mweru Wantipa", "Lake Mweru Wantipa"),
}
PLACE_CLASS = {"Admin-0 capital": 0, "Admin-0 capital alt": 0, "Admin-1 region capital": 1, "Admin-1 capital": 1}


def _lake_names(name: str) -> tuple[str, str]:
    if name in LAKE_NAMES:
        return LAKE_NAMES[name]
    if name.startswith("Lake "):
        return "Lac " + name[5:], name
    if name.startswith("Lac "):
        return name, "Lake " + name[4:]
    return name, name


def _ne_geometry(geom, tolerance: float, box: tuple[float, float, float, float] = NE_BBOX):
    """Cut to the box, simplified, rounded; None when nothing is left."""
    geom = shapely.intersection(shapely.make_valid(geom), shapely.box(*box))
    geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, 10**-NE_DECIMALS)
    if geom.is_empty:
        return None
    if geom.geom_type == "GeometryCollection":
        keep = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon", "LineString", "MultiLineString")]
        if not keep:
            return None
        geom = shapely.union_all(keep)
    return geom


def _label_point(geom) -> list[float]:
    """Where a polygon's name goes: its largest part's pole of inaccessibility."""
    from shapely.ops import polylabel

    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    biggest = max(parts, key=lambda p: p.area)
    point = polylabel(biggest, tolerance=0.01)
    return [round(point.x, 3), round(point.y, 3)]


def derive_natural_earth(source: Path) -> dict:
    """The basemap's one GeoJSON, from the Natural Earth extract in `source` (shared/geo/naturalearth).

    Every feature has `k` (its kind: ocean, border, country, country_label, lake, lake_label, river,
    place) and
    what the style needs: names (`fr`, `en`), `rank` (lower is more important: Natural Earth's
    scalerank, the symbol sort key), `pop` for towns. Lake-centerline river parts are dropped
    (hidden under the lakes), as are unnamed lakes' labels.
    """

    def read(name: str) -> list[dict]:
        return json.loads((source / f"{name}.geojson").read_text(encoding="utf-8"))["features"]

    out: list[dict] = []

    def add(props: dict, geom) -> None:
        out.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)})

    countries = sorted(read("countries"), key=lambda f: f["properties"]["adm0_a3"])
    shapes = [shapely.make_valid(shapely.geometry.shape(f["geometry"])) for f in countries]
    ocean = _ne_geometry(shapely.difference(shapely.box(*NE_OCEAN), shapely.union_all(shapes)), 0.005, NE_OCEAN)
    if ocean is not None:
        add({"k": "ocean"}, ocean)
    borders = [
        shapely.intersection(a.boundary, b.boundary)
        for i, a in enumerate(shapes)
        for b in shapes[i + 1 :]
        if a.intersects(b)
    ]
    lines = shapely.line_merge(
        shapely.union_all([g for b in borders for g in getattr(b, "geoms", [b]) if g.geom_type == "LineString"])
    )
    border = _ne_geometry(lines, NE_TOLERANCE["country"])
    if border is not None:
        add({"k": "border"}, border)
    for f in countries:
        p = f["properties"]
        geom = _ne_geometry(shapely.geometry.shape(f["geometry"]), NE_TOLERANCE["country"])
        if geom is None:
            continue
        add({"k": "country", "iso": p["adm0_a3"]}, geom)
        point = _label_point(shapely.geometry.shape(f["geometry"]).intersection(shapely.box(*NE_BBOX)))
        label = {"k": "country_label", "iso": p["adm0_a3"], "fr": p["name_fr"], "en": p["name_en"]}
        out.append({"type": "Feature", "properties": label | {"rank": p["scalerank"]}, "geometry": _point(point)})
    for f in sorted(read("lakes"), key=lambda f: (f["properties"]["scalerank"], f["properties"]["name"] or "")):
        p = f["properties"]
        geom = _ne_geometry(shapely.geometry.shape(f["geometry"]), NE_TOLERANCE["lake"])
        if geom is None:
            continue
        add({"k": "lake", "rank": p["scalerank"]}, geom)
        if p["name"]:
            fr, en = _lake_names(p["name"])
            label = {"k": "lake_label", "fr": fr, "en": en, "rank": p["scalerank"]}
            out.append({"type": "Feature", "properties": label, "geometry": _point(_label_point(geom))})
    for f in sorted(read("rivers"), key=lambda f: (f["properties"]["scalerank"], f["properties"]["rivernum"])):
        p = f["properties"]
        if p["featurecla"] == "Lake Centerline":
            continue
        geom = _ne_geometry(shapely.geometry.shape(f["geometry"]), NE_TOLERANCE["river"])
        if geom is None or geom.geom_type not in ("LineString", "MultiLineString"):
            continue
        add({"k": "river", "name": p["name"] or "", "rank": p["scalerank"]}, geom)
    places = sorted(read("places"), key=lambda f: (f["properties"]["scalerank"], -f["properties"]["pop_max"]))
    for f in places:
        p = f["properties"]
        x, y = f["geometry"]["coordinates"]
        if not (NE_BBOX[0] <= x <= NE_BBOX[2] and NE_BBOX[1] <= y <= NE_BBOX[3]):
            continue
        props = {
            "k": "place",
            "fr": p["name_fr"] or p["name"],
            "en": p["name_en"] or p["name"],
            "rank": p["scalerank"],
            "pop": p["pop_max"],
            "cls": PLACE_CLASS.get(p["featurecla"], 2),
            "iso": p["adm0_a3"],
        }
        out.append({"type": "Feature", "properties": props, "geometry": _point([round(x, 4), round(y, 4)])})
    return {"type": "FeatureCollection", "features": out}


def _point(coords: list[float]) -> dict:
    return {"type": "Point", "coordinates": coords}


def dump_natural_earth(collection: dict) -> bytes:
    """One feature a line (diffs stay readable), compact otherwise."""
    lines = [json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in collection["features"]]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode()


_ne_cache: list[tuple[bytes, bytes]] = []


def natural_earth_version() -> str:
    """A short hash of the bundled file, for its URL (cached by browsers for a week)."""
    import hashlib

    return hashlib.sha1(natural_earth_geojson()[0]).hexdigest()[:10]


def natural_earth_geojson() -> tuple[bytes, bytes]:
    """(the bundled Natural Earth GeoJSON, the same gzipped), read once."""
    import gzip

    with _lock:
        if not _ne_cache:
            body = NATURAL_EARTH.read_bytes()
            _ne_cache.append((body, gzip.compress(body, 9)))
        return _ne_cache[0]


# ---- a basemap the user supplies: a PMTiles file in the data dir (RAMANI_BASEMAP_URL=pmtiles://NAME.pmtiles) ----

PMTILES_SCHEME = "pmtiles://"
PMTILES_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.pmtiles")
TILE_TYPES = {1: "mvt", 2: "png", 3: "jpg", 4: "webp", 5: "avif"}


class BasemapError(ValueError):
    pass


def pmtiles_path(name: str, folder: Path) -> Path | None:
    """The PMTiles file `name` directly in `folder`; None for any other name (no paths, no other files)."""
    if not PMTILES_NAME.fullmatch(name) or ".." in name:
        return None
    path = folder / name
    if path.parent != folder or not path.is_file():
        return None
    return path


def pmtiles_header(path: Path) -> dict:
    """The parts of a PMTiles v3 header that the map needs: tile type, zooms, bounds."""
    import struct

    with path.open("rb") as f:
        head = f.read(127)
    if len(head) < 127 or head[:7] != b"PMTiles" or head[7] != 3:
        raise BasemapError(f"{path.name} is not a PMTiles version 3 file")
    tile_type = TILE_TYPES.get(head[99])
    if tile_type is None:
        raise BasemapError(f"{path.name}: unknown tile type {head[99]}")
    min_zoom, max_zoom = head[100], head[101]
    bounds = [v / 1e7 for v in struct.unpack("<4i", head[102:118])]
    return {"type": tile_type, "minzoom": min_zoom, "maxzoom": max_zoom, "bounds": bounds}
