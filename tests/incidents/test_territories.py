"""Incidents per territoire: the public aggregate (published only, cacheable per publication version), the
platform's aggregate (the user's scope only), the OGC API collection `incidents` (territoire polygons, never a
point) and the webmap's overlay."""

from __future__ import annotations

import pytest
import shapely

from ramani.geo.models import AdminUnit
from ramani.incidents import territories, workflow
from ramani.sites import revision

pytestmark = pytest.mark.django_db
BOXES = {"CD6204": (28.6, -2.3, 29.0, -1.8), "CD6104": (28.6, -1.6, 29.1, -1.2), "CD6202": (28.8, -4.5, 29.3, -3.8)}


@pytest.fixture
def drawn(network):
    """The network's territoires with polygons (a wavy box: simplification has something to remove)."""
    for pcode, (minx, miny, maxx, maxy) in BOXES.items():
        steps = [minx + (maxx - minx) * i / 40 for i in range(41)]
        top = [(x, maxy + (0.001 if i % 2 else 0)) for i, x in enumerate(steps)]
        polygon = shapely.Polygon([(minx, miny), (maxx, miny), *reversed(top)])
        AdminUnit.objects.filter(pcode=pcode).update(geometry=shapely.to_wkb(polygon), minx=minx, miny=miny,
                                                     maxx=maxx, maxy=maxy)  # fmt: skip
    revision.bump()
    territories._shapes.clear()
    return network


def publish(network, incident, title="Soldiers taxed diggers"):
    officer = network.alpha_officer if incident.organisation == network.alpha else network.beta_officer
    workflow.verify(incident, officer, "confirmed")
    workflow.correct(incident, officer, title=title)
    manager = network.alpha_manager if incident.organisation == network.alpha else network.admin
    return workflow.publish(incident, manager)


def test_the_public_aggregate_counts_published_incidents_per_territoire(client, drawn):
    empty = client.get("/kufatilia/territoires.geojson")
    assert empty.status_code == 200 and empty.json()["features"] == []
    publish(drawn, drawn.in_alpha)
    workflow.verify(drawn.in_beta, drawn.beta_officer, "confirmed")  # confirmed but not published: not counted
    answer = client.get("/kufatilia/territoires.geojson")
    assert answer["Content-Type"] == "application/geo+json"
    body = answer.json()
    assert [(f["id"], f["properties"]["count"]) for f in body["features"]] == [("CD6204", 1)]
    feature = body["features"][0]
    assert set(feature["properties"]) == {"pcode", "territoire", "province", "count", "synthetic"}
    assert feature["properties"]["territoire"] == "Kalehe" and feature["properties"]["province"] == "Sud-Kivu"
    polygon = shapely.geometry.shape(feature["geometry"])
    assert polygon.geom_type == "Polygon" and len(polygon.exterior.coords) < 20  # simplified
    assert abs(polygon.area - shapely.box(*BOXES["CD6204"]).area) < 0.01
    text = answer.content.decode()
    assert drawn.in_alpha.report_id not in text and "Askari" not in text


