"""The roadblock analysis against a synthetic survey of known shares, imported the way a user does.

110 roadblocks, 84 in Masisi and 26 in Walikale (as the institute's 2023 survey): 55 tax minerals or
mineral traders, 18 of them nothing else, 48 tax agricultural or market goods. The figures must be
exactly those, from the analysis function, the CLI and the API, and equal to counts made in SQL.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner
from django.db import connection
from pyproj import Geod
from shapely.geometry import shape

from ramani.analysis import roadblocks as analysis
from ramani.cli import main

pytestmark = pytest.mark.django_db
BOUNDARIES = Path(__file__).resolve().parents[2] / "src/ramani/geo/data/cod_adm2_simplified.geojson"
TERRITOIRES = {"CD6103": ("Masisi", 84), "CD6104": ("Walikale", 26)}
# (how many, tax targets): 18 solely mining, 37 more taxing minerals or traders, 55 taxing no minerals
TAXED = (
    [(6, "Minerais"), (7, "Commerçants de minerais"), (5, "Minerais, Commerçants de minerais")]
    + [(22, "Minerais, Produits agricoles"), (15, "Commerçants de minerais, Personnes")]
    + [(26, "Marchandises"), (19, "Véhicules"), (10, "")]
)
OPERATORS = ["Groupes armés", "Forces de sécurité, Acteurs étatiques", "Acteurs étatiques", "Acteurs civils", ""]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def polygons() -> dict[str, shapely.Geometry]:
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    return {
        f["properties"]["ADM2_PCODE"]: shape(f["geometry"])
        for f in data["features"]
        if f["properties"]["ADM2_PCODE"] in TERRITOIRES
    }


def survey(path: Path) -> Path:
    rng = random.Random(7)
    shapes = polygons()
    places = [pcode for pcode, (_name, n) in TERRITOIRES.items() for _ in range(n)]
    rng.shuffle(places)
    targets = [t for n, t in TAXED for _ in range(n)]
    assert len(places) == len(targets) == 110
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["place_name", "latitude", "longitude", "date", "operator_types", "tax_targets", "toll", "project"])
        for i, (pcode, taxed) in enumerate(zip(places, targets)):
            minx, miny, maxx, maxy = shapes[pcode].bounds
            while True:
                x, y = round(rng.uniform(minx, maxx), 5), round(rng.uniform(miny, maxy), 5)
                if shapes[pcode].buffer(-0.01).contains(shapely.Point(x, y)):
                    break
            w.writerow([f"Barrière {i}", y, x, "2023-06-01", OPERATORS[i % 5], taxed, "500 FC", "Enquête 2023"])
    return path


def sql(statement: str) -> int:
    with connection.cursor() as cur:
        cur.execute(statement)
        return cur.fetchone()[0]


TEXT = "LOWER(CAST(tax_targets AS TEXT))"
MINING = f"({TEXT} LIKE '%minerais%')"
NOT_MINING = " OR ".join(f"{TEXT} LIKE '%{w}%'" for w in ("agricoles", "marchandises", "personnes", "hicules"))


@pytest.fixture
def imported(tmp_path):
    assert run("import", "boundaries", BOUNDARIES).exit_code == 0
    r = run("import", "roadblocks", survey(tmp_path / "survey.csv"))
    assert r.exit_code == 0 and "110 roadblocks created" in r.output, r.output


def test_figures_are_the_survey_shares_and_the_sql_counts(imported):
    result = analysis.analyse()
    assert result["roadblocks"] == 110 == sql("SELECT COUNT(*) FROM roadblocks_roadblock")
    figures = {f["id"]: f for f in result["headline"]}
    minerals = figures["taxing_minerals_or_traders"]
    assert (minerals["numerator"], minerals["denominator"], minerals["value"]) == (55, 110, 0.5)
    assert minerals["numerator"] == sql(f"SELECT COUNT(*) FROM roadblocks_roadblock WHERE {MINING}")
    solely = figures["solely_mining"]
    assert (solely["numerator"], solely["denominator"]) == (18, 110)
    assert solely["value"] == 18 / 110
    assert solely["numerator"] == sql(
        f"SELECT COUNT(*) FROM roadblocks_roadblock WHERE {MINING} AND NOT ({NOT_MINING})"
    )
    agri = figures["taxing_agricultural_or_market"]
    assert (agri["numerator"], agri["denominator"]) == (48, 110)
    assert agri["numerator"] == sql(
        f"SELECT COUNT(*) FROM roadblocks_roadblock WHERE {TEXT} LIKE '%agricoles%' OR {TEXT} LIKE '%marchandises%'"
    )
    for f in result["headline"]:  # French, the default language
        assert "sur toutes les barrières de la sélection" in f["definition"]

    types = {f["id"]: f for f in result["by_operator_type"]}
    for code in ("armed_group", "security", "state", "civil", "independent"):
        expected = sql(
            f"SELECT COUNT(*) FROM roadblocks_roadblock WHERE CAST(operator_types AS TEXT) LIKE '%\"{code}\"%'"
        )
        assert types[f"operator_{code}"]["numerator"] == expected
    assert types["operator_state"]["numerator"] == 44  # 'Forces de sécurité, Acteurs étatiques' and 'Acteurs étatiques'
    assert types["operator_independent"]["numerator"] == 0
    assert (
        types["operator_no_data"]["numerator"]
        == 22
        == sql("SELECT COUNT(*) FROM roadblocks_roadblock WHERE CAST(operator_types AS TEXT) NOT LIKE '%\"%'")
    )


def test_by_territoire_and_density(imported):
    result = analysis.analyse()
    groups = {g["adm2_pcode"]: g for g in result["by_territoire"]}
    assert {p: (g["territoire"], g["roadblocks"]) for p, g in groups.items()} == TERRITOIRES
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT adm2_pcode, SUM(CASE WHEN {MINING} THEN 1 ELSE 0 END) FROM roadblocks_roadblock"
            " GROUP BY adm2_pcode"
        )
        by_sql = dict(cur.fetchall())
    for pcode, group in groups.items():
        minerals = next(f for f in group["figures"] if f["id"] == "taxing_minerals_or_traders")
        assert minerals["numerator"] == by_sql[pcode] and minerals["denominator"] == TERRITOIRES[pcode][1]
    assert sum(by_sql.values()) == 55
    geod = Geod(ellps="WGS84")
    for f in result["density"]:
        pcode = f["id"].removeprefix("density_")
        area = abs(geod.geometry_area_perimeter(polygons()[pcode])[0]) / 1e6
        assert f["numerator"] == TERRITOIRES[pcode][1]
        assert f["value"] == pytest.approx(TERRITOIRES[pcode][1] / area * 1000, rel=1e-6)
        assert f["unit"] == "per 1,000 km²" and "pour 1 000 km²" in f["definition"]  # the unit a key, words French
    assert 20_000 < f["denominator"] < 30_000  # Walikale, the larger territoire, comes second (fewer roadblocks)


def test_cli_and_api_give_the_same_figures(imported, client):
    r = run("analyse", "roadblocks", "--json")
    assert r.exit_code == 0
    from_cli = json.loads(r.output)
    answer = client.get("/api/roadblocks/analysis")
    assert answer.status_code == 200
    from_api = answer.json()
    assert from_cli == from_api
    assert [f["numerator"] for f in from_api["headline"]] == [55, 18, 48]
    table = run("analyse", "roadblocks")
    assert table.exit_code == 0
    assert "50.0%" in table.output and "55 / 110" in table.output and "18 / 110" in table.output
    assert "Masisi" in table.output and "Walikale" in table.output
    french = client.get("/api/roadblocks/analysis", {"lang": "fr"}).json()
    assert french["by_operator_type"][0]["label"] == "Acteurs étatiques"


def test_selection_filters_and_bad_values(imported, client):
    assert analysis.analyse(year=2022)["roadblocks"] == 0
    assert analysis.analyse(year=2023, project="Enquête 2023")["roadblocks"] == 110
    empty = client.get("/api/roadblocks/analysis", {"project": "none"}).json()
    assert empty["roadblocks"] == 0 and all(f["value"] is None for f in empty["headline"])
    assert client.get("/api/roadblocks/analysis", {"year": "soon"}).status_code == 422
    assert client.get("/api/roadblocks/analysis", {"lang": "de"}).status_code == 422
    r = run("analyse", "roadblocks", "--project", "none")
    assert r.exit_code == 0 and "0 roadblocks" in r.output


def test_pure_functions_over_rows():
    rows = [
        analysis.Row("a", ("armed_group",), ("minerals",)),
        analysis.Row("b", ("armed_group", "state"), ("minerals", "people")),
        analysis.Row("c", (), ()),
    ]
    shares = {f.id: (f.numerator, f.denominator) for f in analysis.headline(rows)}
    assert shares == {
        "taxing_minerals_or_traders": (2, 3),
        "solely_mining": (1, 3),
        "taxing_agricultural_or_market": (0, 3),
    }
    types = {f.id: f.numerator for f in analysis.by_operator_type(rows)}
    assert types["operator_armed_group"] == 2 and types["operator_state"] == 1 and types["operator_no_data"] == 1
    assert analysis.headline([])[0].value is None


def test_dashboard_shows_the_figures_with_their_definitions(imported, client):
    page = client.get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    section = html[html.index('id="roadblocks"') :]
    minerals = sql(f"SELECT COUNT(*) FROM roadblocks_roadblock WHERE {MINING}")
    total = sql("SELECT COUNT(*) FROM roadblocks_roadblock")
    row = section[section.index('id="rb-taxing_minerals_or_traders"') :]
    row = row[: row.index("</tr>")]
    assert f"{minerals} / {total}" in row and "50.0%" in row and "sur toutes les barrières" in row
    solely = section[section.index('id="rb-solely_mining"') :]
    assert "18 / 110" in solely[: solely.index("</tr>")] and "16.4%" in solely[: solely.index("</tr>")]
    assert "Masisi" in section and "Walikale" in section and "km²" in section
