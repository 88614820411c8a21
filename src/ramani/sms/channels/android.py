"""SMS Gateway for Android (capcom6): a phone as the gateway.

Inbound webhook (event sms:received), JSON signed with HMAC-SHA256 over the raw body followed
by the X-Timestamp header, hex in X-Signature. The app retries until it gets a 2xx, and its
messageId is NOT unique: de-duplication uses sender + text (see inbox).
Outbound: POST {url}/3rdparty/v1/messages {"message", "phoneNumbers": [...]} with basic auth.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from ramani.sms.channels.base import Incoming, Request, RequestRejected

MAX_SKEW_SECONDS = 300


def signature(secret: str, body: bytes, timestamp: str) -> str:
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def parse(request: Request, settings: dict, now: float | None = None) -> Incoming:
    secret = settings.get("secret", "")
    if not secret:
        raise RequestRejected("channel has no signing secret (settings.secret)", 403)
    timestamp = request.headers.get("x-timestamp", "")
    given = request.headers.get("x-signature", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        raise RequestRejected("missing or stale X-Timestamp", 403)
    if not hmac.compare_digest(given.lower(), signature(secret, request.body, timestamp)):
        raise RequestRejected("bad X-Signature", 403)
    try:
        data = json.loads(request.body.decode("utf-8"))
        payload = data["payload"]
        if data.get("event") != "sms:received":
            raise RequestRejected(f"event {data.get('event')!r} is not handled", 202)
        return Incoming(provider_id=str(payload.get("messageId") or "")[:100], sender=str(payload["phoneNumber"]),
                        to=str(payload.get("simNumber") or ""), text=str(payload.get("message") or ""))
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise RequestRejected("not an sms:received webhook") from None


def reply(text: str) -> tuple[str, str]:
    return "application/json", "{}"


def send_request(settings: dict, to: str, text: str) -> tuple[str, dict, bytes]:
    """(url, headers, body) of the outbound API call."""
    auth = base64.b64encode(f"{settings.get('username', '')}:{settings.get('password', '')}".encode()).decode()
    body = json.dumps({"message": text, "phoneNumbers": [to]}, ensure_ascii=False).encode()
    url = settings.get("url", "https://api.sms-gate.app").rstrip("/") + "/3rdparty/v1/messages"
    return url, {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}, body
