"""Kannel: an `sms-service` whose get-url/post-url calls us, and `/cgi-bin/sendsms` to send.

Inbound: GET or POST /sms/kannel/<channel>/receive?sender=%p&to=%P&text=%a&id=%I&ts=%T (see
docs/gateways.md for the stanza). Kannel sends the HTTP answer body back as the reply SMS, but
Ramani answers empty and sends replies through the outbox, so that a reply is never lost or
sent twice whatever happens to this request.
Outbound: sendsms with coding=2 and UTF-16BE text when the message is not GSM-7, and a
dlr-url back to /sms/kannel/<channel>/status.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from ramani.sms.channels.base import Incoming, Request, RequestRejected
from ramani.sms.gsm import is_gsm7

DLR_MASK = 1 + 2 + 4 + 8 + 16  # delivered, undelivered, queued on SMSC, delivered to SMSC, not delivered to SMSC
DLR_STATUS = {1: "delivered", 2: "failed", 4: "queued", 8: "sent", 16: "failed"}


def parse(request: Request, settings: dict) -> Incoming:
    sender = request.param("sender")
    if not sender:
        raise RequestRejected("'sender' is required (sms-service get-url ...?sender=%p&to=%P&text=%a&id=%I)")
    ts = request.param("ts")
    received = None
    if ts.isdigit():
        received = dt.datetime.fromtimestamp(int(ts), tz=dt.timezone.utc)
    return Incoming(provider_id=request.param("id")[:100], sender=sender, to=request.param("to"),
                    text=request.param("text"), received_at=received)


def reply(text: str) -> tuple[str, str]:
    return "text/plain; charset=utf-8", ""


def sendsms_url(settings: dict, to: str, text: str, dlr_url: str) -> str:
    """The sendsms request for one message (coding=2 + UTF-16BE when the text is not GSM-7)."""
    params = {"username": settings.get("username", ""), "password": settings.get("password", ""),
              "to": to, "dlr-mask": str(DLR_MASK), "dlr-url": dlr_url}
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


def parse_status(request: Request) -> tuple[str, str]:
    """(outbox id, status) from a delivery report: dlr-url ...?id=<outbox id>&type=%d."""
    kind = request.param("type")
    if not kind.isdigit() or not request.param("id").isdigit():
        raise RequestRejected("delivery report needs numeric id and type")
    return request.param("id"), DLR_STATUS.get(int(kind), "sent")
