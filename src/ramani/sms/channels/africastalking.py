"""Africa's Talking: inbound form POST (from, to, text, date, id, linkId); outbound
POST {url}/version1/messaging with header apikey and form username, to, message, from.
Africa's Talking does not sign callbacks: the callback URL carries a secret token
(?token=…, settings.token) that must match."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from ramani.sms.channels.base import Incoming, Request, RequestRejected


def parse(request: Request, settings: dict) -> Incoming:
    token = settings.get("token", "")
    if not token or not hmac.compare_digest(request.query.get("token", ""), token):
        raise RequestRejected("bad or missing token", 403)
    sender = request.param("from")
    if not sender:
        raise RequestRejected("'from' is required")
    return Incoming(provider_id=request.param("id")[:100], sender=sender, to=request.param("to"),
                    text=request.param("text"))


def reply(text: str) -> tuple[str, str]:
    return "text/plain", ""


def send_request(settings: dict, to: str, text: str) -> tuple[str, dict, bytes]:
    body = {"username": settings.get("username", ""), "to": to, "message": text}
    if settings.get("from"):
        body["from"] = settings["from"]
    url = settings.get("url", "https://api.africastalking.com").rstrip("/") + "/version1/messaging"
    return url, {"apikey": settings.get("apikey", ""), "Accept": "application/json",
                 "Content-Type": "application/x-www-form-urlencoded"}, urlencode(body).encode()
