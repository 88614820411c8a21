"""Synthetic daily prices for the demo, so that Matokeo answers (`MATOKEO DHAHABU`) after `ramani demo`.

Every price has the source 'Ramani demo (synthetic)', which the SMS reply quotes: nobody can take
it for a market price. The series are small random walks around plausible local levels (gold in
Bukavu in USD per gram, cassiterite in USD per kg in Goma, cobalt hydroxide in USD per kg in
Kolwezi), one quote a day for the `days` up to `today`, deterministic for a seed and a date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from ramani.prices.models import Price

SOURCE = "Ramani demo (synthetic)"
# mineral -> (market, unit, currency, level, daily relative step)
SERIES = {
    "gold": ("Bukavu", "g", "USD", 98.0, 0.012),
    "tin": ("Goma", "kg", "USD", 21.0, 0.015),
    "cobalt": ("Kolwezi", "kg", "USD", 14.0, 0.01),
}


@dataclass
class Loaded:
    created: int
    unchanged: int


def load(today: dt.date | None = None, days: int = 30, seed: int = 1) -> Loaded:
    """One synthetic quote a day per mineral for the `days` days up to `today` (existing quotes kept)."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    created = unchanged = 0
    with transaction.atomic():
        for mineral, (market, unit, currency, level, step) in SERIES.items():
            price = level
            for back in range(days - 1, -1, -1):
                price *= 1 + rng.gauss(0, step)
                _, new = Price.objects.get_or_create(
                    mineral=mineral,
                    market=market,
                    unit=unit,
                    date=today - dt.timedelta(days=back),
                    source=SOURCE,
                    defaults={"price": Decimal(f"{price:.2f}"), "currency": currency},
                )
                created += new
                unchanged += not new
    return Loaded(created, unchanged)
