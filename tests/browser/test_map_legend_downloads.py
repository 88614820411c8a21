"""On a phone with the panel closed a compact legend shows; the downloads are a clear control (real Chromium)."""

from __future__ import annotations

from tests.browser.test_map import open_map, shot


def test_a_phone_with_the_panel_closed_shows_a_compact_legend(browser, page_errors, live_server_process):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = page_errors(context.new_page())
    open_map(page, live_server_process, "?layer=armed")
    assert page.get_attribute("#panel-toggle", "aria-expanded") == "false"  # closed on a phone
    mini = page.locator("#mini-legend")
    assert mini.is_visible()
    box = mini.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["height"] < 200
    assert "Ingérence armée" in mini.inner_text() and "Groupe armé local" in mini.inner_text()  # French by default
    assert mini.locator("svg.dot circle").count() == 7  # one dot per class, in the layer's colours
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "map-360-mini-legend")
    mini.click()  # opens the panel, whose own legend then stands
    assert page.get_attribute("#panel-toggle", "aria-expanded") == "true" and mini.is_hidden()
    context.close()


def test_the_downloads_are_buttons_at_the_top_that_follow_the_filters(page, live_server_process):
    open_map(page, live_server_process)
    assert page.locator("#link-csv").is_visible() and mini_hidden(page)
    csv, panel = page.locator("#link-csv").bounding_box(), page.locator("#panel").bounding_box()
    assert csv and panel and csv["y"] - panel["y"] < 150 and csv["height"] >= 28  # near the top, a real button
    page.select_option("#f-armed", "true")
    page.wait_for_function("() => document.getElementById('link-xlsx').href.includes('armed_presence=true')")
    for link in ("#link-csv", "#link-xlsx", "#link-geojson"):
        assert "armed_presence=true" in page.get_attribute(link, "href")


def mini_hidden(page) -> bool:
    return page.locator("#mini-legend").is_hidden()  # a wide screen has the panel's legend
