"""One armed-interference classification (ramani.sites.armed), the same in tiles, risk, filters and figures."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from ramani.opendata import maptiles, query, risk
from ramani.sites import armed
from ramani.sites.armed import Group, classify
from ramani.sites.models import Site, Visit, VisitArmedGroup

LOCAL, FOREIGN = "Groupe armé local", "Groupe armé étranger"
FARDC_OK, FARDC_BAD = "FARDC - Pas d’ingérence constatée", "FARDC - Éléments indisciplinés"
NO_ACTS = (False,) * 9
TAXES = (True,) + (False,) * 8


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    """Per-revision caches: two tests that import the same way can end on the same revision number."""
    from ramani.opendata import maptiles
    from ramani.sites import stats

    monkeypatch.setattr(maptiles, "_index", None)
    stats._years.clear()


def test_presence_of_a_group_without_interference_is_presence():
    assert classify(True, False, [Group(LOCAL, NO_ACTS)]) == "presence"
    assert classify(True, False, [Group(LOCAL)]) == "presence"  # the visit says no interference
    assert classify(True, True, [Group(LOCAL, NO_ACTS), Group(FARDC_BAD, TAXES)]) == "state"
    assert classify(True, True, [Group(LOCAL, TAXES), Group(FOREIGN, NO_ACTS)]) == "local"
    assert classify(True, True, [Group(LOCAL, TAXES), Group(FOREIGN, TAXES)]) == "foreign"
    assert classify(True, None, [Group(LOCAL)]) == "local"  # 2009: nothing recorded but the group's type
    assert classify(True, True, [Group(FARDC_OK, NO_ACTS)]) == "other"
    assert classify(True, False, [Group(FARDC_OK)]) == "presence"
    assert classify(False, False, []) == "none"
    assert classify(None, None, [Group("Aucun")]) == "none"
    assert classify(None, None, []) == "unknown"
    assert classify(1, 0, [Group(LOCAL, NO_ACTS)]) == "presence"  # SQLite's 0/1


def _visit(site, n, presence, interference, types_and_acts):
    visit = Visit.objects.create(
        site=site, key=f"k{n}", row_hash="x", visit_date=dt.date(2020, 1, 1), presence=presence,
        interference=interference, project="P",
    )  # fmt: skip
    for position, (kind, acts) in enumerate(types_and_acts, start=1):
        VisitArmedGroup.objects.create(
            visit=visit, position=position, type=kind, **dict(zip(VisitArmedGroup.ACTIVITIES, acts))
        )
    return visit


@pytest.mark.django_db
def test_the_database_filter_agrees_with_the_classifier():
    site = Site.objects.create(pcode="codmine00001")
    slots = [(), ((LOCAL, NO_ACTS),), ((LOCAL, TAXES),), (("Aucun", (None,) * 9),), ((FARDC_OK, NO_ACTS),)]
    combos = list(itertools.product([True, False, None], [True, False, None], slots))
    visits = [_visit(site, n, p, i, s) for n, (p, i, s) in enumerate(combos)]
    expected = {v.id: armed.visit_class(v) for v in visits}
    yes = set(Visit.objects.filter(armed.armed_q(True)).values_list("id", flat=True))
    no = set(Visit.objects.filter(armed.armed_q(False)).values_list("id", flat=True))
    assert yes == {vid for vid, cls in expected.items() if armed.is_armed(cls)}
    assert no == {vid for vid, cls in expected.items() if cls == "none"}
    assert not yes & no and len(set(expected.values())) >= 5


@pytest.mark.django_db
def test_tiles_and_risk_read_a_local_group_without_interference_alike():
    site = Site.objects.create(pcode="codmine00002", longitude=28.8, latitude=-2.5)
    _visit(site, 1, True, False, [(LOCAL, NO_ACTS)])
    idx = maptiles.build()
    assert maptiles.ARMED[idx.latest.armed[list(idx.ids).index(site.id)]] == "presence"
    flags = {f["flag"] for f in risk.assess(site, dt.date(2020, 6, 1))["red_flags"]}
    assert not {"armed_group_interference", "state_security_interference", "armed_interference"} & flags
    assert query.filter_sites({"armed_presence": "true"}).filter(id=site.id).exists()
