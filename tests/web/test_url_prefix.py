"""RAMANI_URL_PREFIX: with the site mounted under /ramani/, no page links, loads or fetches outside it.

Django's test client goes through FORCE_SCRIPT_NAME as `ramani serve` does after ramani.wsgi.mount (tested
below on its own); the browser tests run the real server under a prefix (tests/browser/test_url_prefix.py).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, get_resolver, reverse

from ramani.sites.ipis_import import import_ipis
from ramani.sites.models import Site
from ramani.wsgi import mount
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db

PREFIX = "/ramani/"
UNDER = override_settings(
    URL_PREFIX=PREFIX,
    FORCE_SCRIPT_NAME="/ramani",
    STATIC_URL=PREFIX + "static/",
    SESSION_COOKIE_PATH=PREFIX,
    CSRF_COOKIE_PATH=PREFIX,
    LANGUAGE_COOKIE_PATH=PREFIX,
)


@pytest.fixture(autouse=True)
def script_prefix():
    """What Django's WSGIHandler does on each request (its test client does not): reverse() under the prefix."""
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    set_script_prefix(PREFIX)
    yield
    set_script_prefix(before)


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data-url", "data-root"}


class Links(HTMLParser):
    """Every URL a page names: link, script, image and form attributes, and the strings in its JSON configs."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self._json = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in URL_ATTRIBUTES or (name.startswith("data-") and value.startswith("/"))):
                self.urls.append(value)
        self._json = tag == "script" and ("type", "application/json") in attrs

    def handle_data(self, data):
        if self._json:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._json:
            self.urls.extend(_json_strings(json.loads("".join(self._text))))
            self._json, self._text = False, []


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("/") else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def outside(urls: list[str]) -> list[str]:
    """The site's own URLs (a path, or http://testserver/…) that do not start with the prefix."""
    bad = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc != "testserver":
            continue
        if parts.scheme not in ("", "http", "https") or url.startswith("#") or not parts.path.startswith("/"):
            continue
        if not (parts.path + "/").startswith(PREFIX):
            bad.append(url)
    return bad


def pages() -> list[str]:
    """Every page the URL configuration names that takes no argument, and one of each that takes a site or story."""
    from ramani.web.stories import library

    paths = []
    resolver = get_resolver()
    for name in sorted(k for k in resolver.reverse_dict if isinstance(k, str)):
        try:
            url = reverse(name)  # under the prefix already: the page is asked for without it, as mount() does
        except NoReverseMatch:  # takes arguments: the site and story pages are added below
            continue
        paths.append(url.removeprefix(PREFIX.rstrip("/")))
    pcode = Site.objects.order_by("pcode").values_list("pcode", flat=True)[0]
    paths.append(f"/sites/{pcode}/")
    stories, _problems = library.stories()
    paths.extend(f"/story/{s.slug}/" for s in stories)
    paths.extend(["/ogcapi/?f=html", "/ogcapi/collections?f=html", "/ogcapi/collections/sites/items?f=html&limit=3"])
    paths.extend(["/admin/login/", "/api/docs", "/no/such/page/"])
    return sorted(set(paths))


@UNDER
def test_every_page_links_under_the_prefix(client, today):
    import_ipis(SAMPLE, today=today)
    seen, problems = 0, {}
    for path in pages():
        answer = client.get(path)
        if answer.status_code in (301, 302):
            if path == "/i18n/setlang/":  # Django's own view (no Ramani page posts to it) falls back to "/"
                continue
            assert answer["Location"].startswith(PREFIX), (path, answer["Location"])
            continue
        if (
            answer.status_code not in (200, 404)
            or "text/html" not in answer.get("Content-Type", "")
            or answer.streaming
        ):
            continue
        parser = Links()
        parser.feed(answer.content.decode())
        seen += 1
        assert parser.urls, path
        if bad := outside(parser.urls):
            problems[path] = bad
    assert not problems, problems
    assert seen >= 15  # the map, lists, site page, stories, dashboard, opendata, about, login, 404 …


@UNDER
def test_data_answers_link_under_the_prefix(client, today):
    import_ipis(SAMPLE, today=today)
    pcode = Site.objects.order_by("pcode").values_list("pcode", flat=True)[0]
    site = client.get(f"/api/sites/{pcode}").json()
    assert site["links"]["risk"] == f"http://testserver/ramani/api/sites/{pcode}/risk"
    assert site["links"]["ogc_feature"] == f"http://testserver/ramani/ogcapi/collections/sites/items/{pcode}"
    assert client.get(site["links"]["risk"].removeprefix("http://testserver/ramani")).status_code == 200
    items = client.get("/ogcapi/collections/sites/items?limit=2").json()
    hrefs = [link["href"] for link in items["links"]] + [
        link["href"] for f in items["features"] for link in f.get("links", [])
    ]
    assert any('"rel": "next"' in json.dumps(link) for link in items["links"])
    assert all(h.startswith("http://testserver/ramani/ogcapi/") for h in hrefs), hrefs
    landing = client.get("/ogcapi/").json()
    assert all(
        link["href"].startswith("http://testserver/ramani/")
        for link in landing["links"]
        if "testserver" in link["href"]
    )
    login = client.get("/cases/")
    assert login.status_code == 302 and login["Location"] == "/ramani/accounts/login/?next=/ramani/cases/"
    answer = client.get("/lang/en/?next=https://evil.example.org/")
    assert answer["Location"] == PREFIX and answer.cookies["django_language"]["path"] == PREFIX
    css = client.get("/static/web/site.css")  # whitenoise under the prefix
    assert css.status_code == 200 and b"".join(css.streaming_content)
    css.close()


@UNDER
def test_tiles_and_basemap_urls_carry_the_prefix(client, today):
    from ramani.web import links

    import_ipis(SAMPLE, today=today)
    assert links.tile_template() == "/ramani/map/tiles/{z}/{x}/{y}.pbf"
    page = client.get("/").content.decode()
    cfg = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', page, re.S)[1])
    assert cfg["glyphs"].startswith("/ramani/static/") and cfg["naturalearth"].startswith("/ramani/map/basemap.json")
    assert 'data-root="/ramani/"' in page


def test_mount_moves_the_prefix_to_script_name():
    environ = {"PATH_INFO": "/ramani/api/sites", "SCRIPT_NAME": ""}
    assert mount(environ, "/ramani/") and environ == {"PATH_INFO": "/api/sites", "SCRIPT_NAME": "/ramani"}
    environ = {"PATH_INFO": "/ramani"}
    assert mount(environ, "/ramani/") and environ["PATH_INFO"] == "/"
    assert not mount({"PATH_INFO": "/ramanix/api"}, "/ramani/")
    assert not mount({"PATH_INFO": "/api/sites"}, "/ramani/")
    environ = {"PATH_INFO": "/api/sites"}
    assert mount(environ, "/") and environ == {"PATH_INFO": "/api/sites"}


def test_prefix_setting_is_normalised(monkeypatch):
    from ramani import config

    for given, expected in [
        ("/", "/"),
        ("", "/"),
        ("ramani", "/ramani/"),
        ("/a//b", "/a/b/"),
        (" /ramani/ ", "/ramani/"),
    ]:
        monkeypatch.setenv("RAMANI_URL_PREFIX", given)
        assert config.url_prefix() == expected
