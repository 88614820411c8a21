"""The offline basemap: the bundled Natural Earth data, the glyphs, and a user's PMTiles served with HTTP Range."""

from __future__ import annotations

import gzip
import json
import re
import struct
import zlib
from pathlib import Path

import pytest
import shapely

from ramani.geo import basemap

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared/geo/naturalearth"
FONTS = ROOT / "src/ramani/web/static/web/basemap/fonts"
pytestmark = pytest.mark.django_db


def config_of(page: str) -> dict:
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


def bundle() -> list[dict]:
    return json.loads(basemap.NATURAL_EARTH.read_bytes())["features"]


def test_the_bundle_has_the_lakes_towns_and_neighbours_of_the_east():
    features = bundle()
    kinds = {f["properties"]["k"] for f in features}
    assert kinds == {"ocean", "border", "country", "country_label", "lake", "lake_label", "river", "place"}
    lakes = {f["properties"]["fr"]: f for f in features if f["properties"]["k"] == "lake_label"}
    for name in ("Lac Kivu", "Lac Tanganyika", "Lac Albert", "Lac Édouard"):
        assert name in lakes
    assert lakes["Lac Édouard"]["properties"]["en"] == "Lake Edward"
    # each lake label lies inside its lake's polygon
    water = shapely.union_all(
        [shapely.geometry.shape(f["geometry"]) for f in features if f["properties"]["k"] == "lake"]
    )
    for f in lakes.values():
        assert water.contains(shapely.geometry.shape(f["geometry"])), f["properties"]["fr"]
    towns = {f["properties"]["fr"]: f["properties"] for f in features if f["properties"]["k"] == "place"}
    for name in ("Goma", "Bukavu", "Uvira", "Bunia", "Butembo", "Kisangani", "Kigali", "Bujumbura"):
        assert name in towns
    assert towns["Kinshasa"]["cls"] == 0 and towns["Goma"]["cls"] == 1
    assert towns["Goma"]["rank"] < towns["Mwenga"]["rank"] and towns["Goma"]["pop"] > 100_000
    countries = {f["properties"]["iso"] for f in features if f["properties"]["k"] == "country"}
    assert {"COD", "RWA", "BDI", "UGA", "TZA", "ZMB", "AGO", "COG", "CAF", "SDS"} <= countries
    rivers = {f["properties"]["name"] for f in features if f["properties"]["k"] == "river"}
    assert {"Congo", "Lualaba", "Rusizi", "Semliki", "Ituri", "Lukuga"} <= rivers
    # the Kivu–Rwanda border runs through the lake: drawn once, as a line
    border = [shapely.geometry.shape(f["geometry"]) for f in features if f["properties"]["k"] == "border"]
    assert len(border) == 1 and border[0].intersects(water)


def test_the_bundle_is_valid_small_and_inside_its_box():
    features = bundle()
    box = shapely.box(*basemap.NE_BBOX).union(shapely.box(*basemap.NE_OCEAN))
    for f in features:
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.is_valid and not geom.is_empty, f["properties"]
        assert box.buffer(0.001).contains(geom), f["properties"]
    body = basemap.NATURAL_EARTH.read_bytes()
    assert len(body) < 400_000 and len(gzip.compress(body)) < 110_000


@pytest.mark.skipif(not SHARED.is_dir(), reason="the Natural Earth extract (shared/geo/naturalearth) is not here")
def test_the_bundle_is_what_the_build_script_derives():
    assert basemap.dump_natural_earth(basemap.derive_natural_earth(SHARED)) == basemap.NATURAL_EARTH.read_bytes()


def read_varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def fields(buf: bytes):
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        if key & 7 == 2:
            n, i = read_varint(buf, i)
            yield key >> 3, buf[i : i + n]
            i += n
        else:
            value, i = read_varint(buf, i)
            yield key >> 3, value


@pytest.mark.parametrize("stack", ["NotoSans-Regular", "NotoSans-Italic", "NotoSans-SemiBold"])
def test_glyph_ranges_are_signed_distance_fields_maplibre_reads(stack):
    assert (FONTS / "OFL.txt").read_text().startswith("Copyright 2022 The Noto Project Authors")
    for start, end in ((0, 255), (256, 511)):
        (_, fontstack), *rest = list(fields((FONTS / stack / f"{start}-{end}.pbf").read_bytes()))
        assert not rest
        parts = list(fields(fontstack))
        assert (1, stack.encode()) in parts and (2, f"{start}-{end}".encode()) in parts
        glyphs = {}
        for number, glyph in parts:
            if number == 3:
                g = dict(fields(glyph))
                glyphs[g[1]] = g
        assert all(start <= code <= end for code in glyphs)
        sample = glyphs[ord("é")] if start == 0 else glyphs[ord("ŋ")]
        width, height = sample[3], sample[4]
        assert 8 <= width <= 20 and 10 <= height <= 26 and sample.get(7, 0) > width // 2
        bitmap = sample[2]
        assert len(bitmap) == (width + 6) * (height + 6)  # a 3 px border
        assert max(bitmap) > 191 > min(bitmap)  # inside and outside the edge (192)
        if start == 0:
            assert ord(" ") in glyphs and 2 not in glyphs[ord(" ")] and glyphs[ord(" ")][7] > 0
            assert len(glyphs) > 180


