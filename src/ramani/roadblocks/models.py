"""A surveyed roadblock (barrière routière): where, when, who holds it, what it taxes and how much.

The survey's texts are kept as written (operators, tax targets, barrier types, resources, the toll),
beside what is read from them (operator type codes, toll amount/currency/unit), so that an import
followed by an export gives the same file back.
"""

from __future__ import annotations

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ramani.roadblocks import vocabularies as vocab

ROAD_CLASS_CHOICES = [(code, labels[1]) for code, labels in vocab.ROAD_CLASSES.items()]
TOLL_UNIT_CHOICES = [(code, labels[1]) for code, labels in vocab.TOLL_UNITS.items()]
CURRENCY_CHOICES = [(c, c) for c in vocab.CURRENCIES]


class Roadblock(models.Model):
    key = models.CharField(
        _("key"),
        max_length=64,
        unique=True,
        help_text=_("Import key: the file's `key` column, else a digest of place name, coordinates and date."),
    )
    place_name = models.TextField(_("place name"), blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("Survey date (the first day of the year or month when the survey gives only that)."),
    )
    date_text = models.CharField(
        _("date as written"), max_length=40, blank=True, help_text=_("The date as the survey wrote it.")
    )
    operators = models.TextField(
        _("operators"), blank=True, help_text=_("Who holds the roadblock, as the survey names them.")
    )
    operator_types = models.JSONField(
        _("operator types"),
        default=list,
        blank=True,
        help_text=format_lazy(_("Codes, several allowed: {codes}."), codes=", ".join(vocab.OPERATOR_TYPES)),
    )
    barrier_types = models.JSONField(_("barrier types"), default=list, blank=True)
    tax_targets = models.JSONField(
        _("tax targets"), default=list, blank=True, help_text=_("What is taxed, in the survey's words.")
    )
    toll_text = models.TextField(_("toll as written"), blank=True, help_text=_("The toll as the survey wrote it."))
    toll_amount = models.DecimalField(_("toll amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    toll_currency = models.CharField(_("toll currency"), max_length=3, choices=CURRENCY_CHOICES, blank=True)
    toll_unit = models.CharField(_("toll unit"), max_length=12, choices=TOLL_UNIT_CHOICES, blank=True)
    resources = models.JSONField(_("resources"), default=list, blank=True, help_text=_("Natural resources targeted."))
    road_class = models.CharField(_("road class"), max_length=10, choices=ROAD_CLASS_CHOICES, blank=True)
    violence_count = models.PositiveIntegerField(
        _("violent incidents"), null=True, blank=True, help_text=_("Violent incidents recorded.")
    )
    violence_kinds = models.JSONField(_("kinds of violence"), default=list, blank=True)
    source = models.TextField(_("source"), blank=True)
    project = models.TextField(_("project"), blank=True, db_index=True)
    province_pcode = models.CharField(_("province pcode"), max_length=8, blank=True, db_index=True)
    adm2_pcode = models.CharField(
        _("territoire pcode"),
        max_length=8,
        blank=True,
        db_index=True,
        help_text=_("COD-AB admin-2 unit the point falls in."),
    )
    territoire = models.TextField(
        _("territoire"), blank=True, help_text=_("Name of the admin-2 unit, from the boundaries.")
    )
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not a surveyed roadblock.")
    )
    imported = models.JSONField(
        _("imported values"),
        default=dict,
        blank=True,
        help_text=_("The values the last import wrote: a field differing was edited since."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("roadblock")
        verbose_name_plural = _("roadblocks")

    def __str__(self) -> str:
        return f"{self.place_name or self.key} ({self.date_text or '?'})"

    @property
    def tax_categories(self) -> list[str]:
        return vocab.tax_categories(self.tax_targets)
