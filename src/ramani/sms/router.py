"""What to answer to one inbound text: keywords first, then (later) an open dialogue."""

from __future__ import annotations

from ramani.prices import matokeo
from ramani.sms.keywords import match
from ramani.sms.models import OptOut

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
NOT_YET = {"sw": "Kufatilia haipatikani kwenye namba hii bado. Tuma MSAADA.",
           "fr": "Kufatilia n'est pas encore ouvert sur ce numéro. Envoyez AIDE.",
           "en": "Kufatilia is not open on this number yet. Send HELP."}
STATUS_UNKNOWN = {"sw": "Hatukupata ripoti {ref}. Angalia namba ya ripoti.",
                  "fr": "Rapport {ref} introuvable. Vérifiez le numéro du rapport.",
                  "en": "Report {ref} not found. Check the report ID."}


def handle(sender_hash: str, text: str) -> str | None:
    """The reply to `text` from this sender, or None for no reply (an unsubscribed sender)."""
    found = match(text)
    if found is None:
        if OptOut.objects.filter(sender_hash=sender_hash).exists():
            return None
        return HELP["sw"]
    keyword, language, words = found
    if keyword == "stop":
        OptOut.objects.get_or_create(sender_hash=sender_hash)
        return STOPPED[language]
    OptOut.objects.filter(sender_hash=sender_hash).delete()  # any keyword brings a sender back
    if keyword == "help":
        return HELP[language]
    if keyword == "matokeo":
        return matokeo.answer(words, language)
    if keyword == "status":
        return STATUS_UNKNOWN[language].format(ref=(words[0].upper()[:8] if words else "?"))
    return NOT_YET[language]
