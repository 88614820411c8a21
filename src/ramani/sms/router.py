"""What to answer to one inbound text: keywords start a service; other texts continue a dialogue."""

from __future__ import annotations

import re

from ramani.prices import matokeo
from ramani.sms import dialogue
from ramani.sms.keywords import match
from django.db.models import Q

from ramani.sms.models import Channel, OptOut

REF = re.compile(r"[0-9a-f]{8}")
HELP = {
    "sw": "Ramani: tuma KUFATILIA kuripoti tukio bila jina lako, MATOKEO DHAHABU/BATI/KOBALTI kupata bei, "
          "STOP kuacha.",
    "fr": "Ramani : envoyez KUFATILIA pour signaler un incident anonymement, MATOKEO OR/ETAIN/COBALT pour les prix, "
          "STOP pour arrêter.",
    "en": "Ramani: send KUFATILIA to report an incident anonymously, MATOKEO GOLD/TIN/COBALT for prices, "
          "STOP to stop.",
}
STOPPED = {"sw": "Umeondolewa. Hutapokea ujumbe tena. Tuma MSAADA kurudi.",
           "fr": "Vous êtes désinscrit : plus aucun message. Envoyez AIDE pour revenir.",
           "en": "You are unsubscribed: no more messages. Send HELP to come back."}
# the reference is not repeated: what was typed may be (part of) a phone number
STATUS_UNKNOWN = {"sw": "Hatukupata ripoti hiyo. Angalia namba ya ripoti.",
                  "fr": "Rapport introuvable. Vérifiez le numéro du rapport.",
                  "en": "Report not found. Check the report ID."}


def _continues(conversation, found) -> bool:
    """Whether a text goes to the sender's open questionnaire rather than to a keyword's service.

    A keyword wins, except while a free-text answer is expected inside a questionnaire (where, when,
    what): there a message of several words is an answer even if it starts like a keyword ("hali ni
    mbaya…" is not STATUS), unless it is STOP or STATUS <report ID>. A finished report only takes
    texts that are not keywords (threading)."""
    if found is None:
        return True
    keyword, _language, words = found
    return (conversation.state in dialogue.FREE_TEXT and bool(words) and keyword != "stop"
            and not (keyword == "status" and len(words) == 1 and REF.fullmatch(words[0])))


def _opted_out(channel: Channel, sender_hash: str):
    return OptOut.objects.filter(Q(channel=channel) | Q(channel__isnull=True), sender_hash=sender_hash)


def handle(channel: Channel, sender_hash: str, text: str) -> str | None:
    """The reply to `text` from this sender on this channel, or None for no reply (an unsubscribed sender).

    Everything is scoped to the channel: conversations, threading, STATUS and STOP."""
    found = match(text)
    conversation = dialogue.open_conversation(channel, sender_hash)
    if conversation is not None and _continues(conversation, found):
        return dialogue.step(conversation, text)
    if found is None:
        if _opted_out(channel, sender_hash).exists():
            return None
        return HELP["sw"]
    keyword, language, words = found
    if keyword == "stop":
        OptOut.objects.get_or_create(channel=channel, sender_hash=sender_hash)
        return STOPPED[language]
    if keyword in ("help", "kufatilia"):  # asking for help or to report brings a sender back
        _opted_out(channel, sender_hash).delete()
    if keyword == "help":
        return HELP[language]
    if keyword == "matokeo":
        return matokeo.answer(words, language)
    if keyword == "status":
        reference = words[0] if words else ""
        return dialogue.status(channel, sender_hash, reference, language) or STATUS_UNKNOWN[language]
    return dialogue.start(channel, sender_hash, language)
