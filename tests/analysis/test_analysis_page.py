"""/analysis/: every figure on the page equals an independent SQL count over the imported survey (110
roadblocks of known shares) and the demo registry's visits; its CSV tables and API endpoints give the same
numbers; a road layer adds roadblocks per 100 km of road."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from django.db import connection
from django.utils import translation
from django.utils.html import escape
from pyproj import Geod

from ramani.analysis.interference import wilson
from ramani.cli import main
from tests.analysis.test_roadblock_analysis import MINING, imported, sql  # noqa: F401 (a fixture)
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db
COUNTED = (
    "v.project <> 'Qualification status' AND (v.visit_onsite IS NULL OR v.visit_onsite) AND v.workers_numb > 0 "
    "AND v.interference IS NOT NULL"
)


def rows(statement: str, *params) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(statement, params)
        return cur.fetchall()


def row_of(html: str, row_id: str) -> str:
    start = html.index(f'id="{row_id}"')
    return re.sub(r"\s+", " ", html[start : html.index("</tr>", start)])


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


@pytest.fixture
def registry(imported, tmp_path):  # noqa: F811
    load_demo(tmp_path, sites=150, seed=4)


def test_the_page_figures_are_the_sql_counts(registry, client):
    page = client.get("/analysis/")
    assert page.status_code == 200
    html = page.content.decode()
    total = sql("SELECT COUNT(*) FROM roadblocks_roadblock")
    minerals = sql(f"SELECT COUNT(*) FROM roadblocks_roadblock WHERE {MINING}")
    assert f"{minerals} / {total}" in row_of(html, "rb-taxing_minerals_or_traders") and minerals == 55
    assert "sur toutes les barrières" in row_of(html, "rb-taxing_minerals_or_traders")  # its definition beside it
    armed = sql("SELECT COUNT(*) FROM roadblocks_roadblock WHERE CAST(operator_types AS TEXT) LIKE '%armed_group%'")
    assert f"{armed} / {total}" in row_of(html, "rb-operator_armed_group")
    masisi = sql("SELECT COUNT(*) FROM roadblocks_roadblock WHERE adm2_pcode = 'CD6103'")
    in_masisi = sql(f"SELECT COUNT(*) FROM roadblocks_roadblock WHERE adm2_pcode = 'CD6103' AND {MINING}")
    assert f"{in_masisi} / {masisi}" in row_of(html, "rb-CD6103-taxing_minerals_or_traders") and masisi == 84
    assert f"{masisi} / " in row_of(html, "rb-density_CD6103") and "km²" in row_of(html, "rb-density_CD6103")

    # armed interference: each year, all provinces and each province, against SQL over the visits
    years = [y for (y,) in rows(f"SELECT DISTINCT v.visit_date FROM sites_visit v WHERE {COUNTED}")]
    checked = 0
    for year in sorted({d.year if hasattr(d, "year") else int(str(d)[:4]) for d in years}):
        lo, hi = f"{year}-01-01", f"{year}-12-31"
        n, k = rows(
            "SELECT COUNT(DISTINCT v.site_id), COUNT(DISTINCT CASE WHEN v.interference THEN v.site_id END) "
            f"FROM sites_visit v WHERE {COUNTED} AND v.visit_date BETWEEN %s AND %s",
            lo,
            hi,
        )[0]
        cell = row_of(html, f"ai-{year}")
        low, high = wilson(k, n)
        assert f"{k} / {n}" in cell and pct(k / n) in cell and f"{pct(low)} – {pct(high)}" in cell, year
        for province, pn, pk in rows(
            "SELECT s.province, COUNT(DISTINCT v.site_id), COUNT(DISTINCT CASE WHEN v.interference THEN v.site_id END) "
            f"FROM sites_visit v JOIN sites_site s ON s.id = v.site_id WHERE {COUNTED} "
            "AND v.visit_date BETWEEN %s AND %s GROUP BY s.province",
            lo,
            hi,
        ):
            slug = re.sub(r"[^a-z0-9]+", "-", province.lower()).strip("-")
            assert f"{pk} / {pn}" in row_of(html, f"ai-{year}-{slug}"), (year, province)
            checked += 1
    assert checked > 5

    # the revisited sites of the default periods: the latest three years against the three before
    match = re.search(r'name="first" value="(\d{4})-(\d{4})"', html)
    second = re.search(r'name="second" value="(\d{4})-(\d{4})"', html)
    assert match and second

    def recorded(a: str, b: str) -> dict[int, bool]:
        found: dict[int, bool] = {}
        for site, interference in rows(
            f"SELECT v.site_id, v.interference FROM sites_visit v WHERE {COUNTED} AND v.visit_date BETWEEN %s AND %s",
            f"{a}-01-01",
            f"{b}-12-31",
        ):
            found[site] = found.get(site, False) or bool(interference)
        return found

    first_period, second_period = recorded(*match.groups()), recorded(*second.groups())
    both = set(first_period) & set(second_period)
    better = sum(1 for s in both if first_period[s] and not second_period[s])
    worse = sum(1 for s in both if not first_period[s] and second_period[s])
    assert f'<td class="n">{len(both)}</td>' in row_of(html, "rv-sites") and len(both) > 0
    assert f">{better}</td>" in row_of(html, "rv-better") and f">{worse}</td>" in row_of(html, "rv-worse")
    with_first = sum(first_period[s] for s in both)
    assert f"{with_first} / {len(both)}" in row_of(html, "rv-first")


def test_tables_and_api_give_the_page_numbers(registry, client):
    answer = client.get("/analysis/roadblock-shares.csv")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(answer.content.decode()))}
    assert (table["solely_mining"]["numerator"], table["solely_mining"]["denominator"]) == ("18", "110")
    api = client.get("/api/roadblocks/analysis").json()
    assert {f["id"]: f["numerator"] for f in api["headline"]} == {k: int(r["numerator"]) for k, r in table.items()}
    years = list(csv.DictReader(io.StringIO(client.get("/analysis/interference.csv").content.decode())))
    armed = client.get("/api/analysis/interference").json()
    assert [(y["year"], y["all"]["numerator"], y["all"]["denominator"]) for y in armed["by_year"]] == [
        (int(r["year"]), int(r["numerator"]), int(r["denominator"])) for r in years if not r["province"]
    ]
    revisits = client.get("/analysis/revisits.csv", {"first": "2019-2021", "second": "2022-2025"}).content.decode()
    api = client.get("/api/analysis/interference", {"first": "2019-2021", "second": "2022-2025"}).json()["revisits"]
    changes = [r["change"] for r in csv.DictReader(io.StringIO(revisits))]
    assert changes.count("better") == len(api["better"]) and changes.count("worse") == len(api["worse"])
    for bad in ({"first": "2023"}, {"first": "soon", "second": "2023"}, {"first": "2024-2021", "second": "2025"}):
        assert client.get("/analysis/", bad).status_code == 400
        assert client.get("/analysis/interference.csv", bad).status_code == 400
    assert client.get("/analysis/nothing.csv").status_code == 404


def test_a_road_layer_gives_roadblocks_per_100_km(registry, client, tmp_path):
    line = [[28.80, -1.38], [28.84, -1.41], [28.86, -1.45]]  # inside Masisi (CD6103)
    path = tmp_path / "roads.geojson"
    feature = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": line}, "properties": {"name": "R"}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    answer = CliRunner().invoke(main, ["import", "roads", str(path)], catch_exceptions=False)
    assert answer.exit_code == 0 and "1 roads" in answer.output, answer.output
    km = Geod(ellps="WGS84").line_length(*zip(*line)) / 1000
    density = client.get("/api/roadblocks/density").json()
    assert density["roads_imported"] is True
    masisi = next(f for f in density["per_road"] if f["id"] == "road_density_CD6103")
    assert masisi["numerator"] == 84 and abs(masisi["denominator"] - km) < 0.01
    assert abs(masisi["value"] - 84 / km * 100) < 0.01
    assert [f["id"] for f in density["per_road"]] == ["road_density_CD6103"]  # no road in Walikale
    html = client.get("/analysis/").content.decode()
    assert "pour 100 km de route" in row_of(html, "rb-road_density_CD6103")
    shapes = client.get("/analysis/density.geojson").json()["features"]
    props = {f["id"]: f["properties"] for f in shapes}
    assert props["CD6103"]["roadblocks"] == 84 and props["CD6104"]["road_km"] == 0
    assert props["CD6103"]["per_100_km_road"] == round(84 / km * 100, 2)
    bad = tmp_path / "points.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [28, -1]}, "properties": {}}
                ],
            }
        )
    )
    answer = CliRunner().invoke(main, ["import", "roads", str(bad)], catch_exceptions=False)
    assert answer.exit_code == 1 and "LineString" in answer.output
    assert client.get("/api/roadblocks/density").json()["per_road"]  # the layer before is still there


def test_cli_density_is_the_api_answer(registry, client):
    answer = CliRunner().invoke(main, ["analyse", "density", "--json"], catch_exceptions=False)
    assert answer.exit_code == 0
    assert json.loads(answer.output) == client.get("/api/roadblocks/density").json()
    table = CliRunner().invoke(main, ["analyse", "density"], catch_exceptions=False).output
    assert "Masisi (CD6103)" in table and "84 / " in table and "ramani import roads" in table


def _definitions(code: str) -> dict[str, str]:
    """Every definition wording of the analyses, as the catalog of `code` gives it."""
    from ramani.analysis import density, interference
    from ramani.analysis import roadblocks as rb

    with translation.override(code):
        return {
            "denominator": rb.denominator(),
            "area": rb.area_definition(),
            "road": density.road_definition(),
            "interference": interference.definition(),
            "headline": rb.headline([])[0].definition,
        }


@pytest.mark.parametrize("code", ["fr", "en", "sw"])
def test_definitions_are_in_the_readers_language_on_the_page_and_in_the_api(registry, client, code):
    """The words next to each figure follow the page's language (cookie) and the API's (?lang=, else the
    reader's); French and Swahili have their own wording, not the English one."""
    words, english = _definitions(code), _definitions("en")
    if code != "en":
        assert all(words[k] != english[k] for k in words), words
    client.cookies["django_language"] = code
    html = client.get("/analysis/").content.decode()
    for key in ("headline", "area", "interference"):
        assert escape(words[key]) in html, key
    if code != "en":
        for key in ("headline", "area", "interference"):
            assert escape(english[key]) not in html, key
    client.cookies.pop("django_language")
    answers = {
        "roadblocks": client.get("/api/roadblocks/analysis", {"lang": code}).json(),
        "density": client.get("/api/roadblocks/density", {"lang": code}).json(),
        "interference": client.get("/api/analysis/interference", {"lang": code}).json(),
    }
    assert answers["roadblocks"]["denominator"] == words["denominator"]
    assert answers["roadblocks"]["headline"][0]["definition"].startswith(words["headline"].split("%")[0][:20])
    assert answers["density"]["definition_per_area"] == words["area"]
    assert answers["density"]["definition_per_road"] == words["road"]
    assert answers["interference"]["definition"] == words["interference"]
    assert answers["interference"]["by_year"][0]["all"]["definition"] == words["interference"]
    # without ?lang=, the reader's language: their cookie, else French
    assert client.get("/api/analysis/interference").json()["definition"] == _definitions("fr")["interference"]
    client.cookies["django_language"] = code
    assert client.get("/api/roadblocks/density").json()["definition_per_area"] == words["area"]
    assert client.get("/api/analysis/interference", {"lang": "de"}).status_code == 422
