"""Store first, process second; each message exactly once, each sender's in arrival order.

`receive` is called once the caller is authenticated (see views): it reads the request with the
channel's adapter and commits it, sealed, in one INSERT that the database refuses for a gateway
retry (unique channel + dedup key). `process` then takes the sender's lock, handles every
unprocessed message of that sender up to this one in arrival order, and queues at most one reply
per message. A crash between the two loses nothing: `process_pending` (the worker) resumes.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass

from django.db import DatabaseError, OperationalError, transaction

from ramani.sms import anonymity, router, store
from ramani.sms.channels import ADAPTERS
from ramani.sms.channels.base import Request, RequestRejected
from ramani.sms.models import Channel, Inbound

log = logging.getLogger("ramani.sms")
MAX_ATTEMPTS = 3  # a message whose processing failed this often is given up (FAILED), so it blocks no one
KEPT_HEADERS = ("content-type", "x-signature", "x-timestamp", "x-twilio-signature", "user-agent")


@dataclass(frozen=True)
class Received:
    inbound_id: int
    rejected: int | None = None  # HTTP status to answer a request that is not a message we can read
    retry: bool = False  # a gateway retry of the message `inbound_id`, not stored again
    sender_hash: str = ""


def _seal(request: Request) -> str:
    raw = {
        "method": request.method,
        "url": _without_key(request.url),
        "query": _without(request.query, "key"),
        "form": request.form,
        "body": base64.b64encode(request.body).decode("ascii"),
        "headers": {k: v for k, v in request.headers.items() if k in KEPT_HEADERS},
    }
    return anonymity.seal(json.dumps(raw))


def _without(values: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in values.items() if k != name}


def _without_key(url: str) -> str:
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "key"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _request_of(sealed: str) -> Request:
    raw = json.loads(anonymity.unseal(sealed) or "{}")
    return Request(
        method=raw.get("method", "POST"),
        url=raw.get("url", ""),
        query=raw.get("query", {}),
        form=raw.get("form", {}),
        body=base64.b64decode(raw.get("body", "")),
        headers=raw.get("headers", {}),
    )


def keep_unreadable(channel: Channel, request: Request, reason: str) -> Received:
    """Commit an authenticated request whose body Django cannot read (too many fields, a broken form), sealed."""
    return Received(store.insert_rejected(channel.id, _seal(request), f"400 {reason}"[:500]), rejected=400)


def receive(channel: Channel, request: Request) -> Received:
    """Commit one authenticated request, sealed (it contains the sender's number)."""
    adapter = ADAPTERS[channel.kind]
    sealed = _seal(request)
    try:
        incoming = adapter.parse(request, channel.settings)
        sender = anonymity.normalise(incoming.sender)
        if not sender.isdigit() or not 3 <= len(sender) <= 15:
            raise RequestRejected("the sender is not a phone number")
    except RequestRejected as exc:
        pk = store.insert_rejected(channel.id, sealed, f"{exc.status} {anonymity.redact(exc.reason)}"[:500])
        return Received(pk, rejected=exc.status)
    except Exception as exc:  # an adapter's bug: keep the request, answer 400, never a 500
        log.error("channel %s: unreadable request: %s", channel.slug, anonymity.redact(repr(exc))[:300])
        pk = store.insert_rejected(channel.id, sealed, "400 unreadable request")
        return Received(pk, rejected=400)
    key = adapter.dedup_key(incoming)
    # with the sender: a gateway whose ids restart must not turn one reporter's message into another's retry
    dedup_key = anonymity.keyed_hash("dedup", f"{sender}|{key}") if key else None
    sender_hash = anonymity.phone_hash(sender)
    try:
        with transaction.atomic():  # a savepoint: a refused insert leaves the connection usable for the next
            stored = store.insert_inbound(
                channel.id,
                sealed,
                sender_hash,
                anonymity.seal(sender),
                # cut after redacting: redaction can lengthen a value (a number's placeholder, NFKC)
                anonymity.redact(incoming.provider_id)[:100],
                anonymity.redact(incoming.text)[:2000],
                dedup_key,
            )
    except OperationalError as exc:  # unavailable, a lock or statement timeout: nothing kept, the gateway retries
        log.error("channel %s: database unavailable: %s", channel.slug, type(exc).__name__)
        return Received(0, rejected=503)
    except DatabaseError as exc:  # what the database refuses for this message: kept as rejected, answered 400
        log.error("channel %s: message not storable: %s", channel.slug, type(exc).__name__)
        pk = store.insert_rejected(channel.id, sealed, "400 message not storable")
        return Received(pk, rejected=400)
    if stored is None:
        assert dedup_key is not None  # only a key can conflict
        return Received(store.count_retry(channel.id, dedup_key), retry=True, sender_hash=sender_hash)
    return Received(stored, sender_hash=sender_hash)


def process(inbound_id: int, channel: Channel | None = None, sender_hash: str | None = None) -> None:
    """Handle a stored message, and before it any earlier one of the same sender still waiting.

    The web path passes the channel and sender it already knows; the worker passes the id alone."""
    if channel is None or sender_hash is None:
        found = store.sender_of(inbound_id)
        if found is None or found[2] != Inbound.RECEIVED:
            return
        channel_id, sender_hash, _ = found
        channel = Channel.objects.get(id=channel_id)
    lone: int | None = None  # the sender's one waiting message, handled without a savepoint
    try:
        with transaction.atomic():
            store.lock_sender(channel.id, sender_hash)  # and this commit need not wait for the disk (see store)
            pending = store.pending_of_sender(channel.id, sender_hash, inbound_id)
            for pk, sealed, sender_sealed, _received in pending:
                if len(pending) == 1:  # the usual case: a failure rolls the transaction back, no savepoint needed
                    lone = pk
                    _handle(channel, pk, sealed, sender_hash, sender_sealed)
                    lone = None
                    continue
                try:
                    with transaction.atomic():  # a savepoint: a failure undoes this message's work only
                        _handle(channel, pk, sealed, sender_hash, sender_sealed)
                except Exception as exc:
                    if not _failed(pk, exc):
                        break  # tried again later (the worker), and the sender's later messages after it, in order
    except Exception as exc:
        if lone is None:
            raise
        _failed(lone, exc)


def _failed(pk: int, exc: Exception) -> bool:
    """Count a failed processing of message `pk`; True once it is given up."""
    error = anonymity.redact(repr(exc))[:500]
    log.error("inbound %s failed: %s", pk, error[:300])
    return store.failed_attempt(pk, error, MAX_ATTEMPTS)


def _handle(channel: Channel, pk: int, sealed: str, sender_hash: str, sender_sealed: str) -> None:
    incoming = ADAPTERS[channel.kind].parse(_request_of(sealed), channel.settings)
    reply = router.handle(channel, sender_hash, incoming.text)
    store.finish_inbound(pk, Inbound.PROCESSED)
    if reply:
        store.queue_outbound(channel.id, sender_hash, sender_sealed, reply, pk)


def waiting(inbound_id: int) -> bool:
    """Whether a stored message is still to be processed."""
    found = store.sender_of(inbound_id)
    return found is not None and found[2] == Inbound.RECEIVED


def reply_in_response(inbound_id: int) -> str | None:
    """The reply to carry in the HTTP answer, on channels that reply that way (the same one for a retry)."""
    return store.reply_in_response(inbound_id)


def process_pending(limit: int = 1000) -> int:
    """Resume after a crash: process what was received but not yet read."""
    ids = list(Inbound.objects.filter(status=Inbound.RECEIVED).order_by("id").values_list("id", flat=True)[:limit])
    for pk in ids:
        try:
            process(pk)
        except Exception as exc:  # one bad message must not block the others
            log.error("inbound %s failed: %s", pk, anonymity.redact(repr(exc))[:300])
            Inbound.objects.filter(id=pk, status=Inbound.RECEIVED).update(
                status=Inbound.FAILED, error=anonymity.redact(repr(exc))[:500]
            )
    return len(ids)
