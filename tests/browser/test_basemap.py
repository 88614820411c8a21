"""The offline basemap in a real Chromium with every non-local request blocked: water, borders and
town names around Lake Kivu, drawn from the bundled Natural Earth data with the project's own glyphs,
after the sites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHOTS = Path(os.environ.get("RAMANI_SCREENSHOTS", "/tmp/ramani-screenshots"))
KIVU = "#view=9/-2.0/29.1"
TOWN_LAYERS = "['ne-towns-major', 'ne-towns', 'ne-towns-minor']"


def offline(page) -> list[str]:
    """Abort every request that leaves this machine; the list of those tried."""
    tried: list[str] = []

    def route(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "blob:", "data:")):
            route.continue_()
        else:
            tried.append(url)
            route.abort()

    page.route("**/*", route)
    return tried


def open_basemap(page, server, where: str = KIVU) -> None:
    page.goto(server.url + "/" + where)
    page.wait_for_function("() => document.documentElement.dataset.basemap === '1'", timeout=60_000)


def rendered(page, layers: str, field: str = "fr") -> list[str]:
    return page.evaluate(
        f"""() => {{ const m = window.ramani.map;
        return [...new Set(m.queryRenderedFeatures({{layers: {layers}}}).map(f => f.properties.{field}))]; }}"""
    )


def test_kivu_at_zoom_9_has_water_and_town_names_with_no_network(page, live_server_process):
    tried = offline(page)
    glyphs: list[str] = []
    page.on("response", lambda r: glyphs.append(r.url) if r.url.endswith(".pbf") and "/fonts/" in r.url else None)
    open_basemap(page, live_server_process)
    assert round(page.evaluate("window.ramani.map.getZoom()")) == 9
    water = page.evaluate("window.ramani.map.queryRenderedFeatures({layers: ['ne-water']}).length")
    assert water > 0
    lakes = rendered(page, "['ne-lake-labels']")
    assert "Lac Kivu" in lakes
    towns = rendered(page, TOWN_LAYERS)
    assert len(towns) >= 5, towns
    assert {"Goma", "Bukavu"} & set(towns)
    assert page.evaluate("window.ramani.map.queryRenderedFeatures({layers: ['ne-borders']}).length") > 0
    assert any("NotoSans-Regular/0-255.pbf" in u for u in glyphs) or any(
        "NotoSans-SemiBold/0-255.pbf" in u for u in glyphs
    )
    assert not tried, f"requests left the machine: {tried}"
    # the sites are still drawn, on top of the basemap
    assert int(page.evaluate("document.documentElement.dataset.drawn")) > 0
    order = page.evaluate("window.ramani.map.getStyle().layers.map(l => l.id)")
    ours = min(order.index(i) for i in ("clusters", "cluster-count", "sites"))
    assert ours > max(order.index(i) for i in order if i.startswith("ne-") or i in ("provinces", "territoires"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "basemap-kivu-1280.png"))


def test_the_basemap_loads_after_the_sites(page, live_server_process):
    offline(page)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    open_basemap(page, live_server_process)
    drawn, basemap = page.evaluate("[window.ramani.drawnAt, window.ramani.basemapAt]")
    assert drawn <= basemap
    first = {
        kind: next(i for i, url in enumerate(asked) if kind in url)
        for kind in ("/fonts/NotoSans-SemiBold-Digits/", "/map/tiles/", "/basemap/basemap.js", "/map/basemap.json")
    }
    first["basemap glyphs"] = next(i for i, url in enumerate(asked) if "/fonts/" in url and "-Digits/" not in url)
    # the cluster counts' small glyph file is preloaded with the page; the basemap's glyphs come after its data
    assert (
        first["/fonts/NotoSans-SemiBold-Digits/"]
        < first["/map/tiles/"]
        < first["/basemap/basemap.js"]
        < first["/map/basemap.json"]
        < first["basemap glyphs"]
    ), first


def test_clusters_stay_above_the_basemap_at_low_zoom(page, live_server_process):
    offline(page)
    open_basemap(page, live_server_process, "#view=5/-2.0/28.0")
    clusters = page.evaluate(
        "window.ramani.map.queryRenderedFeatures({layers: ['clusters']}).reduce((s, f) => s + f.properties.n, 0)"
    )
    assert clusters > 0
    order = page.evaluate("window.ramani.map.getStyle().layers.map(l => l.id)")
    assert order.index("clusters") > max(order.index(i) for i in order if i.startswith("ne-"))


def test_names_follow_the_language_and_the_phone_sees_them(browser, page_errors, live_server_process):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    page = page_errors(context.new_page())
    try:
        tried = offline(page)
        page.goto(live_server_process.url + "/lang/en/?next=/about/")
        open_basemap(page, live_server_process, "#view=7.5/-2.0/29.1")
        assert "Lake Kivu" in rendered(page, "['ne-lake-labels']", "en")
        field = page.evaluate("JSON.stringify(window.ramani.map.getLayoutProperty('ne-lake-labels', 'text-field'))")
        assert '["get","en"]' in field and '["get","fr"]' in field  # English, French where there is none
        assert len(rendered(page, TOWN_LAYERS, "en")) >= 3
        assert not tried
        if page.get_attribute("#panel-toggle", "aria-expanded") == "true":
            page.click("#panel-toggle")
        page.screenshot(path=str(SHOTS / "basemap-kivu-360.png"))
    finally:
        context.close()


def serve_with_basemap(folder: Path, url: str):
    """`ramani serve` over a small demo in `folder` (its data dir) with RAMANI_BASEMAP_URL=url."""
    from tests.conftest import LiveServer

    before = os.environ.get("RAMANI_BASEMAP_URL")
    os.environ["RAMANI_BASEMAP_URL"] = url
    try:
        return LiveServer(folder, sites=60)
    finally:
        if before is None:
            del os.environ["RAMANI_BASEMAP_URL"]
        else:
            os.environ["RAMANI_BASEMAP_URL"] = before


@pytest.fixture(scope="module")
def pmtiles_server(tmp_path_factory):
    """RAMANI_BASEMAP_URL=pmtiles://east.pmtiles, that file (raster, made here) in the data dir."""
    from tests.web.test_basemap import make_pmtiles

    folder = tmp_path_factory.mktemp("pmtiles")
    make_pmtiles(folder / "east.pmtiles", max_zoom=4)
    server = serve_with_basemap(folder, "pmtiles://east.pmtiles")
    yield server
    server.stop()


