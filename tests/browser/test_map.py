"""The webmap in a real Chromium: draws the sites, opens a card, filters, switches language,
works at phone width and with the keyboard. Any console error fails the test (see conftest)."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

import pytest

from ramani.opendata import clusters

SHOTS = Path(os.environ.get("RAMANI_SCREENSHOTS", "/tmp/ramani-screenshots"))


def api(server, path: str) -> dict:
    with urllib.request.urlopen(server.url + path, timeout=10) as answer:
        return json.loads(answer.read())


def open_map(page, server, query: str = "") -> None:
    page.goto(server.url + "/" + query)
    page.wait_for_function("() => window.ramani && window.ramani.drawnAt", timeout=30_000)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def count_text(page) -> int:
    return int("".join(ch for ch in page.inner_text("#count") if ch.isdigit()))


def wait_count(page, expected: int) -> None:
    page.wait_for_function(
        f"() => document.getElementById('count').textContent.replace(/\\D/g, '') === '{expected}'", timeout=10_000
    )


def test_map_draws_the_sites_in_french_by_default(page, live_server_process):
    open_map(page, live_server_process)
    assert page.evaluate("document.documentElement.lang") == "fr"
    total = api(live_server_process, "/api/sites?limit=1")["count"]
    wait_count(page, total)
    assert page.evaluate("window.ramani.drawnFeatures") > 0.5 * total
    assert page.get_attribute(f"nav a[href='{live_server_process.prefix}']", "aria-current") == "page"
    shot(page, "map-desktop")


def test_click_a_site_and_read_its_card(page, live_server_process):
    open_map(page, live_server_process)
    target = page.evaluate("""() => {
        const map = window.ramani.map, box = map.getCanvas().getBoundingClientRect();
        const all = map.queryRenderedFeatures({layers: ['sites']});
        for (const f of all) {
            const p = map.project(f.geometry.coordinates);
            if (p.x < 20 || p.y < 20 || p.x > box.width - 420 || p.y > box.height - 20) continue;
            const top = map.queryRenderedFeatures([p.x, p.y], {layers: ['sites']})[0];
            return {x: box.left + p.x, y: box.top + p.y, pcode: top.properties.pcode};
        }
    }""")
    page.mouse.click(target["x"], target["y"])
    page.wait_for_selector("#card-title")
    card = page.inner_text("#card")
    site = api(live_server_process, f"/api/sites/{target['pcode']}")
    assert target["pcode"] in card
    assert site["name"] in card and site["territoire"] in card
    assert "°" in card and ("S" in card or "N" in card)  # degrees-minutes-seconds
    field_visits = [v for v in site["visits"] if v["project"] != "Qualification status"]
    assert field_visits[-1]["project"] in card
    assert page.locator("#card table tbody tr").count() == len(field_visits)
    risk = live_server_process.prefix + f"api/sites/{target['pcode']}/risk"
    assert page.locator(f"#card a[href='{risk}']").count() == 1
    shot(page, "map-card")
    page.keyboard.press("Escape")
    assert page.locator("#card").is_hidden()


def test_filter_changes_the_count_and_the_link_keeps_it(page, live_server_process):
    open_map(page, live_server_process)
    total = api(live_server_process, "/api/sites?limit=1")["count"]
    wait_count(page, total)
    page.select_option("#f-mineral", "Or")
    gold = api(live_server_process, "/api/sites?limit=1&mineral=Or")["count"]
    assert 0 < gold < total
    wait_count(page, gold)
    assert "mineral=Or" in page.url
    page.wait_for_function("() => window.ramani.map.isSourceLoaded('sites') && window.ramani.map.loaded()")
    drawn_gold = page.evaluate("window.ramani.map.queryRenderedFeatures({layers: ['sites']}).length")
    assert 0 < drawn_gold <= gold
    page.select_option("#f-year", "2019")
    both = api(live_server_process, "/api/sites?limit=1&mineral=Or&year=2019")["count"]
    wait_count(page, both)
    shared = page.url
    page.goto(shared)  # the shareable link opens the same view and filters
    page.wait_for_function("() => window.ramani && window.ramani.drawnAt", timeout=30_000)
    wait_count(page, both)
    assert page.input_value("#f-mineral") == "Or" and page.input_value("#f-year") == "2019"
    page.click("#f-reset")
    wait_count(page, total)


def test_layers_legend_and_class_explanations(page, live_server_process):
    open_map(page, live_server_process)
    page.check("input[name=layer][value=armed]")
    page.wait_for_function("() => document.querySelector('#legend h2').textContent.length > 0")
    assert "layer=armed" in page.url
    colours = page.evaluate("window.ramani.map.getPaintProperty('sites', 'circle-color')")
    assert colours[1] == ["coalesce", ["get", "a"], -1]
    page.check("input[name=layer][value=qualification]")
    blue_info = page.locator("#legend .infob").nth(3)
    blue_info.click()
    text = page.inner_text("#info")
    assert "677" in text and "2021" in text  # the decree that created the blue status
    page.keyboard.press("Escape")
    assert page.locator("#info").is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('infob')")


def test_switch_language(page, live_server_process):
    open_map(page, live_server_process, "?mineral=Or")
    french = page.inner_text("header nav")
    with page.expect_navigation():
        page.click(".langs a[hreflang=en]")
    page.wait_for_function("() => document.documentElement.lang === 'en' && window.ramani && window.ramani.drawnAt")
    assert "mineral=Or" in page.url  # the view and filters survive the switch
    english = page.inner_text("header nav")
    assert "Map" in english and english != french
    with page.expect_navigation():
        page.click(".langs a[hreflang=sw]")
    page.wait_for_function("() => document.documentElement.lang === 'sw' && window.ramani && window.ramani.drawnAt")
    swahili = page.inner_text("header nav")
    assert swahili not in (english, french)
    shot(page, "map-swahili")
    with page.expect_navigation():
        page.click(".langs a[hreflang=fr]")
    page.wait_for_function("() => document.documentElement.lang === 'fr'")


def test_phone_width(browser, live_server_process, page_errors):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page_errors(page)
    open_map(page, live_server_process)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("#map").bounding_box()
    assert box["width"] >= 340 and box["height"] >= 300
    assert page.get_attribute("#panel-toggle", "aria-expanded") == "false"
    shot(page, "map-360")
    page.click("#panel-toggle")
    page.select_option("#f-mineral", "Or")
    gold = api(live_server_process, "/api/sites?limit=1&mineral=Or")["count"]
    wait_count(page, gold)
    shot(page, "map-360-panel")
    context.close()


def test_keyboard_reaches_a_site_card(page, live_server_process):
    open_map(page, live_server_process)
    site = api(live_server_process, "/api/sites?limit=1&offset=5")["results"][0]
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(site["pcode"])
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#search-results button[data-pcode='{site['pcode']}']")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.pcode") == site["pcode"]
    page.keyboard.press("Enter")
    page.wait_for_selector("#card-title")
    assert site["pcode"] in page.inner_text("#card")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.dataset.pcode") == site["pcode"]


def test_without_webgl_the_page_points_to_the_list(browser, live_server_process, page_errors):
    context = browser.new_context()
    context.add_init_script("HTMLCanvasElement.prototype.getContext = function () { return null; };")
    page = context.new_page()
    page_errors(page)
    page.goto(live_server_process.url + "/?province=Ituri")
    page.wait_for_selector(".nomap a")
    href = page.get_attribute(".nomap a", "href")
    assert href.startswith("/sites/") and "province=Ituri" in href
    page.click(".nomap a")
    page.wait_for_selector("table tbody tr")
    listed = page.locator("table tbody tr").count()
    ituri = api(live_server_process, "/api/sites?limit=1&province=Ituri")["count"]
    assert listed == min(ituri, 100)
    context.close()


@pytest.mark.parametrize("path", ["/sites/", "/about/"])
def test_plain_pages_at_phone_width(browser, live_server_process, page_errors, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page_errors(page)
    page.goto(live_server_process.url + path)
    assert page.evaluate("document.body.scrollWidth") <= 360 or path == "/sites/"
    shot(page, "page-360" + path.replace("/", "-").rstrip("-"))
    context.close()


def _png(width: int = 256, height: int = 256) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xc8\xdc\xf0" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_online_basemap_when_configured(browser, page_errors, tmp_path, monkeypatch):
    """RAMANI_BASEMAP_URL: raster tiles from that server under the sites (here a local stand-in)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.conftest import LiveServer

    seen = []
    tile = _png()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    tiles = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    monkeypatch.setenv("RAMANI_BASEMAP_URL", f"http://127.0.0.1:{tiles.server_port}/osm/{{z}}/{{x}}/{{y}}.png")
    monkeypatch.setenv("RAMANI_BASEMAP_ATTRIBUTION", "© Test tiles")
    server = LiveServer(tmp_path, sites=60)
    try:
        context = browser.new_context(viewport={"width": 800, "height": 600})
        page = page_errors(context.new_page())
        open_map(page, server)
        assert any(p.startswith("/osm/") and p.endswith(".png") for p in seen)
        assert "© Test tiles" in page.inner_text(".maplibregl-ctrl-attrib")
        assert page.evaluate("window.ramani.map.getLayer('basemap').type") == "raster"
        assert page.evaluate("window.ramani.drawnFeatures") > 0
        context.close()
    finally:
        server.stop()
        tiles.shutdown()
        tiles.server_close()


