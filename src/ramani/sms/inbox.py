"""Store first, process second: every inbound request is committed (sealed) before it is read.

`receive` commits the raw request; `process` parses it with the channel's adapter, drops
gateway retries, asks the router for a reply and queues it in the outbox (at most one reply
per inbound message). A crash between the two loses nothing: `process_pending` resumes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging

from django.db import connection, transaction
from django.utils import timezone

from ramani import config
from ramani.sms import anonymity, outbox, router
from ramani.sms.channels import ADAPTERS
from ramani.sms.channels.base import Request, RequestRejected
from ramani.sms.models import Channel, Inbound

log = logging.getLogger("ramani.sms")
KEPT_HEADERS = ("content-type", "x-signature", "x-timestamp", "x-twilio-signature", "user-agent")
UNRELIABLE_IDS = {"android"}  # SMS Gateway for Android: messageId is not unique


def receive(channel: Channel, request: Request) -> Inbound:
    """Commit the raw request, sealed (it contains the sender's number)."""
    raw = {"method": request.method, "url": request.url, "query": request.query, "form": request.form,
           "body": base64.b64encode(request.body).decode("ascii"),
           "headers": {k: v for k, v in request.headers.items() if k in KEPT_HEADERS}}
    return Inbound.objects.create(channel=channel, sealed_request=anonymity.seal(json.dumps(raw)))


def _request_of(inbound: Inbound) -> Request:
    raw = json.loads(anonymity.unseal(inbound.sealed_request) or "{}")
    return Request(method=raw.get("method", "POST"), url=raw.get("url", ""), query=raw.get("query", {}),
                   form=raw.get("form", {}), body=base64.b64decode(raw.get("body", "")),
                   headers=raw.get("headers", {}))


def process(inbound_id: int) -> str | None:
    """Read one stored request; returns the reply queued for it (None: no reply).

    A request the adapter refuses raises nothing: it is marked rejected, with the HTTP status
    to answer in `Inbound.error`'s first word (see `rejection_status`)."""
    with transaction.atomic():
        qs = Inbound.objects.select_related("channel").filter(id=inbound_id, status=Inbound.RECEIVED)
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True, of=("self",))
            # The raw request is already durable; if this commit were lost in a crash the message would
            # still be RECEIVED and processed again. So it need not wait for its fsync.
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
        inbound = qs.first()
        if inbound is None:
            return None  # already handled (or being handled by another process)
        channel = inbound.channel
        adapter = ADAPTERS[channel.kind]
        try:
            incoming = adapter.parse(_request_of(inbound), channel.settings)
        except RequestRejected as exc:
            inbound.status, inbound.error = Inbound.REJECTED, f"{exc.status} {anonymity.redact(exc.reason)}"
            inbound.processed = timezone.now()
            inbound.save(update_fields=["status", "error", "processed"])
            return None
        text = _printable(incoming.text)
        inbound.sender_hash = anonymity.phone_hash(incoming.sender)
        inbound.sender_sealed = anonymity.seal(anonymity.normalise(incoming.sender))
        inbound.provider_id = _printable(incoming.provider_id)
        # what a reporter types may contain a phone number (theirs or someone else's): never kept in clear
        inbound.text = anonymity.redact(text)[:2000]
        inbound.processed = timezone.now()
        original = _original_of(inbound, reliable_ids=channel.kind not in UNRELIABLE_IDS)
        fields = ["sender_hash", "sender_sealed", "provider_id", "text", "processed", "status"]
        if original is not None:
            inbound.status, inbound.duplicate_of = Inbound.DUPLICATE, original
            inbound.save(update_fields=fields + ["duplicate_of"])
            return None
        reply = router.handle(inbound.sender_hash, text, channel)
        inbound.status = Inbound.PROCESSED
        inbound.save(update_fields=fields)
        if reply:
            outbox.queue(channel, inbound.sender_hash, inbound.sender_sealed, reply, in_reply_to=inbound)
        return reply


def rejection_status(inbound_id: int) -> int | None:
    """The HTTP status for a rejected request (400, 403 or 202), None when it was accepted."""
    error = Inbound.objects.filter(id=inbound_id, status=Inbound.REJECTED).values_list("error", flat=True).first()
    if error is None:
        return None
    head = error.split(" ", 1)[0]
    return int(head) if head.isdigit() else 400


def _printable(text: str) -> str:
    """Control characters (NUL above all, which PostgreSQL refuses) removed; new lines kept as spaces."""
    return "".join(" " if c in "\r\n\t" else c for c in text if c >= " " or c in "\r\n\t").strip()


def _original_of(inbound: Inbound, reliable_ids: bool) -> Inbound | None:
    """The earlier message this one repeats (a gateway retry), if any."""
    earlier = Inbound.objects.filter(channel=inbound.channel, status=Inbound.PROCESSED).exclude(id=inbound.id)
    if inbound.provider_id and reliable_ids:
        return earlier.filter(provider_id=inbound.provider_id, sender_hash=inbound.sender_hash).first()
    window = dt.timedelta(seconds=int(config.get("RAMANI_SMS_DUPLICATE_SECONDS")))
    return earlier.filter(sender_hash=inbound.sender_hash, text=inbound.text,
                          received__gte=inbound.received - window).order_by("-received").first()


def process_pending(limit: int = 1000) -> int:
    """Resume after a crash: process what was received but not yet read."""
    ids = list(Inbound.objects.filter(status=Inbound.RECEIVED).order_by("id").values_list("id", flat=True)[:limit])
    for pk in ids:
        try:
            process(pk)
        except Exception as exc:  # one bad message must not block the others
            log.error("inbound %s failed: %s", pk, anonymity.redact(str(exc)))
            Inbound.objects.filter(id=pk).update(status=Inbound.FAILED, error=anonymity.redact(str(exc))[:500])
    return len(ids)
