"""Administrative units (COD-AB admin-1 and admin-2) with their boundaries when imported."""

from __future__ import annotations

from django.db import models


class AdminUnit(models.Model):
    LEVELS = [(1, "Province"), (2, "Territoire or ville")]

    pcode = models.CharField(max_length=12, unique=True)
    level = models.PositiveSmallIntegerField(choices=LEVELS, db_index=True)
    name = models.CharField(max_length=120)
    alt_names = models.JSONField(default=list, blank=True)
    parent_pcode = models.CharField(max_length=12, blank=True, db_index=True)
    geometry = models.BinaryField(null=True, blank=True, help_text="WKB, WGS84")
    minx = models.FloatField(null=True, blank=True)
    miny = models.FloatField(null=True, blank=True)
    maxx = models.FloatField(null=True, blank=True)
    maxy = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["pcode"]

    def __str__(self) -> str:
        return f"{self.pcode} {self.name}"

    def names(self) -> list[str]:
        return [self.name, *self.alt_names]
