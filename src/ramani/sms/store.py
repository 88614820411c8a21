"""Plain SQL for the per-message path of the inbox and outbox (the same on SQLite and PostgreSQL).

Each inbound SMS costs about ten statements; through the ORM, building them took longer than
running them. These few functions keep the hot path to fixed SQL text. Exactly-once is the
database's job here: a retry is refused by the unique (channel, dedup_key) constraint, and one
sender's messages are processed under a lock of their own (PostgreSQL advisory lock; SQLite
serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import connection
from django.utils import timezone

from ramani.sms.models import Channel


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _settings(value) -> dict:
    return value if isinstance(value, dict) else json.loads(value or "{}")


def _datetime(value) -> dt.datetime:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
    return value


def channel(kind: str, slug: str) -> Channel | None:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, slug, kind, name, number, settings, rate_per_minute, active FROM sms_channel "
            "WHERE kind = %s AND slug = %s AND active = %s",
            [kind, slug, True],
        )
        row = cur.fetchone()
    if row is None:
        return None
    pk, slug, kind, name, number, settings, rate, active = row
    return Channel(
        id=pk,
        slug=slug,
        kind=kind,
        name=name,
        number=number,
        settings=_settings(settings),
        rate_per_minute=rate,
        active=active,
    )


def insert_inbound(
    channel_id: int,
    sealed_request: str,
    sender_hash: str,
    sender_sealed: str,
    provider_id: str,
    text: str,
    dedup_key: str | None,
) -> int | None:
    """Store one message as RECEIVED; None when the channel already has one with this dedup key (a retry).

    On PostgreSQL the INSERT first takes the sender's lock (`lock_sender`'s key), held to its commit: the id, which
    is the arrival order `pending_of_sender` follows, is drawn and committed under it. Without it two messages of
    one sender could commit in the other order than their ids, and the later one be processed before the earlier
    (seen under load: a reporter's "3" then "1" applied as "1" then "3")."""
    values = [channel_id, _now(), sealed_request, provider_id, dedup_key, sender_hash, sender_sealed, text]
    columns = (
        "INSERT INTO sms_inbound (channel_id, received, sealed_request, status, provider_id, dedup_key, "
        "retries, attempts, sender_hash, sender_sealed, text, error) "
    )
    conflict = " ON CONFLICT (channel_id, dedup_key) DO NOTHING RETURNING id"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                columns + "SELECT %s, %s, %s, 'received', %s, %s, 0, 0, %s, %s, %s, '' "
                "FROM (SELECT pg_advisory_xact_lock(%s)) AS sender_lock" + conflict,
                [*values, _sender_key(channel_id, sender_hash)],
            )
        else:
            cur.execute(columns + "VALUES (%s, %s, %s, 'received', %s, %s, 0, 0, %s, %s, %s, '')" + conflict, values)
        row = cur.fetchone()
    return row[0] if row else None


def _sender_key(channel_id: int, sender_hash: str) -> int:
    """The advisory-lock key of one sender on one channel."""
    return int.from_bytes(hashlib.sha256(f"{channel_id}/{sender_hash}".encode()).digest()[:8], "big", signed=True)


def insert_rejected(channel_id: int, sealed_request: str, error: str) -> int:
    """Keep an authenticated request that is not a message we can read (sealed, for the record)."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO sms_inbound (channel_id, received, processed, sealed_request, status, provider_id, "
            "retries, attempts, sender_hash, sender_sealed, text, error) "
            "VALUES (%s, %s, %s, %s, 'rejected', '', 0, 0, '', '', '', %s) RETURNING id",
            [channel_id, _now(), _now(), sealed_request, error],
        )
        return cur.fetchone()[0]


def count_retry(channel_id: int, dedup_key: str) -> int:
    """Count a gateway retry on the message it repeats; returns that message's id."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE sms_inbound SET retries = retries + 1 WHERE channel_id = %s AND dedup_key = %s RETURNING id",
            [channel_id, dedup_key],
        )
        return cur.fetchone()[0]


