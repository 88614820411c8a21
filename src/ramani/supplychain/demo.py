"""Synthetic supply-chain layers for `ramani demo`: trading depots and points of sale in the trading towns the
synthetic visits name, mineral destinations, zones of armed interference around mining areas of the east, and
the synthetic roadblocks' roads as a road layer. Every row is flagged synthetic, with source
`Ramani demo (synthetic)` and names marked *fictif*.

Coordinates of towns are approximate; zones are invented octagons, not surveyed areas. They go in through the
importer, the way a user's file does, so a re-run with the same seed changes nothing; the site links are
then matched from the visits' selling points and destinations like any other.
"""

from __future__ import annotations

import csv
import math
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ramani.geo import water
from ramani.supplychain.formats import POINT_COLUMNS, WKT, ZONE_COLUMNS
from ramani.supplychain.importer import import_layer

SOURCE = "Ramani demo (synthetic)"
PROJECT = "Démo - chaîne d'approvisionnement"
# trading towns of the synthetic visits (ramani.sites.demo.TRADING_HUBS), approximate (lon, lat)
HUBS = {
    "Bukavu": (28.86, -2.51),
    "Uvira": (29.13, -3.39),
    "Baraka": (29.09, -4.10),
    "Kamituga": (28.18, -3.06),
    "Shabunda": (27.34, -2.70),
    "Goma": (29.23, -1.67),
    "Butembo": (29.29, 0.14),
    "Walikale": (28.05, -1.42),
    "Beni": (29.47, 0.49),
    "Mubi": (28.18, -1.10),
    "Bunia": (30.25, 1.56),
    "Mongbwalu": (30.04, 1.95),
    "Mambasa": (29.05, 1.36),
    "Aru": (30.86, 2.87),
    "Kindu": (25.93, -2.95),
    "Kalima": (26.61, -2.50),
    "Punia": (26.45, -1.47),
    "Kasongo": (26.66, -4.45),
    "Kalemie": (29.18, -5.93),
    "Manono": (27.42, -7.30),
    "Nyunzu": (28.02, -5.95),
    "Isiro": (27.62, 2.77),
    "Watsa": (29.54, 3.04),
    "Durba": (29.60, 3.10),
    "Kisangani": (25.19, 0.52),
    "Bafwasende": (27.26, 1.08),
}
DESTINATIONS = {  # ramani.sites.demo.DESTINATIONS, with the country
    "Bukavu": ("RD Congo", 28.86, -2.51),
    "Goma": ("RD Congo", 29.23, -1.67),
    "Uvira": ("RD Congo", 29.13, -3.39),
    "Butembo": ("RD Congo", 29.29, 0.14),
    "Kisangani": ("RD Congo", 25.19, 0.52),
    "Kampala": ("Ouganda", 32.58, 0.35),
    "Bujumbura": ("Burundi", 29.36, -3.38),
    "Kigali": ("Rwanda", 30.06, -1.95),
    "Dubai": ("Émirats arabes unis", 55.27, 25.20),
}
MINERALS = ["Or", "Cassitérite", "Coltan", "Wolframite"]
# (centre lon, lat, radius in degrees, group, type)
ZONES = [
    (28.78, -1.42, 0.22, "Groupe armé A (fictif)", "Groupe armé local"),
    (28.30, -1.15, 0.25, "Groupe armé B (fictif)", "Groupe armé local"),
    (28.62, -1.00, 0.18, "Groupe armé C (fictif)", "Groupe armé étranger"),
    (27.45, -2.72, 0.30, "Groupe armé D (fictif)", "Groupe armé local"),
    (28.75, -4.05, 0.25, "Groupe armé E (fictif)", "Groupe armé local"),
    (28.25, -3.20, 0.20, "Armée, éléments indisciplinés (fictif)", "Éléments des forces de sécurité"),
    (30.10, 1.85, 0.25, "Groupe armé F (fictif)", "Groupe armé local"),
    (29.40, 1.10, 0.30, "Groupe armé G (fictif)", "Groupe armé étranger"),
    (26.55, -2.45, 0.18, "Hommes armés non identifiés (fictif)", "Non identifié"),
    (29.30, -1.10, 0.20, "Groupe armé H (fictif)", "Groupe armé étranger"),
]


@dataclass
class DemoResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links: int = 0
    by_layer: dict[str, int] = field(default_factory=dict)


def _near(rng: random.Random, lon: float, lat: float) -> tuple[float, float]:
    """A point up to 0.02° from the town, never in a lake (ramani.geo.water); the town itself if no draw is."""

    def draw(rng: random.Random) -> tuple[float, float]:
        return lon + rng.uniform(-0.02, 0.02), lat + rng.uniform(-0.02, 0.02)

    return water.draw_on_land(rng, draw) or (lon, lat)


