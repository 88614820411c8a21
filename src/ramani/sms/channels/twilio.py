"""Twilio: inbound form POST (MessageSid, From, To, Body …) signed in X-Twilio-Signature
(base64 HMAC-SHA1 of the full URL followed by the sorted POST parameters, keyed with the auth
token); the reply is TwiML <Response><Message>…</Message></Response> in the HTTP answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
from xml.sax.saxutils import escape

from ramani.sms.channels.base import Incoming, Request, RequestRejected


def signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def parse(request: Request, settings: dict) -> Incoming:
    token = settings.get("auth_token", "")
    if not token:
        raise RequestRejected("channel has no auth_token", 403)
    url = settings.get("public_url") or request.url  # the URL configured in Twilio, when behind a proxy
    if not hmac.compare_digest(request.headers.get("x-twilio-signature", ""), signature(token, url, request.form)):
        raise RequestRejected("bad X-Twilio-Signature", 403)
    if not request.form.get("From"):
        raise RequestRejected("'From' is required")
    return Incoming(provider_id=request.form.get("MessageSid", "")[:100], sender=request.form["From"],
                    to=request.form.get("To", ""), text=request.form.get("Body", ""))


def reply(text: str) -> tuple[str, str]:
    message = f"<Message>{escape(text)}</Message>" if text else ""
    return "application/xml", f'<?xml version="1.0" encoding="UTF-8"?><Response>{message}</Response>'
