"""Synthetic checkpoints for `ramani demo`: a few hundred along plausible roads of the Kivus (Masisi and
Walikale among them), every one flagged synthetic, with source `Ramani demo (synthetic)`.

The roads are straight stretches between real towns (approximate coordinates), not surveyed road
geometry; operators are invented names marked as such. They go in through the roadblock importer,
the way a user's file does, so a re-run with the same seed changes nothing.
"""

from __future__ import annotations

import csv
import random
import tempfile
from pathlib import Path

from ramani.geo import water
from ramani.roadblocks.formats import COLUMNS
from ramani.roadblocks.importer import ImportResult, import_roadblocks

SOURCE = "Ramani demo (synthetic)"
PROJECT = "Démo - barrières routières"
COUNT = 300
# (name, lon, lat) of towns, then roads as chains of towns with a road class
TOWNS = {
    "Goma": (29.22, -1.68),
    "Sake": (29.04, -1.57),
    "Mushaki": (28.93, -1.52),
    "Rubaya": (28.88, -1.55),
    "Masisi": (28.82, -1.40),
    "Nyabiondo": (28.66, -1.28),
    "Kitchanga": (28.98, -1.23),
    "Pinga": (28.67, -0.98),
    "Walikale": (28.05, -1.42),
    "Mubi": (28.18, -1.10),
    "Ndjingala": (28.27, -1.02),
    "Hombo": (28.48, -1.92),
    "Itebero": (28.28, -1.73),
    "Minova": (29.03, -1.70),
    "Kalehe": (28.90, -2.10),
    "Bukavu": (28.86, -2.50),
    "Rutshuru": (29.45, -1.19),
}
ROADS = [
    (("Goma", "Sake", "Mushaki", "Masisi"), "primary", 4),
    (("Mushaki", "Rubaya"), "secondary", 2),
    (("Masisi", "Nyabiondo", "Pinga"), "track", 3),
    (("Sake", "Kitchanga"), "secondary", 2),
    (("Walikale", "Mubi", "Ndjingala"), "secondary", 2),
    (("Walikale", "Itebero", "Hombo"), "primary", 2),
    (("Nyabiondo", "Walikale"), "track", 2),
    (("Sake", "Minova", "Kalehe", "Bukavu"), "primary", 2),
    (("Goma", "Rutshuru"), "primary", 1),
]
OPERATORS = [
    ("Groupes armés", "Groupe armé A (fictif)"),
    ("Groupes armés", "Groupe armé B (fictif)"),
    ("Forces de sécurité", "Armée (fictif)"),
    ("Forces de sécurité, Acteurs étatiques", "Police et service des mines (fictif)"),
    ("Acteurs étatiques", "Service des recettes (fictif)"),
    ("Acteurs civils", "Comité local (fictif)"),
    ("Eléments indépendants", "Hommes armés non identifiés (fictif)"),
    ("Groupes armés, Acteurs civils", "Groupe armé C et chef de village (fictif)"),
]
TAXED = [
    ("Minerais", 9),
    ("Commerçants de minerais", 4),
    ("Minerais, Commerçants de minerais", 4),
    ("Minerais, Produits agricoles", 12),
    ("Commerçants de minerais, Personnes", 8),
    ("Marchandises, Produits agricoles", 14),
    ("Véhicules, Personnes", 12),
    ("Marchandises", 10),
    ("", 5),
]
TOLLS = [
    "500 FC par personne",
    "1000 FC par moto",
    "2000 FC par sac",
    "1 USD par charge",
    "5 USD par camion",
    "variable",
]
VIOLENCE = ["Passage à tabac", "Arrestation arbitraire", "Extorsion", "Travail forcé"]


def records(count: int = COUNT, seed: int = 1) -> list[dict[str, str]]:
    """`count` synthetic roadblocks, the same for the same seed."""
    rng = random.Random(f"roadblocks-{seed}")
    stretches = []
    for chain, road_class, weight in ROADS:
        for a, b in zip(chain, chain[1:]):
            stretches.append((TOWNS[a], TOWNS[b], f"{a} - {b}", road_class, weight))
    taxed = [t for t, w in TAXED for _ in range(w)]
    rows = []
    for i in range(count):
        (x0, y0), (x1, y1), stretch, road_class, _w = rng.choices(stretches, weights=[s[4] for s in stretches])[0]

        def draw(rng: random.Random, x0=x0, y0=y0, x1=x1, y1=y1) -> tuple[float, float]:
            t = rng.random()
            return x0 + (x1 - x0) * t + rng.uniform(-0.003, 0.003), y0 + (y1 - y0) * t + rng.uniform(-0.003, 0.003)

        lon, lat = water.draw_on_land(rng, draw) or (x0, y0)  # never in a lake (ramani.geo.water)
        types, operators = rng.choice(OPERATORS)
        targets = rng.choice(taxed)
        violence = rng.choices([0, 0, 0, 1, 2, 4], k=1)[0]
        rows.append(
            {
                "key": f"demo-rb-{seed}-{i + 1:04d}",
                "place_name": f"Barrière fictive {i + 1} ({stretch})",
                "latitude": f"{lat:.5f}",
                "longitude": f"{lon:.5f}",
                "date": f"{rng.choice([2022, 2023, 2024])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "operators": operators,
                "operator_types": types,
                "barrier_types": rng.choice(["Barrière routière", "Barrière de ressources naturelles", "Péage"]),
                "tax_targets": targets,
                "toll": rng.choice(TOLLS) if targets else "",
                "resources": "Cassitérite, Coltan" if "inerais" in targets else "",
                "road_class": road_class,
                "violence_count": str(violence),
                "violence_kinds": ", ".join(rng.sample(VIOLENCE, min(violence, 2))),
                "source": SOURCE,
                "project": PROJECT,
                "synthetic": "1",
            }
        )
    return rows


def load(count: int = COUNT, seed: int = 1) -> ImportResult:
    """Import the synthetic roadblocks through the importer (re-running with the same seed changes nothing)."""
    folder = Path(tempfile.mkdtemp(prefix="ramani-demo-roadblocks-"))
    path = folder / "roadblocks.csv"
    try:
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
            w.writerows(records(count, seed))
        return import_roadblocks(path)
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
