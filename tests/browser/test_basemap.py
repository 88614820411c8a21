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
    assert order.index("sites") > max(order.index(i) for i in order if i.startswith("ne-"))
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
        for kind in ("/map/tiles/", "/basemap/basemap.js", "/map/basemap.json", "/fonts/")
    }
    assert first["/map/tiles/"] < first["/basemap/basemap.js"] < first["/map/basemap.json"] < first["/fonts/"], first


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


@pytest.fixture(scope="module")
def pmtiles_server(tmp_path_factory):
    """`ramani serve` with RAMANI_BASEMAP_URL=pmtiles://east.pmtiles, that file (raster, made here) in its data dir."""
    from tests.conftest import LiveServer
    from tests.web.test_basemap import make_pmtiles

    folder = tmp_path_factory.mktemp("pmtiles")
    make_pmtiles(folder / "east.pmtiles", max_zoom=4)
    before = os.environ.get("RAMANI_BASEMAP_URL")
    os.environ["RAMANI_BASEMAP_URL"] = "pmtiles://east.pmtiles"
    try:
        server = LiveServer(folder, sites=60)
    finally:
        if before is None:
            del os.environ["RAMANI_BASEMAP_URL"]
        else:
            os.environ["RAMANI_BASEMAP_URL"] = before
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
