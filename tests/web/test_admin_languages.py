"""The admin of the apps done so far (prices, geo, orgs, fieldwork, roadblocks, supplychain, sms) in French and
Swahili: model and field names translated.

Other apps (incidents) still have English verbose names; add their models to MODELS when they are translated.
"""

from html import unescape

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from ramani.fieldwork.models import Settlement, SurveySubmission
from ramani.geo.models import AdminUnit
from ramani.orgs.models import Organisation
from ramani.prices.models import Price, Request
from ramani.roadblocks.models import Roadblock
from ramani.sms.models import Channel, Inbound, Outbound
from ramani.supplychain.models import InterferenceZone, TradePoint

MODELS = [
    Price,
    Request,
    AdminUnit,
    Organisation,
    Settlement,
    SurveySubmission,
    Roadblock,
    TradePoint,
    InterferenceZone,
    Channel,
    Inbound,
    Outbound,
]
SAME_WORD = {
    "date",
    "source",
    "pcode",
    "geometry",
    "contact",
    "active",
    "territoire",
    "latitude",
    "longitude",
    "population",
    "notes",
}  # French: the same word
# Matokeo requests are counted, submissions arrive from the survey tool, SMS messages are a read-only log
NEVER_ADDED = {Request, SurveySubmission, Inbound, Outbound}
pytestmark = pytest.mark.django_db


def _english_labels(model) -> dict[str, str]:
    with translation.override("en"):
        return {f.name: str(f.verbose_name) for f in model._meta.fields if f.name != "id"}


@pytest.mark.parametrize("language", ["fr", "sw"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_have_no_english_field_label(client, model, language):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    english = _english_labels(model)
    with translation.override(language):
        local = {n: str(f.verbose_name) for n, f in ((f.name, f) for f in model._meta.fields) if n != "id"}
        plural = str(model._meta.verbose_name_plural)
    same = {n for n in english if local[n] == english[n]}  # the same word in both (date, source, pcode)
    assert same <= SAME_WORD and len(same) < len(english) / 2, same
    info = (model._meta.app_label, model._meta.model_name)
    urls = [reverse("admin:%s_%s_changelist" % info)]
    if model not in NEVER_ADDED:
        urls.append(reverse("admin:%s_%s_add" % info))
    for url in urls:
        client.cookies["django_language"] = language
        page = client.get(url)
        assert page.status_code == 200, url
        html = unescape(page.content.decode())
        assert plural.lower() in html.lower(), (url, plural)
        for name, label in english.items():
            if label.lower() == local[name].lower():
                continue
            assert f">{label.capitalize()}<" not in html and f">{label.capitalize()}:<" not in html, (url, label)
        if url.endswith("/add/"):
            shown = [local[n] for n in english if f'name="{n}"' in html]
            assert shown and all(label.capitalize() in html for label in shown), (
                url,
                [s for s in shown if s.capitalize() not in html],
            )


@pytest.mark.parametrize("wkt, french", [("POLYGON ((", "WKT illisible"), ("POINT (29 -2)", "un polygone")])
def test_zone_form_errors_are_translated(client, wkt, french):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    client.cookies["django_language"] = "fr"
    form = {"key": "z1", "armed_group": "X", "group_type": "unknown", "period_start_text": "2024", "source": "s"}
    page = client.post(reverse("admin:supplychain_interferencezone_add"), {**form, "wkt": wkt})
    assert page.status_code == 200 and not InterferenceZone.objects.exists()
    html = unescape(page.content.decode())
    assert french in html and "Polygone ou multipolygone" in html and "Géométrie (WKT)" in html
    assert "not readable WKT" not in html and "a zone is a Polygon" not in html