def test_a_pmtiles_basemap_is_read_with_range_requests(page, pmtiles_server):
    tried = offline(page)
    answers: list[tuple[str, int, str | None]] = []
    page.on("response", lambda r: answers.append((r.url, r.status, r.request.headers.get("range"))))
    open_basemap(page, pmtiles_server, "#view=3/-3/25")
    ranged = [a for a in answers if "/map/basemap/east.pmtiles" in a[0]]
    assert ranged and all(status == 206 and rng for _, status, rng in ranged), ranged
    style = page.evaluate("window.ramani.map.getStyle()")
    assert style["sources"]["pmtiles"]["type"] == "raster" and "naturalearth" not in style["sources"]
    assert page.evaluate("window.ramani.map.isSourceLoaded('pmtiles')")
    ids = [layer["id"] for layer in style["layers"]]
    assert ids.index("pm-raster") < ids.index("sites")
    assert int(page.evaluate("document.documentElement.dataset.drawn")) > 0
    assert not tried


TOWNS = {"Goma": (29.22, -1.68), "Bukavu": (28.86, -2.51), "Kigali": (30.06, -1.95), "Uvira": (29.14, -3.40)}


def make_vector_pmtiles(path: Path, max_zoom: int = 7) -> None:
    """A vector PMTiles in the Protomaps schema with only a `places` layer (points), zooms 0..max_zoom."""
    import math

    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    from ramani.opendata import mvt

    tiles: dict[tuple[int, int, int], mvt.Layer] = {}
    for z in range(max_zoom + 1):
        n = 1 << z
        for fid, (name, (lon, lat)) in enumerate(TOWNS.items(), start=1):
            fx = (lon + 180) / 360 * n
            fy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
            layer = tiles.setdefault((z, int(fx), int(fy)), mvt.Layer("places"))
            props = {"kind": "locality", "name": name, "min_zoom": 4}
            layer.add(fid, (fx - int(fx)) * mvt.EXTENT, (fy - int(fy)) * mvt.EXTENT, props)
    with path.open("wb") as f:
        writer = Writer(f)
        for key in sorted(tiles, key=lambda k: zxy_to_tileid(*k)):
            writer.write_tile(zxy_to_tileid(*key), mvt.encode([tiles[key]]))
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.NONE,
                "min_lon_e7": int(28e7),
                "min_lat_e7": int(-4e7),
                "max_lon_e7": int(31e7),
                "max_lat_e7": int(-1e7),
                "center_zoom": 6,
                "center_lon_e7": int(29e7),
                "center_lat_e7": int(-2e7),
            },
            {"vector_layers": [{"id": "places", "fields": {"name": "String", "kind": "String"}}]},
        )


def test_a_vector_pmtiles_basemap_is_drawn_in_the_protomaps_schema(page, tmp_path):
    make_vector_pmtiles(tmp_path / "osm.pmtiles")
    server = serve_with_basemap(tmp_path, "pmtiles://osm.pmtiles")
    try:
        tried = offline(page)
        open_basemap(page, server, "#view=7/-2.5/29.4")
        style = page.evaluate("window.ramani.map.getStyle()")
        assert style["sources"]["pmtiles"]["type"] == "vector" and "naturalearth" not in style["sources"]
        assert {"pm-earth", "pm-water", "pm-roads", "pm-boundaries", "pm-places"} <= {
            ly["id"] for ly in style["layers"]
        }
        names = rendered(page, "['pm-places']", "name")
        assert {"Goma", "Bukavu", "Uvira"} <= set(names), names
        assert not tried
    finally:
        server.stop()
