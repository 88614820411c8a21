"""Outbound SMS: queued in the database, sent by `ramani sms worker` with retries, exponential
backoff and a per-channel rate limit. Several workers are safe on PostgreSQL (rows are claimed
with SELECT … FOR UPDATE SKIP LOCKED); each message is committed as sent right after its send.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ramani.sms import anonymity, optout
from ramani.sms.channels import ADAPTERS
from ramani.sms.channels.base import SendError
from ramani.sms.models import Channel, Inbound, Outbound

log = logging.getLogger("ramani.sms")
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 30
LEASE = dt.timedelta(minutes=5)


def queue(channel: Channel, to_hash: str, to_sealed: str, text: str, in_reply_to: Inbound | None = None) -> Outbound:
    """Queue one message (the same insert the inbox uses for replies)."""
    from ramani.sms import store

    pk = store.queue_outbound(channel.id, to_hash, to_sealed, text, in_reply_to.id if in_reply_to else None)
    return Outbound.objects.get(id=pk)


def _claim_one() -> Outbound | None:
    """Claim the next due message (SENDING, stamped now) in a short transaction of its own.

    One at a time, so that a worker killed mid-batch leaves at most the message it was sending."""
    now = timezone.now()
    with transaction.atomic():
        qs = Outbound.objects.select_related("channel").filter(status=Outbound.QUEUED, next_attempt__lte=now)
        qs = qs.order_by("next_attempt", "id")
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        message = qs.first()
        if message is not None:
            Outbound.objects.filter(id=message.id).update(status=Outbound.SENDING, next_attempt=now)
    return message


def _give_up_on_interrupted() -> None:
    """A message left SENDING past the lease: its worker died during the send. The gateway may
    have it already, so it is NOT sent again (duplicates are what reporters complain of most);
    a delivery report still moves it to delivered, else it stays failed for a person to look at."""
    Outbound.objects.filter(status=Outbound.SENDING, next_attempt__lte=timezone.now() - LEASE).update(
        status=Outbound.FAILED, error="worker stopped during the send; not retried to avoid a duplicate"
    )


def _rate_allows(channel: Channel) -> bool:
    recent = Outbound.objects.filter(channel=channel, sent__gte=timezone.now() - dt.timedelta(minutes=1)).count()
    return recent < channel.rate_per_minute


def send_due(limit: int = 50) -> int:
    """Send up to `limit` due messages, committing each as it goes; returns how many were sent."""
    _give_up_on_interrupted()
    sent = 0
    for _ in range(limit):
        message = _claim_one()
        if message is None:
            break
        pushed = message.in_reply_to_id is None
        if pushed and optout.stopped_since(message.channel_id, message.to_hash, message.created):
            # queued before they sent STOP: a pushed message is not sent (a reply to their own message still is)
            Outbound.objects.filter(id=message.id).update(status=Outbound.FAILED, error="the recipient sent STOP")
            continue
        if not _rate_allows(message.channel):
            Outbound.objects.filter(id=message.id).update(
                status=Outbound.QUEUED, next_attempt=timezone.now() + dt.timedelta(seconds=5)
            )
            continue
        try:
            provider_id = send(message)
        except Exception as exc:  # SendError, or an adapter's bug: a failed attempt, never a dead worker
            if not isinstance(exc, SendError):
                exc = SendError(f"{message.channel.kind}: {type(exc).__name__}")
            attempts = message.attempts + 1
            failed = attempts >= MAX_ATTEMPTS
            Outbound.objects.filter(id=message.id).update(
                status=Outbound.FAILED if failed else Outbound.QUEUED,
                attempts=attempts,
                next_attempt=timezone.now() + dt.timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempts - 1)),
                error=anonymity.redact(str(exc))[:500],
            )
            log.warning("outbound %s attempt %s failed: %s", message.id, attempts, anonymity.redact(str(exc)))
            continue
        Outbound.objects.filter(id=message.id).update(
            sent=timezone.now(), attempts=message.attempts + 1, provider_id=provider_id[:100]
        )
        # a delivery report may have come back already: it wins
        Outbound.objects.filter(id=message.id, status=Outbound.SENDING).update(status=Outbound.SENT)
        sent += 1
    return sent


def status_url(channel: Channel, outbound_id: int) -> str:
    """Where the gateway reports delivery of one message (the channel key authenticates it)."""
    from urllib.parse import urlencode

    base = str(channel.settings.get("dlr_base", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}/sms/{channel.kind}/{channel.slug}/status?" + urlencode(
        {"key": channel.settings.get("key", ""), "id": outbound_id}
    )


def send(message: Outbound) -> str:
    """Hand one message to its gateway; returns the gateway's id for it (may be empty)."""
    channel = message.channel
    adapter = ADAPTERS[channel.kind]
    if adapter.replies_in_response(channel.settings):
        return "in-http-response"  # the reply went back in the HTTP answer to the inbound request
    to = anonymity.unseal(message.to_sealed)
    if not to:
        raise SendError("the recipient's number was erased (retention) or cannot be read")
    settings = {"from": channel.number, **channel.settings}  # Kannel refuses a message with no sender
    return adapter.send(settings, to, message.text, status_url(channel, message.id))


def erase_expired_numbers(days: int) -> int:
    """Retention: erase sealed numbers older than `days` (hashes stay, for threading statistics)."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    # every stored request, whatever became of it (rejected, failed, never processed): its raw copy has the number
    n = Inbound.objects.filter(Q(received__lt=cutoff) & (~Q(sender_sealed="") | ~Q(sealed_request=""))).update(
        sender_sealed="", sealed_request=""
    )
    n += Outbound.objects.filter(created__lt=cutoff).exclude(to_sealed="").update(to_sealed="")
    return n
