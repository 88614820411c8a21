"""Writing to a reporter the platform knows only by a keyed hash: through the channel the report came
in on, with the sealed copy of the number kept for replies (until retention erases it)."""

from __future__ import annotations

import enum

from ramani.sms import store
from ramani.sms.channels import ADAPTERS
from ramani.sms.models import Conversation, Inbound


class Sent(enum.Enum):
    QUEUED = "queued"
    ERASED = "erased"  # retention erased the sealed number: nobody can write to them any more
    NO_PUSH = "no_push"  # the channel only answers in the HTTP reply to the reporter's own message
    BUSY = "busy"  # their answers go to another report's open question: a second one would misroute them


def send(incident, text: str) -> Sent:
    """Queue one SMS to the reporter of `incident`, and thread their next messages onto it."""
    channel = incident.channel
    if channel is None or ADAPTERS[channel.kind].replies_in_response(channel.settings):
        return Sent.NO_PUSH
    sealed = (
        Inbound.objects.filter(channel=channel, sender_hash=incident.reporter_hash)
        .exclude(sender_sealed="")
        .order_by("-id")
        .values_list("sender_sealed", flat=True)
        .first()
    )
    if not sealed:
        return Sent.ERASED
    conversation, _ = Conversation.objects.select_for_update().get_or_create(
        channel=channel, sender_hash=incident.reporter_hash, defaults={"state": "done", "language": incident.language}
    )
    if (
        conversation.state == "done"
        and conversation.incident_id not in (None, incident.pk)
        and _asked_lately(conversation)
    ):
        return Sent.BUSY
    store.queue_outbound(channel.id, incident.reporter_hash, sealed, text, None)
    if conversation.state == "done":  # not in the middle of a new questionnaire: their answer goes to this report
        conversation.incident = incident
        conversation.save()
    return Sent.QUEUED


def _asked_lately(conversation) -> bool:
    """Whether the report their answers thread onto had a question from the platform within the threading window."""
    import datetime as dt

    from django.utils import timezone

    from ramani.sms.dialogue import THREAD_DAYS

    since = timezone.now() - dt.timedelta(days=THREAD_DAYS)
    return conversation.incident.actions.filter(verb="message_reporter", at__gte=since).exists()
