"""Roadblock density per admin-2 unit: roadblocks per 1,000 km² of the unit and, when a road layer is imported
(`ramani import roads`), per 100 km of road inside the unit; as figures and as a choropleth (GeoJSON).

Pure functions over counts, areas and road lengths; `load` reads them from the database. Which units: every
admin-2 unit with an imported boundary that holds at least one roadblock of the selection (elsewhere the
survey may simply not have been). Areas and lengths are geodesic (WGS84 ellipsoid).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ramani.analysis.roadblocks import Figure, area_definition


def road_definition() -> str:
    """What a density per 100 km of road counts, in the active language."""
    return _(
        "Roadblocks of the selection located in the unit, per 100 km of the imported road layer inside the unit's "
        "boundary (geodesic length of the roads clipped to the unit). Only units with at least one roadblock and "
        "some road are listed."
    )


#: choropleth classes of roadblocks per 1,000 km²: [threshold, colour], the first colour below every threshold
STEPS = [[0, "#fee5d9"], [1, "#fcae91"], [5, "#fb6a4a"], [20, "#de2d26"], [50, "#a50f15"]]


@dataclass(frozen=True)
class Unit:
    pcode: str
    name: str
    area_km2: float
    road_km: float | None  # None: no road layer imported


def figures(counts: dict[str, int], units: dict[str, Unit]) -> dict[str, list[dict]]:
    """{"per_area": [...], "per_road": [...]}: one Figure per unit with roadblocks, densest first."""
    per_area, per_road = [], []
    for pcode, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        unit = units.get(pcode)
        if unit is None:
            continue
        label = f"{unit.name} ({pcode})"
        per_area.append(
            Figure(
                f"density_{pcode}",
                label,
                area_definition(),
                n,
                round(unit.area_km2, 3),
                n / unit.area_km2 * 1000 if unit.area_km2 else None,
                "per 1,000 km²",
            ).as_dict()
        )
        if unit.road_km:
            per_road.append(
                Figure(
                    f"road_density_{pcode}",
                    label,
                    road_definition(),
                    n,
                    round(unit.road_km, 3),
                    n / unit.road_km * 100,
                    "per 100 km of road",
                ).as_dict()
            )
    per_road.sort(key=lambda f: (-(f["value"] or 0), f["id"]))
    per_area.sort(key=lambda f: (-(f["value"] or 0), f["id"]))
    return {"per_area": per_area, "per_road": per_road}


def load(project: str | None = None, year: int | None = None, source: str | None = None) -> dict:
    """Counts of the selection per unit, the units' areas and road lengths, the figures, and whether roads exist."""
    from ramani.analysis.roadblocks import load_rows

    counts = Counter(r.adm2_pcode for r in load_rows(project, year, source) if r.adm2_pcode)
    units, geometries = _units(counts)
    return {
        "roads_imported": _roads_imported(),
        "definition_per_area": area_definition(),
        "definition_per_road": road_definition(),
        **figures(dict(counts), units),
        "_units": units,
        "_geometries": geometries,
        "_counts": counts,
    }


def analyse(project: str | None = None, year: int | None = None, source: str | None = None) -> dict:
    """The JSON answer: the figures per area and per road, and whether a road layer is imported."""
    return {k: v for k, v in load(project, year, source).items() if not k.startswith("_")}


def choropleth(project: str | None = None, year: int | None = None, source: str | None = None) -> dict:
    """A FeatureCollection of the units with roadblocks (boundaries simplified to ~500 m): their counts, area,
    road length and both densities."""
    import json

    import shapely

    data = load(project, year, source)
    features = []
    for pcode, n in sorted(data["_counts"].items()):
        unit = data["_units"].get(pcode)
        if unit is None:
            continue
        shape = shapely.simplify(data["_geometries"][pcode], 0.005, preserve_topology=True)
        features.append(
            {
                "type": "Feature",
                "id": pcode,
                "geometry": json.loads(shapely.to_geojson(shapely.set_precision(shape, 1e-5))),
                "properties": {
                    "pcode": pcode,
                    "territoire": unit.name,
                    "roadblocks": n,
                    "area_km2": round(unit.area_km2, 1),
                    "per_1000_km2": round(n / unit.area_km2 * 1000, 2) if unit.area_km2 else None,
                    "road_km": round(unit.road_km, 1) if unit.road_km is not None else None,
                    "per_100_km_road": round(n / unit.road_km * 100, 2) if unit.road_km else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _roads_imported() -> bool:
    from ramani.supplychain.models import Road

    return Road.objects.exists()


def _units(pcodes) -> tuple[dict[str, Unit], dict]:
    import shapely
    from pyproj import Geod

    from ramani.geo.models import AdminUnit
    from ramani.supplychain.models import Road

    geod = Geod(ellps="WGS84")
    units, geometries = {}, {}
    rows = list(AdminUnit.objects.filter(pcode__in=set(pcodes) - {""}, geometry__isnull=False))
    roads = [shapely.from_wkb(bytes(g)) for g in Road.objects.values_list("geometry", flat=True)]
    tree = shapely.STRtree(roads) if roads else None
    for unit in rows:
        shape = shapely.from_wkb(bytes(unit.geometry))
        area, _ = geod.geometry_area_perimeter(shape)
        road_km = None
        if tree is not None:
            road_km = 0.0
            for i in tree.query(shape, predicate="intersects"):
                road_km += geod.geometry_length(shapely.intersection(roads[i], shape)) / 1000
        units[unit.pcode] = Unit(unit.pcode, unit.name, abs(area) / 1e6, road_km)
        geometries[unit.pcode] = shape
    return units, geometries
