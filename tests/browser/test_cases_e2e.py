"""The whole Kufatilia loop with real components: a fake phone reports through a real Kannel; the
organisation covering the place follows it up in Chromium, writes to the reporter (who answers), acts and
resolves; a manager publishes; the public page, the per-site API and the reporter's HALI agree."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sms.test_kannel_e2e import kannel_stack  # noqa: F401 (the real Kannel, worker and fake phone)

SHOTS = Path(os.environ.get("RAMANI_SCREENSHOTS", "/tmp/ramani-screenshots"))
PASSWORD = "correct horse battery staple 42"


def add_user(server, username, org, role):
    subprocess.run([sys.executable, "-m", "ramani.cli", "users", "add", username, "--org", org, "--role", role],
                   input=PASSWORD + "\n", text=True, env=server.env, check=True, capture_output=True)  # fmt: skip


def log_in(browser, server, username, page_errors=None):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page() if page_errors is None else page_errors(context.new_page())
    page.set_default_timeout(20_000)
    page.goto(server.url + "/accounts/login/?next=" + server.prefix + "cases/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/cases/")
    return context, page


def submit(page, verb: str) -> None:
    """Post the incident page's form for `verb` and wait for the page it leads back to (303)."""
    with page.expect_navigation():
        page.click(f"form[action='{verb}/'] button")


