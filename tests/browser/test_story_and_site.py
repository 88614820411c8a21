"""In a real Chromium: the story map follows its chapters as the reader scrolls; a site selected on the map is in
the map's URL and such a URL opens its card; a site's page draws its charts and its small map. Any console
error or failed request fails the test (see conftest). Screenshots at 1280 and 360 px."""

from __future__ import annotations

import json
import urllib.request

from tests.browser.test_map import SHOTS, open_map, shot

STORY = "/story/armed-interference/"


def full_shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def config_of(server, path: str) -> dict:
    with urllib.request.urlopen(server.url + path, timeout=20) as answer:
        page = answer.read().decode()
    start = page.index('<script id="story-config" type="application/json">') + len(
        '<script id="story-config" type="application/json">'
    )
    return json.loads(page[start : page.index("</script>", start)])


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"page is {width}px wide"
    # nothing cut off either (outside the tables, which scroll in their own box)
    beyond = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => !e.closest('.tablewrap, .maplibregl-map') && e.getBoundingClientRect().right > innerWidth + 1)
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert not beyond, beyond


def wait_chapter(page, i: int) -> None:
    page.wait_for_function(f"() => document.documentElement.dataset.chapter === '{i}'", timeout=20_000)


def map_state(page) -> dict:
    return page.evaluate("""() => {
        const s = window.ramaniStory, m = s.map, c = m.getCenter();
        return {lon: c.lng, lat: c.lat, zoom: m.getZoom(), layer: s.layer,
                tiles: m.getSource('sites').tiles[0],
                colour: JSON.stringify(m.getPaintProperty('sites', 'circle-color')),
                active: document.querySelector('.chapter.active').id};
    }""")


def test_the_story_map_follows_the_chapters(browser, page_errors, live_server_process):
    config = config_of(live_server_process, STORY)
    chapters = config["chapters"]
    layers = {layer["id"]: layer for layer in config["layers"]}
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = page_errors(context.new_page())
    page.set_default_timeout(20_000)
    try:
        page.goto(live_server_process.url + STORY)
        page.wait_for_function("() => window.ramaniStory && window.ramaniStory.ready")
        wait_chapter(page, 0)
        page.wait_for_function("() => window.ramaniStory.map.loaded()")
        assert page.evaluate("window.ramaniStory.map.queryRenderedFeatures({layers: ['sites']}).length") > 0
        shot(page, "story-1280")
        seen = []
        for i, chapter in enumerate(chapters):
            page.evaluate(f"document.querySelectorAll('.chapter')[{i}].scrollIntoView({{block: 'center'}})")
            wait_chapter(page, i)
            # MapLibre's setTiles takes effect on the next animation frame: wait for it (or fail after 20 s)
            wanted = [f"{name}={value}" for name, value in chapter["filters"].items()]
            page.wait_for_function(
                """(wanted) => {
                    const url = window.ramaniStory.map.getSource('sites').tiles[0];
                    return wanted.length ? wanted.every(w => url.includes(w)) : !url.includes('?');
                }""",
                arg=wanted,
            )
            state = map_state(page)
            assert abs(state["lon"] - chapter["center"][0]) < 0.01 and abs(state["lat"] - chapter["center"][1]) < 0.01
            assert abs(state["zoom"] - chapter["zoom"]) < 0.01
            assert state["layer"] == chapter["layer"]
            # the colours are the layer's own classes, the tiles carry the chapter's filters
            first_class = layers[chapter["layer"]]["classes"][0]
            assert json.dumps(first_class["colour"]) in state["colour"]
            for name, value in chapter["filters"].items():
                assert f"{name}={value}" in state["tiles"]
            if not chapter["filters"]:
                assert "?" not in state["tiles"]
            seen.append((state["layer"], round(state["zoom"], 1), state["active"]))
        assert len({s[0] for s in seen}) >= 2 and len({s[1] for s in seen}) >= 3  # layer and camera changed
        shot(page, "story-1280-end")
        # the chapter's link opens the same view on the full map
        assert seen[1][2] == "year-2009"
        href = page.get_attribute("#year-2009 .chapter-link a", "href")
        assert href.startswith(live_server_process.prefix + "?year=2009")
        assert "layer=armed" in href and "#view=6.2/" in href
        # ... where the map shows the chapter's layer, filter and camera
        page.goto(live_server_process.root + href)  # href carries the prefix
        page.wait_for_function("() => window.ramani && window.ramani.drawnAt")
        assert page.evaluate("window.ramani.layer") == "armed"
        assert page.input_value("#filters [name=year]") == "2009"
        assert abs(page.evaluate("window.ramani.map.getZoom()") - 6.2) < 0.01
        centre = page.evaluate("window.ramani.map.getCenter().toArray()")
        assert abs(centre[0] - chapters[1]["center"][0]) < 0.01 and abs(centre[1] - chapters[1]["center"][1]) < 0.01
    finally:
        context.close()


