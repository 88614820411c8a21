"""Import prices from CSV: mineral,market,unit,currency,price,date,source (all or nothing)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from ramani.prices.matokeo import MINERAL_WORDS
from ramani.prices.models import Price
from ramani.sites.ipis_read import nul_problems
from ramani.sms.keywords import fold

COLUMNS = ["mineral", "market", "unit", "currency", "price", "date", "source"]


class PriceImportError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


def import_prices(path: Path) -> tuple[int, int]:
    """(created, unchanged). Minerals may be named in any of the three languages (or, dhahabu, gold…)."""
    problems, rows = [], []
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise PriceImportError([f"row 1: missing column(s) {', '.join(missing)}"])
        for n, row in enumerate(reader, start=2):
            if nul := nul_problems(n, row):
                problems += [f"row {n}, {p.column} {p.value!r}: {p.reason}" for p in nul]
                continue
            mineral = MINERAL_WORDS.get(fold(row["mineral"]), (None,))[0]
            if mineral is None:
                problems.append(f"row {n}, mineral {row['mineral']!r}: expected gold, tin or cobalt (any language)")
            try:
                price = Decimal(row["price"].strip())
                if price < 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(f"row {n}, price {row['price']!r}: expected a positive number")
                price = None
            try:
                date = dt.date.fromisoformat(row["date"].strip())
            except ValueError:
                problems.append(f"row {n}, date {row['date']!r}: expected YYYY-MM-DD")
                date = None
            for column in ("market", "unit", "source"):
                if not row[column].strip():
                    problems.append(f"row {n}, {column}: required")
            rows.append((mineral, row, price, date))
    if problems:
        raise PriceImportError(problems)
    created = 0
    with transaction.atomic():
        for mineral, row, price, date in rows:
            _, new = Price.objects.get_or_create(
                mineral=mineral,
                market=row["market"].strip(),
                unit=row["unit"].strip(),
                date=date,
                source=row["source"].strip(),
                defaults={"price": price, "currency": (row["currency"].strip() or "USD").upper()[:3]},
            )
            created += new
    return created, len(rows) - created
