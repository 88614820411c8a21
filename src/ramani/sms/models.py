"""SMS channels, the inbox (raw requests stored first, sealed) and the outbox.

No phone number is ever stored in clear: senders and recipients are a keyed hash plus a
sealed copy (see ramani.sms.anonymity); the raw request, which contains the number, is sealed too.
"""

from __future__ import annotations

from django.db import models

from ramani.sms.channels import KIND_CHOICES


def new_key() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Channel(models.Model):
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    name = models.CharField(max_length=100, blank=True)
    number = models.CharField(max_length=30, blank=True, help_text="The service's own number or short code.")
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="Gateway settings: key (the channel's own secret, in every inbound URL), url, "
        "username, password, api keys, signing secret …",
    )
    rate_per_minute = models.PositiveIntegerField(default=60)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.slug} ({self.kind})"

    def save(self, *args, **kwargs):
        """A channel always has its key: every inbound and delivery-report URL must carry it."""
        if not self.settings.get("key"):
            self.settings = {**self.settings, "key": new_key()}
        super().save(*args, **kwargs)

    @property
    def key(self) -> str:
        return str(self.settings.get("key", ""))


class Inbound(models.Model):
    """One inbound request as the gateway sent it (sealed), then what was read from it."""

    RECEIVED, PROCESSED, DUPLICATE, REJECTED, FAILED = "received", "processed", "duplicate", "rejected", "failed"
    STATUSES = [(s, s) for s in (RECEIVED, PROCESSED, DUPLICATE, REJECTED, FAILED)]

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="inbound")
    received = models.DateTimeField(auto_now_add=True, db_index=True)
    sealed_request = models.TextField(help_text="The raw request, encrypted (it contains the sender's number).")
    status = models.CharField(max_length=10, choices=STATUSES, default=RECEIVED, db_index=True)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    dedup_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        help_text="Keyed hash of what identifies a gateway retry; unique per channel.",
    )
    retries = models.PositiveIntegerField(default=0, help_text="Gateway retries of this message, not stored again.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times its processing failed (3: given up).")
    sender_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sender_sealed = models.TextField(blank=True)
    text = models.TextField(blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    error = models.TextField(blank=True, help_text="Redacted: never contains a number.")
    processed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received"]
        constraints = [models.UniqueConstraint(fields=["channel", "dedup_key"], name="sms_inbound_once")]
        indexes = [models.Index(fields=["channel", "sender_hash", "status"], name="sms_inbound_sender")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel.slug} {self.status}"


class Outbound(models.Model):
    QUEUED, SENDING, SENT, DELIVERED, FAILED = "queued", "sending", "sent", "delivered", "failed"
    STATUSES = [(s, s) for s in (QUEUED, SENDING, SENT, DELIVERED, FAILED)]

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbound")
    to_hash = models.CharField(max_length=64, db_index=True)
    to_sealed = models.TextField(blank=True, help_text="Erased after the retention period.")
    text = models.TextField()
    in_reply_to = models.OneToOneField(
        Inbound,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reply",
        help_text="At most one reply per inbound message.",
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(db_index=True)
    created = models.DateTimeField(auto_now_add=True)
    sent = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True, help_text="Redacted: never contains a number.")

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel.slug} {self.status}"


class OptOut(models.Model):
    """A sender who sent STOP on a channel (by hash only): sent nothing there until they send a keyword again."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    sender_hash = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "sender_hash"], name="sms_optout_once")]


class Conversation(models.Model):
    """A sender's open Kufatilia questionnaire on one channel, and their last report there for threading.

    Kept per channel: a caller of one channel can neither see nor change another channel's conversations."""

    sender_hash = models.CharField(max_length=64)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    state = models.CharField(max_length=20)
    language = models.CharField(max_length=2, default="sw")
    data = models.JSONField(default=dict, blank=True)
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "sender_hash"], name="sms_conversation_once")]