def test_the_story_on_a_phone_is_stacked_and_does_not_scroll_sideways(browser, page_errors, live_server_process):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, reduced_motion="reduce")
    page = page_errors(context.new_page())
    page.set_default_timeout(20_000)
    try:
        page.goto(live_server_process.url + STORY)
        page.wait_for_function("() => window.ramaniStory && window.ramaniStory.ready")
        box = page.locator("#story-map").bounding_box()
        assert box and box["width"] <= 360 and box["height"] < 740 * 0.6  # the map above the text
        no_horizontal_scroll(page)
        shot(page, "story-360")
        page.evaluate("document.querySelectorAll('.chapter')[2].scrollIntoView({block: 'center'})")
        wait_chapter(page, 2)
        no_horizontal_scroll(page)
        shot(page, "story-360-chapter3")
        page.goto(live_server_process.url + STORY + "?text=1")
        assert page.locator("#story-map").count() == 0
        assert page.locator(".chapter-link a").count() == 6
        no_horizontal_scroll(page)
        shot(page, "story-360-text")
    finally:
        context.close()


def test_the_story_without_javascript_is_the_text_with_map_links(browser, live_server_process):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server_process.url + STORY)
        assert page.locator("#story-map").is_hidden()
        assert page.locator(".chapter").count() == 6
        first = page.locator(".chapter-link a").first.get_attribute("href")
        assert first.startswith(live_server_process.prefix + "#view=")
    finally:
        context.close()


def click_a_site(page) -> str:
    target = page.evaluate("""() => {
        const map = window.ramani.map, box = map.getCanvas().getBoundingClientRect();
        for (const f of map.queryRenderedFeatures({layers: ['sites']})) {
            const p = map.project(f.geometry.coordinates);
            if (p.x < 20 || p.y < 20 || p.x > box.width - 420 || p.y > box.height - 20) continue;
            const top = map.queryRenderedFeatures([p.x, p.y], {layers: ['sites']})[0];
            return {x: box.left + p.x, y: box.top + p.y, pcode: top.properties.pcode};
        }
    }""")
    page.mouse.click(target["x"], target["y"])
    page.wait_for_selector("#card-title")
    return target["pcode"]


def test_a_selected_site_is_in_the_map_url_and_the_url_opens_its_card(page, live_server_process):
    open_map(page, live_server_process, "?layer=armed")
    pcode = click_a_site(page)
    assert f"site={pcode}" in page.url and "layer=armed" in page.url
    assert page.get_attribute("#card-page", "href") == live_server_process.prefix + f"sites/{pcode}/"
    page.keyboard.press("Escape")
    # the card's URL is rewritten with history.replaceState: Playwright's page.url learns of it a moment later
    page.wait_for_function("() => !new URLSearchParams(location.search).has('site')", timeout=10_000)
    assert "layer=armed" in page.evaluate("location.search")
    # a shared link opens the card, the site ringed, the map on it
    page.goto(live_server_process.url + f"/?layer=armed&site={pcode}")
    page.wait_for_selector("#card-title")
    assert pcode in page.inner_text("#card")
    page.wait_for_function("() => window.ramani && window.ramani.drawnAt")
    assert page.evaluate("window.ramani.map.getFilter('selected')") == ["==", ["get", "pcode"], pcode]
    page.wait_for_function("() => window.ramani.map.getZoom() >= 10")
    assert "view=" in page.url and f"site={pcode}" in page.url
    # the card's link leads to the site's page
    with page.expect_navigation():
        page.click("#card-page")
    assert page.url.endswith(f"/sites/{pcode}/")
    page.wait_for_function("() => document.documentElement.dataset.minimap === 'drawn'")
    assert page.evaluate("window.ramaniSite.selected") >= 1
    assert page.evaluate("Object.keys(window.ramaniSite.charts).length") == 2
    page.wait_for_function("() => document.documentElement.dataset.basemap === '1'")
    full_shot(page, "site-page-1280")


def test_the_site_page_at_phone_width(browser, page_errors, live_server_process):
    with urllib.request.urlopen(live_server_process.url + "/api/sites?limit=1", timeout=10) as answer:
        pcode = json.loads(answer.read())["results"][0]["pcode"]
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = page_errors(context.new_page())
    page.set_default_timeout(20_000)
    try:
        page.goto(live_server_process.url + f"/sites/{pcode}/")
        page.wait_for_function("() => document.documentElement.dataset.minimap === 'drawn'")
        page.wait_for_function("() => document.documentElement.dataset.basemap === '1'")
        no_horizontal_scroll(page)
        full_shot(page, "site-page-360")
    finally:
        context.close()
