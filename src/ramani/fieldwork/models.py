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
    imported = models.JSONField(
        default=dict, blank=True, help_text="The values the last import wrote: a field differing was edited since."
    )
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class SurveySubmission(models.Model):
    """One received version of a survey submission (KoboToolbox, ODK) and the visit it became.

    An edited submission arrives with a new instanceID; `root` is the first instanceID of the chain
    (Kobo's meta/rootUuid, or found through meta/deprecatedID) and is the visit's vid."""

    instance_id = models.CharField(max_length=80, unique=True)
    root = models.CharField(max_length=80, db_index=True)
    source = models.CharField(max_length=200, help_text="kobo:<asset uid>, or the file it came from.")
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    visit = models.ForeignKey("sites.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stratum = models.CharField(max_length=200, blank=True, help_text="Sample stratum of the visited site.")
    weight = models.FloatField(null=True, blank=True, help_text="Design weight (1/π) of the sampled unit.")
    received = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return self.instance_id
