"""Settlements: the populated places a sampling frame groups mines around."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class Settlement(models.Model):
    KINDS = [
        ("city", "City"),
        ("town", "Town"),
        ("village", "Village"),
        ("hamlet", "Hamlet"),
        ("camp", "Mining camp"),
        ("other", "Other"),
    ]

    key = models.CharField(max_length=160, unique=True, help_text="Import key: source id, else name and position.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=KINDS, default="village")
    kind_derived = models.BooleanField(default=False, help_text="Kind inferred from the population, not given.")
    population = models.PositiveIntegerField(null=True, blank=True)
    longitude = models.FloatField()
    latitude = models.FloatField()
    province_pcode = models.CharField(max_length=8, blank=True, db_index=True)
    adm2_pcode = models.CharField(max_length=8, blank=True, db_index=True)
    source = models.CharField(max_length=255, blank=True)
    synthetic = models.BooleanField(default=False, help_text="Generated demo data, not a real place.")
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"
