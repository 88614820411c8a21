"""Matokeo: the latest price of gold, tin or cobalt, in the asker's language, in one SMS."""

from __future__ import annotations

import datetime as dt

from ramani import config
from ramani.prices.models import Price, Request
from ramani.sms.gsm import to_gsm7
from ramani.sms.texts import render, text

MINERAL_WORDS = {  # folded word -> (mineral, language)
    "dhahabu": ("gold", "sw"),
    "or": ("gold", "fr"),
    "gold": ("gold", "en"),
    "bati": ("tin", "sw"),
    "etain": ("tin", "fr"),
    "tin": ("tin", "en"),
    "cassiterite": ("tin", "fr"),
    "kobalti": ("cobalt", "sw"),
    "cobalt": ("cobalt", "en"),
}


def _count(mineral: str, today: dt.date) -> None:
    from django.db import connection

    with connection.cursor() as cur:  # once per SMS: plain SQL
        cur.execute("INSERT INTO prices_request (mineral, requested) VALUES (%s, %s)", [mineral, today.isoformat()])


def monthly_usage() -> list[tuple[dt.date, dict[str, int]]]:
    """Requests per month and mineral, newest month first ('' = no mineral named)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    rows = (
        Request.objects.annotate(month=TruncMonth("requested"))
        .values("month", "mineral")
        .annotate(n=Count("id"))
        .order_by("-month", "mineral")
    )
    months: dict[dt.date, dict[str, int]] = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        months.setdefault(month, {})[row["mineral"]] = row["n"]
    return list(months.items())


def answer(words: list[str], language: str, today: dt.date | None = None) -> str:
    """The reply to 'matokeo <words>' ('sw' unless the words say otherwise)."""
    today = today or dt.date.today()
    found = next((MINERAL_WORDS[w] for w in words if w in MINERAL_WORDS), None)
    if found is None:
        _count("", today)
        return render("matokeo_options", language)
    mineral, word_language = found
    language = word_language if language == "sw" and words and words[0] in MINERAL_WORDS else language
    _count(mineral, today)
    name = text(f"mineral_{mineral}", language)
    latest = next(
        iter(
            Price.objects.raw(
                "SELECT * FROM prices_price WHERE mineral = %s AND date <= %s ORDER BY date DESC, id DESC LIMIT 1",
                [mineral, today.isoformat()],
            )
        ),
        None,
    )
    if latest is None:
        return render("matokeo_none", language, name=name)
    price = f"{latest.price.normalize():f}"
    reply = text(
        "matokeo_price",
        language,
        name=name,
        price=price,
        currency=latest.currency,
        unit=latest.unit,
        market=latest.market,
        date=latest.date.isoformat(),
        source=latest.source,
    )
    age = (today - latest.date).days
    if age > int(config.get("RAMANI_PRICE_STALE_DAYS")):
        reply += text("matokeo_stale", language, days=age)
    return to_gsm7(reply)
