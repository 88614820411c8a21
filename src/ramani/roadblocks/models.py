"""A surveyed roadblock (barrière routière): where, when, who holds it, what it taxes and how much.

The survey's texts are kept as written (operators, tax targets, barrier types, resources, the toll),
beside what is read from them (operator type codes, toll amount/currency/unit), so that an import
followed by an export gives the same file back.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from ramani.roadblocks import vocabularies as vocab

ROAD_CLASS_CHOICES = [(code, labels[1]) for code, labels in vocab.ROAD_CLASSES.items()]
TOLL_UNIT_CHOICES = [(code, labels[1]) for code, labels in vocab.TOLL_UNITS.items()]
CURRENCY_CHOICES = [(c, c) for c in vocab.CURRENCIES]


class Roadblock(models.Model):
    key = models.CharField(
        max_length=64,
        unique=True,
        help_text="Import key: the file's `key` column, else a digest of place name, coordinates and date.",
    )
    place_name = models.TextField(blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    date = models.DateField(
        null=True,
        blank=True,
        help_text="Survey date (the first day of the year or month when the survey gives only that).",
    )
    date_text = models.CharField(max_length=40, blank=True, help_text="The date as the survey wrote it.")
    operators = models.TextField(blank=True, help_text="Who holds the roadblock, as the survey names them.")
    operator_types = models.JSONField(
        default=list, blank=True, help_text=f"Codes, several allowed: {', '.join(vocab.OPERATOR_TYPES)}."
    )
    barrier_types = models.JSONField(default=list, blank=True)
    tax_targets = models.JSONField(default=list, blank=True, help_text="What is taxed, in the survey's words.")
    toll_text = models.TextField(blank=True, help_text="The toll as the survey wrote it.")
    toll_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    toll_currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, blank=True)
    toll_unit = models.CharField(max_length=12, choices=TOLL_UNIT_CHOICES, blank=True)
    resources = models.JSONField(default=list, blank=True, help_text="Natural resources targeted.")
    road_class = models.CharField(max_length=10, choices=ROAD_CLASS_CHOICES, blank=True)
    violence_count = models.PositiveIntegerField(null=True, blank=True, help_text="Violent incidents recorded.")
    violence_kinds = models.JSONField(default=list, blank=True)
    source = models.TextField(blank=True)
    project = models.TextField(blank=True, db_index=True)
    province_pcode = models.CharField(max_length=8, blank=True, db_index=True)
    adm2_pcode = models.CharField(
        max_length=8, blank=True, db_index=True, help_text="COD-AB admin-2 unit the point falls in."
    )
    territoire = models.TextField(blank=True, help_text="Name of the admin-2 unit, from the boundaries.")
    synthetic = models.BooleanField(default=False, help_text="Generated demo data, not a surveyed roadblock.")
    imported = models.JSONField(
        default=dict, blank=True, help_text="The values the last import wrote: a field differing was edited since."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.place_name or self.key} ({self.date_text or '?'})"

    @property
    def tax_categories(self) -> list[str]:
        return vocab.tax_categories(self.tax_targets)
