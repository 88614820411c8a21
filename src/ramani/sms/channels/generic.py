"""Generic JSON webhook: POST /sms/generic/<channel>/receive {"from", "to", "text", "id"}."""

from __future__ import annotations

import json

from ramani.sms.channels.base import Incoming, Request, RequestRejected


def parse(request: Request, settings: dict) -> Incoming:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RequestRejected("body must be JSON: {\"from\", \"to\", \"text\", \"id\"}") from None
    if not isinstance(data, dict) or not isinstance(data.get("from"), str) or not data["from"].strip():
        raise RequestRejected("'from' is required")
    text = data.get("text", "")
    if not isinstance(text, str):
        raise RequestRejected("'text' must be a string")
    return Incoming(provider_id=str(data.get("id") or "")[:100], sender=data["from"], to=str(data.get("to") or ""),
                    text=text)


def reply(text: str) -> tuple[str, str]:
    """(content type, body) of the HTTP answer carrying a reply."""
    return "application/json", json.dumps({"reply": text}, ensure_ascii=False)
