"""A sampling frame of mining communities: settlements with the active mines near them.

Each active mine joins its NEAREST settlement within the radius, so communities never overlap and
every mine is counted once; a mine with no settlement within the radius is a unit of its own.
Every unit carries its size measures (diggers, mines, population) and candidate strata (province,
territoire, main mineral), each with a column saying how it was derived.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy

EARTH_KM = 6371.0088
COLUMNS = [
    "unit_id",
    "unit_type",
    "name",
    "settlement_kind",
    "longitude",
    "latitude",
    "diggers",
    "mines",
    "population",
    "province",
    "province_pcode",
    "province_source",
    "territoire",
    "adm2_pcode",
    "territoire_source",
    "main_mineral",
    "main_mineral_source",
    "mine_pcodes",
    "max_distance_km",
    "last_active",
]


@dataclass(frozen=True)
class Mine:
    pcode: str
    name: str
    longitude: float
    latitude: float
    diggers: int
    mineral: str
    province: str
    province_pcode: str
    territoire: str
    adm2_pcode: str
    last_active: str  # ISO date of the visit that made it active


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    kind: str
    population: int | None
    longitude: float
    latitude: float
    province_pcode: str
    adm2_pcode: str


def distances_km(lon: float, lat: float, lons: numpy.ndarray, lats: numpy.ndarray) -> numpy.ndarray:
    """Great-circle distances (haversine) from one point to many."""
    p1, p2 = math.radians(lat), numpy.radians(lats)
    dphi, dlmb = p2 - p1, numpy.radians(lons - lon)
    a = numpy.sin(dphi / 2) ** 2 + math.cos(p1) * numpy.cos(p2) * numpy.sin(dlmb / 2) ** 2
    return 2 * EARTH_KM * numpy.arcsin(numpy.sqrt(numpy.minimum(a, 1.0)))


def nearest_place(mines: Sequence[Mine], places: Sequence[Place], radius_km: float) -> list[tuple[int, float] | None]:
    """For each mine, (index of the nearest place, distance) if one lies within radius_km, else None.
    Ties go to the place listed first."""
    if not places:
        return [None] * len(mines)
    lons = numpy.array([p.longitude for p in places])
    lats = numpy.array([p.latitude for p in places])
    margin = radius_km / 110.0 + 1e-9  # a degree of latitude is ≥ 110.5 km: a safe prefilter
    out: list[tuple[int, float] | None] = []
    for m in mines:
        near = numpy.nonzero(numpy.abs(lats - m.latitude) <= margin)[0]
        if near.size == 0:
            out.append(None)
            continue
        d = distances_km(m.longitude, m.latitude, lons[near], lats[near])
        j = int(numpy.argmin(d))
        out.append((int(near[j]), float(d[j])) if d[j] <= radius_km else None)
    return out


def _majority(values: list[str]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    best = max(counts.values())
    return min(v for v, c in counts.items() if c == best)


def _main_mineral(mines: list[Mine]) -> str:
    diggers: Counter[str] = Counter()
    for m in mines:
        if m.mineral:
            diggers[m.mineral] += m.diggers
    if not diggers:
        return ""
    best = max(diggers.values())
    return min(v for v, c in diggers.items() if c == best)


def build(
    mines: Sequence[Mine],
    places: Sequence[Place],
    radius_km: float,
    province_names: dict[str, str],
    adm2_names: dict[str, str],
) -> list[dict]:
    """The frame's units: communities (sorted by province, then name) then lone mines (by pcode)."""
    assigned = nearest_place(mines, places, radius_km)
    members: dict[int, list[tuple[Mine, float]]] = {}
    lone: list[Mine] = []
    for m, hit in zip(mines, assigned):
        if hit is None:
            lone.append(m)
        else:
            members.setdefault(hit[0], []).append((m, hit[1]))
    units = []
    for j, group in members.items():
        p = places[j]
        ms = [m for m, _ in group]
        if p.province_pcode:
            prov_pc, prov_src = p.province_pcode, "settlement location in the admin-2 boundaries"
            prov = province_names.get(prov_pc, "")
        else:
            prov = _majority([m.province for m in ms])
            prov_pc = _majority([m.province_pcode for m in ms if m.province == prov])
            prov_src = "most of its mines (IPIS province)"
        if p.adm2_pcode:
            terr_pc, terr_src = p.adm2_pcode, "settlement location in the admin-2 boundaries"
            terr = adm2_names.get(terr_pc, "")
        else:
            terr = _majority([m.territoire for m in ms])
            terr_pc = _majority([m.adm2_pcode for m in ms if m.territoire == terr])
            terr_src = "most of its mines (IPIS territoire)"
        units.append(
            {
                "unit_id": f"settlement:{p.key}",
                "unit_type": "community",
                "name": p.name,
                "settlement_kind": p.kind,
                "longitude": p.longitude,
                "latitude": p.latitude,
                "diggers": sum(m.diggers for m in ms),
                "mines": len(ms),
                "population": p.population if p.population is not None else "",
                "province": prov,
                "province_pcode": prov_pc,
                "province_source": prov_src,
                "territoire": terr,
                "adm2_pcode": terr_pc,
                "territoire_source": terr_src,
                "main_mineral": _main_mineral(ms),
                "main_mineral_source": f"most diggers among its {len(ms)} active mine(s)",
                "mine_pcodes": ";".join(sorted(m.pcode for m in ms)),
                "max_distance_km": round(max(d for _, d in group), 3),
                "last_active": max(m.last_active for m in ms),
            }
        )
    units.sort(key=lambda u: (u["province"], u["name"], u["unit_id"]))
    for m in sorted(lone, key=lambda m: m.pcode):
        units.append(
            {
                "unit_id": f"mine:{m.pcode}",
                "unit_type": "mine",
                "name": m.name,
                "settlement_kind": "",
                "longitude": m.longitude,
                "latitude": m.latitude,
                "diggers": m.diggers,
                "mines": 1,
                "population": "",
                "province": m.province,
                "province_pcode": m.province_pcode,
                "province_source": "the mine's own record (no settlement within the radius)",
                "territoire": m.territoire,
                "adm2_pcode": m.adm2_pcode,
                "territoire_source": "the mine's own record (no settlement within the radius)",
                "main_mineral": m.mineral,
                "main_mineral_source": "the mine's latest active visit",
                "mine_pcodes": m.pcode,
                "max_distance_km": 0.0,
                "last_active": m.last_active,
            }
        )
    return units
