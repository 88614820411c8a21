"""The roadblocks overlay in a real Chromium: switched on, its legend shows the operator types with the
institute's colours, and a click on a roadblock opens a popup with what the survey recorded."""

from __future__ import annotations

import json
import urllib.request

from tests.browser.test_map import open_map, shot


def test_click_a_roadblock_and_read_its_popup(page, live_server_process):
    server = live_server_process
    open_map(page, server)
    page.check("input[name=overlay][value=roadblocks]")
    legend = page.inner_text("#legend-roadblocks")
    assert "Groupes armés" in legend and "Acteurs civils" in legend  # French by default
    assert page.locator("#legend-roadblocks svg circle[fill='#e80c0f']").count() == 1
    page.wait_for_function("() => window.ramani.overlays && window.ramani.overlays.roadblocks", timeout=30_000)
    target = page.evaluate("""() => new Promise(resolve => {
        const map = window.ramani.map;
        map.jumpTo({center: [28.82, -1.40], zoom: 10});
        map.once('idle', () => {
            const box = map.getCanvas().getBoundingClientRect();
            for (const f of map.queryRenderedFeatures({layers: ['ov-roadblocks']})) {
                const p = map.project(f.geometry.coordinates);
                if (p.x < 20 || p.y < 20 || p.x > box.width - 420 || p.y > box.height - 20) continue;
                const top = map.queryRenderedFeatures([p.x, p.y], {layers: ['ov-roadblocks']})[0];
                return resolve({x: box.left + p.x, y: box.top + p.y, key: top.id || top.properties.key,
                                name: top.properties.place_name});
            }
            resolve(null);
        });
    })""")
    assert target, "no roadblock drawn around Masisi"
    page.mouse.click(target["x"], target["y"])
    page.wait_for_selector(".ov-pop h3")
    popup = page.inner_text(".ov-pop")
    with urllib.request.urlopen(f"{server.url}/ogcapi/collections/roadblocks/items?limit=10000", timeout=10) as r:
        features = {f["properties"]["place_name"]: f["properties"] for f in json.loads(r.read())["features"]}
    props = features[target["name"]]
    assert props["place_name"] in popup and props["operators"] in popup
    assert props["tax_targets"] in popup or not props["tax_targets"]
    note = page.evaluate("JSON.parse(document.getElementById('map-overlays').textContent)[0].synthetic_note")
    assert note in popup
    assert page.locator("#card").is_hidden()  # the popup, not a site card
    shot(page, "map-roadblock-popup")
    page.uncheck("input[name=overlay][value=roadblocks]")
    assert page.locator("#legend-roadblocks").is_hidden()
