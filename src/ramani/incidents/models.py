"""Incidents reported through Kufatilia, and their audit trail.

The reporter is known only by a keyed hash. Every change to an incident goes through a verb of
ramani.incidents.workflow, which writes an IncidentAction in the same transaction; the actions
are append-only. Every read goes through `Incident.objects.visible_to(user)`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ramani.incidents import categories


def new_report_id() -> str:
    """8 hex characters, never all digits (an ID must not look like part of a phone number)."""
    while True:
        candidate = secrets.token_hex(4).upper()
        if not candidate.isdigit():
            return candidate


class Status(models.TextChoices):
    NEW = "new", _("Received")
    MONITORING = "monitoring", _("Being monitored")
    RESOLVED = "resolved", _("Resolved")
    PERSISTENT = "persistent", _("Persistent")
    UNRESOLVED = "unresolved", _("Not resolved")


class Verification(models.TextChoices):
    PENDING = "", _("Not verified yet")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    DUPLICATE = "duplicate", _("Duplicate")
    SPAM = "spam", _("Spam")


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user) -> IncidentQuerySet:
        """The one door to incidents: a network administrator sees all, a member their organisation's,
        anyone else nothing."""
        from ramani.orgs.models import membership_of
        from ramani.orgs.roles import Role

        membership = membership_of(user)
        if membership is None:
            return self.none()
        if membership.role == Role.NETWORK_ADMIN:
            return self.all()
        return self.filter(organisation_id=membership.organisation_id)

    def published(self) -> IncidentQuerySet:
        return self.filter(published=True)


class Incident(models.Model):
    NEW = "new"
    STATUSES = Status.choices

    report_id = models.CharField(max_length=8, unique=True, default=new_report_id)
    category = models.CharField(_("category"), max_length=20, choices=categories.CHOICES)
    subcategory = models.CharField(_("subcategory"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    language = models.CharField(max_length=2, default="sw")
    # place: only province and territoire are ever public
    province = models.CharField(_("province"), max_length=60, blank=True, db_index=True)
    territoire = models.CharField(_("territoire"), max_length=60, blank=True)
    territoire_pcode = models.CharField(max_length=12, blank=True, db_index=True)
    collectivite = models.CharField(_("collectivité"), max_length=120, blank=True)
    groupement = models.CharField(_("groupement"), max_length=120, blank=True)
    place = models.CharField(_("village or mine"), max_length=120, blank=True, help_text="Internal, never public.")
    site = models.ForeignKey("sites.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    where_text = models.TextField(blank=True, help_text="What the reporter wrote (numbers redacted).")
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    when_text = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="The reporter's own words (numbers redacted), never edited.")
    title = models.CharField(_("public title"), max_length=140, blank=True)
    reporter_hash = models.CharField(max_length=64, db_index=True)
    channel = models.ForeignKey("sms.Channel", null=True, blank=True, on_delete=models.SET_NULL)
    organisation = models.ForeignKey(
        "orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents"
    )
    accepted = models.DateTimeField(null=True, blank=True)
    verification = models.CharField(max_length=15, choices=Verification.choices, blank=True, default="")
    verified = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    closed = models.DateTimeField(null=True, blank=True)
    resolved = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=False, db_index=True)
    published_on = models.DateTimeField(null=True, blank=True)
    site_public = models.BooleanField(
        _("listed on its mining site's page"),
        default=False,
        help_text="Published on its mining site's page too: a manager's choice at publication, as it says more "
        "precisely where it happened than the public province and territoire.",
    )
    synthetic = models.BooleanField(default=False, help_text="Made by `ramani demo`.")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["organisation", "-created"], name="incident_org_created")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.category}"


class IncidentMessage(models.Model):
    """A later message from the reporter, threaded onto their report."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    text = models.TextField(help_text="Numbers redacted.")
    created = models.DateTimeField(auto_now_add=True)


class AppendOnly(Exception):
    """The audit trail is never changed nor deleted."""


class IncidentAction(models.Model):
    """One change to an incident: who, when, which verb, the values before and after, a note. Append-only:
    the model refuses changes and deletions, and on PostgreSQL a trigger refuses them to any SQL."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT)
    verb = models.CharField(max_length=30)
    old = models.JSONField(default=dict, blank=True)
    new = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("an incident's actions are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("an incident's actions are never deleted")