def test_the_public_aggregate_is_cached_per_publication_version(client, drawn):
    publish(drawn, drawn.in_alpha)
    first = client.get("/kufatilia/territoires.geojson")
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=60"
    version = etag.strip('"')
    immutable = client.get(f"/kufatilia/territoires.geojson?v={version}")
    assert "immutable" in immutable["Cache-Control"]
    assert client.get("/kufatilia/territoires.geojson", HTTP_IF_NONE_MATCH=etag).status_code == 304
    workflow.unpublish(drawn.in_alpha, drawn.alpha_manager, "wrong place")
    again = client.get("/kufatilia/territoires.geojson", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag and again.json()["features"] == []
    assert "immutable" not in client.get(f"/kufatilia/territoires.geojson?v={version}")["Cache-Control"]


def test_an_incident_received_before_the_boundaries_is_drawn_by_its_territoire_name(client, drawn):
    from ramani.incidents.models import Incident

    publish(drawn, drawn.in_alpha)
    Incident.objects.filter(pk=drawn.in_alpha.pk).update(territoire_pcode="")
    body = client.get("/kufatilia/territoires.geojson").json()
    assert [(f["id"], f["properties"]["count"]) for f in body["features"]] == [("CD6204", 1)]
    feature = client.get("/ogcapi/collections/incidents/items").json()["features"][0]
    assert feature["properties"]["territoire_pcode"] == "CD6204" and feature["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize(
    "who, expected",
    [
        ("alpha_officer", [("CD6204", 2)]),
        ("alpha_analyst", [("CD6204", 2)]),
        ("beta_officer", [("CD6104", 1)]),
        ("admin", [("CD6104", 1), ("CD6204", 2)]),
    ],
)
def test_the_platforms_choropleth_counts_only_what_the_user_may_see(client, drawn, who, expected):
    from tests.incidents.conftest import report

    report(drawn.channel, "Kalehe", "Sud-Kivu", sender="+243 997 100 060")
    client.force_login(drawn.users()[who])
    answer = client.get("/cases/analytics/territoires.geojson")
    assert answer.status_code == 200 and {"private", "no-store"} <= set(answer["Cache-Control"].split(", "))
    body = answer.json()
    assert [(f["id"], f["properties"]["count"]) for f in body["features"]] == expected
    assert body["total"] == sum(n for _, n in expected) + (1 if who == "admin" else 0)  # + triage, unplaced
    filtered = client.get("/cases/analytics/territoires.geojson?province=Nord-Kivu").json()
    assert [f["id"] for f in filtered["features"]] == [p for p, _ in expected if p == "CD6104"]
    page = client.get("/cases/analytics/").content.decode()
    assert 'id="incident-map"' in page and "/cases/analytics/territoires.geojson" in page


def test_the_ogc_collection_serves_published_incidents_as_territoire_polygons(client, drawn):
    publish(drawn, drawn.in_alpha)
    collections = [c["id"] for c in client.get("/ogcapi/collections").json()["collections"]]
    assert "incidents" in collections
    doc = client.get("/ogcapi/collections/incidents").json()
    bbox = doc["extent"]["spatial"]["bbox"][0]
    assert bbox[0] == pytest.approx(28.8) and bbox[1] == pytest.approx(-2.05)  # the territoire's centre
    body = client.get("/ogcapi/collections/incidents/items").json()
    assert body["numberMatched"] == 1
    feature = body["features"][0]
    assert feature["id"] == drawn.in_alpha.report_id and feature["geometry"]["type"] == "Polygon"
    assert set(feature["properties"]) == {"report_id", "date", "title", "status", "category", "category_label",
                                          "subcategory", "province", "territoire", "territoire_pcode"}  # fmt: skip
    assert feature["properties"]["title"] == "Soldiers taxed diggers"
    one = client.get(f"/ogcapi/collections/incidents/items/{drawn.in_alpha.report_id}")
    assert one.status_code == 200 and one.json()["properties"] == feature["properties"]
    for hidden in (drawn.in_beta.report_id, "ABCDEF12"):  # not published, or no such report: the same answer
        assert client.get(f"/ogcapi/collections/incidents/items/{hidden}").status_code == 404
    items = "/ogcapi/collections/incidents/items"
    assert client.get(items, {"bbox": "28.5,-1.7,29.2,-1.1"}).json()["numberMatched"] == 0  # Masisi's box
    assert client.get(items, {"bbox": "28.5,-2.2,28.7,-2.0"}).json()["numberMatched"] == 1
    assert client.get(items, {"territoire": "CD6204"}).json()["numberMatched"] == 1
    assert client.get(items, {"territoire": "Masisi"}).json()["numberMatched"] == 0
    assert client.get(items, {"category": "violence", "status": "new"}).json()["numberMatched"] == 1
    for bad in ({"category": "gossip"}, {"status": "done"}, {"year": "soon"}, {"bbox": "1,2,3"}, {"village": "x"}):
        answer = client.get(items, bad)
        assert answer.status_code == 400 and "description" in answer.json(), bad
    text = client.get(items).content.decode()
    assert "Askari" not in text and "997100050" not in text and '"Point"' not in text


def test_the_webmap_offers_the_incidents_overlay(client, drawn):
    from django.utils import translation

    from ramani.web.overlays import overlays

    with translation.override("fr"):
        found = {o["id"]: o for o in overlays()}["incidents"]
    assert found["geometry"] == "polygon" and found["property"] == "count" and found["steps"][0][0] == 0
    assert [c["label"] for c in found["classes"]] == ["1", "2–4", "5–9", "10–24", "25 ou plus"]
    version = client.get("/kufatilia/territoires.geojson")["ETag"].strip('"')
    assert found["url"] == f"/kufatilia/territoires.geojson?v={version}"
    page = client.get("/").content.decode()
    assert 'name="overlay" value="incidents"' in page


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`ramani serve` over the demo, then the bundled boundaries imported (as `make run` does: the incidents are
    received before the boundaries exist), a few incidents published."""
    import subprocess
    import sys

    from tests.conftest import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("incidents-live"), sites=150)
    try:
        boundaries = "src/ramani/geo/data/cod_adm2_simplified.geojson"
        subprocess.run([sys.executable, "-m", "ramani.cli", "import", "boundaries", boundaries], env=server.env,
                       check=True, capture_output=True)  # fmt: skip
        yield server
    finally:
        if server.proc is not None:  # a loaded machine may take more than stop()'s 10 s to end the workers
            server.proc.terminate()
            server.proc.wait(60)
        server.stop()


@pytest.mark.django_db(transaction=False)
def test_gdal_reads_the_published_incidents_as_territoire_polygons(served):
    import pyogrio
    from pyogrio import raw

    source = f"OAPIF:{served.url}/ogcapi"
    assert "incidents" in [name for name, _ in pyogrio.list_layers(source)]
    published = served.sql("SELECT report_id, territoire FROM incidents_incident WHERE published")
    assert len(published) >= 5, "the demo publishes some incidents"
    meta, fids, geometry, fields = raw.read(source, layer="incidents", PAGE_SIZE="4")
    columns = dict(zip(meta["fields"], fields))
    assert sorted(columns["report_id"]) == sorted(r for r, _ in published)
    assert set(meta["fields"]) >= {"report_id", "date", "title", "status", "category", "province", "territoire"}
    assert not set(meta["fields"]) & {"description", "place", "where_text", "reporter_hash", "site", "village"}
    shapes = [shapely.from_wkb(bytes(g)) for g in geometry]
    assert {s.geom_type for s in shapes} <= {"Polygon", "MultiPolygon"}  # never a point
    units = {pcode: (name, shapely.from_wkb(bytes(wkb))) for pcode, name, wkb in served.sql(
        "SELECT pcode, name, geometry FROM geo_adminunit WHERE level = 2 AND geometry IS NOT NULL")}  # fmt: skip
    for territoire, pcode, shape in zip(columns["territoire"], columns["territoire_pcode"], shapes):
        name, unit = units[pcode]  # the incident's own territoire, simplified
        assert name == territoire and shape.intersection(unit).area > 0.95 * unit.area
        assert shape.area < 1.05 * unit.area
    # a bbox read: each published incident's territoire finds it, and a small one leaves others out
    sizes = []
    for territoire in sorted({t for _, t in published}):
        box = next(unit for name, unit in units.values() if name == territoire).bounds
        meta, fids, geometry, fields = raw.read(source, layer="incidents", bbox=box, PAGE_SIZE="4")
        near = dict(zip(meta["fields"], fields))["territoire"]
        assert territoire in set(near), territoire
        sizes.append(len(near))
    assert 0 < min(sizes) < len(published)
