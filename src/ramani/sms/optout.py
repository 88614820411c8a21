"""STOP: a sender who sent it on a channel is sent nothing there (no pushed message: a partner's question, a
broadcast) until they send a keyword that brings them back. Replies to their own messages still go."""

from __future__ import annotations

from ramani.sms.models import OptOut


def opted_out(channel_id: int, sender_hash: str) -> bool:
    return OptOut.objects.filter(channel_id=channel_id, sender_hash=sender_hash).exists()


def opt_out(channel_id: int, sender_hash: str) -> None:
    OptOut.objects.get_or_create(channel_id=channel_id, sender_hash=sender_hash)


def opt_in(channel_id: int, sender_hash: str) -> None:
    OptOut.objects.filter(channel_id=channel_id, sender_hash=sender_hash).delete()
