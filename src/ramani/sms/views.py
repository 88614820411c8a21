"""Gateway webhooks: authenticate the caller, store, process, answer as the gateway expects.

Nothing is stored and nothing is answered to a caller without the channel's key (and the
gateway's signature where it signs): 403. Views parse nothing themselves."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ramani.sms import anonymity, inbox, store
from ramani.sms.channels import ADAPTERS
from ramani.sms.channels.base import Request, RequestRejected, same_secret
from ramani.sms.channels.kannel import parse_status
from ramani.sms.models import Channel

log = logging.getLogger("ramani.sms")


def _refuse(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _authenticated(request: HttpRequest, kind: str, slug: str) -> tuple[Channel | None, JsonResponse | None]:
    """The channel when the caller holds its key; else the answer to give (nothing read, nothing stored).

    An unknown channel gets the same answer as a wrong key: a caller learns nothing without a key."""
    channel = store.channel(kind, slug) if kind in ADAPTERS else None
    given = request.GET.get("key") or request.headers.get("X-Ramani-Key", "")
    if channel is None or not same_secret(given, str(channel.settings.get("key", ""))):
        return None, _refuse(403, "missing or wrong channel key")
    return channel, None


def _request(request: HttpRequest, limit: int) -> Request:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > limit:
        raise RequestRejected(f"body over {limit} bytes", 413)
    body = request.body
    seen = Request(
        method=request.method or "GET",
        url=request.build_absolute_uri(),
        query={k: request.GET.get(k, "") for k in request.GET},
        form={},
        body=body,
        headers={k.lower(): v for k, v in request.headers.items()},
    )
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        try:
            return replace(seen, form={k: request.POST.get(k, "") for k in request.POST})
        except (SuspiciousOperation, MultiPartParserError, ValueError) as exc:  # too many fields, a broken form …
            raise UnreadableForm(seen, type(exc).__name__) from None
    return seen


class UnreadableForm(Exception):
    """An authenticated request whose form Django cannot read: it is kept (sealed) and answered 400."""

    def __init__(self, request: Request, reason: str):
        super().__init__(reason)
        self.request = request
        self.reason = f"unreadable form ({reason})"


@csrf_exempt
@require_http_methods(["GET", "POST"])  # a HEAD would mark a reply sent while its body is dropped
def receive(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    channel, refusal = _authenticated(request, kind, slug)
    if channel is None:
        return refusal
    adapter = ADAPTERS[kind]
    try:
        incoming = _request(request, adapter.MAX_BODY)
        adapter.verify(incoming, channel.settings)
    except UnreadableForm as exc:  # the key was right: keep what came, as every other authenticated request …
        try:
            adapter.verify(exc.request, channel.settings)  # … unless the gateway signs the form it could not read
        except RequestRejected as refused:
            return _refuse(refused.status, refused.reason)
        inbox.keep_unreadable(channel, exc.request, exc.reason)
        return _refuse(400, "request not accepted")
    except RequestRejected as exc:
        return _refuse(exc.status, exc.reason)
    received = inbox.receive(channel, incoming)  # committed before anything can fail
    if received.rejected == 503:  # the database is unavailable: nothing could be kept, the gateway retries
        response = _refuse(503, "not stored; retry")
        response["Retry-After"] = "30"
        return response
    if received.rejected is not None:
        return _refuse(received.rejected, "request not accepted")
    try:
        inbox.process(received.inbound_id, channel, received.sender_hash)
    except Exception as exc:  # stored: `ramani sms worker` will process it again
        log.error("inbound %s: %s", received.inbound_id, anonymity.redact(repr(exc))[:300])
    if adapter.replies_in_response(channel.settings):
        if inbox.waiting(received.inbound_id):
            # stored but not yet answered: the gateway's retry will carry the reply (the worker cannot)
            response = _refuse(503, "stored; retry for the reply")
            response["Retry-After"] = "5"
            return response
        content_type, body = adapter.reply(inbox.reply_in_response(received.inbound_id) or "")
    else:
        content_type, body = adapter.reply("")
    return HttpResponse(body, content_type=content_type)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def kannel_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Kannel's delivery report (dlr-url): moves one of this channel's messages forward, never back."""
    channel, refusal = _authenticated(request, "kannel", slug)
    if channel is None:
        return refusal
    try:
        outbound_id, status = parse_status(_request(request, 4096))
    except UnreadableForm:
        return _refuse(400, "unreadable delivery report")
    except RequestRejected as exc:
        return _refuse(exc.status, exc.reason)
    store.record_delivery(channel.id, outbound_id, status)
    return HttpResponse("ok", content_type="text/plain")