def test_low_zoom_clusters_count_the_sites_in_view_and_zoom_in_on_click(page, live_server_process):
    open_map(page, live_server_process)
    page.wait_for_function("() => window.ramani.map.loaded() && !window.ramani.map.isMoving()")
    located = [s for s in api(live_server_process, "/api/sites?limit=1000")["results"] if s["longitude"] is not None]
    seen = page.evaluate("""() => {
        const map = window.ramani.map, box = map.getCanvas().getBoundingClientRect(), b = map.getBounds();
        const byId = new Map();
        map.queryRenderedFeatures({layers: ['sites', 'clusters']}).forEach((f) => byId.set(f.id, f));
        let sum = 0, target = null, clusters = 0;
        byId.forEach((f) => {
            sum += f.properties.n || 1;
            if (!f.properties.n) return;
            clusters += 1;
            const p = map.project(f.geometry.coordinates);
            if (!target && p.x > 40 && p.y > 40 && p.x < box.width - 420 && p.y < box.height - 40)
                target = {x: box.left + p.x, y: box.top + p.y, n: f.properties.n};
        });
        return {sum, clusters, target, zoom: map.getZoom(), drawn: window.ramani.drawnFeatures,
                bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]};
    }""")
    west, south, east, north = seen["bounds"]
    in_view = [s for s in located if west <= s["longitude"] <= east and south <= s["latitude"] <= north]
    assert len(in_view) == len(located) > 0  # the opening view holds every site
    assert seen["zoom"] < 9 and seen["clusters"] > 0
    assert seen["sum"] == len(in_view) == seen["drawn"]  # every site counted once, in a cluster or alone
    labels = page.evaluate(
        "() => window.ramani.map.queryRenderedFeatures({layers: ['cluster-count']}).map((f) => f.properties.n)"
    )
    assert labels and all(n > 1 for n in labels)
    # no two clusters' circles touch: their centres are at least 32 px apart and a circle, ring included, is at
    # most 16 px across half of that (ramani.opendata.clusters.CLUSTER_MAX_RADIUS_PX)
    spacing = page.evaluate("""() => {
        const map = window.ramani.map;
        const points = map.queryRenderedFeatures({layers: ['clusters']})
            .map((f) => map.project(f.geometry.coordinates));
        let closest = Infinity;
        points.forEach((a, i) => points.slice(i + 1).forEach((b) => { closest = Math.min(closest, a.dist(b)); }));
        const radius = map.getPaintProperty('clusters', 'circle-radius');
        const ring = map.getPaintProperty('clusters', 'circle-stroke-width');
        return {closest, count: points.length, largest: radius[radius.length - 1] + ring};
    }""")
    assert spacing["count"] >= 2, spacing
    assert spacing["largest"] <= clusters.CLUSTER_MAX_RADIUS_PX
    assert spacing["closest"] >= 2 * clusters.CLUSTER_MAX_RADIUS_PX - 0.5, spacing
    shot(page, "map-clusters-1280")
    page.mouse.click(seen["target"]["x"], seen["target"]["y"])
    page.wait_for_function(f"() => window.ramani.map.getZoom() > {seen['zoom'] + 1.5} && !window.ramani.map.isMoving()")
    assert page.locator("#card").is_hidden()  # a cluster zooms in, it opens no card
