"""Load administrative boundaries (shapefile zip, GeoPackage, GeoJSON: anything GDAL reads)
through pyogrio, reprojected to WGS84, into AdminUnit; provinces get the union of their units."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import shapely
from django.db import transaction
from pyogrio import raw

from ramani import dbutil
from ramani.geo.models import AdminUnit
from ramani.geo.provinces import PROVINCES


class BoundaryError(Exception):
    pass


@dataclass
class BoundaryResult:
    units: int
    provinces: int
    crs: str


def _pick(fields: list[str], *candidates: str) -> str | None:
    lower = {f.lower(): f for f in fields}
    for c in candidates:
        if c.lower() in lower:
            return lower[c.lower()]
    return None


def import_boundaries(
    path: Path, level: int = 2, layer: str | None = None, pcode_field: str | None = None, name_field: str | None = None
) -> BoundaryResult:
    """Import admin units of `level` from `path`; existing units with the same pcode are replaced."""
    path = Path(path)
    if not path.exists():
        raise BoundaryError(f"{path}: no such file")
    try:
        meta, _fids, geometries, data = raw.read(str(path), layer=layer)
    except Exception as exc:  # pyogrio raises several DataSourceError kinds
        raise BoundaryError(f"{path.name}: GDAL cannot read it as a vector layer ({exc})") from None
    fields = list(meta["fields"])
    pcode_f = pcode_field or _pick(fields, f"ADM{level}_PCODE", "pcode", "PCODE")
    name_f = name_field or _pick(fields, f"ADM{level}_FR", f"ADM{level}_EN", f"ADM{level}_NAME", "name", "NAME", "NOM")
    if pcode_f not in fields or name_f not in fields:
        raise BoundaryError(
            f"{path.name}: cannot tell which fields hold the pcode and the name "
            f"(fields: {', '.join(fields)}); pass --pcode-field and --name-field"
        )
    alt_fs = [f for f in fields if re.fullmatch(rf"ADM{level}ALT\d+FR|ADM{level}_REF", f, re.I)]
    parent_f = _pick(fields, f"ADM{level - 1}_PCODE") if level > 1 else None
    column = {f: data[i] for i, f in enumerate(fields)}

    geoms = shapely.from_wkb(geometries)
    crs = meta.get("crs") or "EPSG:4326"
    if crs.upper() not in ("EPSG:4326", "OGC:CRS84"):
        from pyproj import Transformer

        transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        geoms = shapely.transform(geoms, lambda xy: _transform(transformer, xy))
    geoms = shapely.make_valid(geoms)

    units, problems = [], []
    for i, geom in enumerate(geoms):
        pcode = str(column[pcode_f][i] or "").strip()
        name = str(column[name_f][i] or "").strip()
        if not pcode or geom is None or geom.is_empty:
            problems.append(f"feature {i + 1}: no pcode or no geometry")
            continue
        alts = []
        for f in alt_fs:
            v = column[f][i]
            if v and str(v).strip() and str(v).strip() not in ("<Null>", name) and str(v).strip() not in alts:
                alts.append(str(v).strip())
        parent = str(column[parent_f][i] or "").strip() if parent_f else ""
        minx, miny, maxx, maxy = geom.bounds
        units.append(
            AdminUnit(
                pcode=pcode,
                level=level,
                name=name,
                alt_names=alts,
                parent_pcode=parent,
                geometry=shapely.to_wkb(geom),
                minx=minx,
                miny=miny,
                maxx=maxx,
                maxy=maxy,
                source=path.name[:255],
            )
        )
    if problems:
        raise BoundaryError("; ".join(problems[:20]) + (f" (+{len(problems) - 20} more)" if len(problems) > 20 else ""))
    if not units:
        raise BoundaryError(f"{path.name}: the layer has no features")

    with transaction.atomic():
        AdminUnit.objects.filter(pcode__in=[u.pcode for u in units]).delete()
        AdminUnit.objects.bulk_create(units)
        dbutil.refresh_statistics([AdminUnit], len(units))  # the sites' point-in-polygon joins plan on them
        provinces = _provinces(units) if level == 2 else 0
    from ramani.geo import assign

    assign.clear_cache()
    assign.assign_all()
    from ramani.sites import revision

    revision.bump()
    return BoundaryResult(units=len(units), provinces=provinces, crs=crs)


def _transform(transformer, xy):
    import numpy

    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return numpy.column_stack([x, y])


def _provinces(units: list[AdminUnit]) -> int:
    """Create or refresh the admin-1 units from their admin-2 children (geometry = union)."""
    children = defaultdict(list)
    for u in units:
        if u.parent_pcode:
            children[u.parent_pcode].append(shapely.from_wkb(u.geometry))
    for pcode, parts in children.items():
        geom = shapely.union_all(shapely.set_precision(parts, 1e-6))
        minx, miny, maxx, maxy = geom.bounds
        AdminUnit.objects.update_or_create(
            pcode=pcode,
            defaults=dict(
                level=1,
                name=PROVINCES.get(pcode, pcode),
                geometry=shapely.to_wkb(geom),
                minx=minx,
                miny=miny,
                maxx=maxx,
                maxy=maxy,
                source=units[0].source,
            ),
        )
    return len(children)
