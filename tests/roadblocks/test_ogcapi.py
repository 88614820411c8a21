"""The `roadblocks` OGC API collection: read by GDAL's OAPIF driver from a running server, and its answers."""

from __future__ import annotations

import pyogrio
import pytest
from pyogrio import raw

from ramani.roadblocks import demo
from ramani.roadblocks.models import Roadblock

BOX = (28.6, -1.6, 29.1, -1.2)  # around Masisi


def test_gdal_reads_every_roadblock_across_pages(live_server_process):
    server = live_server_process
    source = f"OAPIF:{server.url}/ogcapi"
    assert "roadblocks" in [name for name, _ in pyogrio.list_layers(source)]
    expected = server.sql("SELECT count(*) FROM roadblocks_roadblock")[0][0]
    assert expected == demo.COUNT
    meta, fids, geometry, fields = raw.read(source, layer="roadblocks", PAGE_SIZE="70")
    assert len(geometry) == expected
    columns = dict(zip(meta["fields"], fields))
    keys = {k for (k,) in server.sql("SELECT key FROM roadblocks_roadblock")}
    assert set(columns["id"]) == keys  # GDAL keeps the string feature ids as a field
    assert set(columns["source"]) == {"Ramani demo (synthetic)"}
    names = " ".join(columns["place_name"])
    assert "Masisi" in names and "Walikale" in names
    assert {"operator_types", "tax_targets", "toll", "toll_amount", "toll_currency", "toll_unit"} <= set(columns)
    in_box = server.sql(
        "SELECT count(*) FROM roadblocks_roadblock WHERE longitude BETWEEN ? AND ? AND latitude BETWEEN ? AND ?",
        BOX[0],
        BOX[2],
        BOX[1],
        BOX[3],
    )[0][0]
    meta, fids, geometry, fields = raw.read(source, layer="roadblocks", bbox=BOX, PAGE_SIZE="40")
    assert len(geometry) == in_box > 0


@pytest.mark.django_db
def test_items_filters_item_and_errors(client):
    demo.load(count=40, seed=2)
    answer = client.get("/ogcapi/collections/roadblocks/items", {"limit": 15})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/geo+json")
    body = answer.json()
    assert body["numberMatched"] == 40 and body["numberReturned"] == 15
    assert any(link["rel"] == "next" for link in body["links"])
    armed = Roadblock.objects.filter(operator_types__icontains='"armed_group"').count()
    answer = client.get("/ogcapi/collections/roadblocks/items", {"operator_type": "Groupes armés", "limit": 100})
    feats = answer.json()["features"]
    assert len(feats) == armed > 0 and all("Groupes armés" in f["properties"]["operator_types"] for f in feats)
    year = client.get("/ogcapi/collections/roadblocks/items", {"year": "2023"}).json()["numberMatched"]
    assert year == Roadblock.objects.filter(date__year=2023).count()
    one = feats[0]
    answer = client.get(f"/ogcapi/collections/roadblocks/items/{one['id']}")
    assert answer.status_code == 200 and answer.json()["properties"] == one["properties"]
    assert client.get("/ogcapi/collections/roadblocks/items/nope").status_code == 404
    for bad in ({"operator_type": "bandits"}, {"year": "soon"}, {"bbox": "1,2,3"}, {"colour": "red"}):
        answer = client.get("/ogcapi/collections/roadblocks/items", bad)
        assert answer.status_code == 400, bad
    doc = client.get("/ogcapi/collections/roadblocks").json()
    assert doc["id"] == "roadblocks" and doc["extent"]["temporal"]["interval"][0][0].startswith("202")
