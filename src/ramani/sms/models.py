"""SMS channels, the inbox (raw requests stored first, sealed) and the outbox.

No phone number is ever stored in clear: senders and recipients are a keyed hash plus a
sealed copy (see ramani.sms.anonymity); the raw request, which contains the number, is sealed too.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ramani.sms.channels import KIND_CHOICES


def new_key() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Channel(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=KIND_CHOICES)
    name = models.CharField(_("name"), max_length=100, blank=True)
    number = models.CharField(
        _("number"), max_length=30, blank=True, help_text=_("The service's own number or short code.")
    )
    settings = models.JSONField(
        _("settings"),
        default=dict,
        blank=True,
        help_text=_(
            "Gateway settings: key (the channel's own secret, in every inbound URL), url, "
            "username, password, api keys, signing secret …"
        ),
    )
    rate_per_minute = models.PositiveIntegerField(_("messages per minute"), default=60)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS channel")
        verbose_name_plural = _("SMS channels")

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
    STATUSES = [
        (RECEIVED, _("received")),
        (PROCESSED, _("processed")),
        (DUPLICATE, _("duplicate")),
        (REJECTED, _("rejected")),
        (FAILED, _("failed")),
    ]

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="inbound", verbose_name=_("channel"))
    received = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    sealed_request = models.TextField(
        _("sealed request"), help_text=_("The raw request, encrypted (it contains the sender's number).")
    )
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=RECEIVED, db_index=True)
    provider_id = models.CharField(_("gateway message id"), max_length=100, blank=True, db_index=True)
    dedup_key = models.CharField(
        _("deduplication key"),
        max_length=64,
        null=True,
        blank=True,
        help_text=_("Keyed hash of what identifies a gateway retry; unique per channel."),
    )
    retries = models.PositiveIntegerField(
        _("gateway retries"), default=0, help_text=_("Gateway retries of this message, not stored again.")
    )
    attempts = models.PositiveSmallIntegerField(
        _("processing attempts"), default=0, help_text=_("Times its processing failed (3: given up).")
    )
    sender_hash = models.CharField(_("sender hash"), max_length=64, blank=True, db_index=True)
    sender_sealed = models.TextField(_("sealed sender"), blank=True)
    text = models.TextField(_("text"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("duplicate of")
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Redacted: never contains a number."))
    processed = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        ordering = ["-received"]
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS messages")
        constraints = [models.UniqueConstraint(fields=["channel", "dedup_key"], name="sms_inbound_once")]
        indexes = [models.Index(fields=["channel", "sender_hash", "status"], name="sms_inbound_sender")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel.slug} {self.status}"


class Outbound(models.Model):
    QUEUED, SENDING, SENT, DELIVERED, FAILED = "queued", "sending", "sent", "delivered", "failed"
    STATUSES = [
        (QUEUED, _("queued")),
        (SENDING, _("sending")),
        (SENT, _("sent")),
        (DELIVERED, _("delivered")),
        (FAILED, _("failed")),
    ]

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbound", verbose_name=_("channel"))
    to_hash = models.CharField(_("recipient hash"), max_length=64, db_index=True)
    to_sealed = models.TextField(_("sealed recipient"), blank=True, help_text=_("Erased after the retention period."))
    text = models.TextField(_("text"))
    in_reply_to = models.OneToOneField(
        Inbound,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reply",
        verbose_name=_("in reply to"),
        help_text=_("At most one reply per inbound message."),
    )
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    next_attempt = models.DateTimeField(_("next attempt"), db_index=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_id = models.CharField(_("gateway message id"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True, help_text=_("Redacted: never contains a number."))

    class Meta:
        ordering = ["-created"]
        verbose_name = _("outbound SMS")
        verbose_name_plural = _("outbound SMS messages")

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel.slug} {self.status}"


class OptOut(models.Model):
    """A sender who sent STOP on a channel (by hash only); see `sms.optout` for what it stops, and for how long."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)
    sender_hash = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)
    stopped = models.DateTimeField(null=True, help_text="Their latest STOP.")
    active = models.BooleanField(default=True, help_text="False once a keyword brought them back.")

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
