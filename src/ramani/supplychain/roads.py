"""`ramani import roads PATH`: a road layer (lines from anything GDAL reads: GeoPackage, GeoJSON, shapefile…,
reprojected to WGS84) that replaces the one imported before. All or nothing: a feature that is not a
LineString or MultiLineString is a problem (row = feature number + 1, as in the other imports). The layer is
the denominator of roadblocks per 100 km of road (ramani.analysis.density)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shapely
from django.db import transaction
from pyproj import Geod

from ramani.sites import revision
from ramani.sites.ipis_import import ImportFailed
from ramani.sites.ipis_read import Problem
from ramani.supplychain.models import Road
from ramani.supplychain.read import WGS84, _text

NAME_FIELDS = ("name", "nom", "NAME", "ref")
CLASS_FIELDS = ("road_class", "highway", "class", "fclass", "type", "CLASS")
_GEOD = Geod(ellps="WGS84")


@dataclass
class RoadResult:
    roads: int
    km: float
    replaced: int


def length_km(geometry) -> float:
    return _GEOD.geometry_length(geometry) / 1000


def import_roads(path: Path, source: str = "") -> RoadResult:
    from pyogrio import raw

    path = Path(path)
    try:
        meta, _fids, geometries, data = raw.read(str(path))
    except Exception as exc:  # pyogrio's several DataSourceError kinds
        raise ImportFailed([Problem(0, "", "", f"GDAL cannot read it as a vector layer ({exc})")], 1) from None
    fields = [str(f) for f in meta["fields"]]
    column = {f: data[i] for i, f in enumerate(fields)}
    name_f = next((f for f in NAME_FIELDS if f in column), None)
    class_f = next((f for f in CLASS_FIELDS if f in column), None)
    crs = (meta.get("crs") or "").upper()
    to_wgs84 = None
    if crs and crs not in WGS84:
        from pyproj import Transformer

        to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    problems, roads = [], []
    for index, wkb in enumerate(geometries):
        row = index + 2
        geometry = shapely.from_wkb(wkb) if wkb is not None else None
        if geometry is None or geometry.is_empty:
            problems.append(Problem(row, "geometry", "", "no geometry"))
            continue
        if geometry.geom_type not in ("LineString", "MultiLineString"):
            problems.append(Problem(row, "geometry", geometry.geom_type, "a road is a LineString or MultiLineString"))
            continue
        if to_wgs84 is not None:
            geometry = shapely.transform(geometry, to_wgs84.transform, interleaved=False)
        geometry = shapely.force_2d(geometry)
        minx, miny, maxx, maxy = geometry.bounds
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            problems.append(Problem(row, "geometry", "", "coordinates out of range (not WGS84 degrees?)"))
            continue
        roads.append(
            Road(
                name=_text(column[name_f][index])[:500] if name_f else "",
                road_class=_text(column[class_f][index])[:40] if class_f else "",
                geometry=shapely.to_wkb(geometry),
                minx=minx,
                miny=miny,
                maxx=maxx,
                maxy=maxy,
                length_km=length_km(geometry),
                source=source or path.name,
            )
        )
    if len(geometries) == 0:
        problems.append(Problem(0, "", "", "the file has no features"))
    if problems:
        raise ImportFailed(problems[:10_000], len(problems))
    with transaction.atomic():
        replaced, _ = Road.objects.all().delete()
        Road.objects.bulk_create(roads, batch_size=500)
        revision.bump()
    return RoadResult(len(roads), round(sum(r.length_km for r in roads), 3), replaced)
