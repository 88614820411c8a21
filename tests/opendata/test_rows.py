"""The one-query pages (opendata.rows) give exactly what the model-based features give, value for value."""

import datetime as dt

import orjson
import pytest

from ramani.opendata import features, query, rows
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site, Visit
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)


def _json(value):
    return orjson.loads(orjson.dumps(value))


def test_visit_pages_equal_the_model_features(sample):
    qs = Visit.objects.all()
    expected = _json(features.visit_features(qs.order_by("id")))
    assert len(expected) == Visit.objects.count() >= 7
    assert _json(rows.visit_features(qs, 0, 1000)) == expected
    assert _json(rows.visit_features(qs, 2, 4)) == expected[2:6]
    sud = query.filter_visits({"province": "Sud-Kivu", "bbox": "20,-10,40,10"})
    assert _json(rows.visit_features(sud, 0, 100)) == _json(features.visit_features(sud.order_by("id")))
    flags = expected[0]["properties"]
    assert isinstance(flags["presence"], bool) and flags["visit_date"][4] == "-"


@pytest.mark.parametrize("on", [None, dt.date(2018, 6, 1), dt.date(2024, 1, 1), dt.date(2026, 3, 15)])
def test_site_pages_equal_the_model_features(sample, on):
    sites = list(Site.objects.order_by("id"))
    expected = _json(features.site_features(sites, on))
    assert _json(rows.site_features(Site.objects.all(), 0, 100, on)) == expected
    statuses = {f["properties"]["qualification"] for f in expected}
    assert statuses - {"none"} or on is None


def test_rest_visit_records_equal_the_model_shape(sample, client):
    from ramani.opendata.api import _visit_dict

    visits = Visit.objects.select_related("site").prefetch_related("mineral_slots", "armed_groups").order_by("id")
    expected = _json([{"pcode": v.site.pcode, **_visit_dict(v)} for v in visits])
    assert _json(rows.visit_records(Visit.objects.all(), 0, 1000)) == expected
    written = _json(rows.visit_records(Visit.objects.all(), 0, 1000))
    assert [list(r) for r in written] == [list(r) for r in expected]  # keys in the same order too
    assert any(r["armed_groups"] and r["armed_groups"][0]["activities"] for r in expected)


def test_number_matched_is_remembered_until_the_registry_changes(sample, client):
    url = "/ogcapi/collections/visits/items?limit=1&province=Sud-Kivu"
    first = client.get(url).json()["numberMatched"]
    Visit.objects.filter(site__province="Sud-Kivu").first().delete()  # bumps the revision
    assert client.get(url).json()["numberMatched"] == first - 1


def test_next_links_read_on_from_the_last_id_and_stay_exact(sample, client):
    """Following `next` reads each page on from the previous page's last id (keyset): the same features as
    counting the offset, in order, none twice, none lost, also after the registry changed under the client."""
    every = [v.id for v in Visit.objects.order_by("id")]

    def walk(url: str) -> list[int]:
        ids = []
        while url:
            body = client.get(url).json()
            ids += [f["id"] for f in body["features"]]
            url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        return ids

    assert walk("/ogcapi/collections/visits/items?limit=2") == every
    assert len(rows.anchors) >= len(every) // 2 - 1  # the pages were read by keyset
    offset_page = client.get("/ogcapi/collections/visits/items?limit=2&offset=4").json()
    rows.anchors.clear()
    assert client.get("/ogcapi/collections/visits/items?limit=2&offset=4").json()["features"] == offset_page["features"]
    Visit.objects.get(id=every[3]).delete()  # a new revision: the old anchors no longer apply
    assert walk("/ogcapi/collections/visits/items?limit=2") == every[:3] + every[4:]
    pcodes = [s["pcode"] for s in client.get("/api/sites?limit=1").json()["results"]]
    nxt = client.get("/api/sites?limit=1").json()["next"]
    while nxt:
        body = client.get(nxt).json()
        pcodes += [s["pcode"] for s in body["results"]]
        nxt = body["next"]
    assert pcodes == list(Site.objects.order_by("id").values_list("pcode", flat=True))


def test_deep_pages_read_from_the_nearest_step_and_stay_exact(sample, client, monkeypatch):
    """A page at a deep offset nobody led to starts from the id every STEP rows of the selection (read once per
    revision and filters): the same features as counting the whole offset, also past the end and after a change."""
    monkeypatch.setattr(rows, "STEP", 2)
    every = [v.id for v in Visit.objects.order_by("id")]
    sud = [v.id for v in query.filter_visits({"province": "sud-kivu"}).order_by("id")]
    assert len(every) >= 7 and len(sud) >= 3
    for offset in range(len(every) + 2):
        for params, ids in (("", every), ("&province=sud-kivu", sud)):
            rows.anchors.clear()  # no keyset from the page before: the steps serve
            url = f"/ogcapi/collections/visits/items?limit=2&offset={offset}{params}"
            assert [f["id"] for f in client.get(url).json()["features"]] == ids[offset : offset + 2], url
    assert len(rows.steps) == 2
    Visit.objects.get(id=every[2]).delete()  # a new revision: new steps
    rows.anchors.clear()
    page = client.get("/api/visits?limit=3&offset=3").json()["results"]
    assert [r["id"] for r in page] == (every[:2] + every[3:])[3:6]


def test_visit_features_from_tuples_equal_the_model_features(sample):
    """The items page's features, built from one query's tuples: the same features, properties in the same order,
    as the model-based ones."""
    qs = Visit.objects.all()
    expected = features.visit_features(qs.order_by("id"))
    written = orjson.loads(orjson.dumps(rows.visit_features(qs, 0, 1000)))
    assert written == _json(expected)
    assert [list(f["properties"]) for f in written] == [list(f["properties"]) for f in expected]
    assert orjson.loads(orjson.dumps(rows.visit_features(qs, 3, 2))) == _json(expected[3:5])
