"""Mineral price series for Matokeo (the SMS price service)."""

from __future__ import annotations

from django.db import models


class Price(models.Model):
    MINERALS = [("gold", "Gold / Or / Dhahabu"), ("tin", "Tin / Étain / Bati"), ("cobalt", "Cobalt / Kobalti")]

    mineral = models.CharField(max_length=20, choices=MINERALS)
    market = models.CharField(max_length=100, help_text="Market or place, e.g. Bukavu.")
    unit = models.CharField(max_length=20, help_text="e.g. g, kg, tola")
    currency = models.CharField(max_length=3, default="USD")
    price = models.DecimalField(max_digits=14, decimal_places=4)
    date = models.DateField()
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["mineral", "-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mineral", "market", "unit", "date", "source"], name="price_unique_quote")
        ]

    def __str__(self) -> str:
        return f"{self.mineral} {self.price} {self.currency}/{self.unit} {self.market} {self.date}"


class Request(models.Model):
    """One Matokeo request (no sender kept), appended: counting never contends on a shared row."""

    mineral = models.CharField(max_length=20, blank=True, help_text="Empty when no mineral was named.")
    requested = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"{self.requested} {self.mineral or '-'}"
