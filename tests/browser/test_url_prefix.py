"""A chosen part of the browser suite again, with the real server under RAMANI_URL_PREFIX=/ramani/.

The tests imported below run here a second time against `live_server_process` overridden for this module:
`ramani serve` with the prefix (tests.conftest.LiveServer), whose `url` includes it. The map draws its sites
and opens a card, the card leads to the site page, the story map follows its chapters, /opendata/ and the
/cases/ login work, GDAL reads the OGC API through its next links, and the page watcher (conftest) fails any
request that went outside the prefix, since the server answers those 404. The whole suite can run under a
prefix too: RAMANI_TEST_URL_PREFIX=/ramani/.
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.browser.test_cases_e2e import add_user, log_in
from tests.browser.test_map import (  # noqa: F401 (collected again here, under the prefix)
    open_map,
    shot,
    test_click_a_site_and_read_its_card,
    test_map_draws_the_sites_in_french_by_default,
)
from tests.browser.test_story_and_site import (  # noqa: F401
    test_a_selected_site_is_in_the_map_url_and_the_url_opens_its_card,
    test_the_story_map_follows_the_chapters,
)
from tests.opendata.test_gdal_client import test_gdal_reads_every_feature_across_pages  # noqa: F401 (GDAL's OAPIF)

PREFIX = "/ramani/"


@pytest.fixture(scope="module")
def live_server_process(tmp_path_factory):
    from tests.conftest import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("prefixed"), prefix=PREFIX)
    assert server.url.endswith("/ramani")
    yield server
    if server.proc is not None:  # a loaded machine may take more than stop()'s 10 s to end the workers
        server.proc.terminate()
        server.proc.wait(60)
    server.stop()


def test_the_server_answers_only_under_its_prefix(live_server_process):
    server = live_server_process
    with pytest.raises(urllib.error.HTTPError) as outside:
        urllib.request.urlopen(server.root + "/api/sites", timeout=10)
    assert outside.value.code == 404
    outside.value.close()
    with urllib.request.urlopen(server.root + "/", timeout=10) as answer:  # the bare host: to the site
        assert answer.url == server.url + "/"
    with urllib.request.urlopen(server.url + "/healthz", timeout=10) as answer:
        assert answer.status == 200


def test_the_map_under_the_prefix_fetches_only_under_it(page, live_server_process):
    server = live_server_process
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_map(page, server)
    page.wait_for_function("() => document.documentElement.dataset.basemap === '1'", timeout=30_000)
    own = [u for u in requests if u.startswith(server.root)]
    assert any("/ramani/map/tiles/" in u for u in own) and any("/ramani/static/" in u for u in own)
    assert any("/ramani/api/sites" in u for u in own)
    assert all(u.startswith(server.url + "/") for u in own), [u for u in own if not u.startswith(server.url)]
    shot(page, "prefix-map-1280")


def test_opendata_and_its_links_under_the_prefix(page, live_server_process):
    server = live_server_process
    page.goto(server.url + "/opendata/")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    own = [h for h in hrefs if h.startswith("/")]
    assert own and all(h.startswith(PREFIX) for h in own), [h for h in own if not h.startswith(PREFIX)]
    download = next(h for h in own if "/opendata/download/sites.csv" in h)
    with urllib.request.urlopen(server.root + download, timeout=20) as answer:
        assert answer.status == 200 and answer.read(5)
    ogc = page.goto(server.url + "/ogcapi/collections/sites/items?f=html&limit=5")
    assert ogc is not None and ogc.status == 200


def test_the_cases_login_under_the_prefix(browser, page_errors, live_server_process):
    server = live_server_process
    organisation = server.sql("SELECT slug FROM orgs_organisation ORDER BY slug LIMIT 1")[0][0]
    add_user(server, "prefixed-member", organisation, "field_officer")
    context, page = log_in(browser, server, "prefixed-member", page_errors)
    try:
        assert page.url.startswith(server.url + "/cases/")
        logout = page.get_attribute("form[action$='logout/']", "action")
        assert logout == PREFIX + "accounts/logout/"
    finally:
        context.close()
