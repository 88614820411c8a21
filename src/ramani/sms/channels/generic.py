"""Generic JSON webhook: POST /sms/generic/<channel>/receive?key=… {"from", "to", "text", "id"}
(the key may also come in the X-Ramani-Key header). The reply comes back in the answer as
{"reply": "…"}, unless the channel has a `url`: then replies are POSTed there as
{"to", "text", "id"} by the outbox worker (with `Authorization: Bearer <token>` when `token` is set)."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _

from ramani.sms.channels.base import Incoming, Request, RequestRejected, clean_text, http_post

KIND, LABEL = "generic", "Generic JSON webhook"
CHOICE_LABEL = _("Generic JSON webhook")  # the admin's, translated; LABEL (docs, CLI, errors) stays English
MAX_BODY = 16 * 1024
SETTINGS = ("url", "token")


def verify(request: Request, settings: dict) -> None:
    """No signature: the channel key (checked for every kind) is this gateway's authentication."""


def parse(request: Request, settings: dict) -> Incoming:
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestRejected('body must be JSON: {"from", "to", "text", "id"}') from None
    if not isinstance(data, dict) or not isinstance(data.get("from"), str) or not clean_text(data["from"]):
        raise RequestRejected("'from' is required")
    text = data.get("text", "")
    if not isinstance(text, str):
        raise RequestRejected("'text' must be a string")
    provider_id = data.get("id")
    if provider_id is not None and not isinstance(provider_id, (str, int)):
        raise RequestRejected("'id' must be a string")
    return Incoming(
        provider_id=clean_text(provider_id, 100),
        sender=clean_text(data["from"], 40),
        to=clean_text(data.get("to"), 40),
        text=clean_text(text),
    )


def dedup_key(incoming: Incoming) -> str | None:
    return incoming.provider_id or None


def replies_in_response(settings: dict) -> bool:
    return not settings.get("url")


def reply(text: str) -> tuple[str, str]:
    """(content type, body) of the HTTP answer carrying a reply."""
    return "application/json", json.dumps({"reply": text}, ensure_ascii=False)


def send(settings: dict, to: str, text: str, status_url: str) -> str:
    headers = {"Content-Type": "application/json"}
    if settings.get("token"):
        headers["Authorization"] = f"Bearer {settings['token']}"
    body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
    http_post("generic", settings["url"], headers, body)
    return ""
