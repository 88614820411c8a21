"""/api/summary: the dashboard's figures, checked against the registry counted another way."""

from __future__ import annotations

import datetime as dt

import pytest

from ramani.sites.models import Site, Visit, VisitArmedGroup
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(tmp_path):
    load_demo(tmp_path, sites=300, seed=5)


def field():
    return Visit.objects.exclude(project="Qualification status")


def test_yearly_shares_match_the_visits(client, demo_data):
    body = client.get("/api/summary").json()
    for row in body["by_year"]:
        year = field().filter(visit_date__year=row["year"])
        assert row["visits"] == year.count()
        assert row["sites"] == year.values("site").distinct().count()
        assert row["sites_with_presence"] == year.filter(presence=True).values("site").distinct().count()
        assert row["sites_mercury_recorded"] == year.exclude(mercury=None).values("site").distinct().count()
        assert row["sites_with_children"] == year.filter(childunder15=True).values("site").distinct().count()
    assert all(r["sites_mercury_recorded"] == 0 for r in body["by_year"] if r["year"] < 2015)
    assert sum(r["visits"] for r in body["workers_bands"]) == field().count()


def test_group_types_by_year_and_provinces(client, demo_data):
    body = client.get("/api/summary").json()
    some = body["armed_group_types_by_year"][0]
    expected = (
        VisitArmedGroup.objects.filter(type=some["type"], visit__visit_date__year=some["year"])
        .exclude(visit__project="Qualification status")
        .values("visit__site")
        .distinct()
        .count()
    )
    assert some["sites"] == expected
    for row in body["by_province"]:
        assert row["sites"] == field().filter(site__province=row["province"]).values("site").distinct().count()
        assert row["sites"] <= Site.objects.filter(province=row["province"]).count()
        assert row["visits"] == field().filter(site__province=row["province"]).count()
    assert sum(r["visits"] for r in body["by_province"]) == body["visits"] == field().count()


def test_minerals_and_qualification_statuses(client, demo_data):
    from ramani.sites.models import VisitMineral

    body = client.get("/api/summary?on=2024-06-01").json()
    for row in body["minerals"]:
        slots = VisitMineral.objects.filter(mineral=row["mineral"]).exclude(visit__project="Qualification status")
        assert row["sites"] == slots.values("visit__site").distinct().count()
    statuses = {}
    for site in Site.objects.prefetch_related("qualifications"):
        status = site.status_on(dt.date(2024, 6, 1)).status
        statuses[status] = statuses.get(status, 0) + 1
    assert {k: v for k, v in body["qualification"].items() if v} == statuses
    assert body["qualification_on"] == "2024-06-01" and sum(statuses.values()) == body["sites"]


def test_filters_narrow_the_figures(client, demo_data):
    everything = client.get("/api/summary").json()
    ituri = client.get("/api/summary?province=Ituri").json()
    assert 0 < ituri["sites"] < everything["sites"]
    assert [p["province"] for p in ituri["by_province"]] == ["Ituri"]
    one_year = client.get("/api/summary?year=2019").json()
    assert [r["year"] for r in one_year["by_year"]] == [2019]
    assert one_year["visits"] == field().filter(visit_date__year=2019).count()
    assert client.get("/api/summary?year=1800").status_code in (400, 422)
