"""The data dictionary covers every download column and every API field; the HXL-tagged CSV; the open-data pages
in the reader's language (both databases, through Django's test client)."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.utils import translation

from ramani.opendata import dictionary, ogcapi
from ramani.roadblocks import demo as roadblock_demo
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site, Visit
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db
HXL_TAG = re.compile(r"#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*")  # hashtag, then +attributes (HXL 1.1)
# the core hashtags of the HXL dictionary that the downloads use
HXL_CORE = {"#access", "#activity", "#adm1", "#adm2", "#adm3", "#adm4", "#country", "#date", "#description"}
HXL_CORE |= {"#geo", "#group", "#indicator", "#item", "#loc", "#meta", "#org", "#status"}


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)
    roadblock_demo.load(count=20)


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))


def _table(tables, table_id: str) -> dict[str, dictionary.Field]:
    found = [t for t in tables if t.id == table_id]
    assert found, f"no dictionary table {table_id}"
    return {f.name: f for f in found[0].fields}


def _described(table: dict[str, dictionary.Field], names, where: str) -> None:
    missing = [n for n in names if n not in table or not table[n].meaning or not table[n].type]
    assert not missing, f"{where}: no dictionary entry for {missing}"


def _paths(value, prefix: str = "") -> set[str]:
    """Every field path of a JSON answer: `a`, `a.b` for an object, `a[].b` for a list of objects."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            path = f"{prefix}.{k}" if prefix else k
            out.add(path)
            out |= _paths(v, path)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                out |= _paths(item, f"{prefix}[]")
    return out


def test_every_property_of_every_collection_is_described(client, sample):
    tables = dictionary.tables()
    assert dictionary.undescribed() == []
    collections = client.get("/ogcapi/collections").json()["collections"]
    assert {c["id"] for c in collections} == set(ogcapi.COLLECTIONS)
    for c in collections:
        items = client.get(f"/ogcapi/collections/{c['id']}/items?limit=50").json()["features"]
        names = {k for f in items for k in f["properties"]}
        assert names or c["id"] not in ("sites", "visits", "roadblocks"), c["id"]
        _described(_table(tables, c["id"] if c["id"] not in ("sites", "visits") else c["id"]), names, c["id"])


