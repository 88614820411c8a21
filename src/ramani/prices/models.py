"""Mineral price series for Matokeo (the SMS price service)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Price(models.Model):
    MINERALS = [("gold", "Gold / Or / Dhahabu"), ("tin", "Tin / Étain / Bati"), ("cobalt", "Cobalt / Kobalti")]

    mineral = models.CharField(_("mineral"), max_length=20, choices=MINERALS)
    market = models.CharField(_("market"), max_length=100, help_text=_("Market or place, e.g. Bukavu."))
    unit = models.CharField(_("unit"), max_length=20, help_text=_("e.g. g, kg, tola"))
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=4)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["mineral", "-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mineral", "market", "unit", "date", "source"], name="price_unique_quote")
        ]

    def __str__(self) -> str:
        return f"{self.mineral} {self.price} {self.currency}/{self.unit} {self.market} {self.date}"


class Request(models.Model):
    """One Matokeo request (no sender kept), appended: counting never contends on a shared row."""

    mineral = models.CharField(_("mineral"), max_length=20, blank=True, help_text=_("Empty when no mineral was named."))
    requested = models.DateField(_("requested on"), db_index=True)

    class Meta:
        verbose_name = _("Matokeo request")
        verbose_name_plural = _("Matokeo requests")

    def __str__(self) -> str:
        return f"{self.requested} {self.mineral or '-'}"
