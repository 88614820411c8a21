"""Read a toll as the survey writes it ('500 FC par personne', '1$/moto') into amount, currency and unit.

Only a text with exactly one amount is read; anything else keeps its text and no amount, so that a
figure is never made up. The original text is always kept beside what was read from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ramani.roadblocks.vocabularies import fold

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?![\w])|(\d+)(?=[a-z$])")
_CURRENCY_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("USD", ("usd", "us$", "$", "dollar", "dollars", "dola")),
    ("CDF", ("cdf", "fc", "fcs", "franc", "francs", "fr", "frc", "franc congolais", "francs congolais", "shilingi")),
    ("RWF", ("rwf", "frw", "franc rwandais", "francs rwandais")),
    ("UGX", ("ugx", "shilling", "shillings")),
    ("BIF", ("bif", "fbu", "franc burundais", "francs burundais")),
]
_UNIT_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (
        "per_load",
        ("charge", "chargement", "sac", "sacs", "colis", "bidon", "fardeau", "load", "bag", "kg", "kilo", "mzigo"),
    ),
    (
        "per_vehicle",
        (
            "vehicule",
            "véhicule",
            "voiture",
            "camion",
            "moto",
            "motos",
            "velo",
            "vélo",
            "bicyclette",
            "vehicle",
            "car",
            "truck",
            "motorbike",
            "bike",
            "gari",
            "pikipiki",
        ),
    ),
    (
        "per_person",
        (
            "personne",
            "personnes",
            "pers",
            "passant",
            "pieton",
            "tete",
            "person",
            "people",
            "passenger",
            "passager",
            "mtu",
        ),
    ),
    ("per_trip", ("passage", "voyage", "trip", "traversee")),
    ("per_day", ("jour", "day", "siku")),
    ("per_week", ("semaine", "week", "wiki")),
    ("per_month", ("mois", "month", "mwezi")),
]


@dataclass(frozen=True)
class Toll:
    amount: Decimal | None
    currency: str
    unit: str


def _amount(text: str) -> Decimal:
    digits = re.sub(r"[ .,\u00a0\u202f](?=\d{3}(\D|$))", "", text)  # thousands separators
    return Decimal(digits.replace(",", "."))


def parse_toll(text: str) -> Toll:
    """Toll(amount, currency, unit) read from `text`; what cannot be read is None or ''."""
    words = fold(text)
    numbers = [m.group(1) or m.group(2) for m in _NUMBER.finditer(words)]
    amount = _amount(numbers[0]) if len(numbers) == 1 else None
    tokens = re.findall(r"\$|[a-z$]+", words)
    spaced = " " + " ".join(tokens) + " "
    currency = next((code for code, names in _CURRENCY_WORDS if any(f" {n} " in spaced for n in names)), "")
    unit = next((code for code, names in _UNIT_WORDS if any(f" {fold(n)} " in spaced for n in names)), "")
    return Toll(amount, currency, unit)


def format_amount(amount: Decimal | None) -> str:
    """2500.00 -> '2500', 0.50 -> '0.5'; '' for no amount."""
    if amount is None:
        return ""
    text = format(amount.normalize(), "f")
    return text
