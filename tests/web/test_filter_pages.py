"""The map's and dashboard's filters: years with visits only, what a filter means said beside them, one palette."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from ramani.sites import armed
from ramani.sites.ipis_import import import_ipis
from ramani.web import legend
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    """Per-revision caches: two tests that import the same way can end on the same revision number."""
    from ramani.opendata import maptiles
    from ramani.sites import stats

    monkeypatch.setattr(maptiles, "_index", None)
    stats._years.clear()


@pytest.fixture
def sample(today):
    import_ipis(SAMPLE, today=today)


def year_options(html: str) -> list[int]:
    select = re.search(r'<select id="f-year".*?</select>', html, re.S).group(0)
    return [int(y) for y in re.findall(r"<option>(\d{4})</option>", select)]


@pytest.mark.parametrize("url", ["/", "/dashboard/"])
def test_the_year_filter_offers_only_years_with_field_visits(client, sample, url):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert year_options(html) == [2019, 2018, 2017, 2016, 2009]  # field visits only: 2023 is a qualification row
    assert "latest field visit" in html or "dernière visite de terrain" in html


def test_the_demo_banner_has_no_literal_backticks(client, sample):
    from ramani.sites.models import Site

    Site.objects.update(synthetic=True)
    for lang in ("fr", "en", "sw"):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        banner = re.search(r'<p class="banner".*?</p>', html, re.S).group(0)
        assert "`" not in banner and "<code>ramani demo</code>" in banner, lang


def test_map_and_dashboard_colour_the_armed_classes_alike(client, sample):
    with translation.override("en"):
        map_classes = {c["value"]: c["colour"] for c in legend.layer("armed")["classes"]}
    assert map_classes == armed.COLOURS  # every class of the classifier, in the domain's palette
    html = client.get("/dashboard/").content.decode()
    config = json.loads(re.search(r'<script id="dash-config" type="application/json">(.*?)</script>', html).group(1))
    assert {c["value"]: c["colour"] for c in config["armed_classes"]} == {
        k: v for k, v in armed.COLOURS.items() if armed.is_armed(k)
    }
