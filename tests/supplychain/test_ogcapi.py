"""The supply-chain OGC API collections, read by GDAL's OAPIF driver from a running server (`ramani demo`
loaded), and their filters and errors."""

from __future__ import annotations

import pyogrio
import pytest
import shapely
from pyogrio import raw

from ramani.supplychain import demo

COLLECTIONS = {  # collection -> (SQL selecting its rows, how many the demo makes)
    "depots": ("FROM supplychain_tradepoint WHERE kind = 'depot'", len(demo.HUBS)),
    "points_of_sale": ("FROM supplychain_tradepoint WHERE kind = 'point_of_sale'", len(demo.HUBS)),
    "destinations": ("FROM supplychain_tradepoint WHERE kind = 'destination'", len(demo.DESTINATIONS)),
    "interference_zones": ("FROM supplychain_interferencezone WHERE 1 = 1", len(demo.ZONES)),
}


def test_gdal_reads_every_supplychain_collection(live_server_process):
    server = live_server_process
    source = f"OAPIF:{server.url}/ogcapi"
    layers = [name for name, _ in pyogrio.list_layers(source)]
    for collection, (where, count) in COLLECTIONS.items():
        assert collection in layers
        keys = {k for (k,) in server.sql(f"SELECT key {where}")}
        assert len(keys) == count
        meta, _fids, geometry, fields = raw.read(source, layer=collection, PAGE_SIZE="7")  # several pages
        columns = dict(zip(meta["fields"], fields))
        assert len(geometry) == count and set(columns["id"]) == keys
        assert set(columns["source"]) == {demo.SOURCE}
        shapes = [shapely.from_wkb(g) for g in geometry]
        if collection == "interference_zones":
            assert {s.geom_type for s in shapes} <= {"Polygon", "MultiPolygon"}
            assert {"armed_group", "group_type", "period_start", "period_end", "area_km2"} <= set(columns)
            areas = dict(server.sql(f"SELECT key, area_km2 {where}"))
            assert all(abs(areas[k] - a) < 1e-6 for k, a in zip(columns["id"], columns["area_km2"]))
            box = (28.5, -1.6, 29.0, -1.2)  # around Masisi
            meets = {k for k, g in zip(columns["id"], shapes) if g.intersects(shapely.box(*box))}
            meta, _fids, geometry, fields = raw.read(source, layer=collection, bbox=box)
            assert set(dict(zip(meta["fields"], fields))["id"]) == meets and meets
        else:
            assert {s.geom_type for s in shapes} == {"Point"}
            assert {"name", "minerals", "locality", "linked_sites", "sites"} <= set(columns)
            kind = where.replace("FROM supplychain_tradepoint", "").replace("kind", "p.kind")
            links = dict(
                server.sql(
                    "SELECT p.key, count(l.id) FROM supplychain_tradepoint p LEFT JOIN supplychain_sitelink l "
                    f"ON l.point_id = p.id {kind} GROUP BY p.key"
                )
            )
            assert {k: int(n) for k, n in zip(columns["id"], columns["linked_sites"])} == links
            assert sum(links.values()) > 0  # the demo's visits name the demo's towns


@pytest.mark.django_db
def test_filters_item_and_errors(client):
    from ramani.supplychain.models import InterferenceZone, TradePoint

    demo.load(seed=2)
    gold = TradePoint.objects.filter(kind="depot", minerals__icontains='"Or"').count()
    body = client.get("/ogcapi/collections/depots/items", {"mineral": "Or", "limit": 100}).json()
    assert body["numberMatched"] == gold > 0 and all("Or" in f["properties"]["minerals"] for f in body["features"])
    year = client.get("/ogcapi/collections/interference_zones/items", {"year": "2022"}).json()
    expected = [
        z.key
        for z in InterferenceZone.objects.all()
        if z.period_start.year <= 2022 and (z.period_end is None or z.period_end.year >= 2022)
    ]
    assert sorted(f["id"] for f in year["features"]) == sorted(expected)
    local = client.get("/ogcapi/collections/interference_zones/items", {"group_type": "Groupe armé local"}).json()
    assert local["numberMatched"] == InterferenceZone.objects.filter(group_type="local_armed_group").count()
    one = client.get("/ogcapi/collections/destinations/items/demo-ds-kampala")
    assert one.status_code == 200 and one.json()["properties"]["country"] == "Ouganda"
    assert client.get("/ogcapi/collections/depots/items/demo-ds-kampala").status_code == 404  # not a depot
    for collection, bad in (
        ("interference_zones", {"group_type": "bandits"}),
        ("interference_zones", {"year": "soon"}),
        ("depots", {"bbox": "1,2,3"}),
        ("points_of_sale", {"colour": "red"}),
    ):
        assert client.get(f"/ogcapi/collections/{collection}/items", bad).status_code == 400, bad
    doc = client.get("/ogcapi/collections/interference_zones").json()
    bounds = doc["extent"]["spatial"]["bbox"][0]
    assert bounds[0] == min(z.minx for z in InterferenceZone.objects.all())  # the zones' bounds, not a point's
    assert bounds[3] == max(z.maxy for z in InterferenceZone.objects.all())


@pytest.mark.django_db
def test_layer_downloads_read_back(client, tmp_path):
    from pyogrio import raw as gdal

    from ramani.supplychain.formats import LAYERS
    from ramani.supplychain.read import read_rows

    demo.load(seed=3)
    for name, count in (("depots", len(demo.HUBS)), ("interference-zones", len(demo.ZONES))):
        for fmt in ("csv", "geojson", "gpkg"):
            answer = client.get(f"/supplychain/{name}.{fmt}")
            assert answer.status_code == 200 and "license" in answer["Link"], (name, fmt)
            path = tmp_path / f"{name}.{fmt}"
            path.write_bytes(answer.content)
            assert len(list(read_rows(LAYERS[name], path, []))) == count
            if fmt == "gpkg":
                assert len(gdal.read(str(path))[2]) == count  # GDAL opens it
    assert client.get("/supplychain/depots.kml").status_code == 404
    assert client.get("/supplychain/roads.csv").status_code == 404
