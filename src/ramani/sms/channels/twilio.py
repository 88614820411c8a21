"""Twilio: inbound form POST (MessageSid, From, To, Body …) signed in X-Twilio-Signature
(base64 HMAC-SHA1 of the full URL followed by the sorted POST parameters, keyed with the auth
token); the reply is TwiML <Response><Message>…</Message></Response> in the HTTP answer.
With `account_sid` and `from` set, replies are sent through Twilio's Messages API instead."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from ramani.sms.channels.base import Incoming, Request, RequestRejected, clean_text, http_post, same_secret

KIND, LABEL = "twilio", "Twilio"
MAX_BODY = 16 * 1024
SETTINGS = ("auth_token", "public_url", "account_sid", "from", "url")


def signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(
        hmac.new(auth_token.encode(), data.encode("utf-8", "replace"), hashlib.sha1).digest()
    ).decode()


def verify(request: Request, settings: dict) -> None:
    token = settings.get("auth_token", "")
    if not token:
        raise RequestRejected("channel has no auth_token", 403)
    url = settings.get("public_url") or request.url  # the URL configured in Twilio, when behind a proxy
    if not same_secret(request.headers.get("x-twilio-signature", ""), signature(token, url, request.form)):
        raise RequestRejected("bad X-Twilio-Signature", 403)


def parse(request: Request, settings: dict) -> Incoming:
    sender = clean_text(request.form.get("From"), 40)
    if not sender:
        raise RequestRejected("'From' is required")
    return Incoming(
        provider_id=clean_text(request.form.get("MessageSid"), 100),
        sender=sender,
        to=clean_text(request.form.get("To"), 40),
        text=clean_text(request.form.get("Body")),
    )


def dedup_key(incoming: Incoming) -> str | None:
    return incoming.provider_id or None


def replies_in_response(settings: dict) -> bool:
    return not settings.get("account_sid")


def reply(text: str) -> tuple[str, str]:
    message = f"<Message>{escape(text)}</Message>" if text else ""
    return "application/xml", f'<?xml version="1.0" encoding="UTF-8"?><Response>{message}</Response>'


def send(settings: dict, to: str, text: str, status_url: str) -> str:
    sid = settings["account_sid"]
    auth = base64.b64encode(f"{sid}:{settings.get('auth_token', '')}".encode()).decode()
    url = settings.get("url", "https://api.twilio.com").rstrip("/") + f"/2010-04-01/Accounts/{sid}/Messages.json"
    body = urlencode({"To": "+" + to.lstrip("+"), "From": settings.get("from", ""), "Body": text}).encode()
    answer = http_post(
        "twilio", url, {"Authorization": f"Basic {auth}", "Content-Type": "application/x-www-form-urlencoded"}, body
    )
    try:
        return clean_text(json.loads(answer).get("sid", ""), 100)
    except (ValueError, AttributeError):
        return ""
