"""Administrative units (COD-AB admin-1 and admin-2) with their boundaries when imported."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminUnit(models.Model):
    LEVELS = [(1, _("Province")), (2, _("Territoire or ville"))]

    pcode = models.CharField(_("pcode"), max_length=12, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVELS, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    alt_names = models.JSONField(_("other names"), default=list, blank=True)
    parent_pcode = models.CharField(_("parent pcode"), max_length=12, blank=True, db_index=True)
    geometry = models.BinaryField(_("geometry"), null=True, blank=True, help_text=_("WKB, WGS84"))
    minx = models.FloatField(_("west"), null=True, blank=True)
    miny = models.FloatField(_("south"), null=True, blank=True)
    maxx = models.FloatField(_("east"), null=True, blank=True)
    maxy = models.FloatField(_("north"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["pcode"]

    def __str__(self) -> str:
        return f"{self.pcode} {self.name}"

    def names(self) -> list[str]:
        return [self.name, *self.alt_names]
