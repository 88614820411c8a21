"""Plain SQL for the per-message path of the inbox (the same on SQLite and PostgreSQL).

Each inbound SMS costs about ten statements; through the ORM, building them took longer than
running them. These few functions keep the hot path to fixed SQL text.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.utils import timezone

from ramani.sms.models import Channel


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _settings(value) -> dict:
    return value if isinstance(value, dict) else json.loads(value or "{}")


def channel(kind: str, slug: str) -> Channel | None:
    with connection.cursor() as cur:
        cur.execute("SELECT id, slug, kind, name, number, settings, rate_per_minute, active FROM sms_channel "
                    "WHERE kind = %s AND slug = %s AND active = %s", [kind, slug, True])
        row = cur.fetchone()
    if row is None:
        return None
    pk, slug, kind, name, number, settings, rate, active = row
    return Channel(id=pk, slug=slug, kind=kind, name=name, number=number, settings=_settings(settings),
                   rate_per_minute=rate, active=active)


def insert_inbound(channel_id: int, sealed_request: str) -> int:
    with connection.cursor() as cur:
        cur.execute("INSERT INTO sms_inbound (channel_id, received, sealed_request, status, provider_id, sender_hash, "
                    "sender_sealed, text, error) VALUES (%s, %s, %s, 'received', '', '', '', '', '') RETURNING id",
                    [channel_id, _now(), sealed_request])
        return cur.fetchone()[0]


def claim_inbound(inbound_id: int) -> tuple | None:
    """(sealed_request, received, Channel) of a RECEIVED message, locked on PostgreSQL; None if taken."""
    lock = " FOR UPDATE OF i SKIP LOCKED" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cur:
        cur.execute("SELECT i.sealed_request, i.received, c.id, c.slug, c.kind, c.number, c.settings, "
                    "c.rate_per_minute FROM sms_inbound i JOIN sms_channel c ON c.id = i.channel_id "
                    "WHERE i.id = %s AND i.status = 'received'" + lock, [inbound_id])
        row = cur.fetchone()
    if row is None:
        return None
    sealed, received, pk, slug, kind, number, settings, rate = row
    if isinstance(received, str):
        received = dt.datetime.fromisoformat(received).replace(tzinfo=dt.timezone.utc)
    return sealed, received, Channel(id=pk, slug=slug, kind=kind, number=number, settings=_settings(settings),
                                     rate_per_minute=rate)


def original_of(inbound_id: int, channel_id: int, provider_id: str, sender_hash: str, text: str,
                since: dt.datetime | None) -> int | None:
    """Id of an earlier processed message this one repeats: same provider id (when `since` is None),
    else same sender and text since `since`."""
    with connection.cursor() as cur:
        if since is None:
            cur.execute("SELECT id FROM sms_inbound WHERE channel_id = %s AND status = 'processed' AND id <> %s "
                        "AND provider_id = %s AND sender_hash = %s LIMIT 1",
                        [channel_id, inbound_id, provider_id, sender_hash])
        else:
            cur.execute("SELECT id FROM sms_inbound WHERE channel_id = %s AND status = 'processed' AND id <> %s "
                        "AND sender_hash = %s AND text = %s AND received >= %s ORDER BY received DESC LIMIT 1",
                        [channel_id, inbound_id, sender_hash, text,
                         connection.ops.adapt_datetimefield_value(since)])
        row = cur.fetchone()
    return row[0] if row else None


def finish_inbound(inbound_id: int, status: str, sender_hash: str = "", sender_sealed: str = "",
                   provider_id: str = "", text: str = "", error: str = "", duplicate_of: int | None = None) -> None:
    with connection.cursor() as cur:
        cur.execute("UPDATE sms_inbound SET status = %s, sender_hash = %s, sender_sealed = %s, provider_id = %s, "
                    "text = %s, error = %s, duplicate_of_id = %s, processed = %s WHERE id = %s",
                    [status, sender_hash, sender_sealed, provider_id, text, error, duplicate_of, _now(), inbound_id])


def queue_outbound(channel_id: int, to_hash: str, to_sealed: str, text: str, in_reply_to: int | None) -> int:
    now = _now()
    with connection.cursor() as cur:
        cur.execute("INSERT INTO sms_outbound (channel_id, to_hash, to_sealed, text, in_reply_to_id, status, attempts, "
                    "next_attempt, created, provider_id, error) VALUES (%s, %s, %s, %s, %s, 'queued', 0, %s, %s, '', '') "
                    "RETURNING id", [channel_id, to_hash, to_sealed, text, in_reply_to, now, now])
        return cur.fetchone()[0]
