"""Vector tiles of sites: decoded by GDAL's own MVT driver, compared with the registry."""

from __future__ import annotations

import datetime as dt
import gzip
import math

import pyogrio.raw
import pytest

from ramani.opendata import maptiles, mvt, query
from ramani.sites import diggers
from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Qualification, Site
from tests.conftest import SAMPLE, load_demo

pytestmark = pytest.mark.django_db


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    s = math.sin(math.radians(lat))
    return int((lon + 180) / 360 * n), int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n)


def decode(tmp_path, z, x, y, data: bytes) -> dict[str, dict]:
    """Features of the tile read by GDAL (its MVT driver), keyed by pcode (a cluster: by its id), with lon/lat."""
    path = tmp_path / str(z) / str(x) / f"{y}.pbf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if not data:
        return {}
    meta, fids, geometry, fields = pyogrio.raw.read(path, layer="sites", CLIP="NO")
    from pyproj import Transformer
    from shapely import from_wkb, transform

    to_wgs = Transformer.from_crs(3857, 4326, always_xy=True)
    points = transform(
        from_wkb(geometry), lambda c: __import__("numpy").column_stack(to_wgs.transform(c[:, 0], c[:, 1]))
    )
    names = list(meta["fields"])
    out = {}
    for i, point in enumerate(points):
        props = {name: fields[j][i] for j, name in enumerate(names)}
        out[props.get("pcode") or f"cluster-{props['mvt_id']}"] = {**props, "lon": point.x, "lat": point.y}
    return out


def sites_in(feature: dict) -> int:
    """How many sites a decoded feature stands for: a cluster's n, or one."""
    n = feature.get("n")
    return 1 if n is None or n != n or not n else int(n)


@pytest.fixture
def demo_sites(tmp_path):
    load_demo(tmp_path, sites=400, seed=3)
    return Site.objects.exclude(longitude=None)


def test_encoder_output_is_read_by_gdal(tmp_path):
    layer = mvt.Layer("sites")
    layer.add(7, 100, 4000, {"pcode": "codmine00001", "w": 2, "neg": -5, "f": 1.5, "b": True, "none": None})
    layer.add(8, -10, 4100, {"pcode": "codmine00002", "w": 2})
    data = mvt.encode([layer])
    path = tmp_path / "0" / "0" / "0.pbf"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    meta, fids, geometry, fields = pyogrio.raw.read(path, layer="sites", CLIP="NO")
    names = list(meta["fields"])
    assert list(fields[names.index("mvt_id")]) == [7, 8]  # a point in the buffer is kept
    row = {n: fields[j][0] for j, n in enumerate(names)}
    assert row["pcode"] == "codmine00001" and row["w"] == 2 and row["neg"] == -5 and row["f"] == 1.5 and row["b"]
    assert "none" not in names


def test_every_site_is_in_its_tile_at_high_zoom_with_its_attributes(tmp_path, demo_sites):
    z = 12
    by_tile = {}
    for s in demo_sites:
        by_tile.setdefault(tile_of(s.longitude, s.latitude, z), []).append(s)
    (x, y), group = max(by_tile.items(), key=lambda kv: len(kv[1]))
    features = decode(tmp_path, z, x, y, maptiles.tile(z, x, y, {}, dt.date(2026, 11, 28)))
    for s in group:
        f = features[s.pcode]
        assert abs(f["lon"] - s.longitude) < 1e-3 and abs(f["lat"] - s.latitude) < 1e-3
        assert f["q"] == s.status_on(dt.date(2026, 11, 28)).status
        assert (
            f["y"] == s.visits.exclude(project="Qualification status").order_by("-visit_date").first().visit_date.year
        )


def test_low_zoom_tile_holds_the_region_and_filters_cut_it(tmp_path, demo_sites):
    z = 4
    on = dt.date(2026, 11, 28)
    tiles = {tile_of(s.longitude, s.latitude, z) for s in demo_sites}
    total = {}
    for x, y in tiles:
        total.update(decode(tmp_path / "all", z, x, y, maptiles.tile(z, x, y, {}, on)))
    assert len(total) < demo_sites.count()  # clustered
    assert sum(sites_in(f) for f in total.values()) == demo_sites.count()  # no site left out
    gold = {}
    for x, y in tiles:
        gold.update(decode(tmp_path / "gold", z, x, y, maptiles.tile(z, x, y, {"mineral": "Or"}, on)))
    filtered = query.filter_sites({"mineral": "Or"}).exclude(longitude=None).count()
    assert sum(sites_in(f) for f in gold.values()) == filtered < demo_sites.count()


