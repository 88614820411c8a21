"""Curating the supply-chain layers in the admin: every change kept in history, a zone's shape edited as WKT and
checked like an import's, a moved trade point gets its new admin units, a point's site links shown."""

from __future__ import annotations

import pytest
import shapely
from django.contrib.auth import get_user_model

from ramani.supplychain.models import InterferenceZone, TradePoint
from tests.roadblocks.test_import import BOUNDARIES

pytestmark = pytest.mark.django_db
SQUARE = "POLYGON ((28.7 -1.5, 28.9 -1.5, 28.9 -1.3, 28.7 -1.3, 28.7 -1.5))"


@pytest.fixture
def curator(client):
    user = get_user_model().objects.create_superuser("curator", "c@example.org", "pw-long-enough-1")
    client.force_login(user)
    return client


def zone_form(**changes) -> dict:
    form = {
        "key": "z1",
        "name": "Zone",
        "armed_group": "Groupe A",
        "group_type": "local_armed_group",
        "period_start_text": "2021",
        "period_end_text": "",
        "source": "Rapport",
        "project": "",
        "notes": "",
        "wkt": SQUARE,
    }
    return {**form, **changes}


def test_curator_draws_and_edits_a_zone_with_history(curator):
    answer = curator.post("/admin/supplychain/interferencezone/add/", zone_form())
    assert answer.status_code == 302, answer.content.decode()[:3000]
    zone = InterferenceZone.objects.get()
    assert zone.period_start.year == 2021 and zone.period_end is None and 400 < zone.area_km2 < 520
    answer = curator.post(
        f"/admin/supplychain/interferencezone/{zone.pk}/change/", zone_form(period_end_text="2023-06")
    )
    assert answer.status_code == 302
    zone.refresh_from_db()
    assert zone.period_end.isoformat() == "2023-06-01" and zone.history.count() == 2
    page = curator.get(f"/admin/supplychain/interferencezone/{zone.pk}/change/").content.decode()
    assert "28.7 -1.5" in page  # the shape as WKT
    for bad, message in (
        ({"wkt": "POLYGON ((28 -1, 29 -1, 28 -2, 29 -2, 28 -1))"}, "Self-intersection"),
        ({"wkt": "POINT (28 -1)"}, "un polygone ou un multipolygone"),  # the admin speaks French
        ({"period_start_text": "soon"}, "not a date"),
        ({"period_start_text": "2023", "period_end_text": "2021"}, "se termine avant de commencer"),
    ):
        answer = curator.post(f"/admin/supplychain/interferencezone/{zone.pk}/change/", zone_form(**bad))
        assert answer.status_code == 200 and message in answer.content.decode(), bad
    assert zone.history.count() == 2 and shapely.equals(
        shapely.from_wkb(bytes(InterferenceZone.objects.get().geometry)), shapely.from_wkt(SQUARE)
    )


def test_a_moved_trade_point_gets_its_new_units(curator):
    from ramani.geo.boundaries import import_boundaries

    import_boundaries(BOUNDARIES)
    point = TradePoint.objects.create(kind="depot", key="d1", name="Dépôt", latitude=-1.68, longitude=29.22)
    form = {
        "kind": "depot",
        "key": "d1",
        "name": "Dépôt",
        "latitude": "-1.42",
        "longitude": "28.05",
        "minerals": '["Or"]',
        "locality": "Walikale",
        "operator": "",
        "country": "",
        "date_text": "2024-02",
        "source": "",
        "project": "",
        "notes": "",
        "site_links-TOTAL_FORMS": "0",
        "site_links-INITIAL_FORMS": "0",
    }
    answer = curator.post(f"/admin/supplychain/tradepoint/{point.pk}/change/", form)
    assert answer.status_code == 302, answer.content.decode()[:3000]
    point.refresh_from_db()
    assert point.territoire == "Walikale" and point.province_pcode == "CD61" and point.date.isoformat() == "2024-02-01"
    assert point.history.count() == 2
    listing = curator.get("/admin/supplychain/tradepoint/?kind=depot").content.decode()
    assert "Walikale" in listing
