"""The Kufatilia questionnaire as a state machine, one step per SMS:
language -> category -> where (resolved against the gazetteer, asking again when ambiguous)
-> when -> what happened -> a report with an 8-character ID. '0' restarts, 'cancel' stops it;
an idle questionnaire expires. Later texts from the same sender thread onto their report.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from ramani import config
from ramani.geo import gazetteer
from ramani.incidents import categories, workflow
from ramani.incidents.models import Incident
from ramani.sms import answers
from ramani.sms.anonymity import redact
from ramani.sms.keywords import fold
from ramani.sms.models import Channel, Conversation
from ramani.sms.texts import render

LANGUAGES = {
    "1": "sw",
    "2": "fr",
    "3": "en",
    "kiswahili": "sw",
    "swahili": "sw",
    "francais": "fr",
    "french": "fr",
    "english": "en",
    "anglais": "en",
    "kingereza": "en",
}
RESTART = {"0", "anza upya", "anza", "restart", "recommencer"}
CANCEL = {"cancel", "annuler", "ghairi", "sitisha"}
TODAY = {"leo", "today", "aujourd'hui", "aujourdhui", "maintenant", "now", "sasa"}
YESTERDAY = {"jana", "yesterday", "hier"}
THREAD_DAYS = answers.THREAD_DAYS
FREE_TEXT = {"where", "when", "what"}


def _t(key: str, language: str, **values) -> str:
    return render(key, language, **values)


def _menu(language: str) -> str:
    return " ".join(f"{i} {render('category_' + code, language)}" for i, code in enumerate(categories.CODES, start=1))


def questionnaire_timeout() -> dt.timedelta:
    return dt.timedelta(minutes=int(config.get("RAMANI_DIALOGUE_MINUTES")))


def start(channel: Channel, sender_hash: str, language: str | None = None) -> str:
    conv, _ = Conversation.objects.get_or_create(
        channel=channel, sender_hash=sender_hash, defaults={"state": "language"}
    )
    conv.data, conv.incident = answers.kept(conv.data), None
    if language in ("fr", "en"):  # they asked in French or English: no need to ask the language
        conv.state, conv.language = "category", language
        conv.save()
        return _t("category", language, menu=_menu(language))
    conv.state = "language"
    conv.save()
    return _t("language", "sw")


def open_conversation(channel: Channel, sender_hash: str) -> Conversation | None:
    """The sender's questionnaire in progress on this channel, or their report open for follow-ups, if any."""
    found = list(
        Conversation.objects.raw(
            "SELECT * FROM sms_conversation WHERE channel_id = %s AND sender_hash = %s", [channel.id, sender_hash]
        )
    )
    if not found:
        return None
    conv = found[0]
    age = timezone.now() - conv.updated
    if conv.state == "done":  # open for follow-ups a while after their last text, or a partner's last question
        recent = age <= dt.timedelta(days=THREAD_DAYS) or answers.asked_lately(conv)
        return conv if conv.incident_id and recent else None
    return conv if age <= questionnaire_timeout() else None


@transaction.atomic
def step(conv: Conversation, text: str) -> str:
    """Take one answer and return the next question (or the confirmation)."""
    answer = fold(text)
    lang = conv.language
    if conv.state == "done":
        return answers.add(conv, text)
    if answer in RESTART:
        return start(conv.channel, conv.sender_hash)
    if answer in CANCEL:
        if answers.kept(conv.data):  # texts held for partners' questions stay, for the reporter or the hourly pass
            conv.state, conv.incident, conv.data = "done", None, answers.kept(conv.data)
            conv.save()
        else:
            conv.delete()
        return _t("cancelled", lang)
    handler = {
        "language": _language,
        "category": _category,
        "where": _where,
        "where_choice": _where_choice,
        "when": _when,
        "what": _what,
    }[conv.state]
    reply = handler(conv, text, answer)
    conv.save()
    return reply


def _language(conv, text, answer):
    language = LANGUAGES.get(answer.split()[0] if answer else "")
    if language is None:
        return _t("language", "sw")
    conv.language, conv.state = language, "category"
    return _t("category", language, menu=_menu(language))