def test_qualification_colour_follows_the_date(tmp_path, demo_sites):
    blue = Qualification.objects.filter(status="bleu").select_related("site").first()
    site = blue.site
    z = 14
    x, y = tile_of(site.longitude, site.latitude, z)
    during = decode(tmp_path / "a", z, x, y, maptiles.tile(z, x, y, {}, blue.date + dt.timedelta(days=30)))
    after = decode(tmp_path / "b", z, x, y, maptiles.tile(z, x, y, {}, blue.date + dt.timedelta(days=4 * 365)))
    assert during[site.pcode]["q"] == "bleu"
    assert after[site.pcode]["q"] == "rouge"  # three years on, blue turns red by law


def test_index_follows_registry_changes(demo_sites):
    first = maptiles.index()
    assert maptiles.index() is first
    site = demo_sites.first()
    site.name = "renamed"
    site.save()  # admin-style edit moves the revision
    assert maptiles.index() is not first


def test_tile_view_http(client, demo_sites):
    s = demo_sites.first()
    x, y = tile_of(s.longitude, s.latitude, 10)  # from zoom 9 on every site is its own feature
    answer = client.get(f"/map/tiles/10/{x}/{y}.pbf", HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.mapbox-vector-tile"
    body = answer.content
    if answer.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    assert s.pcode.encode() in body
    assert client.get(f"/map/tiles/10/{x}/{y}.pbf?mineral=%00").status_code == 400
    bad = client.get(f"/map/tiles/10/{x}/{y}.pbf?on=2024-02-30")
    assert bad.status_code == 400 and "on" in bad.json()["param"]
    assert client.get("/map/tiles/3/8/1.pbf").status_code == 404  # outside the world at zoom 3
    assert client.get("/map/tiles/25/0/0.pbf").status_code == 404


def test_sample_file_sites_are_drawn(tmp_path, today):
    import_ipis(SAMPLE, today=today)
    located = Site.objects.exclude(longitude=None)
    for s in located:
        x, y = tile_of(s.longitude, s.latitude, 10)
        assert s.pcode in decode(tmp_path / s.pcode, 10, x, y, maptiles.tile(10, x, y, {}, today))


def test_year_filter_colours_by_that_years_visit(tmp_path, demo_sites):
    from ramani.sites.models import Visit

    field = Visit.objects.exclude(project="Qualification status")
    site = next(s for s in demo_sites if field.filter(site=s).values("visit_date__year").distinct().count() >= 2)
    visits = list(field.filter(site=site).order_by("visit_date"))
    old = visits[0]
    z = 14
    x, y = tile_of(site.longitude, site.latitude, z)
    on = dt.date(2026, 11, 28)
    then = decode(tmp_path / "then", z, x, y, maptiles.tile(z, x, y, {"year": str(old.visit_date.year)}, on))[
        site.pcode
    ]
    now = decode(tmp_path / "now", z, x, y, maptiles.tile(z, x, y, {}, on))[site.pcode]
    assert then["y"] == old.visit_date.year and now["y"] == visits[-1].visit_date.year
    assert then["w"] == diggers.band(old.workers_numb)


def test_malformed_requests_get_a_clear_answer_never_a_500(client, today):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import_ipis(SAMPLE, today=today)
    names = st.sampled_from(
        [
            "mineral",
            "province",
            "territoire",
            "year",
            "armed_presence",
            "qualification",
            "on",
            "mercury",
            "child_labour",
            "armed_group_type",
            "q",
            "v",
            "page",
        ]
    )
    values = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.dictionaries(names, values, max_size=3), st.integers(0, 30), st.integers(-1, 2**31), st.integers(0, 9))
    def check(params, z, x, y):
        for url in (f"/map/tiles/{z}/{x}/{y}.pbf", "/sites/", "/", "/dashboard/"):
            answer = client.get(url, params)
            assert answer.status_code in (200, 400, 404), (url, params, answer.status_code)

    check()


