import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ramani.prices.matokeo import answer
from ramani.prices.models import Price, Request
from ramani.sms import gsm, router
from ramani.sms.keywords import fold, match
from ramani.sms.models import Channel


@pytest.mark.parametrize(
    "text,keyword,language",
    [
        ("kufatilia", "kufatilia", "sw"),
        ("KUFUATILIA", "kufatilia", "sw"),
        ("Kufatiliaa", "kufatilia", "sw"),
        ("  Matokeo dhahabu", "matokeo", "sw"),
        ("Arrêt", "stop", "fr"),
        ("aide", "help", "fr"),
        ("HELP!", "help", "en"),
        ("msaada", "help", "sw"),
        ("statut 1A2B3C4D", "status", "fr"),
    ],
)
def test_keywords(text, keyword, language):
    found = match(text)
    assert found is not None and found[:2] == (keyword, language)


def test_not_keywords():
    assert match("") is None and match("bonjour") is None and match("🙂") is None
    assert fold("Étain  ÉTAIN") == "etain etain"


@pytest.fixture
def prices(db):
    Price.objects.create(
        mineral="gold",
        market="Bukavu",
        unit="g",
        currency="USD",
        price=Decimal("62.50"),
        date=dt.date(2026, 11, 25),
        source="Comptoir survey",
    )
    Price.objects.create(
        mineral="gold",
        market="Bukavu",
        unit="g",
        currency="USD",
        price=Decimal("61.00"),
        date=dt.date(2026, 11, 1),
        source="Comptoir survey",
    )
    Price.objects.create(
        mineral="tin",
        market="Goma",
        unit="kg",
        currency="USD",
        price=Decimal("14"),
        date=dt.date(2026, 10, 1),
        source="ITSCI bulletin",
    )


def test_matokeo_answers_latest_price_in_the_askers_language(prices):
    today = dt.date(2026, 11, 28)
    sw = answer(["dhahabu"], "sw", today)
    assert sw == "Dhahabu: 62.5 USD/g Bukavu, 2026-11-25 (chanzo: Comptoir survey)"
    assert answer(["gold"], "sw", today).startswith("Gold: 62.5 USD/g")
    assert answer(["or"], "sw", today).startswith("Or : 62.5 USD/g")
    stale = answer(["bati"], "sw", today)
    assert "BEI YA ZAMANI: siku 58" in stale
    assert answer(["kobalti"], "sw", today) == "Matokeo: hakuna bei ya Kobalti bado."
    assert "MATOKEO DHAHABU" in answer([], "sw", today)
    for text in (sw, stale, answer([], "fr", today)):
        assert gsm.parts(text) == 1
    from ramani.prices.matokeo import monthly_usage

    assert Request.objects.count() == 7
    assert monthly_usage() == [(dt.date(2026, 11, 1), {"": 2, "cobalt": 1, "gold": 3, "tin": 1})]


def test_usage_shows_in_the_admin(client, prices, admin_user):
    answer(["dhahabu"], "sw", dt.date(2023, 5, 2))
    answer(["gold"], "sw", dt.date(2023, 5, 9))
    answer(["bati"], "sw", dt.date(2023, 6, 1))
    client.force_login(admin_user)
    page = client.get("/admin/prices/request/").content.decode()
    assert "<td>2023-05</td><td>2</td><td>0</td>" in page and "<td>2023-06</td><td>0</td><td>1</td>" in page


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(st.text(max_size=1000))
def test_router_always_answers_sensibly(text):
    channel = Channel.objects.get_or_create(slug="demo", kind="generic")[0]
    reply = router.handle(channel, "h" * 64, text)
    assert reply is None or (isinstance(reply, str) and 0 < len(reply) <= 320)


def test_gsm():
    assert gsm.is_gsm7("Bei: 62.5 USD/g Étain") and not gsm.is_gsm7("Arrêt")
    assert gsm.parts("a" * 160) == 1 and gsm.parts("a" * 161) == 2 and gsm.parts("ê" * 71) == 2
