"""Curating a roadblock in the admin: the change is kept in history and a moved point gets its new units."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from ramani.roadblocks.models import Roadblock
from tests.roadblocks.test_import import BOUNDARIES

pytestmark = pytest.mark.django_db


def test_curator_moves_a_roadblock_and_history_keeps_both(client):
    from ramani.geo.boundaries import import_boundaries

    import_boundaries(BOUNDARIES)
    user = get_user_model().objects.create_superuser("curator", "c@example.org", "pw-long-enough-1")
    client.force_login(user)
    rb = Roadblock.objects.create(
        key="k1", place_name="Rubaya", latitude=-1.55, longitude=28.88, operator_types=["armed_group"]
    )
    listing = client.get("/admin/roadblocks/roadblock/")
    assert listing.status_code == 200 and "Rubaya" in listing.content.decode()
    assert "#e80c0f" in listing.content.decode()  # the operator type's colour
    page = client.get(f"/admin/roadblocks/roadblock/{rb.pk}/change/")
    assert page.status_code == 200
    form = {
        "place_name": "Walikale centre",
        "latitude": "-1.42",
        "longitude": "28.05",
        "date_text": "",
        "operators": "",
        "operator_types": ["armed_group", "civil"],
        "barrier_types": "[]",
        "tax_targets": '["Minerais"]',
        "toll_text": "",
        "resources": "[]",
        "violence_kinds": "[]",
        "source": "",
        "project": "",
    }
    answer = client.post(f"/admin/roadblocks/roadblock/{rb.pk}/change/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    rb.refresh_from_db()
    assert (rb.territoire, rb.adm2_pcode, rb.province_pcode) == ("Walikale", "CD6104", "CD61")
    assert rb.operator_types == ["armed_group", "civil"] and rb.tax_categories == ["minerals"]
    assert [h.place_name for h in rb.history.order_by("history_date")] == ["Rubaya", "Walikale centre"]