def sender_of(inbound_id: int) -> tuple[int, str, str] | None:
    """(channel id, sender hash, status) of a stored message."""
    with connection.cursor() as cur:
        cur.execute("SELECT channel_id, sender_hash, status FROM sms_inbound WHERE id = %s", [inbound_id])
        return cur.fetchone()


def lock_sender(channel_id: int, sender_hash: str) -> None:
    """Hold one sender's lock on this channel until the transaction ends (PostgreSQL; SQLite has one writer).

    In the same statement: this transaction's commit need not wait for the disk. The messages it
    processes are durable already; were the commit lost in a crash, they would be processed again."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(%s)",
            [_sender_key(channel_id, sender_hash)],
        )


def hold_sender(channel_id: int, sender_hash: str) -> None:
    """Take the sender's lock (as `lock_sender`, commits durable as usual), until the transaction ends.

    Writing to a reporter takes it before the incident's row lock: then it and the processing of the reporter's
    own messages (sender lock, then the incident's row as they add to it) lock in one order, never a deadlock,
    and their changes to the reporter's conversation never overwrite each other."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_sender_key(channel_id, sender_hash)])


def pending_of_sender(channel_id: int, sender_hash: str, upto: int) -> list[tuple[int, str, str, dt.datetime]]:
    """(id, sealed request, sealed sender, received) of the sender's unprocessed messages up to `upto`, in
    arrival order. Call with the sender's lock held."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, sealed_request, sender_sealed, received FROM sms_inbound WHERE channel_id = %s "
            "AND sender_hash = %s AND status = 'received' AND id <= %s ORDER BY id",
            [channel_id, sender_hash, upto],
        )
        return [(pk, sealed, sender, _datetime(received)) for pk, sealed, sender, received in cur.fetchall()]


def finish_inbound(inbound_id: int, status: str, error: str = "") -> None:
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE sms_inbound SET status = %s, error = %s, processed = %s WHERE id = %s",
            [status, error, _now(), inbound_id],
        )


def failed_attempt(inbound_id: int, error: str, max_attempts: int) -> bool:
    """Count a failed processing; True when it was the last allowed (the message is now FAILED)."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE sms_inbound SET attempts = attempts + 1, error = %s, status = CASE WHEN attempts + 1 >= %s "
            "THEN 'failed' ELSE status END, processed = %s WHERE id = %s RETURNING status",
            [error, max_attempts, _now(), inbound_id],
        )
        return cur.fetchone()[0] == "failed"


def queue_outbound(channel_id: int, to_hash: str, to_sealed: str, text: str, in_reply_to: int | None) -> int:
    now = _now()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO sms_outbound (channel_id, to_hash, to_sealed, text, in_reply_to_id, status, attempts, "
            "next_attempt, created, provider_id, error) VALUES (%s, %s, %s, %s, %s, 'queued', 0, %s, %s, '', '') "
            "RETURNING id",
            [channel_id, to_hash, to_sealed, text, in_reply_to, now, now],
        )
        return cur.fetchone()[0]


def reply_in_response(inbound_id: int) -> str | None:
    """The reply to a message, marked sent because it travels in this HTTP answer (again, for a retry)."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE sms_outbound SET status = 'sent', sent = %s, provider_id = 'in-http-response' "
            "WHERE in_reply_to_id = %s AND status IN ('queued', 'sending')",
            [_now(), inbound_id],
        )
        cur.execute("SELECT text FROM sms_outbound WHERE in_reply_to_id = %s", [inbound_id])
        row = cur.fetchone()
    return row[0] if row else None


# A delivery report moves a message forward only: which statuses each report may follow.
DELIVERY_FROM = {"sent": ("sending",), "failed": ("sending", "sent"), "delivered": ("sending", "sent", "failed")}


def record_delivery(channel_id: int, outbound_id: int, status: str) -> bool:
    """Apply a delivery report to one of this channel's messages; False when it would move it back."""
    allowed = DELIVERY_FROM[status]
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE sms_outbound SET status = %s WHERE id = %s AND channel_id = %s "
            f"AND status IN ({', '.join(['%s'] * len(allowed))})",
            [status, outbound_id, channel_id, *allowed],
        )
        return cur.rowcount == 1