def test_the_map_draws_natural_earth_when_no_basemap_is_set(client, monkeypatch):
    monkeypatch.delenv("RAMANI_BASEMAP_URL", raising=False)
    cfg = config_of(client.get("/").content.decode())
    assert cfg["naturalearth"].startswith("/map/basemap.json?v=") and cfg["pmtiles"] is None
    assert "Natural Earth" in cfg["naturalearth_attribution"]
    assert cfg["glyphs"] == "/static/web/basemap/fonts/{fontstack}/{range}.pbf"
    answer = client.get(cfg["naturalearth"], HTTP_ACCEPT_ENCODING="gzip, br")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    assert answer["Content-Encoding"] == "gzip" and "max-age=604800" in answer["Cache-Control"]
    assert json.loads(gzip.decompress(answer.content)) == json.loads(basemap.NATURAL_EARTH.read_bytes())
    script = client.get(cfg["basemap_js"])
    assert script.status_code == 200 and b"ramaniBasemap" in b"".join(script.streaming_content)
    script.close()


def test_an_online_basemap_replaces_natural_earth(client, monkeypatch):
    monkeypatch.setenv("RAMANI_BASEMAP_URL", "https://tile.example.org/{z}/{x}/{y}.png")
    cfg = config_of(client.get("/").content.decode())
    assert cfg["basemap"] == "https://tile.example.org/{z}/{x}/{y}.png"
    assert cfg["naturalearth"] is None and cfg["pmtiles"] is None


# ---- a PMTiles basemap from the data dir ----


def png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + bytes(rgb) * size for _ in range(size))
    head = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def make_pmtiles(path: Path, max_zoom: int = 2) -> bytes:
    """A real raster PMTiles v3 (pmtiles' own writer): every tile of zooms 0..max_zoom, one colour."""
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    tiles = sorted(
        (zxy_to_tileid(z, x, y), png((180, 210, 230) if (x + y) % 2 else (240, 238, 230)))
        for z in range(max_zoom + 1)
        for x in range(1 << z)
        for y in range(1 << z)
    )
    with path.open("wb") as f:
        writer = Writer(f)
        for tile_id, data in tiles:
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_lon_e7": int(12.0e7),
                "min_lat_e7": int(-14.0e7),
                "max_lon_e7": int(31.5e7),
                "max_lat_e7": int(5.5e7),
                "center_zoom": 1,
                "center_lon_e7": int(25e7),
                "center_lat_e7": int(-3e7),
            },
            {"attribution": "test tiles"},
        )
    return path.read_bytes()


@pytest.fixture
def pmtiles_file(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "ramani.db").write_bytes(b"SQLite format 3\0 not for the web")
    (tmp_path / "notes.txt").write_text("private")
    return make_pmtiles(tmp_path / "east.pmtiles")


