"""Incidents reported through Kufatilia. The reporter is known only by a keyed hash."""

from __future__ import annotations

import secrets

from django.db import models

from ramani.incidents import categories


def new_report_id() -> str:
    return secrets.token_hex(4).upper()


class Incident(models.Model):
    NEW = "new"
    STATUSES = [
        ("new", "New"),
        ("monitoring", "Being monitored"),
        ("resolved", "Resolved"),
        ("persistent", "Persistent"),
        ("unresolved", "Not resolved"),
    ]

    report_id = models.CharField(max_length=8, unique=True, default=new_report_id)
    category = models.CharField(max_length=20, choices=categories.CHOICES)
    subcategory = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=12, choices=STATUSES, default=NEW, db_index=True)
    language = models.CharField(max_length=2, default="sw")
    # place: only province and territoire are ever public
    province = models.CharField(max_length=60, blank=True, db_index=True)
    territoire = models.CharField(max_length=60, blank=True)
    place = models.CharField(max_length=120, blank=True, help_text="Village or mine as resolved (internal).")
    site = models.ForeignKey("sites.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    where_text = models.TextField(blank=True, help_text="What the reporter wrote (numbers redacted).")
    occurred_on = models.DateField(null=True, blank=True)
    when_text = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="Numbers redacted.")
    reporter_hash = models.CharField(max_length=64, db_index=True)
    channel = models.ForeignKey("sms.Channel", null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.category}"


class IncidentMessage(models.Model):
    """A later message from the reporter, threaded onto their report."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="messages")
    text = models.TextField(help_text="Numbers redacted.")
    created = models.DateTimeField(auto_now_add=True)
