"""Every text Ramani sends by SMS, in the translation catalogs (context "sms"), one segment each.

The msgids are English; French and Swahili come from the catalogs (`make i18n`). `render` fits the
result to the GSM-7 alphabet (see gsm.to_gsm7): French keeps the accents GSM-7 has, the others are
transliterated, so that a reply costs one SMS of 160 characters on every basic phone.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from ramani.sms.gsm import to_gsm7

LANGUAGES = ("sw", "fr", "en")

TEXTS: dict[str, Promise] = {
    # router
    "help": pgettext_lazy(
        "sms",
        "Ramani: send KUFATILIA to report an incident anonymously, MATOKEO GOLD/TIN/COBALT for prices, STOP to stop.",
    ),
    "stopped": pgettext_lazy("sms", "You are unsubscribed: no more messages. Send HELP to come back."),
    "status_unknown": pgettext_lazy("sms", "Report not found. Check the report ID."),
    # the Kufatilia questionnaire
    "language": pgettext_lazy("sms", "Kufatilia: choose a language. 1 Kiswahili 2 Francais 3 English. (0 to restart)"),
    "category": pgettext_lazy("sms", "What happened? %(menu)s"),
    "where": pgettext_lazy("sms", "Where? Write the mine, village or territory."),
    "where_again": pgettext_lazy("sms", "Place not found. Write the mine, village or territory again."),
    "where_choice": pgettext_lazy("sms", "Which one? %(options)s"),
    "when": pgettext_lazy("sms", "When? (e.g. today, yesterday, 12/11)"),
    "what": pgettext_lazy("sms", "Briefly describe what happened. Do not write your name."),
    "done": pgettext_lazy("sms", "Thank you. Your report: %(ref)s. Send STATUS %(ref)s for updates."),
    "added": pgettext_lazy("sms", "Thank you, added to report %(ref)s."),
    "answer_with_id": pgettext_lazy("sms", "To answer, start with %(ref)s."),
    "which_report": pgettext_lazy("sms", "Which report is this about? Start with: %(refs)s"),
    "write_after_id": pgettext_lazy("sms", "Write your message after %(ref)s."),
    "cancelled": pgettext_lazy("sms", "Report cancelled. Send KUFATILIA to start again."),
    "pick_number": pgettext_lazy("sms", "Please send one number. %(menu)s"),
    "empty": pgettext_lazy("sms", "Please write a description."),
    "status": pgettext_lazy("sms", "Report %(ref)s: %(status)s."),
    # incident statuses as STATUS tells them
    "status_new": pgettext_lazy("sms", "received"),
    "status_monitoring": pgettext_lazy("sms", "being monitored"),
    "status_resolved": pgettext_lazy("sms", "resolved"),
    "status_persistent": pgettext_lazy("sms", "persistent"),
    "status_unresolved": pgettext_lazy("sms", "not resolved"),
    # the category menu (incidents.categories.CODES order)
    "category_violence": pgettext_lazy("sms", "Violence/theft"),
    "category_accident": pgettext_lazy("sms", "Accident"),
    "category_corruption": pgettext_lazy("sms", "Corruption"),
    "category_roadblock": pgettext_lazy("sms", "Roadblock"),
    "category_child_labour": pgettext_lazy("sms", "Child labour"),
    "category_environment": pgettext_lazy("sms", "Environment"),
    "category_industrial": pgettext_lazy("sms", "Conflict"),
    "category_other": pgettext_lazy("sms", "Other"),
    # Matokeo
    "matokeo_options": pgettext_lazy("sms", "Matokeo: send MATOKEO GOLD, MATOKEO TIN or MATOKEO COBALT."),
    "matokeo_none": pgettext_lazy("sms", "Matokeo: no %(name)s price yet."),
    "matokeo_price": pgettext_lazy(
        "sms", "%(name)s: %(price)s %(currency)s/%(unit)s %(market)s, %(date)s (source: %(source)s)"
    ),
    "matokeo_stale": pgettext_lazy("sms", " OLD PRICE: %(days)s days."),
    "mineral_gold": pgettext_lazy("sms", "Gold"),
    "mineral_tin": pgettext_lazy("sms", "Tin"),
    "mineral_cobalt": pgettext_lazy("sms", "Cobalt"),
}


def text(key: str, language: str, **values: object) -> str:
    """One text in `language` (sw, fr or en), formatted, not yet fitted to GSM-7."""
    with translation.override(language if language in LANGUAGES else "sw"):
        template = str(TEXTS[key])
    return template % values if values else template


def render(key: str, language: str, **values: object) -> str:
    """One text in `language`, formatted and fitted to the GSM-7 alphabet."""
    return to_gsm7(text(key, language, **values))
