"""Map page, site list and language choice through Django's test client."""

from __future__ import annotations

import json
import re

import pytest

from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


def config_of(page: str, name: str):
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_map_page_hands_the_script_its_config(client, today):
    import_ipis(SAMPLE, today=today)
    page = client.get("/").content.decode()
    cfg = config_of(page, "map-config")
    located = Site.objects.exclude(longitude=None)
    assert cfg["sites"] == located.count()
    west, south, east, north = cfg["bounds"]
    assert west <= min(s.longitude for s in located) + 1e-3 and north >= max(s.latitude for s in located) - 1e-3
    assert cfg["basemap"] is None and cfg["boundaries"] is False
    layers = config_of(page, "map-layers")
    assert [layer["id"] for layer in layers] == ["qualification", "workers", "mercury", "child", "armed"]
    blue = [c for c in layers[0]["classes"] if c["value"] == "bleu"][0]
    assert "677" in blue["info"]
    assert all(c.get("info") for layer in layers for c in layer["classes"])  # every legend class explained
    assert 'lang="fr"' in page


def test_basemap_setting_reaches_the_page(client, monkeypatch):
    monkeypatch.setenv("RAMANI_BASEMAP_URL", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv("RAMANI_BASEMAP_ATTRIBUTION", "© Example")
    cfg = config_of(client.get("/").content.decode(), "map-config")
    assert cfg["basemap"] == "https://tiles.example.org/{z}/{x}/{y}.png" and cfg["attribution"] == "© Example"


def test_language_is_french_unless_chosen(client):
    assert 'lang="fr"' in client.get("/about/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    answer = client.get("/lang/sw/?next=/sites/%3Fprovince%3DIturi%23x")
    assert answer.status_code == 302 and answer["Location"] == "/sites/?province=Ituri#x"
    assert 'lang="sw"' in client.get("/about/").content.decode()
    assert client.get("/lang/en/?next=https://evil.example.org/")["Location"] == "/"
    client.get("/lang/xx/")  # unknown: ignored
    assert 'lang="sw"' in client.get("/about/").content.decode()


def test_site_list_filters_and_pages(client, today):
    import_ipis(SAMPLE, today=today)
    page = client.get("/sites/").content.decode()
    for site in Site.objects.all():
        assert site.pcode in page
    only = client.get("/sites/?mineral=Or").content.decode()
    gold = set(Site.objects.filter(visits__mineral_slots__mineral="Or").values_list("pcode", flat=True))
    for site in Site.objects.all():
        assert (site.pcode in only) == (site.pcode in gold)
    bad = client.get("/sites/?on=2024-13-01")
    assert bad.status_code == 400 and "on" in bad.content.decode()


def test_bundled_boundaries_make_the_offline_basemap(client, today):
    from pathlib import Path

    from ramani.geo.boundaries import import_boundaries

    import_ipis(SAMPLE, today=today)
    bundled = Path(__file__).resolve().parents[2] / "src/ramani/geo/data/cod_adm2_simplified.geojson"
    import_boundaries(bundled)
    cfg = config_of(client.get("/").content.decode(), "map-config")
    assert cfg["boundaries"] is True and "CC BY 4.0" in cfg["boundaries_attribution"]
    outlines = json.loads(client.get("/map/boundaries.json").content)
    assert {f["properties"]["level"] for f in outlines["features"]} == {1, 2}
    site = Site.objects.exclude(longitude=None).first()
    xs = [x for f in outlines["features"] for line in f["geometry"]["coordinates"] for x, _ in line]
    assert min(xs) < site.longitude < max(xs)
    assert len(client.get("/map/boundaries.json", HTTP_ACCEPT_ENCODING="gzip").content) < 80_000
