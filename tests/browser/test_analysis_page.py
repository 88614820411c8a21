"""/analysis/ in a real Chromium at 1280 and 360 px: the charts are drawn from the same numbers as the tables
beside them, no console error, nothing wider than the phone's screen but the tables' own scroll boxes."""

from __future__ import annotations

from tests.browser.test_map import SHOTS


def test_analysis_page_draws_its_charts_at_desktop_and_phone_width(browser, page_errors, live_server_process):
    server = live_server_process
    for code, (width, height) in [(c, size) for c in ("fr", "sw") for size in ((1280, 900), (360, 780))]:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies([{"name": "django_language", "value": code, "url": server.url}])
        page = page_errors(context.new_page())
        page.goto(server.url + "/analysis/")
        page.wait_for_function("() => window.ramaniAnalysis && window.ramaniAnalysis.charts.operators")
        charts = page.evaluate("Object.keys(window.ramaniAnalysis.charts).sort()")
        assert {"operators", "territoires", "years"} <= set(charts)
        shares = page.evaluate("window.ramaniAnalysis.charts.operators.data.datasets[0].data")
        cells = page.locator("#table-operators tbody tr td.n:nth-of-type(2)").all_inner_texts()
        assert [f"{v * 100:.1f}%" for v in shares] == cells
        years = page.evaluate("window.ramaniAnalysis.charts.years.data.labels")
        assert years == [t.strip() for t in page.locator("#table-interference tr.all td:first-child").all_inner_texts()]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"analysis-{code}-{width}.png"), full_page=False)
        page.locator("#interference").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"analysis-{code}-{width}-interference.png"))
        context.close()
