from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class RequestRejected(Exception):
    """The request is not a message we accept (bad signature, missing fields); `status` for the answer."""

    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.status = status


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
    provider_id: str  # may be empty or not unique (Android gateway): de-duplication also uses sender+text
    sender: str
    to: str
    text: str
    received_at: dt.datetime | None = None
