"""OGC API - Features, through Django's test client (both databases) and as plain functions."""

import pytest

from ramani.opendata import ogcapi
from ramani.sites.ipis_import import import_ipis
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db
BASE = "http://testserver/ogcapi"


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)


def test_landing_links_for_qgis(client):
    body = client.get("/ogcapi/").json()
    rels = {link["rel"]: link for link in body["links"]}
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert rels["data"]["href"] == f"{BASE}/collections"
    conf = client.get("/ogcapi/conformance").json()["conformsTo"]
    assert {c.rsplit("/", 1)[1] for c in conf} >= {"core", "geojson", "oas30"}


def test_openapi_declares_limit_bounds(client):
    doc = client.get("/ogcapi/api").json()
    params = {p["name"]: p for p in doc["paths"]["/collections/sites/items"]["get"]["parameters"]}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}


def test_items_pages_and_filters(client, sample):
    page = client.get("/ogcapi/collections/visits/items?limit=3&province=Sud-Kivu")
    assert page["Content-Type"] == "application/geo+json"
    body = page.json()
    assert body["numberMatched"] == 5 and body["numberReturned"] == 3
    nxt = next(link["href"] for link in body["links"] if link["rel"] == "next")
    second = client.get(nxt).json()
    assert second["numberReturned"] == 2 and not any(link["rel"] == "next" for link in second["links"])
    assert {f["id"] for f in body["features"]}.isdisjoint({f["id"] for f in second["features"]})
    sites = client.get("/ogcapi/collections/sites/items?bbox=28,-4,29,-2&datetime=2019-01-01/..").json()
    assert [f["id"] for f in sites["features"]] == ["codmine01764"]
    feature = sites["features"][0]
    assert feature["geometry"]["coordinates"] == [28.39912, -3.13287]
    assert feature["properties"]["minerals"] == "Or" and feature["properties"]["armed_presence"] is True


def test_single_feature_and_errors(client, sample):
    f = client.get("/ogcapi/collections/sites/items/codmine00312").json()
    assert f["id"] == "codmine00312" and f["properties"]["territoire"] == "Kalehe"
    assert client.get("/ogcapi/collections/sites/items/codmine00000").status_code == 404
    assert client.get("/ogcapi/collections/visits/items/abc").status_code == 404
    assert client.get("/ogcapi/collections/roads/items").status_code == 404
    for bad in (
        "limit=0",
        "limit=10001",
        "limit=x",
        "offset=-1",
        "bbox=1,2",
        "datetime=soon",
        "colour=red",
        "f=xml",
        "bbox-crs=EPSG:3857",
    ):
        response = client.get(f"/ogcapi/collections/sites/items?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "InvalidParameterValue"


def test_html_pages(client, sample):
    page = client.get("/ogcapi/collections/sites/items?f=html").content.decode()
    assert "codmine01764" in page and "<table" in page
    assert client.get("/ogcapi/", HTTP_ACCEPT="text/html").content.decode().startswith("<!doctype html>")
    assert "Téléchargements" in client.get("/opendata/").content.decode()  # French, the default language


def test_functions_work_without_http(sample):
    answer = ogcapi.items("http://x/ogcapi", "sites", {"limit": "2"})
    assert answer.status == 200 and answer.body["numberReturned"] == 2 and answer.body["numberMatched"] == 4
    assert ogcapi.item("http://x/ogcapi", "sites", "nope").status == 404


def test_answers_are_cached_until_the_registry_changes(client, sample, today):
    from ramani.sites.models import Site

    url = "/ogcapi/collections/sites/items?limit=10"
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url).content == first.content
    site = Site.objects.get(pcode="codmine02203")  # a curator renames a site
    site.name = "Muchacha III"
    site.save()
    renamed = client.get(url)
    assert renamed["ETag"] != etag and b"Muchacha III" in renamed.content
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    # an import that changes rows moves it too; one that changes nothing does not
    etag = renamed["ETag"]
    import_ipis(SAMPLE, today=today)
    assert client.get(url)["ETag"] == etag
    from tests.conftest import read_table, write_table

    rows = read_table(SAMPLE)
    rows[5]["name"] = "Muchacha IV"
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        # the curator renamed that site: the file's new name replaces it only when told so (ramani.curation)
        import_ipis(write_table(Path(tmp) / "f.csv", rows), today=today, overwrite=True)
    changed = client.get(url)
    assert changed["ETag"] != etag and b"Muchacha IV" in changed.content