def test_every_download_column_is_described(client, sample):
    tables = dictionary.tables()
    sites, visits = _table(tables, "sites"), _table(tables, "visits")
    for collection, table in (("sites", sites), ("visits", visits), ("ipis", _table(tables, "ipis"))):
        header = _csv(client.get(f"/opendata/download/{collection}.csv"))[0]
        _described(table, header, f"{collection}.csv")
        geojson = client.get(f"/opendata/download/{collection}.geojson")
        body = b"".join(geojson.streaming_content).decode()
        import json

        props = {k for f in json.loads(body)["features"] for k in f["properties"]}
        _described(table, props, f"{collection}.geojson")
    for collection, table in (("sites", sites), ("visits", visits)):
        response = client.get(f"/opendata/download/{collection}.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        header = next(book[collection].iter_rows(max_row=1, values_only=True))
        _described(table, header, f"{collection}.xlsx")


def test_every_rest_api_field_is_described(client, sample):
    tables = dictionary.tables()
    site, page = _table(tables, "sites"), _table(tables, "api_page")
    visit, one, risk = _table(tables, "api_visits"), _table(tables, "api_site"), _table(tables, "api_risk")
    answer = client.get("/api/sites?limit=10").json()
    _described(page, _paths(answer) - {p for p in _paths(answer) if p.startswith("results[]")}, "/api/sites")
    _described(site, {p[len("results[].") :] for p in _paths(answer) if p.startswith("results[].")}, "/api/sites")
    answer = client.get("/api/visits?limit=20").json()
    _described(visit, {p[len("results[].") :] for p in _paths(answer) if p.startswith("results[].")}, "/api/visits")
    pcode = Site.objects.filter(visits__armed_groups__isnull=False).values_list("pcode", flat=True).first()
    answer = client.get(f"/api/sites/{pcode}").json()
    paths = _paths(answer)
    rest = {p for p in paths if p not in site and not p.startswith("visits[].")}
    _described(one, rest, "/api/sites/{pcode}")
    _described(visit, {p[len("visits[].") :] for p in paths if p.startswith("visits[].")}, "/api/sites/{pcode}")
    answer = client.get(f"/api/sites/{pcode}/risk").json()
    assert answer["red_flags"], "the sample's armed site has red flags"
    _described(risk, _paths(answer), "/api/sites/{pcode}/risk")
    answer = client.get("/api/summary").json()
    assert answer["by_year"] and answer["minerals"]
    _described(_table(tables, "api_summary"), _paths(answer), "/api/summary")


def test_vocabularies_are_labelled_in_the_readers_language():
    fr, en, sw = (dictionary.vocabularies(code) for code in ("fr", "en", "sw"))
    assert ("Or", "Or") in fr["mineral"] and ("Or", "Gold") in en["mineral"] and ("Or", "Dhahabu") in sw["mineral"]
    assert ("bleu", "Bluu") in sw["qualification_status"] and ("state", "State actors") in en["operator_type"]
    with translation.override("sw"):
        sites = {f.name: f for f in dictionary.tables()[0].fields}
    assert sites["minerals"].vocabulary == "mineral"
    with translation.override("en"):
        english = {f.name: f for f in dictionary.tables()[0].fields}
    assert sites["pcode"].meaning != english["pcode"].meaning  # translated, not the English msgid
    assert english["pcode"].meaning.startswith("Site code")


def test_dictionary_files_are_in_one_language():
    rows = {(r[0], r[1]): r for r in dictionary.as_rows("en")}
    assert rows[("sites", "pcode")][2].startswith("Site code") and rows[("sites", "name")][3] == "text"
    assert "Or = Gold" in rows[("visits", "mineral1")][5]
    body = dictionary.as_json("sw")
    sites = {f["name"]: f for f in body["tables"][0]["fields"]}
    assert sites["name"]["meaning"] == "Jina la mgodi." and sites["name"]["type"] == "maandishi"


def test_dictionary_downloads(client, sample):
    client.cookies["django_language"] = "en"
    rows = _csv(client.get("/opendata/dictionary.csv"))
    assert rows[0] == dictionary.CSV_HEADER
    mineral = next(r for r in rows if r[:2] == ["visits", "mineral1"])
    assert "Or = Gold" in mineral[5] and mineral[4] == "mineral" and mineral[6].startswith("#")
    body = client.get("/opendata/dictionary.json?lang=sw").json()
    assert body["language"] == "sw"
    assert {"value": "Or", "label": "Dhahabu"} in body["vocabularies"]["mineral"]
    assert {t["id"] for t in body["tables"]} >= set(ogcapi.COLLECTIONS) | {"api_visits", "api_risk"}
    assert client.get("/opendata/dictionary.json?lang=de").status_code == 400
    assert client.get("/opendata/dictionary.xml").status_code == 404


def test_hxl_csv_has_a_hashtag_row_under_the_header(client, sample):
    rows = _csv(client.get("/opendata/download/sites.hxl.csv"))
    header, tags, data = rows[0], rows[1], rows[2:]
    assert header == _csv(client.get("/opendata/download/sites.csv"))[0]
    tag = dict(zip(header, tags))
    assert tag["name"] == "#loc+name" and tag["pcode"] == "#loc+code"
    assert tag["latitude_wgs84"] == "#geo+lat" and tag["longitude_wgs84"] == "#geo+lon"
    assert tag["province"] == "#adm1+name" and tag["territoire"] == "#adm2+name"
    assert tag["workers_numb"] == "#indicator+num+workers" and tag["last_visit_date"].startswith("#date")
    assert all(HXL_TAG.fullmatch(t) and t.split("+")[0] in HXL_CORE for t in tags), tags
    assert len(data) == Site.objects.count()
    visits = _csv(client.get("/opendata/download/visits.hxl.csv?province=Sud-Kivu"))
    tag = dict(zip(visits[0], visits[1]))
    assert tag["visit_date"] == "#date+occurred" and tag["latitude"] == "#geo+lat" and tag["mineral1"].startswith("#")
    assert all(HXL_TAG.fullmatch(t) and t.split("+")[0] in HXL_CORE for t in visits[1]), visits[1]
    assert len(visits) - 2 == Visit.objects.filter(site__province="Sud-Kivu").count() > 0
    empty = _csv(client.get("/opendata/download/sites.hxl.csv?province=Nowhere"))
    assert len(empty) == 2 and empty[1][0].startswith("#")  # header and hashtags, no rows
    assert client.get("/opendata/download/sites.hxl.csv?colour=red").status_code == 400
    assert client.get("/opendata/download/ipis.hxl.csv").status_code == 404


def test_opendata_and_ogc_pages_in_three_languages(client, sample):
    for code, words in (("fr", "Dictionnaire des données"), ("en", "Data dictionary"), ("sw", "Kamusi ya data")):
        client.cookies["django_language"] = code
        page = client.get("/opendata/").content.decode()
        assert f'<html lang="{code}"' in page and words in page and 'class="langs"' in page
        assert "#loc+name" in page and "vocab-mineral" in page
        landing = client.get("/ogcapi/?f=html").content.decode()
        assert f'<html lang="{code}"' in landing and 'class="langs"' in landing
    client.cookies["django_language"] = "fr"
    items = client.get("/ogcapi/collections/sites/items?f=html").content.decode()
    assert "codmine01764" in items and "Sites miniers artisanaux" in items
    client.cookies["django_language"] = "en"
    one = client.get("/ogcapi/collections/sites/items/codmine01764?f=html").content.decode()
    assert "Site code" in one and "codmine01764" in one
    assert client.get("/ogcapi/collections/sites/items/codmine01764").json()["id"] == "codmine01764"  # JSON kept


def test_every_collection_of_the_demo_is_described(live_server_process):
    """Against `ramani demo` (every domain's demo data, so every collection has items): each property of each
    collection's items has a meaning in the dictionary the server publishes."""
    import json
    import urllib.request

    def get(path: str):
        with urllib.request.urlopen(live_server_process.url + path, timeout=30) as answer:
            return json.loads(answer.read())

    published = {t["id"]: {f["name"]: f for f in t["fields"]} for t in get("/opendata/dictionary.json")["tables"]}
    missing = {}
    for c in get("/ogcapi/collections")["collections"]:
        items = get(f"/ogcapi/collections/{c['id']}/items?limit=200")["features"]
        names = {k for f in items for k in f["properties"]}
        gaps = sorted(n for n in names if not published.get(c["id"], {}).get(n, {}).get("meaning"))
        if gaps or not names:
            missing[c["id"]] = gaps or "no items in the demo"
    assert not missing, f"properties without a dictionary entry: {missing}"


def test_the_open_data_page_offers_every_other_layer_and_each_link_answers(client, sample):
    """Roadblocks, incidents and the supply-chain layers are downloadable from /opendata/, not only through
    the API or the map."""
    page = client.get("/opendata/").content.decode()
    section = page[page.index('id="downloads"') :]
    links = re.findall(r'<a href="([^"]+)" download>', section)
    for cid in ogcapi.COLLECTIONS:
        if cid in ("sites", "visits"):
            continue
        mine = [h for h in links if cid in h or cid.replace("_", "-") in h]
        assert mine, cid
        for href in mine:
            response = client.get(href.replace("&amp;", "&"))
            assert response.status_code == 200, href
