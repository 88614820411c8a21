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
from dataclasses import dataclass

from django.db import connection, transaction
from ramani import config
from ramani.sms import anonymity, router, store
from ramani.sms.channels import ADAPTERS
from ramani.sms.channels.base import Request, RequestRejected
from ramani.sms.models import Channel, Inbound

log = logging.getLogger("ramani.sms")
KEPT_HEADERS = ("content-type", "x-signature", "x-timestamp", "x-twilio-signature", "user-agent")
UNRELIABLE_IDS = {"android"}  # SMS Gateway for Android: messageId is not unique


def receive(channel: Channel, request: Request) -> int:
    """Commit the raw request, sealed (it contains the sender's number); returns its id."""
    raw = {"method": request.method, "url": request.url, "query": request.query, "form": request.form,
           "body": base64.b64encode(request.body).decode("ascii"),
           "headers": {k: v for k, v in request.headers.items() if k in KEPT_HEADERS}}
    return store.insert_inbound(channel.id, anonymity.seal(json.dumps(raw)))


def _request_of(sealed: str) -> Request:
    raw = json.loads(anonymity.unseal(sealed) or "{}")
    return Request(method=raw.get("method", "POST"), url=raw.get("url", ""), query=raw.get("query", {}),
                   form=raw.get("form", {}), body=base64.b64decode(raw.get("body", "")),
                   headers=raw.get("headers", {}))


@dataclass(frozen=True)
class Outcome:
    reply: str | None = None
    rejected: int | None = None  # HTTP status to answer a refused request with (400, 403, 202)


def process(inbound_id: int) -> Outcome:
    """Read one stored request and queue the reply to it (at most one)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The raw request is already durable; if this commit were lost in a crash the message would
            # still be RECEIVED and processed again. So it need not wait for its fsync.
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
        claimed = store.claim_inbound(inbound_id)
        if claimed is None:
            return Outcome()  # already handled (or being handled by another process)
        sealed, received, channel = claimed
        try:
            incoming = ADAPTERS[channel.kind].parse(_request_of(sealed), channel.settings)
        except RequestRejected as exc:
            store.finish_inbound(inbound_id, Inbound.REJECTED, error=f"{exc.status} {anonymity.redact(exc.reason)}")
            return Outcome(rejected=exc.status)
        text = _printable(incoming.text)
        sender_hash = anonymity.phone_hash(incoming.sender)
        sender_sealed = anonymity.seal(anonymity.normalise(incoming.sender))
        provider_id = _printable(incoming.provider_id)[:100]
        # what a reporter types may contain a phone number (theirs or someone else's): never kept in clear
        stored_text = anonymity.redact(text)[:2000]
        if provider_id and channel.kind not in UNRELIABLE_IDS:
            since = None
        else:
            since = received - dt.timedelta(seconds=int(config.get("RAMANI_SMS_DUPLICATE_SECONDS")))
        original = store.original_of(inbound_id, channel.id, provider_id, sender_hash, stored_text, since)
        if original is not None:
            store.finish_inbound(inbound_id, Inbound.DUPLICATE, sender_hash, sender_sealed, provider_id, stored_text,
                                 duplicate_of=original)
            return Outcome()
        reply = router.handle(sender_hash, text, channel)
        store.finish_inbound(inbound_id, Inbound.PROCESSED, sender_hash, sender_sealed, provider_id, stored_text)
        if reply:
            store.queue_outbound(channel.id, sender_hash, sender_sealed, reply, inbound_id)
        return Outcome(reply=reply)


def _printable(text: str) -> str:
    """Control characters (NUL above all, which PostgreSQL refuses) removed; new lines kept as spaces."""
    return "".join(" " if c in "\r\n\t" else c for c in text if c >= " " or c in "\r\n\t").strip()


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
