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
import logging
import re

from django.db import transaction
from django.utils import timezone

from ramani.incidents.models import Incident, IncidentMessage
from ramani.sms.anonymity import redact
from ramani.sms.keywords import AMBIGUOUS_STOP, fold, match
from ramani.sms.models import Channel, Conversation
from ramani.sms.texts import render

log = logging.getLogger("ramani.sms")
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
    state["held"] = _held(state)
    if state["asked"] or state["held"]:
        data[KEY] = state
    conv.data = data
    Conversation.objects.filter(pk=conv.pk).update(data=data)


def kept(data: dict) -> dict:
    """What of a conversation's data a new questionnaire keeps: the asks and what is held."""
    return {KEY: data[KEY]} if data.get(KEY) else {}


def _recent(state: dict, exclude: str | None = None) -> list[str]:
    since = timezone.now() - dt.timedelta(days=THREAD_DAYS)
    asked = state.get("asked")
    return [
        ref
        for ref, at in (asked.items() if isinstance(asked, dict) else [])
        if ref != exclude and isinstance(at, str) and dt.datetime.fromisoformat(at) >= since
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
    it names none of their reports, or several, or is STATUS <ID> or STOP."""
    named = {m.group(0).upper(): m for m in REPORT_ID.finditer(text)}
    if not named:
        return None
    first = match(text)
    if first is not None and first[0] == "status" and len(first[2]) == 1:  # STATUS <ID>: the keyword's service
        return None
    if first is not None and first[0] == "stop" and fold(text).split()[0].strip(".,!:;") not in AMBIGUOUS_STOP:
        return None  # STOP, whatever follows (ACHA/SIMAMA followed by words are words: "acha nikueleze …")
    mine = list(Incident.objects.filter(report_id__in=list(named)[:20], reporter_hash=sender_hash, channel=channel))
    if len(mine) != 1:
        return None
    found = named[mine[0].report_id]
    rest = (text[: found.start()].rstrip() + " " + text[found.end() :].lstrip()).strip(STRIP)
    words = rest.split(maxsplit=1)
    if words and (keyword := match(words[0])) is not None and keyword[0] == "kufatilia":
        rest = words[1].strip(STRIP) if len(words) > 1 else ""
    return mine[0], rest


def _deliver(incident: Incident, entries: list[dict]) -> None:
    """Each text on the report, dated when the reporter wrote it (held or not)."""
    for entry in entries:
        message = IncidentMessage.objects.create(incident=incident, text=entry["text"])
        if entry.get("at"):
            IncidentMessage.objects.filter(pk=message.pk).update(created=dt.datetime.fromisoformat(entry["at"]))


def _held(state: dict) -> list[dict]:
    held = state.get("held")
    return [e for e in held if isinstance(e, dict) and e.get("text")] if isinstance(held, list) else []


def _own(conv: Conversation, ref: str) -> Incident | None:
    return Incident.objects.filter(report_id=ref, reporter_hash=conv.sender_hash, channel_id=conv.channel_id).first()


def _release(conv: Conversation, state: dict, entries: list[dict]) -> dict:
    """Deliver held entries where they would have gone without the asks (the thread's report when each was
    written); one whose report is gone goes to the current thread's, else stays held (never dropped)."""
    kept = [e for e in _held(state) if e not in entries]
    for entry in entries:
        target = _own(conv, entry.get("default", "")) or (
            _own(conv, conv.incident.report_id) if _thread(conv) else None
        )
        if target is None:
            log.error("a held text has no report to go to yet; kept")
            kept.append(entry)
        else:
            _deliver(target, [entry])
    state["held"] = kept
    return state


def _expired(entry: dict) -> bool:
    """Whether a held text waited its full time (counted from when it was written, however often partners ask)."""
    try:
        return dt.datetime.fromisoformat(entry["at"]) < timezone.now() - dt.timedelta(days=THREAD_DAYS)
    except (KeyError, TypeError, ValueError):  # unreadable: waited long enough
        return True


def _thread(conv: Conversation) -> bool:
    """Whether the conversation's report still exists (a deleted one leaves no thread)."""
    try:
        return conv.incident is not None
    except Incident.DoesNotExist:
        return False


@transaction.atomic
def add(conv: Conversation, text: str) -> str:
    """A text that names no report, from a sender whose texts thread onto `conv.incident`.

    Held when a partner asked about another report lately: each held text keeps the reports offered when it was
    written and the thread's report then, and goes only to one of those (`to_report`, `release_expired`)."""
    state = _state(conv)
    state = _release(conv, state, [e for e in _held(state) if _expired(e)])
    current = conv.incident.report_id
    others = _recent(state, exclude=current)
    if not others:
        _save(conv, state)
        _deliver(conv.incident, [{"text": redact(text)[:2000]}])
        conv.save()
        return render("added", conv.language, ref=current)
    offered = [current, *sorted(others)]  # the thread's report first
    entry = {"text": redact(text)[:2000], "at": timezone.now().isoformat(), "default": current, "offered": offered}
    state["held"] = [*_held(state), entry]
    if len(state["held"]) > MAX_HELD:  # never dropped: the oldest goes where it would have gone
        state = _release(conv, state, state["held"][: len(state["held"]) - MAX_HELD])
    _save(conv, state)
    return render("which_report", conv.language, refs=" / ".join(offered))


@transaction.atomic
def to_report(channel: Channel, sender_hash: str, incident: Incident, text: str, language: str) -> str:
    """What the reporter wrote naming one of their reports, after what was held for it (texts it was offered for)."""
    conv = Conversation.objects.select_for_update().filter(channel=channel, sender_hash=sender_hash).first()
    if conv is None:
        conv = Conversation.objects.create(channel=channel, sender_hash=sender_hash, state="done", language=language)
    state = _state(conv)
    held = _held(state)
    mine = [e for e in held if incident.report_id in e.get("offered", [])]
    entries = [*mine, *([{"text": redact(text)[:2000]}] if text else [])]
    if not entries:
        return render("write_after_id", conv.language, ref=incident.report_id)
    _deliver(incident, entries)
    state["held"] = [e for e in held if e not in mine]
    state["asked"] = {ref: at for ref, at in state.get("asked", {}).items() if ref != incident.report_id}
    _save(conv, state)
    if conv.state == "done":  # their next texts thread onto it (not in the middle of a questionnaire)
        conv.incident = incident
        conv.save()
    return render("added", conv.language, ref=incident.report_id)


def release_expired() -> int:
    """The hourly pass: held texts whose own wait expired go to their thread's report; expired asks are forgotten.
    Returns how many texts were delivered. A conversation that fails is logged and left for the next pass."""
    from ramani.sms import store

    released = 0
    for pk, channel_id, sender_hash in Conversation.objects.filter(data__has_key=KEY).values_list(
        "pk", "channel_id", "sender_hash"
    ):
        try:
            with transaction.atomic():
                store.hold_sender(channel_id, sender_hash)  # the order every writer takes (store.hold_sender)
                conv = Conversation.objects.select_for_update().get(pk=pk)
                state = _state(conv)
                due = [e for e in _held(state) if _expired(e)]
                state = _release(conv, state, due)
                released += len(due) - sum(1 for e in due if e in _held(state))
                _save(conv, state)
        except Exception as exc:  # one bad row must not stop the pass, nor the worker
            log.error("conversation %s: held texts not released: %s", pk, type(exc).__name__)
    return released
