"""Gateway webhooks: parse nothing here; store, process, answer as the gateway expects."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ramani.sms import anonymity, inbox, store
from ramani.sms.channels import ADAPTERS, REPLY_IN_RESPONSE
from ramani.sms.channels.base import Request, RequestRejected
from ramani.sms.models import Channel, Outbound

log = logging.getLogger("ramani.sms")


def _request(request: HttpRequest) -> Request:
    form = {k: request.POST.get(k, "") for k in request.POST} if request.method == "POST" and \
        request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data") else {}
    return Request(method=request.method, url=request.build_absolute_uri(), query={k: request.GET.get(k, "") for k in request.GET},
                   form=form, body=request.body, headers={k.lower(): v for k, v in request.headers.items()})


def _channel(kind: str, slug: str) -> Channel | None:
    return store.channel(kind, slug)


@csrf_exempt
def receive(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    channel = _channel(kind, slug)
    if channel is None or kind not in ADAPTERS:
        return JsonResponse({"detail": "no such channel"}, status=404)
    stored = inbox.receive(channel, _request(request))  # committed before anything can fail
    try:
        outcome = inbox.process(stored)
    except Exception as exc:  # stored: `ramani sms worker` will process it again
        log.error("inbound %s: %s", stored, anonymity.redact(str(exc)))
        outcome = inbox.Outcome()
    if outcome.rejected is not None:
        return JsonResponse({"detail": "request not accepted"}, status=outcome.rejected)
    reply = outcome.reply
    if kind in REPLY_IN_RESPONSE and not channel.settings.get("url"):
        # this gateway carries the reply in the HTTP answer: that is the sending
        Outbound.objects.filter(in_reply_to_id=stored, status=Outbound.QUEUED).update(
            status=Outbound.SENT, sent=timezone.now(), provider_id="in-http-response")
    else:
        reply = None  # sent by the outbox worker
    content_type, body = ADAPTERS[kind].reply(reply or "")
    return HttpResponse(body, content_type=content_type)


@csrf_exempt
def kannel_status(request: HttpRequest, slug: str) -> HttpResponse:
    from ramani.sms.channels import kannel

    if _channel("kannel", slug) is None:
        return JsonResponse({"detail": "no such channel"}, status=404)
    try:
        outbound_id, status = kannel.parse_status(_request(request))
    except RequestRejected as exc:
        return JsonResponse({"detail": exc.reason}, status=400)
    Outbound.objects.filter(id=int(outbound_id), channel__slug=slug).update(status=status)
    return HttpResponse("ok", content_type="text/plain")