def test_qualification_filter_follows_the_date_not_the_first_day_it_was_asked(tmp_path, demo_sites):
    blue = Qualification.objects.filter(status="bleu").select_related("site").first()
    site = blue.site
    z = 14
    x, y = tile_of(site.longitude, site.latitude, z)
    during, later = blue.date + dt.timedelta(days=30), blue.date + dt.timedelta(days=4 * 365)
    assert site.pcode in decode(tmp_path / "a", z, x, y, maptiles.tile(z, x, y, {"qualification": "bleu"}, during))
    # same filter, same registry, another day: the cached mask must not answer for it
    assert site.pcode not in decode(tmp_path / "b", z, x, y, maptiles.tile(z, x, y, {"qualification": "bleu"}, later))
    assert site.pcode in decode(tmp_path / "c", z, x, y, maptiles.tile(z, x, y, {"qualification": "rouge"}, later))


def places(sites) -> list[tuple[int, int, int]]:
    """Tiles at every zoom over some demo sites: clusters and single sites."""
    out = []
    for s in sites.order_by("pcode")[:3]:
        out += [(z, *tile_of(s.longitude, s.latitude, z)) for z in (4, 5, 6, 8, 9, 12, 14)]
    return out


def some_tiles(idx, tiles, filters: bool = True) -> list[bytes]:
    """The tiles unfiltered, and (`filters`) with a qualification and a year filter (these read the database)."""
    on = dt.date.today()
    out = [maptiles.tile(z, x, y, {}, on, idx) for z, x, y in tiles]
    if filters:
        out += [maptiles.tile(z, x, y, {"qualification": "rouge"}, on, idx) for z, x, y in tiles[:7]]
        out += [maptiles.tile(z, x, y, {"year": str(on.year - 1)}, on, idx) for z, x, y in tiles[7:]]
    return out


def test_index_file_is_shared_by_threads_and_processes(demo_sites, settings, tmp_path):
    import hashlib
    import json
    import os
    import subprocess
    import sys
    import threading

    from ramani.sites import revision

    settings.DATA_DIR = tmp_path / "data"
    tiles = places(demo_sites)
    built = maptiles.build()
    expected = some_tiles(built, tiles)
    assert sum(len(t) > 100 for t in expected) > len(expected) / 2
    number = revision.current()
    shared = maptiles.shared(number)  # builds and writes the file (no other process did)
    path = maptiles.path_of(number)
    assert path.is_file() and not shared.ids.flags.writeable  # a read-only view of the mapped file
    assert some_tiles(shared, tiles) == expected

    # two threads, each mapping the file (the test's database is not shared with threads: no filters)
    unfiltered = expected[: len(tiles)]
    got: list[list[bytes]] = []
    readers = [threading.Thread(target=lambda: got.append(some_tiles(maptiles.read(path), tiles, False))) for _ in "ab"]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    assert got == [unfiltered, unfiltered]

    # another process maps the same file: the same tiles (no database needed)
    script = (
        "import datetime as dt, hashlib, json, sys, django\n"
        "django.setup()\n"
        "from ramani.opendata import maptiles\n"
        "idx = maptiles.read(__import__('pathlib').Path(sys.argv[1]))\n"
        "print(json.dumps([hashlib.sha256(maptiles.tile(z, x, y, {}, dt.date.today(), idx)).hexdigest() "
        "for z, x, y in json.loads(sys.argv[2])]))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ramani.settings", "RAMANI_DATA_DIR": str(tmp_path / "other")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), json.dumps(tiles)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [hashlib.sha256(t).hexdigest() for t in unfiltered]


def test_a_new_revision_writes_a_new_file_and_drops_the_old(demo_sites, settings, tmp_path):
    from ramani.sites import revision

    settings.DATA_DIR = tmp_path / "data"
    first = revision.current()
    old = maptiles.shared(first)
    assert sorted(p.name for p in maptiles.folder().glob("*.bin")) == [maptiles.path_of(first).name]
    site = demo_sites.first()
    site.longitude, site.latitude = 28.5, -2.5
    site.save()
    second = revision.current()
    assert second != first
    new = maptiles.shared(second)
    assert new.revision == second
    assert sorted(p.name for p in maptiles.folder().glob("*.bin")) == [maptiles.path_of(second).name]
    assert maptiles.shared(second).ids.tolist() == new.ids.tolist()  # read back, not built again
    assert len(old.ids) == len(new.ids) and old.mx.tolist() != new.mx.tolist()  # the old mapping stays readable


def test_an_index_built_in_a_transaction_is_never_written(demo_sites, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    assert maptiles.index().revision
    assert not maptiles.folder().exists()
