"""The dashboard in Chromium: charts drawn from /api/summary, filters, table view, downloads, language."""

from __future__ import annotations

import json
import urllib.request

from tests.browser.test_map import shot


def api(server, path):
    with urllib.request.urlopen(server.url + path, timeout=10) as answer:
        return json.loads(answer.read())


def loaded(page, times: int = 1) -> None:
    page.wait_for_function(f"() => Number(document.documentElement.dataset.loaded || 0) >= {times}", timeout=20_000)


def test_dashboard_charts_filters_and_tables(page, live_server_process):
    page.goto(live_server_process.url + "/dashboard/")
    loaded(page)
    summary = api(live_server_process, "/api/summary")
    count = page.inner_text("#count").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    assert f"{summary['sites']}sites" in count and f"{summary['visits']}visites" in count
    assert page.evaluate("Object.keys(window.ramaniDashboard.charts).length") == 8
    years = page.evaluate(
        "(c => Object.fromEntries(c.data.labels.map((y, i) => [y, c.data.datasets[0].data[i]])))"
        "(window.ramaniDashboard.charts.years)"
    )
    assert {int(y): n for y, n in years.items() if n} == {r["year"]: r["sites"] for r in summary["by_year"]}
    assert list(map(int, years)) == list(range(summary["by_year"][0]["year"], summary["by_year"][-1]["year"] + 1))
    shot(page, "dashboard-desktop")

    page.select_option("#f-province", "Ituri")
    loaded(page, 2)
    ituri = api(live_server_process, "/api/summary?province=Ituri")
    assert ituri["sites"] < summary["sites"]
    assert str(ituri["sites"]) in page.inner_text("#count").replace("\u202f", "").replace("\xa0", "")
    assert "province=Ituri" in page.url
    assert "province=Ituri" in page.get_attribute("a[data-download='visits.csv']", "href")

    page.click("#chart-provinces button.toggle")
    table = page.inner_text("#table-provinces")
    assert "Ituri" in table and str(ituri["by_province"][0]["visits"]) in table.replace("\u202f", "")
    assert page.locator("#canvas-provinces").is_hidden()

    # The switch loads a new document: wait for it, not on the old one (whose root goes away mid-wait).
    with page.expect_navigation():
        page.click(".langs a[hreflang=en]")
    assert page.evaluate("document.documentElement.lang") == "en"
    loaded(page)
    assert "province=Ituri" in page.url and page.input_value("#f-province") == "Ituri"
    assert "Open-data dashboard" in page.inner_text("h1")


def test_dashboard_at_phone_width_and_keyboard(browser, live_server_process, page_errors):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = page_errors(context.new_page())
    page.goto(live_server_process.url + "/dashboard/")
    loaded(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-mineral":
            break
    assert page.evaluate("document.activeElement.id") == "f-mineral"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-province"
    shot(page, "dashboard-360")
    context.close()


def test_download_links_keep_the_filters_each_download_accepts(page, live_server_process):
    """Visit downloads refuse qualification/on (a 400): their links must leave them out, and every link works."""
    page.goto(live_server_process.url + "/dashboard/?province=Sud-Kivu&qualification=none&on=2024-01-01&mercury=true")
    loaded(page)
    expected = api(live_server_process, "/api/summary?province=Sud-Kivu&mercury=true&qualification=none&on=2024-01-01")
    count = page.inner_text("#count").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    assert count.startswith(f"{expected['sites']}sites")
    assert "mercury=true" in page.url and "qualification=none" in page.url  # a filter with no control is kept
    links = page.eval_on_selector_all("a[data-download]", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 8 * 6 and page.locator("#chart-armed a[data-download='visits.csv']").count() == 1
    for href in set(links):
        assert "province=Sud-Kivu" in href and "mercury=true" in href, href
        assert ("qualification=none" in href) == href.startswith("/opendata/download/sites."), href
        with urllib.request.urlopen(live_server_process.url + href, timeout=60) as answer:
            assert answer.status == 200, href
