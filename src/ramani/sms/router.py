"""What to answer to one inbound text: keywords start a service; other texts continue a dialogue."""

from __future__ import annotations

import re

from ramani.prices import matokeo
from ramani.sms import dialogue
from ramani.sms.keywords import match
from ramani.sms.models import OptOut

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
STATUS_UNKNOWN = {"sw": "Hatukupata ripoti {ref}. Angalia namba ya ripoti.",
                  "fr": "Rapport {ref} introuvable. Vérifiez le numéro du rapport.",
                  "en": "Report {ref} not found. Check the report ID."}


def handle(sender_hash: str, text: str, channel=None) -> str | None:
    """The reply to `text` from this sender, or None for no reply (an unsubscribed sender).

    A keyword starts its service; anything else continues the sender's open questionnaire or
    report. While a free-text answer is expected (where, when, what), a message of several
    words is an answer even if it starts like a keyword ("hali ni mbaya…" is not STATUS).
    """
    found = match(text)
    conversation = dialogue.open_conversation(sender_hash)
    if conversation is not None and (found is None or (
            conversation.state in dialogue.FREE_TEXT and found[2] and found[0] != "stop"
            and not (found[0] == "status" and len(found[2]) == 1 and REF.fullmatch(found[2][0])))):
        return dialogue.step(conversation, text)
    if found is None:
        if OptOut.objects.filter(sender_hash=sender_hash).exists():
            return None
        return HELP["sw"]
    keyword, language, words = found
    if keyword == "stop":
        OptOut.objects.get_or_create(sender_hash=sender_hash)
        return STOPPED[language]
    if keyword in ("help", "kufatilia"):  # asking for help or to report brings a sender back
        OptOut.objects.filter(sender_hash=sender_hash).delete()
    if keyword == "help":
        return HELP[language]
    if keyword == "matokeo":
        return matokeo.answer(words, language)
    if keyword == "status":
        reference = words[0] if words else "?"
        return dialogue.status(sender_hash, reference, language) or STATUS_UNKNOWN[language].format(
            ref=reference.upper()[:8])
    return dialogue.start(sender_hash, channel, language)
