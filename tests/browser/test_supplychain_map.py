"""The supply-chain overlays in a real Chromium: switched on, their legends show the classes with their colours;
a click on a depot opens a popup with its minerals and the sites linked to it (and how each was matched), a
click inside a zone of armed interference opens the zone's popup."""

from __future__ import annotations

import json
import urllib.request

from tests.browser.test_map import open_map, shot

FIND = """([layer, lon, lat, zoom]) => new Promise(resolve => {
    const map = window.ramani.map;
    map.jumpTo({center: [lon, lat], zoom: zoom});
    map.once('idle', () => {
        const box = map.getCanvas().getBoundingClientRect();
        for (const f of map.queryRenderedFeatures({layers: [layer]})) {
            const p = f.geometry.type === 'Point' ? map.project(f.geometry.coordinates) : map.project([lon, lat]);
            if (p.x < 20 || p.y < 20 || p.x > box.width - 420 || p.y > box.height - 20) continue;
            const top = map.queryRenderedFeatures([p.x, p.y], {layers: [layer]})[0];
            if (!top) continue;
            return resolve({x: box.left + p.x, y: box.top + p.y, id: top.id, name: top.properties.name});
        }
        resolve(null);
    });
})"""


def features(server, collection: str) -> dict:
    url = f"{server.url}/ogcapi/collections/{collection}/items?limit=10000"
    with urllib.request.urlopen(url, timeout=10) as r:
        return {f["properties"]["name"]: f["properties"] for f in json.loads(r.read())["features"]}


def overlay_note(page, overlay_id: str) -> str:
    return page.evaluate(
        f"JSON.parse(document.getElementById('map-overlays').textContent)"
        f".filter(o => o.id === '{overlay_id}')[0].synthetic_note"
    )


def test_click_a_depot_and_a_zone_and_read_their_popups(page, live_server_process):
    server = live_server_process
    open_map(page, server)
    page.check("input[name=overlay][value=depots]")
    legend = page.inner_text("#legend-depots")
    assert "Dépôt commerçant des minerais" in legend  # French by default
    assert page.locator("#legend-depots svg circle[fill='#8c510a']").count() == 1
    page.wait_for_function("() => window.ramani.overlays && window.ramani.overlays.depots", timeout=30_000)
    target = page.evaluate(FIND, ["ov-depots", 28.05, -1.42, 8])  # the Walikale depot
    assert target, "no depot drawn around Walikale"
    page.mouse.click(target["x"], target["y"])
    page.wait_for_selector(".ov-pop h3")
    popup = page.inner_text(".ov-pop")
    props = features(server, "depots")[target["name"]]
    assert props["name"] in popup and props["minerals"] in popup and props["locality"] in popup
    assert props["linked_sites"] > 0 and str(props["linked_sites"]) in popup
    assert "matched the locality" in popup and "score 100" in popup  # the match shown as a match
    assert overlay_note(page, "depots") in popup
    assert page.locator("#card").is_hidden()
    shot(page, "map-depot-popup")
    page.keyboard.press("Escape")
    page.evaluate("document.querySelectorAll('.maplibregl-popup').forEach(p => p.remove())")
    page.uncheck("input[name=overlay][value=depots]")

    page.check("input[name=overlay][value=interference_zones]")
    legend = page.inner_text("#legend-interference_zones")
    assert "Groupe armé local" in legend and "Groupe armé étranger" in legend
    page.wait_for_function("() => window.ramani.overlays && window.ramani.overlays.interference_zones", timeout=30_000)
    target = page.evaluate(FIND, ["ov-interference_zones", 28.78, -1.42, 8])  # the centre of the Masisi zone
    assert target, "no zone drawn around Masisi"
    page.mouse.click(target["x"], target["y"])
    page.wait_for_selector(".ov-pop h3")
    popup = page.inner_text(".ov-pop")
    zone = features(server, "interference_zones")[target["name"]]
    assert zone["name"] in popup and zone["armed_group"] in popup and zone["period"] in popup
    assert zone["source"] in popup and overlay_note(page, "interference_zones") in popup
    shot(page, "map-interference-zone-popup")
    page.check("input[name=overlay][value=points_of_sale]")
    page.check("input[name=overlay][value=destinations]")
    page.wait_for_function(
        "() => window.ramani.overlays.points_of_sale && window.ramani.overlays.destinations", timeout=30_000
    )
    page.check("input[name=overlay][value=violence_heatmap]")
    page.wait_for_function("() => window.ramani.overlays.violence_heatmap", timeout=30_000)
    assert page.evaluate("window.ramani.map.getLayer('ov-violence_heatmap').type") == "heatmap"
    assert "Peu" in page.inner_text("#legend-violence_heatmap")  # the heatmap's legend, in French
    page.evaluate("window.ramani.map.jumpTo({center: [28.6, -1.6], zoom: 7.5})")
    page.wait_for_timeout(1500)
    shot(page, "map-supplychain-layers")
