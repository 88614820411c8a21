"""Give sites their admin pcodes: admin-1 from the province name, admin-2 by point-in-polygon."""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from django.db.models import Count, Max

from ramani import dbutil
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

    sites = dbutil.select_where_in(
        "SELECT id, province, longitude, latitude, province_pcode, adm2_pcode FROM sites_site", "id", site_ids
    )
    located = [s for s in sites if s[2] is not None and s[3] is not None]
    units = dict(zip((s[0] for s in located), units_at([(s[2], s[3]) for s in located])))
    changed: dict[tuple[str, str], list[int]] = {}
    for pk, province_name, _lon, _lat, old_province, old_adm2 in sites:
        unit = units.get(pk)
        adm2 = unit.pcode if unit else ""
        province = pcode_of(province_name) or (unit.parent_pcode if unit else "")
        if (adm2, province) != (old_adm2, old_province):
            changed.setdefault((adm2, province), []).append(pk)
    for (adm2, province), ids in changed.items():  # few distinct pairs: one UPDATE each
        Site.objects.filter(id__in=ids).update(adm2_pcode=adm2, province_pcode=province)


def assign_all() -> None:
    from ramani.sites.models import Site

    ids = list(Site.objects.values_list("id", flat=True))
    for i in range(0, len(ids), 2000):
        admin_codes(ids[i : i + 2000])
