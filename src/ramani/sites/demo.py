"""A realistic, deterministic, clearly SYNTHETIC eastern-DRC dataset in the IPIS format.

Every row has source 'Ramani demo (synthetic)', so sites made from it are flagged synthetic
wherever they are shown. Nothing here is a real site: names are generated, coordinates are
scattered around real territoire centres, off the lakes, inside the territoire's COD-AB polygon (the bundled
boundaries `make run` loads, so `ramani check sites` agrees with every demo site), and figures
follow plausible published patterns (gold in Ituri and Haut-Uele, 3T minerals in the Kivus and
Maniema, armed presence falling after 2009, mercury recorded from 2015, ~20 blue sites in
Sud-Kivu from March 2023).

The demo is dated relative to `today` (default: the real today): the campaigns run from 2009 to
today's year, no visit or decision is later than `today`, and qualification decisions continue up
to it, so that on `today` the map shows every qualification class (green, yellow, red, blue, none).
The same seed and the same `today` give the same rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import random
from collections.abc import Iterator
from pathlib import Path

import shapely
from shapely.geometry import shape

from ramani.geo import water
from ramani.geo.names import normalise
from ramani.geo.provinces import pcode_of
from ramani.sites import ipis_format as fmt
from ramani.sites.site_refresh import DEMO_SOURCE

BOUNDARIES = Path(__file__).resolve().parents[1] / "geo" / "data" / "cod_adm2_simplified.geojson"
INSIDE_MARGIN = 0.02  # degrees (~2 km) kept from the territoire's edge: GPS noise never crosses it

# province -> (weight, old province, [(territoire, lat, lon)], armed groups [(name, type)])
GEOGRAPHY = {
    "Sud-Kivu": (
        30,
        "Sud-Kivu",
        [
            ("Kabare", -2.35, 28.75),
            ("Kalehe", -1.95, 28.75),
            ("Walungu", -2.65, 28.55),
            ("Mwenga", -3.05, 28.35),
            ("Shabunda", -2.70, 27.35),
            ("Fizi", -4.25, 28.75),
            ("Uvira", -3.35, 28.95),
            ("Idjwi", -2.10, 29.05),
        ],
        [
            ("Raïa Mutomboki", "Groupe armé local"),
            ("Maï-Maï Yakutumba (Wazalendo CNPCS)", "Groupe armé local"),
            ("FDLR", "Groupe armé étranger"),
            ("Twirwaneho", "Groupe armé local"),
        ],
    ),
    "Nord-Kivu": (
        20,
        "Nord-Kivu",
        [
            ("Walikale", -1.40, 28.05),
            ("Masisi", -1.40, 28.80),
            ("Lubero", -0.20, 28.95),
            ("Beni", 0.50, 29.45),
            ("Rutshuru", -1.20, 29.40),
        ],
        [
            ("NDC-Rénové", "Groupe armé local"),
            ("FDLR", "Groupe armé étranger"),
            ("Nyatura", "Groupe armé local"),
            ("APCLS", "Groupe armé local"),
            ("Maï-Maï Mazembe", "Groupe armé local"),
        ],
    ),
    "Ituri": (
        18,
        "Orientale",
        [
            ("Djugu", 1.90, 30.45),
            ("Irumu", 1.20, 29.85),
            ("Mambasa", 1.10, 29.05),
            ("Mahagi", 2.25, 30.85),
            ("Aru", 2.80, 30.80),
        ],
        [
            ("CODECO", "Groupe armé local"),
            ("FRPI", "Groupe armé local"),
            ("ADF", "Groupe armé étranger"),
            ("Zaïre", "Groupe armé local"),
        ],
    ),
    "Maniema": (
        12,
        "Maniema",
        [
            ("Kabambare", -4.70, 27.70),
            ("Pangi", -3.20, 26.60),
            ("Punia", -1.50, 26.45),
            ("Lubutu", -0.75, 26.60),
            ("Kailo", -2.60, 26.10),
        ],
        [("Maï-Maï Malaïka", "Groupe armé local"), ("Raïa Mutomboki", "Groupe armé local")],
    ),
    "Tanganyika": (
        8,
        "Katanga",
        [
            ("Kalemie", -5.90, 29.15),
            ("Nyunzu", -5.95, 28.00),
            ("Manono", -7.30, 27.40),
            ("Kongolo", -5.40, 27.00),
            ("Moba", -7.05, 29.70),
        ],
        [("Maï-Maï Apa Na Pale", "Groupe armé local"), ("Milice Twa", "Groupe armé local")],
    ),
    "Haut-Uele": (
        7,
        "Orientale",
        [("Watsa", 3.00, 29.55), ("Wamba", 2.15, 28.00), ("Rungu", 3.20, 27.90), ("Dungu", 3.60, 28.60)],
        [("LRA", "Groupe armé étranger"), ("Mbororo armés", "Groupe armé étranger")],
    ),
    "Tshopo": (
        5,
        "Orientale",
        [("Bafwasende", 1.10, 27.30), ("Banalia", 1.55, 25.35), ("Ubundu", -0.40, 25.50)],
        [("Maï-Maï Simba", "Groupe armé local")],
    ),
}
# province -> weighted primary minerals
MINERALS = {
    "Sud-Kivu": [
        ("Or", 55),
        ("Cassitérite", 25),
        ("Coltan", 12),
        ("Wolframite", 5),
        ("Tourmaline", 2),
        ("Améthyste", 1),
    ],
    "Nord-Kivu": [("Cassitérite", 35), ("Coltan", 30), ("Or", 30), ("Wolframite", 4), ("Tourmaline", 1)],
    "Ituri": [("Or", 95), ("Diamant", 3), ("Coltan", 2)],
    "Maniema": [("Or", 45), ("Cassitérite", 35), ("Coltan", 15), ("Wolframite", 5)],
    "Tanganyika": [("Cassitérite", 40), ("Coltan", 30), ("Or", 25), ("Monazite", 3), ("Tourmaline", 2)],
    "Haut-Uele": [("Or", 97), ("Diamant", 3)],
    "Tshopo": [("Or", 80), ("Diamant", 20)],
}
TRADING_HUBS = {
    "Sud-Kivu": ["Bukavu", "Uvira", "Baraka", "Kamituga", "Shabunda"],
    "Nord-Kivu": ["Goma", "Butembo", "Walikale", "Beni", "Mubi"],
    "Ituri": ["Bunia", "Mongbwalu", "Mambasa", "Aru"],
    "Maniema": ["Kindu", "Kalima", "Punia", "Kasongo"],
    "Tanganyika": ["Kalemie", "Manono", "Nyunzu"],
    "Haut-Uele": ["Isiro", "Watsa", "Durba"],
    "Tshopo": ["Kisangani", "Bafwasende"],
}
DESTINATIONS = ["Bukavu", "Goma", "Kampala", "Bujumbura", "Kigali", "Dubai", "Uvira", "Butembo", "Kisangani"]
SYLLABLES = [
    "ka",
    "mi",
    "tu",
    "ga",
    "lu",
    "bu",
    "nya",
    "ngo",
    "se",
    "ki",
    "ba",
    "wa",
    "zi",
    "ma",
    "le",
    "ri",
    "ko",
    "mbe",
    "sha",
    "nda",
    "li",
    "ru",
    "to",
    "ye",
    "mu",
    "kwa",
    "ngi",
    "bi",
]
TASKS = [
    "Lavage",
    "Creuser",
    "Traiter les déchets",
    "Transport des minerais",
    "Restauration",
    "Boutique",
    "Commerce de minerais",
    "Prostitution",
    "Usage du mercure",
]
FREQUENCIES = [
    "Quotidien",
    "Plus d'une fois par semaine",
    "Une fois tous les 15 jours",
    "Une fois par trimestre",
    "Aléatoire",
]
FARDC_TYPES = [
    "FARDC - Pas de données sur les ingérences",
    "FARDC - Pas d’ingérence constatée",
    "FARDC - Éléments indisciplinés",
]
BLUE_TERRITOIRES = ["Fizi", "Kabare", "Kalehe", "Mwenga", "Shabunda"]
# field campaigns (first year, last year, weight); the last one runs from 2022 to today's year
WAVES = [(2009, 2009, 18), (2011, 2012, 6), (2013, 2015, 22), (2016, 2018, 26), (2019, 2021, 14), (2022, None, 14)]
LAST_WAVE_PROJECT = "Démo - depuis 2022"
FIRST_BLUE = dt.date(2023, 3, 15)  # the first directory of blue sites
PRESENCE_BY_YEAR = {
    2009: 0.55,
    2011: 0.48,
    2013: 0.40,
    2015: 0.34,
    2016: 0.30,
    2018: 0.27,
    2020: 0.24,
    2022: 0.27,
    2024: 0.30,
}


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _weighted(rng: random.Random, pairs: list[tuple]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _presence_rate(year: int) -> float:
    years = sorted(PRESENCE_BY_YEAR)
    return PRESENCE_BY_YEAR[max([y for y in years if y <= year] or [years[0]])]


@functools.cache
def _territoire_areas() -> dict[tuple[str, str], shapely.Geometry]:
    """(province pcode, normalised name) -> where a demo site of that territoire may lie: inside the largest
    COD-AB admin-2 unit of that name in the province, INSIDE_MARGIN from its edge and out of every other unit,
    and on land (off the basemap's lakes: ramani.geo.water)."""
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    units = []
    for f in features:
        p = f["properties"]
        names = {normalise(p.get(k) or "") for k in ("ADM2_FR", "ADM2ALT1FR", "ADM2ALT2FR")} - {"", "null"}
        units.append((p.get("ADM1_PCODE") or "", names, shape(f["geometry"])))
    out = {}
    for province, (_, _, territoires, _) in GEOGRAPHY.items():
        code = pcode_of(province) or ""
        for territoire, _, _ in territoires:
            key = (code, normalise(territoire))
            chosen = max((u for u in units if u[0] == code and key[1] in u[1]), key=lambda u: u[2].area)
            others = [g for _, _, g in units if g is not chosen[2] and g.intersects(chosen[2])]
            area = chosen[2].buffer(-INSIDE_MARGIN)
            if others:
                area = area.difference(shapely.union_all(others).buffer(INSIDE_MARGIN))
            area = water.on_land(area)
            shapely.prepare(area)
            out[key] = area
    return out


def _point(rng: random.Random, province: str, territoire: str, lat0: float, lon0: float) -> tuple[float, float]:
    """(lat, lon) scattered around the territoire's centre, inside its polygon."""
    area = _territoire_areas()[(pcode_of(province) or "", normalise(territoire))]
    if not area.contains(shapely.Point(lon0, lat0)):
        centre = area.representative_point()
        lon0, lat0 = centre.x, centre.y
    minx, miny, maxx, maxy = area.bounds
    for attempt in range(400):
        if attempt < 100:
            lat, lon = round(lat0 + rng.gauss(0, 0.22), 6), round(lon0 + rng.gauss(0, 0.22), 6)
        else:
            lat, lon = round(rng.uniform(miny, maxy), 6), round(rng.uniform(minx, maxx), 6)
        if area.contains(shapely.Point(lon, lat)):
            return lat, lon
    centre = area.representative_point()
    return round(centre.y, 6), round(centre.x, 6)


def generate(sites: int = 3000, seed: int = 1, today: dt.date | None = None) -> Iterator[list]:
    """Rows of the IPIS table (84 python values each), sorted by site then date, dated up to `today`."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    provinces = [(p, g[0]) for p, g in GEOGRAPHY.items()]
    vid = 0
    blue_target = max(1, round(20 * sites / 3000))
    blue_made = 0
    for number in range(1, sites + 1):
        province = _weighted(rng, provinces)
        _, old, territoires, groups = GEOGRAPHY[province]
        territoire, lat0, lon0 = rng.choice(territoires)
        latitude, longitude = _point(rng, province, territoire, lat0, lon0)
        place = {
            "pcode": f"codmine{number:05d}",
            "name": _word(rng, rng.choice((2, 3))),
            "latitude": latitude,
            "longitude": longitude,
            "location_origin": "GPS" if rng.random() < 0.85 else "GPS (Approximation)",
            "province": province,
            "province_old": old,
            "territoire": territoire,
            "collectivite": f"{_word(rng, 2)}",
            "groupement": f"{_word(rng, 2)}",
            "village": _word(rng, 2),
        }
        primary = _weighted(rng, MINERALS[province])
        second = (
            rng.choice(["Coltan", "Cassitérite", "Wolframite"])
            if primary in ("Cassitérite", "Coltan") and rng.random() < 0.45
            else None
        )
        base_workers = max(5, int(rng.lognormvariate(math.log(120 if primary == "Or" else 70), 0.9)))
        n_visits = max(1, min(8, int(rng.expovariate(1 / 1.9)) + 1))
        years = sorted({_visit_year(rng, today) for _ in range(n_visits)})
        for year in years:
            vid += 1
            yield _visit_row(rng, vid, number, place, year, primary, second, base_workers, groups, today)
        is_3t = primary in ("Cassitérite", "Coltan", "Wolframite")
        if (is_3t and rng.random() < 0.45) or (primary == "Or" and rng.random() < 0.06):
            for date, status in _qualifications(rng, today):
                vid += 1
                yield _qualification_row(vid, number, place, date, status)
        if (
            province == "Sud-Kivu"
            and territoire in BLUE_TERRITOIRES
            and blue_made < blue_target
            and rng.random() < 0.06
            and today >= FIRST_BLUE
        ):
            blue_made += 1
            vid += 1
            yield _qualification_row(vid, number, place, _blue_date(rng, today), "Bleu")


def _waves(today: dt.date) -> list[tuple[int, int, int]]:
    return [(start, end or max(today.year, start), weight) for start, end, weight in WAVES if start <= today.year]


def _wave_project(year: int) -> str:
    for start, end, _ in WAVES:
        if end is None and start <= year:
            return LAST_WAVE_PROJECT
        if end is not None and start <= year <= end:
            return f"Démo - {start}" if start == end else f"Démo - {start}-{end}"
    raise ValueError(year)


def _visit_year(rng: random.Random, today: dt.date) -> int:
    waves = _waves(today)
    start, end, _ = rng.choices(waves, weights=[w[2] for w in waves])[0]
    return rng.randint(start, end)


def _day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    """A day of `year`, never after `today`."""
    last = min(dt.date(year, 12, 31), today)
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, (last - dt.date(year, 1, 1)).days))


def _blue_date(rng: random.Random, today: dt.date) -> dt.date:
    """The first directory's date while its three years run; later, a directory of the last two years."""
    if today < FIRST_BLUE.replace(year=FIRST_BLUE.year + 3):
        return FIRST_BLUE
    return today - dt.timedelta(days=rng.randint(30, 730))


def _qualifications(rng: random.Random, today: dt.date) -> list[tuple[dt.date, str]]:
    """A first decision, sometimes a later one, and for about a third of the sites a decision of the past year
    (green lasts one year: without it, no site would be green on `today`)."""
    first_year = rng.randint(2012, max(2012, today.year - 3))
    first = _day(rng, first_year, today)
    out = [(first, rng.choices(["Vert", "Jaune", "Rouge", "No class"], weights=[70, 12, 10, 8])[0])]
    if rng.random() < 0.3 and first_year < today.year - 1:
        later = _day(rng, rng.randint(first_year + 1, today.year - 1), today)
        out.append((later, rng.choices(["Vert", "Jaune", "Rouge"], weights=[60, 25, 15])[0]))
    if rng.random() < 0.35:
        recent = today - dt.timedelta(days=rng.randint(0, 364))
        if recent > out[-1][0]:
            out.append((recent, rng.choices(["Vert", "Jaune", "Rouge"], weights=[65, 20, 15])[0]))
    return out


def _empty() -> dict:
    return {c: None for c in fmt.COLUMNS}


def _visit_row(rng, vid, number, place, year, primary, second, base_workers, groups, today) -> list:
    r = _empty()
    r.update(place)
    r.update(vid=str(vid), id=str(number), source=DEMO_SOURCE)
    if year == 2009:
        r["visit_date"] = dt.date(2009, 1, 1)
        r["project"] = "Démo - 2009"
    else:
        r["visit_date"] = _day(rng, year, today)
        r["project"] = _wave_project(year)
    r["geom"] = fmt.ewkb_hex(place["longitude"], place["latitude"])
    onsite = rng.random() > 0.04
    r["visit_onsite"] = onsite
    if not onsite:
        r["visit_onsite_novisitreason"] = rng.choice(["Insécurité", "Site inaccessible (pluies)", "Site abandonné"])
    workers = max(1, int(base_workers * rng.uniform(0.5, 1.6)))
    r["workers_numb"] = workers
    r["is_3t_mine"] = primary in ("Cassitérite", "Coltan", "Wolframite") or second is not None
    r["is_gold_mine"] = primary == "Or"
    hubs = TRADING_HUBS[place["province"]]
    for slot, mineral in enumerate([m for m in (primary, second) if m], start=1):
        r[f"mineral{slot}"] = mineral
        if year > 2009:
            r[f"selling_points_mineral{slot}"] = ", ".join(rng.sample(hubs, k=min(len(hubs), rng.randint(1, 3))))
            r[f"final_destination_mineral{slot}"] = ", ".join(rng.sample(DESTINATIONS, k=rng.randint(1, 2)))
    presence = rng.random() < _presence_rate(year)
    r["presence"] = presence
    if presence:
        chosen = [rng.choice(groups)]
        if rng.random() < 0.5:
            chosen.append(("FARDC", rng.choice(FARDC_TYPES)))
        if rng.random() < 0.1:
            chosen.append(("Police des Mines (PMH)", "PMH - Éléments indisciplinés"))
        interference = False
        for slot, (name, kind) in enumerate(chosen[:3], start=1):
            r[f"armed_group{slot}"] = name
            r[f"type_armed_group{slot}"] = kind
            if year > 2009:
                r[f"frequency_armed_group{slot}"] = rng.choice(FREQUENCIES)
                active = kind not in ("FARDC - Pas d’ingérence constatée", "FARDC - Pas de données sur les ingérences")
                for activity in fmt.GROUP_ACTIVITIES:
                    flag = active and rng.random() < (0.45 if activity in ("taxation", "entrance_taxation") else 0.12)
                    r[f"{activity}_armed_group{slot}"] = flag
                    interference = interference or flag
        r["interference"] = interference if year > 2009 else None
    else:
        r["interference"] = False
    if year == 2009:
        return [r[c] for c in fmt.COLUMNS]
    r["access_dry"] = rng.choice(["less2h", "less2h", "more2h", "carmoto"])
    r["access_wet"] = rng.choice(["less2h", "more2h", "more2h", "carmoto"])
    if year >= 2015:
        r["mercury"] = primary == "Or" and rng.random() < 0.55
    r["mechanisation"] = rng.choices(["Bas", "Moyen", "Haut"], weights=[80, 17, 3])[0]
    services = [
        "SAEMAPE" if year >= 2018 else "SAESSCAM",
        "Division des mines",
        "PMH",
        "PNC",
        "ANR",
        "Chefferie ou secteur",
        "Environnement",
        "DGRPI",
    ]
    for slot, service in enumerate(rng.sample(services, k=rng.randint(0, 4)), start=1):
        r[f"state_service{slot}"] = service
    if r["is_3t_mine"] and year >= 2014 and rng.random() < 0.4:
        r["traceability"] = "iTSCI"
    child = rng.random() < (0.22 if primary == "Or" else 0.14)
    r["childunder15"] = child
    if child:
        r["childunder15work"] = ", ".join(rng.sample(TASKS[:4], k=rng.randint(1, 3)))
    women = rng.random() < 0.6
    r["women"] = women
    if women:
        r["womenwork"] = ", ".join(rng.sample(TASKS, k=rng.randint(1, 4)))
    return [r[c] for c in fmt.COLUMNS]


def _qualification_row(vid, number, place, date, status) -> list:
    r = _empty()
    r.update(place)
    r.update(
        vid=str(vid),
        id=str(number),
        source=DEMO_SOURCE,
        project="Qualification status",
        visit_date=date,
        qualification=status,
        geom=fmt.ewkb_hex(place["longitude"], place["latitude"]),
    )
    return [r[c] for c in fmt.COLUMNS]