def point_rows(seed: int = 1) -> dict[str, list[dict[str, str]]]:
    """The synthetic depots, points of sale and destinations, the same for the same seed."""
    rng = random.Random(f"supplychain-{seed}")
    layers: dict[str, list[dict[str, str]]] = {"depots": [], "points-of-sale": [], "destinations": []}
    for town, (lon, lat) in HUBS.items():
        for layer, prefix, word in (("depots", "dp", "Dépôt"), ("points-of-sale", "ps", "Point de vente")):
            layers[layer].append(
                {
                    "key": f"demo-{prefix}-{town.lower()}",
                    "name": f"{word} de {town} (fictif)",
                    "minerals": ", ".join(sorted(rng.sample(MINERALS, rng.randint(1, 3)))),
                    "locality": town,
                    "operator": f"Négociant {rng.choice('ABCDEFGH')} (fictif)",
                    "country": "RD Congo",
                    "date": str(rng.choice([2022, 2023, 2024])),
                    WKT: "POINT ({:.5f} {:.5f})".format(*_near(rng, lon, lat)),
                }
            )
    for town, (country, lon, lat) in DESTINATIONS.items():
        layers["destinations"].append(
            {
                "key": f"demo-ds-{town.lower()}",
                "name": f"Comptoir d'exportation de {town} (fictif)",
                "minerals": ", ".join(sorted(rng.sample(MINERALS, rng.randint(2, 4)))),
                "locality": town,
                "operator": f"Exportateur {rng.choice('ABCDEFGH')} (fictif)",
                "country": country,
                "date": "2023",
                WKT: f"POINT ({lon:.5f} {lat:.5f})",
            }
        )
    for rows in layers.values():
        for r in rows:
            r.update(source=SOURCE, project=PROJECT, synthetic="1", notes="Donnée de démonstration, fictive.")
    return layers


def zone_rows(seed: int = 1) -> list[dict[str, str]]:
    rng = random.Random(f"zones-{seed}")
    rows = []
    for i, (lon, lat, radius, group, kind) in enumerate(ZONES, start=1):
        ring = []
        for k in range(8):
            angle = 2 * math.pi * k / 8
            r = radius * rng.uniform(0.7, 1.0)
            ring.append(f"{lon + r * math.cos(angle):.5f} {lat + r * math.sin(angle):.5f}")
        start = rng.choice([2019, 2020, 2021, 2022])
        rows.append(
            {
                "key": f"demo-iz-{i:02d}",
                "name": f"Zone d'ingérence fictive {i}",
                "armed_group": group,
                "group_type": kind,
                "period_start": f"{start}-{rng.randint(1, 12):02d}",
                "period_end": "" if rng.random() < 0.4 else str(start + rng.randint(1, 3)),
                "source": SOURCE,
                "project": PROJECT,
                "notes": "Zone inventée pour la démonstration.",
                "synthetic": "1",
                WKT: f"POLYGON (({', '.join([*ring, ring[0]])}))",
            }
        )
    return rows


def road_layer() -> dict:
    """The synthetic roadblocks' roads (ramani.roadblocks.demo: straight stretches between real towns) as a
    GeoJSON road layer, the denominator of roadblocks per 100 km of road."""
    from ramani.roadblocks.demo import ROADS, TOWNS

    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [list(TOWNS[t]) for t in chain]},
                "properties": {"name": f"{' - '.join(chain)} (fictif)", "road_class": road_class},
            }
            for chain, road_class, _weight in ROADS
        ],
    }


def load(seed: int = 1) -> DemoResult:
    """Import every synthetic layer through the importer; the links come from the visits already loaded. The
    synthetic road layer is loaded only when no other road layer is there."""
    import json

    from ramani.supplychain.models import Road
    from ramani.supplychain.roads import import_roads

    result = DemoResult()
    folder = Path(tempfile.mkdtemp(prefix="ramani-demo-supplychain-"))
    try:
        if not Road.objects.exclude(source=SOURCE).exists():
            roads = folder / "roads.geojson"
            roads.write_text(json.dumps(road_layer()), "utf-8")
            result.by_layer["roads"] = import_roads(roads, SOURCE).roads
            roads.unlink()
        layers = {**point_rows(seed), "interference-zones": zone_rows(seed)}
        for name, rows in layers.items():
            path = folder / f"{name}.csv"
            columns = ZONE_COLUMNS if name == "interference-zones" else POINT_COLUMNS
            with path.open("w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, fieldnames=[*columns, WKT])
                w.writeheader()
                w.writerows(rows)
            r = import_layer(name, path, link=False)
            path.unlink()
            result.created += r.created
            result.updated += r.updated
            result.unchanged += r.unchanged
            result.by_layer[name] = r.rows
        from ramani.supplychain.links import rebuild

        result.links = rebuild()
    finally:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
    return result
