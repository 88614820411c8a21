"""STOP, per channel and sender hash.

- Replies: after STOP a sender's texts that are not keywords get no answer, until a keyword (HELP,
  KUFATILIA) brings them back (`opted_out`, `opt_in`).
- Pushed messages (a partner's question about a report): none about a report they last wrote about
  before their latest STOP, whatever they did since (`stopped_since`). Coming back to report again,
  or asking for prices, re-opens nothing of an older report: else whether a partner could write again
  would tell it of their activity elsewhere. Writing to that report itself (its ID) re-opens it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from ramani.sms.models import OptOut


def opted_out(channel_id: int, sender_hash: str) -> bool:
    return OptOut.objects.filter(channel_id=channel_id, sender_hash=sender_hash, active=True).exists()


def opt_out(channel_id: int, sender_hash: str) -> None:
    OptOut.objects.update_or_create(
        channel_id=channel_id, sender_hash=sender_hash, defaults={"active": True, "stopped": timezone.now()}
    )


def opt_in(channel_id: int, sender_hash: str) -> None:
    OptOut.objects.filter(channel_id=channel_id, sender_hash=sender_hash, active=True).update(active=False)


def stopped_since(channel_id: int, sender_hash: str, moment: dt.datetime) -> bool:
    """Whether the sender's latest STOP on the channel came at or after `moment`."""
    return OptOut.objects.filter(channel_id=channel_id, sender_hash=sender_hash, stopped__gte=moment).exists()