def streamed(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def test_pmtiles_header_is_read_and_handed_to_the_map(client, monkeypatch, pmtiles_file):
    monkeypatch.setenv("RAMANI_BASEMAP_URL", "pmtiles://east.pmtiles")
    cfg = config_of(client.get("/").content.decode())
    pm = cfg["pmtiles"]
    assert pm["url"] == "/map/basemap/east.pmtiles" and pm["type"] == "png"
    assert (pm["minzoom"], pm["maxzoom"]) == (0, 2) and pm["bounds"] == [12.0, -14.0, 31.5, 5.5]
    assert cfg["naturalearth"] is None and cfg["basemap"] is None
    script = client.get(pm["js"])
    assert script.status_code == 200 and b"Protocol" in b"".join(script.streaming_content)
    script.close()


@pytest.mark.parametrize("value", ["pmtiles://missing.pmtiles", "pmtiles://../ramani.db", "pmtiles://notes.txt"])
def test_a_missing_or_unusable_pmtiles_falls_back_to_natural_earth(client, monkeypatch, pmtiles_file, value):
    monkeypatch.setenv("RAMANI_BASEMAP_URL", value)
    answer = client.get("/")
    assert answer.status_code == 200
    cfg = config_of(answer.content.decode())
    assert cfg["pmtiles"] is None and cfg["naturalearth"]


def test_a_file_that_is_not_pmtiles_falls_back(client, monkeypatch, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "fake.pmtiles").write_bytes(b"<html>not tiles</html>" * 10)
    monkeypatch.setenv("RAMANI_BASEMAP_URL", "pmtiles://fake.pmtiles")
    cfg = config_of(client.get("/").content.decode())
    assert cfg["pmtiles"] is None and cfg["naturalearth"]


def test_pmtiles_whole_file_and_ranges(client, pmtiles_file):
    from pmtiles.reader import MemorySource, Reader
    from pmtiles.tile import deserialize_header

    size = len(pmtiles_file)
    whole = client.get("/map/basemap/east.pmtiles")
    assert whole.status_code == 200 and streamed(whole) == pmtiles_file
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Length"] == str(size)
    etag = whole["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    head = client.get("/map/basemap/east.pmtiles", HTTP_RANGE="bytes=0-126")
    assert head.status_code == 206 and head["Content-Range"] == f"bytes 0-126/{size}"
    assert head["Content-Length"] == "127"
    header = deserialize_header(streamed(head))
    assert header["max_zoom"] == 2
    # a reader that only ever sees ranges served by the view finds every tile
    reader = Reader(
        lambda offset, length: streamed(
            client.get("/map/basemap/east.pmtiles", HTTP_RANGE=f"bytes={offset}-{offset + length - 1}")
        )
    )
    assert reader.get(2, 1, 2) == Reader(MemorySource(pmtiles_file)).get(2, 1, 2) == png((180, 210, 230))
    suffix = client.get("/map/basemap/east.pmtiles", HTTP_RANGE="bytes=-10")
    assert suffix.status_code == 206 and streamed(suffix) == pmtiles_file[-10:]
    assert suffix["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    tail = client.get("/map/basemap/east.pmtiles", HTTP_RANGE=f"bytes={size - 5}-{size + 100}")
    assert tail.status_code == 206 and streamed(tail) == pmtiles_file[-5:]
    open_ended = client.get("/map/basemap/east.pmtiles", HTTP_RANGE="bytes=100-")
    assert streamed(open_ended) == pmtiles_file[100:]
    only_head = client.head("/map/basemap/east.pmtiles", HTTP_RANGE="bytes=0-9")
    assert only_head.status_code == 206 and only_head["Content-Length"] == "10" and not streamed(only_head)


def test_pmtiles_if_range_and_if_none_match(client, pmtiles_file):
    etag = client.get("/map/basemap/east.pmtiles", HTTP_RANGE="bytes=0-0")["ETag"]
    same = client.get("/map/basemap/east.pmtiles", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert same.status_code == 206 and len(streamed(same)) == 10
    changed = client.get("/map/basemap/east.pmtiles", HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"something-else"')
    assert changed.status_code == 200 and streamed(changed) == pmtiles_file
    assert client.get("/map/basemap/east.pmtiles", HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize(
    "value,status",
    [
        ("bytes=999999-", 416),
        ("bytes=-0", 416),
        ("bytes=99999999999999999999-", 200),  # past what we parse: ignored
        ("bytes=abc", 200),
        ("bytes=5-1", 200),
        ("items=0-1", 200),
        ("bytes=0-1,3-4", 200),
        ("bytes=", 200),
        ("bytes=-", 200),
        ("bytes=--1", 200),
        ("bytes=1-2-3", 200),
        ("bytes=\u00e9-1", 200),
        ("", 200),
    ],
)
def test_malformed_or_unsatisfiable_ranges_are_a_416_or_the_whole_file(client, pmtiles_file, value, status):
    answer = client.get("/map/basemap/east.pmtiles", HTTP_RANGE=value)
    assert answer.status_code == status
    if status == 416:
        assert answer["Content-Range"] == f"bytes */{len(pmtiles_file)}"
    else:
        assert streamed(answer) == pmtiles_file


@pytest.mark.parametrize(
    "path",
    [
        "/map/basemap/ramani.db",
        "/map/basemap/notes.txt",
        "/map/basemap/..%2Framani.db",
        "/map/basemap/..%2F..%2Fetc%2Fpasswd.pmtiles",
        "/map/basemap/%2e%2e%2feast.pmtiles",
        "/map/basemap/..pmtiles",
        "/map/basemap/.east.pmtiles",
        "/map/basemap/missing.pmtiles",
        "/map/basemap/east.pmtiles%00",
        "/map/basemap/east.PMTILES",
    ],
)
def test_only_pmtiles_files_of_the_data_dir_are_served(client, pmtiles_file, path):
    answer = client.get(path)
    assert answer.status_code in (400, 404)
    assert b"SQLite" not in streamed(answer) and b"private" not in streamed(answer)


def test_pmtiles_refuses_writes(client, pmtiles_file):
    assert client.post("/map/basemap/east.pmtiles").status_code == 405
