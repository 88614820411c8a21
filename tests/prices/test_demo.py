"""After `ramani demo`, Matokeo answers a price (synthetic, and saying so)."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from ramani.cli import main
from ramani.prices import demo
from ramani.prices.models import Price
from ramani.sms import router
from ramani.sms.models import Channel

pytestmark = pytest.mark.django_db


def test_matokeo_answers_a_price_after_ramani_demo():
    result = CliRunner().invoke(main, ["demo", "--sites", "30", "--seed", "2", "--incidents", "0"])
    assert result.exit_code == 0, result.output
    channel = Channel.objects.get(slug="demo")
    for text, word in (("MATOKEO DHAHABU", "Dhahabu"), ("matokeo etain", "tain"), ("matokeo cobalt", "obalt")):
        reply = router.handle(channel, "h" * 64, text) or ""
        latest = Price.objects.filter(
            source=demo.SOURCE, mineral={"Dhahabu": "gold", "tain": "tin", "obalt": "cobalt"}[word]
        ).latest("date")
        assert word in reply and f"{latest.price.normalize():f}" in reply and "synthetic" in reply, reply
        assert latest.date == dt.date.today()


def test_demo_prices_are_deterministic_and_loaded_once():
    first = demo.load(today=dt.date(2026, 11, 28), seed=3)
    assert first.created == 3 * 30 and first.unchanged == 0
    values = list(Price.objects.order_by("mineral", "date").values_list("price", flat=True))
    again = demo.load(today=dt.date(2026, 11, 28), seed=3)
    assert again.created == 0 and again.unchanged == 90
    assert values == list(Price.objects.order_by("mineral", "date").values_list("price", flat=True))
