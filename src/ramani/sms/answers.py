"""Which report a reporter's text is about, when partners write to them (`sms.reporter`).

A reporter's later texts thread onto their last report. When a partner writes about another of their
reports, its message asks them to start their answer with that report's ID, and the ask is noted on
their conversation. Then, until the asks expire (THREAD_DAYS):

- a text naming one of their own report IDs (anywhere, however written) goes to that report;
- a text naming none is ambiguous: it is held (redacted), and the reporter asked which report it is
  about; the report they then name, among those offered, gets it. Nothing held is ever dropped: when
  the asks expire unanswered, what is held goes where it would have gone without them (the thread's
  report), by the reporter's next text or the worker's hourly pass (`release_expired`).

Kept under one key of the conversation's data ("followup"), which a new questionnaire keeps too.
Everything here runs under the sender's lock (inbox processing; `workflow.message_reporter`).
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from ramani.incidents.models import Incident, IncidentMessage
from ramani.sms.anonymity import redact
from ramani.sms.keywords import match
from ramani.sms.models import Channel, Conversation
from ramani.sms.texts import render

THREAD_DAYS = 7
KEY = "followup"
MAX_HELD = 50  # beyond, the oldest goes where it would have gone without the asks (never dropped)
REPORT_ID = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{8}(?![0-9A-Za-z])")
STRIP = " \t\n:.,;-()[]#*"


def _state(conv: Conversation) -> dict:
    return dict(conv.data.get(KEY) or {})


def _save(conv: Conversation, state: dict) -> None:
    """Write the state without touching `updated` (the thread's own window is the reporter's, not a partner's)."""
    data = {k: v for k, v in conv.data.items() if k != KEY}
    state["asked"] = {ref: state["asked"][ref] for ref in _recent(state)}  # expired asks are forgotten
    if state.get("asked") or state.get("held"):
        data[KEY] = state
    conv.data = data
    Conversation.objects.filter(pk=conv.pk).update(data=data)


def kept(data: dict) -> dict:
    """What of a conversation's data a new questionnaire keeps: the asks and what is held."""
    return {KEY: data[KEY]} if data.get(KEY) else {}


def _recent(state: dict, exclude: str | None = None) -> list[str]:
    since = timezone.now() - dt.timedelta(days=THREAD_DAYS)
    return [
        ref for ref, at in state.get("asked", {}).items() if ref != exclude and dt.datetime.fromisoformat(at) >= since
    ]


def asked_lately(conv: Conversation) -> bool:
    """Whether a partner asked lately (a done conversation stays open for the answer)."""
    return bool(_recent(_state(conv)))


def note_ask(conv: Conversation, incident: Incident) -> None:
    state = _state(conv)
    state["asked"] = {**state.get("asked", {}), incident.report_id: timezone.now().isoformat()}
    _save(conv, state)


def forget_ask(conv: Conversation, incident: Incident) -> None:
    state = _state(conv)
    state["asked"] = {ref: at for ref, at in state.get("asked", {}).items() if ref != incident.report_id}
    _save(conv, state)


def own_report(channel: Channel, sender_hash: str, text: str) -> tuple[Incident, str] | None:
    """The sender's own report on this channel that the text names by its ID ("5927C96B: ndiyo", "(5927C96B)
    ndiyo", "KUFATILIA 5927C96B", the ID alone), and the text without the ID and a leading KUFATILIA; None when
    it names none of their reports, or several, or starts with another keyword (STATUS <ID>, STOP …)."""
    named = {m.group(0).upper(): m for m in REPORT_ID.finditer(text)}
    if not named:
        return None
    first = match(text)
    if first is not None and first[0] != "kufatilia":
        return None
    mine = list(Incident.objects.filter(report_id__in=list(named)[:20], reporter_hash=sender_hash, channel=channel))
    if len(mine) != 1:
        return None
    found = named[mine[0].report_id]
    rest = (text[: found.start()] + " " + text[found.end() :]).strip(STRIP)
    words = rest.split(maxsplit=1)
    if words and (keyword := match(words[0])) is not None and keyword[0] == "kufatilia":
        rest = words[1].strip(STRIP) if len(words) > 1 else ""
    return mine[0], rest


def _deliver(incident: Incident, texts: list[str]) -> None:
    for text in texts:
        IncidentMessage.objects.create(incident=incident, text=text)


def _release(conv: Conversation, state: dict, keep: int = 0) -> dict:
    """Deliver what is held (all but the `keep` newest) to the report it would have gone to without the asks."""
    held = state.get("held") or {}
    texts = held.get("texts", [])
    go, stay = (texts[:-keep], texts[-keep:]) if keep else (texts, [])
    target = Incident.objects.filter(
        report_id=held.get("default", ""), reporter_hash=conv.sender_hash, channel_id=conv.channel_id
    ).first()
    if target is not None and go:
        _deliver(target, go)
    state["held"] = {**held, "texts": stay} if stay else {}
    return state


@transaction.atomic
def add(conv: Conversation, text: str) -> str:
    """A text that names no report, from a sender whose texts thread onto `conv.incident`."""
    state = _state(conv)
    current = conv.incident.report_id
    others = _recent(state, exclude=current)
    if state.get("held") and not others:  # the asks expired: what was held goes to the thread first
        state = _release(conv, state)
    if not others:
        _save(conv, state)
        IncidentMessage.objects.create(incident=conv.incident, text=redact(text)[:2000])
        conv.save()
        return render("added", conv.language, ref=current)
    held = state.get("held") or {"texts": [], "default": current}
    held["texts"] = [*held.get("texts", []), redact(text)[:2000]]
    held["offered"] = sorted({current, *others, *held.get("offered", [])})
    state["held"] = held
    if len(held["texts"]) > MAX_HELD:
        state = _release(conv, state, keep=MAX_HELD)
    _save(conv, state)
    return render("which_report", conv.language, refs=" / ".join([current, *sorted(others)]))


@transaction.atomic
def to_report(channel: Channel, sender_hash: str, incident: Incident, text: str, language: str) -> str:
    """What the reporter wrote naming one of their reports, with what was held for it if it was offered."""
    conv = Conversation.objects.select_for_update().filter(channel=channel, sender_hash=sender_hash).first()
    if conv is None:
        conv = Conversation.objects.create(channel=channel, sender_hash=sender_hash, state="done", language=language)
    state = _state(conv)
    held = state.get("held") or {}
    texts = [redact(text)[:2000]] if text else []
    if held.get("texts") and incident.report_id in held.get("offered", []):
        texts, state["held"] = [*held["texts"], *texts], {}
    if not texts:
        return render("write_after_id", conv.language, ref=incident.report_id)
    _deliver(incident, texts)
    state["asked"] = {ref: at for ref, at in state.get("asked", {}).items() if ref != incident.report_id}
    _save(conv, state)
    if conv.state == "done":  # their next texts thread onto it (not in the middle of a questionnaire)
        conv.incident = incident
        conv.save()
    return render("added", conv.language, ref=incident.report_id)


def release_expired() -> int:
    """The hourly pass: what is held for asks that expired goes to the thread's report (how many texts)."""
    released = 0
    from ramani.sms import store

    for conv in Conversation.objects.filter(data__has_key=KEY):
        with transaction.atomic():
            store.hold_sender(conv.channel_id, conv.sender_hash)  # the order every writer takes (store.hold_sender)
            conv = Conversation.objects.select_for_update().get(pk=conv.pk)
            state = _state(conv)
            if not (state.get("held") or {}).get("texts") or _recent(state):
                continue
            released += len(state["held"]["texts"])
            _save(conv, _release(conv, state))
    return released
