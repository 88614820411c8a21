"""Consistency of what a site's row says (territoire, province) with where its coordinates are, and
coordinates that fall in a lake (ramani.geo.water: the basemap's Natural Earth lakes)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import shapely

from ramani.geo import assign, water
from ramani.geo.names import normalise
from ramani.geo.provinces import pcode_of


@dataclass(frozen=True)
class Discrepancy:
    pcode: str
    name: str
    province: str
    territoire: str
    longitude: float
    latitude: float
    found_pcode: str
    found_name: str
    reason: str


def check_sites(tolerance_km: float = 1.0) -> tuple[list[Discrepancy], int]:
    """Sites whose stated territoire (or province) disagrees with their coordinates.

    A stated territoire agrees when it names the admin-2 unit the point falls in (or one of
    its alternative names), or a unit of that name within `tolerance_km` of the point (GPS
    error near a boundary; towns carved out of their territoire). A site whose coordinates fall in
    a lake is a discrepancy too. Returns (discrepancies, number of sites checked).
    """
    from ramani.sites.models import Site

    idx = assign.index(2)
    if idx.tree is None:
        raise LookupError("no admin-2 boundaries loaded: run `ramani import boundaries PATH` first")
    by_name = defaultdict(list)
    for unit, geom in zip(idx.units, idx.geoms):
        for n in unit.names():
            by_name[normalise(n)].append((unit, geom))
    tolerance = tolerance_km / 111.0
    sites = list(
        Site.objects.filter(longitude__isnull=False, latitude__isnull=False)
        .exclude(territoire="")
        .order_by("pcode")
        .values_list("pcode", "name", "province", "territoire", "longitude", "latitude")
    )
    units: list = assign.units_at([(s[4], s[5]) for s in sites])
    wet = shapely.contains_xy(water.lakes(), [s[4] for s in sites], [s[5] for s in sites]) if sites else []
    out = []
    for (pcode, name, province, territoire, lon, lat), unit, in_lake in zip(sites, units, wet):

        def report(reason: str, unit=unit) -> None:
            out.append(
                Discrepancy(
                    pcode,
                    name,
                    province,
                    territoire,
                    lon,
                    lat,
                    unit.pcode if unit else "",
                    unit.name if unit else "",
                    reason,
                )
            )

        stated = normalise(territoire)
        if in_lake:
            report("coordinates fall in a lake (Natural Earth 1:10m lakes)")
            continue
        if unit is None:
            report("coordinates fall outside every admin-2 unit")
            continue
        if stated in {normalise(n) for n in unit.names()}:
            pass
        elif stated not in by_name:
            report(f"territoire {territoire!r} is not the name of any admin-2 unit")
            continue
        else:
            point = shapely.Point(lon, lat)
            near = min(geom.distance(point) for _, geom in by_name[stated])
            if near > tolerance:
                report(f"coordinates are {near * 111:.1f} km from {territoire}, inside {unit.name} ({unit.pcode})")
                continue
        stated_province = pcode_of(province)
        if stated_province and unit.parent_pcode and stated_province != unit.parent_pcode:
            report(f"province {province} ({stated_province}) but coordinates are in {unit.parent_pcode}")
    return out, len(sites)
