"""What every gateway adapter shares: the request it sees, the message it reads, the errors it raises,
and the one HTTP call an outbound send makes.

An adapter module exposes:
  KIND, LABEL           its registry name and a human label (English: the docs and the CLI name it so)
  CHOICE_LABEL          optional: LABEL translated (gettext_lazy), the admin's choice, when it is no proper name
  MAX_BODY              the largest request body it accepts (bytes); larger is refused before storing
  SETTINGS              the gateway settings it reads (docs and the CLI list them)
  verify(request, settings)   raise RequestRejected(…, 403) unless the gateway signed the request
  parse(request, settings)    -> Incoming, or RequestRejected(…, 400)
  dedup_key(incoming)         what identifies a gateway retry (None: the gateway gives nothing reliable)
  replies_in_response(settings)  True when the reply travels in the HTTP answer to the inbound request
  reply(text)                 -> (content type, body) of that answer
  send(settings, to, text, status_url)  hand one message to the gateway; returns its id ("" if none)
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from dataclasses import dataclass


class RequestRejected(Exception):
    """The request is not a message we accept (bad signature, missing fields); `status` for the answer."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class SendError(Exception):
    """The gateway did not take an outbound message (it will be retried)."""


@dataclass(frozen=True)
class Request:
    """What an adapter sees of an HTTP request."""

    method: str
    url: str
    query: dict[str, str]
    form: dict[str, str]
    body: bytes
    headers: dict[str, str]  # lower-case names

    def param(self, name: str) -> str:
        return self.form.get(name) or self.query.get(name) or ""


@dataclass(frozen=True)
class Incoming:
    provider_id: str  # may be empty or not unique (Android gateway): see each adapter's dedup_key
    sender: str
    to: str
    text: str
    received_at: dt.datetime | None = None
    extra: str = ""  # anything else the gateway repeats on a retry only (Android's receivedAt)


def clean_text(value: object, limit: int = 5000) -> str:
    """A gateway's text as a string that any database and any encoder accepts: lone surrogates and
    control characters (NUL above all) replaced, new lines kept as spaces."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates -> '?'
    return "".join(" " if c in "\r\n\t" else c for c in text[:limit] if c >= " " or c in "\r\n\t").strip()


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison that accepts any text (non-ASCII included) without raising."""
    import hmac

    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


def http_post(label: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float = 20) -> str:
    """POST (GET when body is None) and return the answer's start; SendError on any failure.

    The error never repeats the URL or the exception's text (they hold the recipient's number, the
    gateway password or the channel key): only the HTTP status and the kind of failure."""
    try:
        request = urllib.request.Request(url, data=body, headers=headers, method="GET" if body is None else "POST")
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            answer = resp.read(2000).decode("utf-8", "replace")
            status = resp.status
    except urllib.error.HTTPError as exc:
        raise SendError(f"{label}: HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, str) else type(exc.reason).__name__
        raise SendError(f"{label}: cannot reach the gateway ({reason})") from None
    except Exception as exc:  # a malformed URL or answer (http.client's errors are not OSErrors)
        raise SendError(f"{label}: {type(exc).__name__}") from None
    if status not in (200, 201, 202):
        raise SendError(f"{label} answered HTTP {status}")
    return answer
