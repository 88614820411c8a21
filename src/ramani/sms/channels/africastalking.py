"""Africa's Talking: inbound form POST (from, to, text, date, id, linkId) to the callback URL
/sms/africastalking/<channel>/receive?key=… (Africa's Talking does not sign callbacks: the key in
the URL is the authentication); outbound POST {url}/version1/messaging with header apikey and
form username, to, message, from."""

from __future__ import annotations

from urllib.parse import urlencode

from ramani.sms.channels.base import Incoming, Request, RequestRejected, clean_text, http_post

KIND, LABEL = "africastalking", "Africa's Talking"
MAX_BODY = 16 * 1024
SETTINGS = ("username", "apikey", "from", "url")


def verify(request: Request, settings: dict) -> None:
    """No signature: the channel key in the callback URL authenticates Africa's Talking."""


def parse(request: Request, settings: dict) -> Incoming:
    sender = clean_text(request.param("from"), 40)
    if not sender:
        raise RequestRejected("'from' is required")
    return Incoming(
        provider_id=clean_text(request.param("id"), 100),
        sender=sender,
        to=clean_text(request.param("to"), 40),
        text=clean_text(request.param("text")),
    )


def dedup_key(incoming: Incoming) -> str | None:
    return incoming.provider_id or None


def replies_in_response(settings: dict) -> bool:
    return False


def reply(text: str) -> tuple[str, str]:
    return "text/plain", ""


def send_request(settings: dict, to: str, text: str) -> tuple[str, dict, bytes]:
    body = {"username": settings.get("username", ""), "to": to, "message": text}
    if settings.get("from"):
        body["from"] = settings["from"]
    url = settings.get("url", "https://api.africastalking.com").rstrip("/") + "/version1/messaging"
    return (
        url,
        {
            "apikey": settings.get("apikey", ""),
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        urlencode(body).encode(),
    )


def send(settings: dict, to: str, text: str, status_url: str) -> str:
    url, headers, body = send_request(settings, "+" + to.lstrip("+"), text)
    http_post("africastalking", url, headers, body)
    return ""
