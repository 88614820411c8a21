"""Give sites their admin pcodes: admin-1 from the province name, admin-2 by point-in-polygon."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from django.db.models import Count, Max

from ramani.geo.models import AdminUnit
from ramani.geo.provinces import pcode_of


@dataclass
class _Index:
    key: tuple
    units: list[AdminUnit]
    geoms: list
    tree: shapely.STRtree | None


_cache: dict[str, _Index] = {}


def clear_cache() -> None:
    _cache.clear()


def index(level: int = 2) -> _Index:
    """A spatial index of the admin units of `level` (rebuilt when the table changes)."""
    stats = AdminUnit.objects.filter(level=level, geometry__isnull=False).aggregate(n=Count("id"), m=Max("id"))
    key = (stats["n"], stats["m"])
    cached = _cache.get(str(level))
    if cached and cached.key == key:
        return cached
    units = list(AdminUnit.objects.filter(level=level, geometry__isnull=False).order_by("pcode"))
    geoms = [shapely.from_wkb(bytes(u.geometry)) for u in units]
    shapely.prepare(geoms)
    built = _Index(key=key, units=units, geoms=geoms, tree=shapely.STRtree(geoms) if geoms else None)
    _cache[str(level)] = built
    return built


def units_at(points: list[tuple[float, float]], level: int = 2) -> list[AdminUnit | None]:
    """The unit containing each (lon, lat) point; None outside every unit or with no boundaries."""
    idx = index(level)
    if idx.tree is None or not points:
        return [None] * len(points)
    geoms = shapely.points(points)
    hits = idx.tree.query(geoms, predicate="intersects")
    found: list[AdminUnit | None] = [None] * len(points)
    for point_i, unit_i in zip(*hits):
        if found[point_i] is None:
            found[point_i] = idx.units[unit_i]
    return found


def admin_codes(site_ids: list[int]) -> None:
    from ramani.sites.models import Site

    sites = list(Site.objects.filter(id__in=site_ids).only("id", "province", "longitude", "latitude",
                                                             "province_pcode", "adm2_pcode"))
    located = [s for s in sites if s.longitude is not None and s.latitude is not None]
    units = dict(zip((s.id for s in located), units_at([(s.longitude, s.latitude) for s in located])))
    changed = []
    for s in sites:
        unit = units.get(s.id)
        adm2 = unit.pcode if unit else ""
        province = pcode_of(s.province) or (unit.parent_pcode if unit else "")
        if (adm2, province) != (s.adm2_pcode, s.province_pcode):
            s.adm2_pcode, s.province_pcode = adm2, province
            changed.append(s)
    Site.objects.bulk_update(changed, ["adm2_pcode", "province_pcode"], batch_size=500)


def assign_all() -> None:
    from ramani.sites.models import Site

    ids = list(Site.objects.values_list("id", flat=True))
    for i in range(0, len(ids), 2000):
        admin_codes(ids[i:i + 2000])
