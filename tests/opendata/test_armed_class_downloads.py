"""Downloads and APIs carry each site's armed class: the classifier's, the one the map draws."""

from __future__ import annotations

import csv
import io

import pytest

from ramani.opendata import maptiles
from ramani.sites import armed
from ramani.sites.models import Site
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    """Per-revision caches: two tests that import the same way can end on the same revision number."""
    from ramani.opendata import maptiles
    from ramani.sites import stats

    monkeypatch.setattr(maptiles, "_index", None)
    stats._years.clear()


def test_the_sites_download_and_api_give_the_class_the_tiles_draw(client, tmp_path):
    load_demo(tmp_path, sites=120, seed=9)
    idx = maptiles.index()
    drawn = {idx.pcodes[i]: maptiles.ARMED[idx.latest.armed[i]] for i in range(len(idx.ids))}
    body = b"".join(client.get("/opendata/download/sites.csv").streaming_content).decode("utf-8-sig")
    rows = {r["pcode"]: r["armed_class"] for r in csv.DictReader(io.StringIO(body))}
    assert rows and {p: rows[p] for p in drawn} == drawn
    page = client.get("/api/sites", {"limit": 1000}).json()["results"]
    assert {s["pcode"]: s["armed_class"] for s in page if s["pcode"] in drawn} == drawn
    items = client.get("/ogcapi/collections/sites/items", {"limit": 1000}).json()["features"]
    assert {f["id"]: f["properties"]["armed_class"] for f in items if f["id"] in drawn} == drawn
    assert set(drawn.values()) <= set(armed.CLASSES) and Site.objects.count() == 120


def test_the_data_dictionary_names_the_classes(client):
    from ramani.opendata import dictionary

    names = dict(dictionary.vocabularies("en"))["armed_class"]
    assert dict(names)["presence"] == "Armed presence, no interference seen" and len(names) == len(armed.CLASSES)
    assert not dictionary.undescribed()
