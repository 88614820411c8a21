"""Writing to a reporter the platform knows only by a keyed hash: through the channel the report came
in on, with the sealed copy of the number kept for replies (until retention erases it).

What an organisation learns from the outcome is about its own report only: whether the number is
past retention follows from this report's own last contact, never from what the same person sent
since (another report, a price request); and a message is never refused because the person is
writing about another report. Then their answers keep going where they went, and this message asks
them to start an answer about this report with its ID (see dialogue.own_report)."""

from __future__ import annotations

import datetime as dt
import enum

from django.db.models import Max
from django.utils import timezone

from ramani import config
from ramani.sms import answers, dialogue, optout, store
from ramani.sms.channels import ADAPTERS
from ramani.sms.models import Conversation, Inbound
from ramani.sms.texts import render


class Sent(enum.Enum):
    QUEUED = "queued"
    ERASED = "erased"  # retention erased the sealed number: nobody can write to them any more
    NO_PUSH = "no_push"  # the channel only answers in the HTTP reply to the reporter's own message
    OPTED_OUT = "opted_out"  # they sent STOP on the channel: nothing is pushed to them until they come back


def last_contact(incident) -> dt.datetime:
    """When the reporter last wrote about this report: the report itself, or their latest follow-up on it."""
    latest = incident.messages.aggregate(latest=Max("created"))["latest"]
    return max(incident.created, latest) if latest else incident.created


def past_retention(incident) -> bool:
    days = int(config.get("RAMANI_PHONE_RETENTION_DAYS"))
    return last_contact(incident) < timezone.now() - dt.timedelta(days=days)


def send(incident, text: str) -> Sent:
    """Queue one SMS to the reporter of `incident`; their next messages thread onto it unless they were writing
    about another report, when the message asks them to start their answer with this report's ID (and a plain
    answer is held until they say which report it is about: see dialogue)."""
    channel = incident.channel
    if channel is None or ADAPTERS[channel.kind].replies_in_response(channel.settings):
        return Sent.NO_PUSH
    contact = last_contact(incident)
    if past_retention(incident):
        return Sent.ERASED
    if optout.stopped_since(channel.id, incident.reporter_hash, contact):
        return Sent.OPTED_OUT
    sealed = (  # this report's own messages (the latest up to its last contact), never a later one of theirs
        Inbound.objects.filter(channel=channel, sender_hash=incident.reporter_hash, received__lte=contact)
        .exclude(sender_sealed="")
        .order_by("-id")
        .values_list("sender_sealed", flat=True)
        .first()
    )
    if not sealed:  # none kept (a report made without an SMS, or erased early): the same answer as retention
        return Sent.ERASED
    conversation, _ = Conversation.objects.select_for_update().get_or_create(
        channel=channel, sender_hash=incident.reporter_hash, defaults={"state": "done", "language": incident.language}
    )
    if conversation.state != "done" and timezone.now() - conversation.updated > dialogue.questionnaire_timeout():
        conversation.state, conversation.data = "done", answers.kept(conversation.data)  # abandoned long ago
    threads_here = conversation.state == "done" and (
        conversation.incident_id in (None, incident.pk) or not _open_for_follow_ups(conversation)
    )
    if not threads_here:  # their answers go to another report, or a questionnaire: say how to answer about this one
        text = f"{text} {render('answer_with_id', incident.language, ref=incident.report_id)}"
    store.queue_outbound(channel.id, incident.reporter_hash, sealed, text, None)
    if threads_here:
        answers.forget_ask(conversation, incident)
        conversation.incident = incident
        conversation.save()
    else:  # until they say which report, a text naming none is held (sms.answers)
        answers.note_ask(conversation, incident)
    return Sent.QUEUED


def _open_for_follow_ups(conversation) -> bool:
    return timezone.now() - conversation.updated <= dt.timedelta(days=answers.THREAD_DAYS)
