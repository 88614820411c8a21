"""SMS Gateway for Android (capcom6): a phone as the gateway.

Inbound webhook (event sms:received) at /sms/android/<channel>/receive?key=…, JSON signed with
HMAC-SHA256 over the raw body followed by the X-Timestamp header, hex in X-Signature. The app
retries until it gets a 2xx, and its messageId is NOT unique: a retry repeats messageId AND
receivedAt, a new message does not (see dedup_key).
Outbound: POST {url}/3rdparty/v1/messages {"message", "phoneNumbers": [...]} with basic auth.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from ramani.sms.channels.base import Incoming, Request, RequestRejected, clean_text, http_post, same_secret

KIND, LABEL = "android", "SMS Gateway for Android"
MAX_BODY = 16 * 1024
SETTINGS = ("secret", "url", "username", "password")
MAX_SKEW_SECONDS = 300


def signature(secret: str, body: bytes, timestamp: str) -> str:
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def verify(request: Request, settings: dict, now: float | None = None) -> None:
    secret = settings.get("secret", "")
    if not secret:
        raise RequestRejected("channel has no signing secret (settings.secret)", 403)
    timestamp = request.headers.get("x-timestamp", "")
    if (
        not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12)
        or abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS
    ):
        raise RequestRejected("missing or stale X-Timestamp", 403)
    if not same_secret(request.headers.get("x-signature", "").lower(), signature(secret, request.body, timestamp)):
        raise RequestRejected("bad X-Signature", 403)


def parse(request: Request, settings: dict) -> Incoming:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestRejected("not an sms:received webhook: body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise RequestRejected("not an sms:received webhook: no payload object")
    if data.get("event") != "sms:received":
        raise RequestRejected(f"event {clean_text(data.get('event'), 40)!r} is not handled", 202)
    payload = data["payload"]
    sender = payload.get("phoneNumber")
    if not isinstance(sender, (str, int)) or not clean_text(sender, 40):
        raise RequestRejected("payload.phoneNumber is required")
    message = payload.get("message")
    if message is not None and not isinstance(message, str):
        raise RequestRejected("payload.message must be a string")
    return Incoming(
        provider_id=clean_text(payload.get("messageId"), 100),
        sender=clean_text(sender, 40),
        to=clean_text(payload.get("simNumber"), 40),
        text=clean_text(message),
        extra=clean_text(payload.get("receivedAt"), 60),
    )


def dedup_key(incoming: Incoming) -> str | None:
    """messageId is reused by the app; with receivedAt it names one message (a retry repeats both)."""
    if not incoming.provider_id:
        return None
    if incoming.extra:
        return f"{incoming.provider_id}|{incoming.extra}"
    return f"{incoming.provider_id}|{incoming.sender}|{incoming.text}"


def replies_in_response(settings: dict) -> bool:
    return False


def reply(text: str) -> tuple[str, str]:
    return "application/json", "{}"


def send_request(settings: dict, to: str, text: str) -> tuple[str, dict, bytes]:
    """(url, headers, body) of the outbound API call."""
    auth = base64.b64encode(f"{settings.get('username', '')}:{settings.get('password', '')}".encode()).decode()
    body = json.dumps({"message": text, "phoneNumbers": [to]}, ensure_ascii=False).encode()
    url = settings.get("url", "https://api.sms-gate.app").rstrip("/") + "/3rdparty/v1/messages"
    return url, {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}, body


def send(settings: dict, to: str, text: str, status_url: str) -> str:
    url, headers, body = send_request(settings, "+" + to.lstrip("+"), text)
    answer = http_post("android", url, headers, body)
    try:
        found = json.loads(answer).get("id", "")
    except (ValueError, AttributeError):
        found = ""
    return clean_text(found, 100)
