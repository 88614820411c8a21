"""A filter means what the map's colour means: every site a filter keeps is drawn in the matching class."""

from __future__ import annotations

import numpy as np
import pytest

from ramani.opendata import maptiles
from ramani.sites import armed
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    """Per-revision caches: two tests that import the same way can end on the same revision number."""
    from ramani.opendata import maptiles
    from ramani.sites import stats

    monkeypatch.setattr(maptiles, "_index", None)
    stats._years.clear()


@pytest.fixture
def demo(tmp_path):
    load_demo(tmp_path, sites=400, seed=7)


def drawn(params: dict[str, str]):
    """(attributes the tiles colour by, mask of the sites the filter keeps) for `params`."""
    idx = maptiles.index()
    year = params.get("year")
    return idx.attributes(int(year) if year else None), idx.mask(params)


@pytest.mark.parametrize("year", [None, "2016", "2023"])
def test_armed_presence_filter_keeps_only_sites_drawn_so(client, demo, year):
    extra = {"year": year} if year else {}
    for value, wanted in (("true", set(armed.ARMED_CLASSES)), ("false", {"none"})):
        attrs, mask = drawn({"armed_presence": value, **extra})
        classes = {maptiles.ARMED[i] for i in attrs.armed[mask]}
        assert mask.sum() > 0 and classes <= wanted, (value, classes)
        count = client.get("/api/sites", {"armed_presence": value, **extra}).json()["count"]
        assert count == mask.sum()
    # and every site drawn with armed presence is kept by the filter
    attrs, mask = drawn({"armed_presence": "true", **extra})
    shown = np.isin(attrs.armed, [maptiles.ARMED.index(c) for c in armed.ARMED_CLASSES])
    assert (shown == mask).all()


def test_mercury_and_child_labour_filters_follow_the_latest_visit(demo):
    for param, prop in (("mercury", "mercury"), ("child_labour", "child")):
        for value, code in (("true", 1), ("false", 0)):
            attrs, mask = drawn({param: value})
            assert mask.sum() > 0 and (getattr(attrs, prop)[mask] == code).all(), (param, value)