def _category(conv, text, answer):
    digits = re.findall(r"\d+", answer)
    if len(digits) != 1 or not 1 <= int(digits[0]) <= len(categories.CODES):
        return _t("pick_number", conv.language, menu=_menu(conv.language))
    conv.data["category"] = categories.CODES[int(digits[0]) - 1]
    conv.state = "where"
    return _t("where", conv.language)


def _distinct(places):
    seen, out = set(), []
    for p in places:
        key = (p.province, p.territoire, p.site_id or p.name)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _accept_place(conv, place) -> str:
    conv.data["place"] = {
        "name": place.name if place else "",
        "kind": place.kind if place else "",
        "province": place.province if place else "",
        "territoire": place.territoire if place else "",
        "site_id": place.site_id if place else None,
    }
    conv.state = "when"
    return _t("when", conv.language)


def _where(conv, text, answer):
    conv.data["where_text"] = redact(text)[:500]
    places = _distinct(gazetteer.resolve(text))
    if len(places) == 1:
        return _accept_place(conv, places[0])
    if len(places) > 1:
        conv.data["options"] = [[p.name, p.kind, p.province, p.territoire, p.site_id] for p in places]
        conv.state = "where_choice"
        return _t("where_choice", conv.language, options=_options(conv, places))
    tries = conv.data.get("where_tries", 0) + 1
    conv.data["where_tries"] = tries
    if tries >= 2:  # do not block a report on an unknown place: keep the text for the partner to place it
        return _accept_place(conv, None)
    return _t("where_again", conv.language)


def _options(conv, places) -> str:
    """As many numbered places as fit in one SMS (the rest can be told by typing the place again)."""
    from ramani.sms.gsm import parts

    shown: list[str] = []
    for i, place in enumerate(places, start=1):
        candidate = " ".join([*shown, f"{i} {place.describe()}"])
        if shown and parts(_t("where_choice", conv.language, options=candidate)) > 1:
            break
        shown.append(f"{i} {place.describe()}")
    conv.data["options"] = conv.data["options"][: len(shown)]
    return " ".join(shown)


def _where_choice(conv, text, answer):
    options = conv.data.get("options", [])
    if answer.isdigit() and 1 <= int(answer) <= len(options):
        name, kind, province, territoire, site_id = options[int(answer) - 1]
        return _accept_place(conv, gazetteer.Place(name, kind, province, territoire, site_id))
    conv.state = "where"
    return _where(conv, text, answer)


def _parse_when(answer: str, today: dt.date) -> dt.date | None:
    if answer in TODAY:
        return today
    if answer in YESTERDAY:
        return today - dt.timedelta(days=1)
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?", answer)
    if m:
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else today.year
        year += 2000 if year < 100 else 0
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return None
        return date if date <= today else None
    try:
        date = dt.date.fromisoformat(answer)
    except ValueError:
        return None
    return date if date <= today else None


def _when(conv, text, answer):
    conv.data["when_text"] = redact(text)[:200]
    occurred = _parse_when(answer, timezone.localdate())
    conv.data["occurred_on"] = occurred.isoformat() if occurred else None
    conv.state = "what"
    return _t("what", conv.language)


def _what(conv, text, answer):
    description = redact(text).strip()
    if not description:
        return _t("empty", conv.language)
    place = conv.data.get("place", {})
    incident = Incident.objects.create(
        category=conv.data["category"],
        language=conv.language,
        province=place.get("province", ""),
        territoire=place.get("territoire", ""),
        place=place.get("name", ""),
        site_id=place.get("site_id"),
        where_text=conv.data.get("where_text", ""),
        when_text=conv.data.get("when_text", ""),
        occurred_on=conv.data.get("occurred_on"),
        description=description[:2000],
        reporter_hash=conv.sender_hash,
        channel=conv.channel,
    )
    workflow.receive(incident)  # to the organisation covering the place (or the triage queue)
    conv.state, conv.incident, conv.data = "done", incident, answers.kept(conv.data)
    return _t("done", conv.language, ref=incident.report_id)


def status(channel: Channel, sender_hash: str, reference: str, language: str) -> str | None:
    """The status of one of the sender's own reports made on this channel (None when there is no such report)."""
    incident = Incident.objects.filter(
        report_id=reference.upper()[:8], reporter_hash=sender_hash, channel=channel
    ).first()
    if incident is None:
        return None
    return _t("status", language, ref=incident.report_id, status=render(f"status_{incident.status}", language))
