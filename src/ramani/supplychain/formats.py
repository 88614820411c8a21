"""The supply-chain layers' files: their columns, and how one row is read and checked.

Four layers: three of trade points (depots, points of sale, destinations: Points) and one of zones of armed
interference (Polygons or MultiPolygons). A CSV carries the geometry as WKT in a `wkt` column; GeoJSON and
GeoPackage carry it as the feature's geometry. Texts are kept as written; dates are read into a date beside
their text. `parse` returns the row's values, or every problem it has (row, column, value, reason).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import shapely
from pyproj import Geod

from ramani.roadblocks.formats import read_date
from ramani.roadblocks.vocabularies import fold, join_list, split_list
from ramani.sites.ipis_read import Problem
from ramani.supplychain import vocabularies as vocab

POINT_COLUMNS = ["key", "name", "minerals", "locality", "operator", "country", "date", "source", "project", "notes"]
POINT_COLUMNS += ["synthetic"]
ZONE_COLUMNS = ["key", "name", "armed_group", "group_type", "period_start", "period_end", "source", "project"]
ZONE_COLUMNS += ["notes", "synthetic"]
WKT = "wkt"
#: written on export for readers, ignored on import
POINT_DERIVED = ["latitude", "longitude", "province_pcode", "adm2_pcode", "territoire", "linked_sites"]
ZONE_DERIVED = ["area_km2"]
ALIASES = {
    "nom": "name",
    "minerais": "minerals",
    "minerals_handled": "minerals",
    "localite": "locality",
    "localité": "locality",
    "town": "locality",
    "exploitant": "operator",
    "pays": "country",
    "geometry": WKT,
    "geom": WKT,
    "wkt_geometry": WKT,
    "groupe_arme": "armed_group",
    "groupe_armé": "armed_group",
    "type_groupe": "group_type",
    "debut": "period_start",
    "début": "period_start",
    "start": "period_start",
    "fin": "period_end",
    "end": "period_end",
}
MAX_KEY = 64
LIMITS = {"country": 80, "date": 40, "period_start": 40, "period_end": 40}
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Layer:
    name: str  # as the CLI names it: depots, points-of-sale, destinations, interference-zones
    collection: str  # the OGC API collection
    kind: str | None  # the trade-point kind; None for the zones

    @property
    def columns(self) -> list[str]:
        return ZONE_COLUMNS if self.kind is None else POINT_COLUMNS

    @property
    def derived(self) -> list[str]:
        return ZONE_DERIVED if self.kind is None else POINT_DERIVED

    @property
    def polygons(self) -> bool:
        return self.kind is None


LAYERS = {
    "depots": Layer("depots", "depots", "depot"),
    "points-of-sale": Layer("points-of-sale", "points_of_sale", "point_of_sale"),
    "destinations": Layer("destinations", "destinations", "destination"),
    "interference-zones": Layer("interference-zones", "interference_zones", None),
}
LAYER_OF_KIND = {layer.kind: layer for layer in LAYERS.values() if layer.kind}


def column_of(header: str) -> str:
    name = header.strip().lower()
    return ALIASES.get(name, name)


def _flag(text: str) -> bool:
    t = text.strip().lower()
    if t in ("", "0", "false", "no", "non"):
        return False
    if t in ("1", "true", "yes", "oui"):
        return True
    raise ValueError("expected 0 or 1")


def digest(prefix: str, *parts: str) -> str:
    return prefix + "-" + hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def area_km2(geometry) -> float:
    return abs(_GEOD.geometry_area_perimeter(geometry)[0]) / 1e6


def parse(layer: Layer, row: int, record: dict[str, str], geometry, project: str = "") -> dict | list[Problem]:
    """The values of one row (geometry: a shapely geometry, None when the row has none, or the reason it
    could not be read), or its problems."""
    problems: list[Problem] = []

    def bad(column: str, reason: str) -> None:
        problems.append(Problem(row, column, record.get(column, ""), reason))

    text = {c: (record.get(c) or "").strip() for c in layer.columns}
    for column, limit in LIMITS.items():
        if len(text.get(column, "")) > limit:
            bad(column, f"longer than {limit} characters")
    if len(text["key"]) > MAX_KEY:
        bad("key", f"longer than {MAX_KEY} characters")
    values: dict = {c: text[c] for c in ("key", "name", "source", "notes")}
    values["project"] = text["project"] or project
    try:
        values["synthetic"] = _flag(text["synthetic"])
    except ValueError as exc:
        bad("synthetic", str(exc))
    geometry_column = WKT if WKT in record else "geometry"
    if isinstance(geometry, str):
        problems.append(Problem(row, geometry_column, record.get(WKT, "")[:80], geometry))
        geometry = None
    elif geometry is None:
        problems.append(Problem(row, geometry_column, "", "no geometry (a CSV gives it as WKT in a `wkt` column)"))
    elif geometry.is_empty:
        bad(geometry_column, "the geometry is empty")
        geometry = None
    if layer.kind is not None:
        _point(layer, text, values, geometry, bad, geometry_column)
    else:
        _zone(text, values, geometry, bad, geometry_column)
    return problems or values


def _point(layer: Layer, text: dict, values: dict, geometry, bad, column: str) -> None:
    values["kind"] = layer.kind
    if not text["name"]:
        bad("name", "a name is required")
    for name in ("locality", "operator", "country"):
        values[name] = text[name]
    values["minerals"] = split_list(text["minerals"])
    values["date_text"] = text["date"]
    values["date"] = None
    if text["date"]:
        try:
            values["date"] = read_date(text["date"])
        except ValueError as exc:
            bad("date", str(exc))
    if geometry is not None:
        if geometry.geom_type != "Point":
            bad(column, f"a {layer.name} layer holds points, not a {geometry.geom_type}")
        elif not (-180 <= geometry.x <= 180 and -90 <= geometry.y <= 90):
            bad(column, "longitude and latitude out of range (the file must be in WGS84 degrees)")
        else:
            values["longitude"], values["latitude"] = float(geometry.x), float(geometry.y)
            if not values["key"]:
                prefix = {"depot": "dp", "point_of_sale": "ps", "destination": "ds"}[layer.kind or ""]
                values["key"] = digest(prefix, fold(values["name"]), f"{geometry.y:.5f}", f"{geometry.x:.5f}")


def _zone(text: dict, values: dict, geometry, bad, column: str) -> None:
    values["armed_group"] = text["armed_group"]
    if not text["armed_group"]:
        bad("armed_group", "the armed group is required")
    if not text["source"]:
        bad("source", "the source is required")
    code = vocab.group_type(text["group_type"]) if text["group_type"] else "unknown"
    if code is None:
        labels = ", ".join(entry[1] for entry in vocab.GROUP_TYPES.values())
        bad("group_type", f"not a known group type: expected one of {labels}")
    values["group_type"] = code or "unknown"
    for name in ("period_start", "period_end"):
        values[f"{name}_text"] = text[name]
        values[name] = None
        if text[name]:
            try:
                values[name] = read_date(text[name])
            except ValueError as exc:
                bad(name, str(exc))
    if not text["period_start"]:
        bad("period_start", "the start of the period is required (YYYY, YYYY-MM or YYYY-MM-DD)")
    if values["period_start"] and values["period_end"] and values["period_end"] < values["period_start"]:
        bad("period_end", "the period ends before it starts")
    if geometry is None:
        return
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        bad(column, f"a zone is a Polygon or a MultiPolygon, not a {geometry.geom_type}")
        return
    geometry = shapely.force_2d(geometry)
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        bad(column, "coordinates out of range (the file must be in WGS84 degrees)")
        return
    if not geometry.is_valid:
        bad(column, f"not a valid polygon: {shapely.is_valid_reason(geometry)}")
        return
    values.update(geometry=shapely.to_wkb(geometry), minx=minx, miny=miny, maxx=maxx, maxy=maxy)
    values["area_km2"] = round(area_km2(geometry), 3)
    if not values["key"]:
        shape = shapely.to_wkt(shapely.normalize(geometry), rounding_precision=6)
        values["key"] = digest("iz", fold(values["armed_group"]), text["period_start"], shape)


def record_of(layer: Layer, values: dict) -> dict:
    """A stored row as the file's columns (texts as written, multi-values comma-joined, flags 0/1)."""
    out = {c: values.get(c, "") or "" for c in ("key", "name", "source", "project", "notes")}
    out["synthetic"] = "1" if values["synthetic"] else "0"
    if layer.kind is not None:
        out.update({c: values[c] for c in ("locality", "operator", "country")})
        out["minerals"] = join_list(values["minerals"])
        out["date"] = values["date_text"] or (values["date"].isoformat() if values["date"] else "")
    else:
        out.update(armed_group=values["armed_group"], group_type=vocab.GROUP_TYPES[values["group_type"]][1])
        for column in ("period_start", "period_end"):
            day: dt.date | None = values[column]
            out[column] = values[f"{column}_text"] or (day.isoformat() if day else "")
    return out
