"""The Kufatilia questionnaire, driven through the generic webhook as a phone would."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ramani.incidents.models import Incident
from ramani.sites.ipis_import import import_ipis
from ramani.sms import gsm
from ramani.sms.models import Channel, Conversation
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(client, today):
    import_ipis(SAMPLE, today=today)  # the gazetteer knows these mines, villages and territoires
    Channel.objects.create(slug="demo", kind="generic", settings={"key": "k"})
    counter = {"n": 0}

    def send(text, sender="+243 990 000 001"):
        counter["n"] += 1
        body = json.dumps({"from": sender, "to": "1234", "text": text, "id": f"m{counter['n']}"})
        return client.post("/sms/generic/demo/receive?key=k", body, content_type="application/json").json()["reply"]

    return send


def test_a_report_in_swahili(phone):
    assert "1 Kiswahili" in phone("kufatilia")
    assert phone("1").startswith("Tukio gani? 1 Vurugu/wizi 2 Ajali")
    assert phone("2").startswith("Wapi?")
    assert phone("Kalimbi").startswith("Lini?")  # a mine name from the registry
    assert phone("jana").startswith("Eleza")
    done = phone("Shimo limeanguka, watu watatu wameumia. Nipigie 0812345678")
    assert done.startswith("Asante. Ripoti yako: ")
    incident = Incident.objects.get()
    assert done.split(": ")[1].startswith(incident.report_id) and len(incident.report_id) == 8
    assert (incident.category, incident.language, incident.province, incident.territoire) == (
        "accident",
        "sw",
        "Sud-Kivu",
        "Kalehe",
    )
    assert incident.site.pcode == "codmine00312"
    assert incident.occurred_on == timezone.localdate() - dt.timedelta(days=1)
    assert "0812345678" not in incident.description and "[number]" in incident.description
    # later messages thread onto the report instead of opening a new one
    assert phone("Leo wameleta msaada wa kwanza").startswith("Asante, imeongezwa kwenye ripoti")
    assert Incident.objects.count() == 1 and incident.messages.count() == 1
    assert phone(f"hali {incident.report_id.lower()}") == f"Ripoti {incident.report_id}: imepokelewa."
    assert "not found" in phone(f"status {incident.report_id}", sender="+243 990 000 002")  # not theirs


def test_french_and_an_ambiguous_place(phone, today):
    from ramani.sites.models import Site

    Site.objects.create(pcode="codmine09999", name="Kalimbi", province="Maniema", territoire="Pangi")
    assert phone("signaler").startswith("Quel incident ? 1 Violence/vol")  # asked in French: no language menu
    phone("6")
    choice = phone("kalimbi")
    assert choice.startswith("Lequel ? 1 Kalimbi (Kalehe, Sud-Kivu) 2 Kalimbi (Pangi, Maniema)")
    assert phone("2").startswith("Quand ?")
    phone("12/11")
    assert phone("Mercure dans la riviere").startswith("Merci. Votre rapport : ")
    incident = Incident.objects.get()
    assert (incident.category, incident.province, incident.territoire) == ("environment", "Maniema", "Pangi")
    assert incident.occurred_on == dt.date(
        today.year if dt.date(today.year, 11, 12) <= timezone.localdate() else today.year - 1, 11, 12
    )


def test_unknown_place_asked_again_then_kept_as_text(phone):
    phone("kufatilia")
    phone("3")
    phone("7")
    assert phone("xqzw").startswith("Place not found")
    assert phone("somewhere far").startswith("When?")
    phone("today")
    phone("The company took our pits")
    incident = Incident.objects.get()
    assert incident.province == "" and incident.where_text == "somewhere far" and incident.category == "industrial"


def test_restart_cancel_bad_answers_and_timeout(phone):
    phone("kufatilia")
    assert "1 Kiswahili" in phone("9")  # not a language: asked again
    phone("1")
    assert phone("tisa").startswith("Tafadhali tuma namba moja")
    assert "1 Kiswahili" in phone("0")  # restart
    phone("1")
    assert phone("ghairi").startswith("Ripoti imesitishwa")
    assert not Conversation.objects.exists()
    phone("kufatilia")
    Conversation.objects.update(updated=timezone.now() - dt.timedelta(hours=2))
    assert phone("1").startswith("Ramani: tuma KUFATILIA")  # expired: treated as a new contact
    assert Incident.objects.count() == 0


def test_every_question_fits_one_sms(phone):
    replies = [phone("kufatilia"), phone("1"), phone("5"), phone("Kalehe"), phone("leo"), phone("Watoto kazini")]
    for language in ("2", "3"):
        replies += [
            phone("kufatilia", sender="+24399000000" + language),
            phone(language, sender="+24399000000" + language),
        ]
    for reply in replies:
        assert gsm.parts(reply) == 1, reply


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.text(max_size=300), min_size=1, max_size=6))
def test_any_text_at_any_step_gets_a_sensible_reply(phone, texts):
    phone("kufatilia", sender="+243970000000")
    for text in texts:
        reply = phone(text, sender="+243970000000")
        assert reply is None or (isinstance(reply, str) and 0 < len(reply) <= 320)