def wait_for_text(page, url, text, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        page.goto(url)
        if text in page.content():
            return
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never showed on {url}")


def test_a_report_followed_up_published_and_told(kannel_stack, browser, page_errors):  # noqa: F811
    server, phone, _folder = kannel_stack
    territoire, province = server.sql("SELECT territoire, province FROM sites_site ORDER BY id LIMIT 1")[0]
    for n, answer in enumerate(["kufatilia", "1", "1", territoire, "jana", "Askari walichukua dhahabu yetu"]):
        phone.send(answer)
        got = phone.wait_for(n + 1)
    report_id = got[-1].split("Ripoti yako: ")[1][:8]
    organisation = server.sql("SELECT o.slug FROM incidents_incident i JOIN orgs_organisation o "
                              "ON o.id = i.organisation_id WHERE i.report_id = ?", report_id)[0][0]  # fmt: skip
    other = server.sql("SELECT slug FROM orgs_organisation WHERE slug <> ? AND kind = 'partner' LIMIT 1",
                       organisation)[0][0]  # fmt: skip
    add_user(server, "officer", organisation, "field_officer")
    add_user(server, "manager", organisation, "manager")
    add_user(server, "stranger", other, "field_officer")

    # another organisation's officer: the report does not exist for them
    context, page = log_in(browser, server, "stranger")
    assert page.goto(f"{server.url}/cases/{report_id}/").status == 404
    context.close()

    context, page = log_in(browser, server, "officer", page_errors)
    assert report_id in page.content()
    case = f"{server.url}/cases/{report_id}/"
    page.goto(case)
    submit(page, "accept")
    page.select_option("form[action='verify/'] select[name=outcome]", "confirmed")
    submit(page, "verify")
    page.fill("form[action='message_reporter/'] textarea", "Ilikuwa mgodi gani? Tuma jina lake.")
    submit(page, "message_reporter")
    question = phone.wait_for(7)[-1].rstrip(">")  # fakesmsc ends each logged message with ">"
    assert question == f"Kufatilia {report_id}: Ilikuwa mgodi gani? Tuma jina lake."
    phone.send("Mgodi wa Kalimbi karibu na mto")
    wait_for_text(page, case, "Mgodi wa Kalimbi karibu na mto")  # the answer on the timeline
    page.fill("form[action='correct/'] input[name=title]", "Soldiers took the miners' gold")
    page.select_option("form[action='correct/'] select[name=site_id]", index=1)  # the first suggested site
    submit(page, "correct")
    page.select_option("form[action='record_action/'] select[name=kind]", "mediation")
    page.fill("form[action='record_action/'] input[name=note]", "Met the local commander with the cooperative")
    submit(page, "record_action")
    page.select_option("form[action='set_status/'] select[name=status]", "resolved")
    submit(page, "set_status")
    assert page.locator("form[action='publish/']").count() == 0  # a field officer does not publish
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "case-resolved.png"), full_page=True)
    context.close()

    context, page = log_in(browser, server, "manager", page_errors)
    page.goto(case)
    page.check("form[action='publish/'] [name=show_site]")  # listed on its mine's page too: the manager's choice
    page.locator("form[action='publish/']").screenshot(path=str(SHOTS / "case-publish-1280.png"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.locator("form[action='publish/']").screenshot(path=str(SHOTS / "case-publish-360.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 800})
    submit(page, "publish")
    assert "publié" in page.content() or "published" in page.content()
    context.close()

    context = browser.new_context(viewport={"width": 360, "height": 740})
    public = page_errors(context.new_page())
    public.goto(server.url + "/kufatilia/")
    content = public.content()
    assert report_id in content and "Soldiers took the miners' gold" in content and territoire in content
    assert "Askari walichukua" not in content and "Kalimbi karibu" not in content
    public.screenshot(path=str(SHOTS / "kufatilia-360.png"), full_page=True)
    pcode = server.sql("SELECT s.pcode FROM incidents_incident i JOIN sites_site s ON s.id = i.site_id "
                       "WHERE i.report_id = ?", report_id)[0][0]  # fmt: skip
    answer = context.request.get(f"{server.url}/kufatilia/api/pcode/{pcode}").json()
    assert [i["title"] for i in answer["incidents"]] == ["Soldiers took the miners' gold"]
    context.close()

    phone.send(f"HALI {report_id}")
    assert phone.wait_for(9)[-1].rstrip(">") == f"Ripoti {report_id}: imetatuliwa."
    verbs = [
        r[0]
        for r in server.sql(
            "SELECT a.verb FROM incidents_incidentaction a JOIN incidents_incident i "
            "ON i.id = a.incident_id WHERE i.report_id = ? ORDER BY a.id",
            report_id,
        )
    ]
    assert verbs == ["receive", "accept", "verify", "message_reporter", "correct", "record_action", "set_status",
                     "publish"]  # fmt: skip
    for log in (server.log_path, _folder / "worker.log"):
        assert "812345678" not in log.read_text(errors="replace")


pytestmark = pytest.mark.skipif(not Path("/usr/lib/kannel/test/fakesmsc").exists(), reason="Kannel is not installed")


def test_the_public_page_draws_its_charts(live_server_process, browser, page_errors):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = page_errors(context.new_page())
    page.goto(live_server_process.url + "/kufatilia/")
    page.wait_for_function("() => window.ramaniKufatilia && window.ramaniKufatilia.drawn === 4")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "kufatilia-charts-360.png"), full_page=True)
    context.close()


@pytest.fixture(scope="module")
def mapped_server(tmp_path_factory):
    """The demo served, then the bundled boundaries imported (as `make run`: incidents come before boundaries)."""
    from tests.conftest import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("incident-maps"), sites=150)
    try:
        subprocess.run([sys.executable, "-m", "ramani.cli", "import", "boundaries",
                        "src/ramani/geo/data/cod_adm2_simplified.geojson"], env=server.env, check=True,
                       capture_output=True)  # fmt: skip
        yield server
    finally:
        if server.proc is not None:  # a loaded machine may take more than stop()'s 10 s to end the workers
            server.proc.terminate()
            server.proc.wait(60)
        server.stop()


def wait_for_incident_map(page) -> dict:
    page.wait_for_function("() => window.ramaniIncidentMap && window.ramaniIncidentMap.ready", timeout=30_000)
    return page.evaluate("""() => {
        const map = window.ramaniIncidentMap.map;
        const drawn = map.queryRenderedFeatures({layers: ['incidents']});
        return {features: window.ramaniIncidentMap.features,
                drawn: [...new Set(drawn.map(f => f.properties.pcode))],
                centre: drawn.length ? map.project(drawn[0].geometry.type === 'Polygon'
                    ? drawn[0].geometry.coordinates[0][0] : drawn[0].geometry.coordinates[0][0][0]) : null};
    }""")


def click_a_territoire(page) -> str:
    """Click well inside a drawn territoire (all around the point is that territoire), return the popup's text."""
    page.locator("#incident-map").scroll_into_view_if_needed()
    point = page.evaluate("""() => {
        const map = window.ramaniIncidentMap.map, box = map.getCanvas().getBoundingClientRect();
        for (let y = 20; y < box.height - 20; y += 6) for (let x = 20; x < box.width - 60; x += 6) {
            const hit = map.queryRenderedFeatures([[x - 4, y - 4], [x + 4, y + 4]], {layers: ['incidents']});
            if (new Set(hit.map(f => f.properties.pcode)).size !== 1) continue;  // one territoire all around
            const inside = (px, py) => map.queryRenderedFeatures([px, py], {layers: ['incidents']}).length > 0;
            if (!(inside(x - 4, y) && inside(x + 4, y) && inside(x, y - 4) && inside(x, y + 4))) continue;
            const on = document.elementFromPoint(box.left + x, box.top + y);
            if (hit.length && on === map.getCanvas()) return {x: box.left + x, y: box.top + y,
                                                               name: hit[0].properties.territoire,
                                    count: hit[0].properties.count};
        }
        return null;
    }""")
    assert point, f"no territoire drawn on {page.url}"
    page.mouse.click(point["x"], point["y"])
    try:
        page.wait_for_selector(".ov-pop h3", timeout=5000)
    except Exception:
        page.screenshot(path=str(SHOTS / "incident-map-click-failed.png"))
        raise
    text = page.inner_text(".ov-pop")
    assert point["name"] in text and str(point["count"]) in text
    return text


def test_the_incident_maps_per_territoire(mapped_server, browser, page_errors):
    import json
    import urllib.request

    server = mapped_server
    with urllib.request.urlopen(server.url + "/kufatilia/territoires.geojson", timeout=10) as answer:
        public = json.loads(answer.read())
    published = server.sql("SELECT count(*) FROM incidents_incident WHERE published")[0][0]
    assert public["features"] and sum(f["properties"]["count"] for f in public["features"]) == published
    for width in (1280, 360):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = page_errors(context.new_page())
        page.set_default_timeout(20_000)
        page.goto(server.url + "/kufatilia/")
        drawn = wait_for_incident_map(page)
        assert drawn["features"] == len(public["features"]) and drawn["drawn"]
        assert set(drawn["drawn"]) <= {f["id"] for f in public["features"]}
        assert "25" in page.inner_text("#incident-map-legend")
        click_a_territoire(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scroll
        page.screenshot(path=str(SHOTS / f"kufatilia-map-{width}.png"), full_page=False)
        context.close()
    # the webmap's overlay: the same aggregate
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = page_errors(context.new_page())
    page.set_default_timeout(20_000)
    page.goto(server.url + "/")
    page.wait_for_function("() => window.ramani && window.ramani.map", timeout=30_000)
    page.check("input[name=overlay][value=incidents]")
    page.wait_for_function("() => window.ramani.overlays && window.ramani.overlays.incidents", timeout=30_000)
    assert "2–4" in page.inner_text("#legend-incidents")
    # a repaint asked for after listening: 'idle' comes even when the map was idle already (else this waits forever)
    shown = page.evaluate("""() => new Promise(resolve => { const m = window.ramani.map; m.once('idle', () => resolve([
        ...new Set(m.queryRenderedFeatures({layers: ['ov-incidents']}).map(f => f.properties.pcode))]));
        m.triggerRepaint(); })""")
    assert shown and set(shown) <= {f["id"] for f in public["features"]}
    page.screenshot(path=str(SHOTS / "map-incidents-overlay.png"))
    context.close()
    # the platform's figures: an officer's choropleth counts only their organisation's incidents
    slug = server.sql("SELECT o.slug FROM orgs_organisation o JOIN incidents_incident i ON i.organisation_id = o.id "
                      "GROUP BY o.slug ORDER BY count(*) DESC LIMIT 1")[0][0]  # fmt: skip
    theirs = server.sql("SELECT count(*) FROM incidents_incident i JOIN orgs_organisation o ON o.id = "
                        "i.organisation_id WHERE o.slug = ?", slug)[0][0]  # fmt: skip
    add_user(server, "maps-officer", slug, "field_officer")
    for width in (1280, 360):
        context, page = log_in(browser, server, "maps-officer", page_errors)
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(server.url + "/cases/analytics/")
        wait_for_incident_map(page)
        scoped = page.evaluate("fetch('/cases/analytics/territoires.geojson').then(r => r.json())")
        assert scoped["total"] == theirs
        assert sum(f["properties"]["count"] for f in scoped["features"]) + scoped["unplaced"] == theirs
        click_a_territoire(page)
        page.screenshot(path=str(SHOTS / f"cases-analytics-map-{width}.png"))
        context.close()
