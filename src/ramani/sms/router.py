"""What to answer to one inbound text: keywords start a service; other texts continue a dialogue."""

from __future__ import annotations

import re

from ramani.prices import matokeo
from ramani.sms import answers, dialogue, optout
from ramani.sms.keywords import AMBIGUOUS_STOP, fold, match
from ramani.sms.models import Channel
from ramani.sms.texts import render

REF = re.compile(r"[0-9a-f]{8}")


def _continues(conversation, found, text: str) -> bool:
    """Whether a text goes to the sender's open questionnaire or report rather than to a keyword's service.

    A keyword wins, except: while a free-text answer is expected (where, when, what) a message of several words
    is an answer even if it starts like a keyword ("Matokeo ya mvua…"); anywhere, STATUS followed by anything but
    a report ID is words ("hali ni mbaya…"), and so are the Swahili words that also mean STOP when more follows
    ("acha nikueleze…", "simama…"): STOP, ACHA alone (or STOP with more) still stops."""
    if found is None:
        return True
    keyword, _language, words = found
    if keyword == "stop":
        return bool(words) and fold(text).split()[0].strip(".,!:;") in AMBIGUOUS_STOP
    if keyword == "status":
        return bool(words) and not (len(words) == 1 and REF.fullmatch(words[0]))
    return conversation.state in dialogue.FREE_TEXT and bool(words)


def handle(channel: Channel, sender_hash: str, text: str) -> str | None:
    """The reply to `text` from this sender on this channel, or None for no reply (an unsubscribed sender).

    Everything is scoped to the channel: conversations, threading, STATUS and STOP. A text that starts with the ID of
    one of the sender's reports (as a partner's question asks) goes to that report, whatever else is open."""
    named = answers.own_report(channel, sender_hash, text)
    if named is not None:
        incident, rest = named
        reply = answers.to_report(channel, sender_hash, incident, rest, incident.language)
        return None if optout.opted_out(channel.id, sender_hash) else reply
    found = match(text)
    conversation = dialogue.open_conversation(channel, sender_hash)
    if conversation is not None and _continues(conversation, found, text):
        thread = conversation.state == "done"
        reply = dialogue.step(conversation, text)
        return None if thread and optout.opted_out(channel.id, sender_hash) else reply  # kept, not answered
    if found is None:
        if optout.opted_out(channel.id, sender_hash):
            return None
        return render("help", "sw")
    keyword, language, words = found
    if keyword == "stop":
        optout.opt_out(channel.id, sender_hash)
        return render("stopped", language)
    if keyword in ("help", "kufatilia"):  # asking for help or to report brings a sender back
        optout.opt_in(channel.id, sender_hash)
    if keyword == "help":
        return render("help", language)
    if keyword == "matokeo":
        return matokeo.answer(words, language)
    if keyword == "status":
        reference = words[0] if words else ""
        return dialogue.status(channel, sender_hash, reference, language) or render("status_unknown", language)
    return dialogue.start(channel, sender_hash, language)
