"""Kannel: an `sms-service` whose get-url/post-url calls us, and `/cgi-bin/sendsms` to send.

Inbound: GET or POST /sms/kannel/<channel>/receive?key=…&sender=%p&to=%P&text=%a&id=%I&ts=%T
(see docs/gateways.md for the stanza; post-url with the text in the body suits long messages).
Kannel sends the HTTP answer body back as the reply SMS, but Ramani answers empty and sends
replies through the outbox, so that a reply is never lost or sent twice whatever happens to
this request.
Outbound: sendsms with coding=2 and UTF-16BE text when the message is not GSM-7, and a
dlr-url back to /sms/kannel/<channel>/status?key=….
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from ramani.sms.channels.base import Incoming, Request, RequestRejected, clean_text, http_post
from ramani.sms.gsm import is_gsm7

KIND, LABEL = "kannel", "Kannel"
MAX_BODY = 32 * 1024
SETTINGS = ("url", "username", "password", "from", "smsc", "dlr_base")
DLR_MASK = 1 + 2 + 4 + 8 + 16  # delivered, undelivered, queued on SMSC, delivered to SMSC, not delivered to SMSC
# Kannel's report type -> what it says of the message: delivered and failed are final, the others mean "sent"
DLR_STATUS = {1: "delivered", 2: "failed", 4: "sent", 8: "sent", 16: "failed"}


def verify(request: Request, settings: dict) -> None:
    """Kannel cannot sign: the channel key in the get-url is its authentication."""


def parse(request: Request, settings: dict) -> Incoming:
    sender = clean_text(request.param("sender"), 40)
    if not sender:
        raise RequestRejected("'sender' is required (sms-service get-url ...?sender=%p&to=%P&text=%a&id=%I)")
    text = request.param("text")
    if not text and request.body and not request.form:  # post-url: the text is the body
        text = request.body.decode("utf-8", "replace")
    ts = request.param("ts")
    received = None
    if ts.isascii() and ts.isdigit() and len(ts) <= 12:
        try:
            received = dt.datetime.fromtimestamp(int(ts), tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            received = None
    return Incoming(
        provider_id=clean_text(request.param("id"), 100),
        sender=sender,
        to=clean_text(request.param("to"), 40),
        text=clean_text(text),
        received_at=received,
    )


def dedup_key(incoming: Incoming) -> str | None:
    return incoming.provider_id or None


def replies_in_response(settings: dict) -> bool:
    return False


def reply(text: str) -> tuple[str, str]:
    return "text/plain; charset=utf-8", ""


def sendsms_url(settings: dict, to: str, text: str, dlr_url: str) -> str:
    """The sendsms request for one message (coding=2 + UTF-16BE when the text is not GSM-7)."""
    params = {
        "username": settings.get("username", ""),
        "password": settings.get("password", ""),
        "to": to,
        "dlr-mask": str(DLR_MASK),
        "dlr-url": dlr_url,
    }
    if settings.get("from"):
        params["from"] = settings["from"]
    if settings.get("smsc"):
        params["smsc"] = settings["smsc"]
    if is_gsm7(text):
        params["text"] = text
        params["charset"] = "UTF-8"
    else:
        params["coding"] = "2"
        params["charset"] = "UTF-16BE"
        params["text"] = text.encode("utf-16-be")
    base = settings.get("url", "http://127.0.0.1:13013").rstrip("/")
    return f"{base}/cgi-bin/sendsms?{urlencode(params)}"  # bytes (UTF-16BE) are %-escaped as they are


def send(settings: dict, to: str, text: str, status_url: str) -> str:
    http_post("kannel sendsms", sendsms_url(settings, to, text, status_url + "&type=%d"), {}, None)
    return ""


def parse_status(request: Request) -> tuple[int, str]:
    """(outbox id, status) from a delivery report: dlr-url ...?id=<outbox id>&type=%d."""
    kind, outbound_id = request.param("type"), request.param("id")
    if not (kind.isdigit() and outbound_id.isdigit() and len(kind) <= 3 and len(outbound_id) <= 18):
        raise RequestRejected("delivery report needs numeric id and type")
    if int(kind) not in DLR_STATUS:
        raise RequestRejected(f"unknown delivery report type {kind}")
    return int(outbound_id), DLR_STATUS[int(kind)]
