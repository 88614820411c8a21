"""Settlements: the populated places a sampling frame groups mines around."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Settlement(models.Model):
    KINDS = [
        ("city", _("City")),
        ("town", _("Town")),
        ("village", _("Village")),
        ("hamlet", _("Hamlet")),
        ("camp", _("Mining camp")),
        ("other", _("Other")),
    ]

    key = models.CharField(
        _("key"), max_length=160, unique=True, help_text=_("Import key: source id, else name and position.")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS, default="village")
    kind_derived = models.BooleanField(
        _("kind derived"), default=False, help_text=_("Kind inferred from the population, not given.")
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"))
    latitude = models.FloatField(_("latitude"))
    province_pcode = models.CharField(_("province pcode"), max_length=8, blank=True, db_index=True)
    adm2_pcode = models.CharField(_("territoire pcode"), max_length=8, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo data, not a real place.")
    )
    imported = models.JSONField(
        _("imported values"),
        default=dict,
        blank=True,
        help_text=_("The values the last import wrote: a field differing was edited since."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "key"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class SurveySubmission(models.Model):
    """One received version of a survey submission (KoboToolbox, ODK) and the visit it became.

    An edited submission arrives with a new instanceID; `root` is the first instanceID of the chain
    (Kobo's meta/rootUuid, or found through meta/deprecatedID) and is the visit's vid."""

    instance_id = models.CharField(_("instance ID"), max_length=80, unique=True)
    root = models.CharField(_("root instance ID"), max_length=80, db_index=True)
    source = models.CharField(_("source"), max_length=200, help_text=_("kobo:<asset uid>, or the file it came from."))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    visit = models.ForeignKey(
        "sites.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("visit")
    )
    stratum = models.CharField(
        _("stratum"), max_length=200, blank=True, help_text=_("Sample stratum of the visited site.")
    )
    weight = models.FloatField(
        _("weight"), null=True, blank=True, help_text=_("Design weight (1/π) of the sampled unit.")
    )
    received = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = _("survey submission")
        verbose_name_plural = _("survey submissions")

    def __str__(self) -> str:
        return self.instance_id
