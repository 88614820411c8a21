"""Request hygiene shared by every view."""

from __future__ import annotations

from django.http import JsonResponse


def reject_nul(get_response):
    """A NUL character in the path or a parameter is never meaningful, and PostgreSQL refuses it
    in text: answer 400 up front instead of failing deep in a query."""

    def middleware(request):
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in request.GET.getlist(k))
                                         for k in request.GET):
            return JsonResponse({"detail": "NUL characters are not allowed in requests"}, status=400)
        return get_response(request)

    return middleware


def language(get_response):
    """The reader's language: the one they chose (cookie), else French, the institute's language —
    not the browser's Accept-Language, so that a shared link opens the same for everyone."""
    from django.conf import settings
    from django.utils import translation

    known = {code for code, _ in settings.LANGUAGES}

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in known else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        response = get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            translation.deactivate()
            return response
        response.headers.setdefault("Content-Language", code)
        if "Vary" in response.headers:
            if "cookie" not in response.headers["Vary"].lower():
                response.headers["Vary"] += ", Cookie"
        else:
            response.headers["Vary"] = "Cookie"
        translation.deactivate()
        return response

    return middleware


def client_ip(request) -> str | None:
    """The client's address for login throttling (django-axes). Behind the TLS proxy (RAMANI_HTTPS=1) it is the
    last address of X-Forwarded-For, the one the proxy itself appended or set (any earlier one came from the
    client and can be forged); served directly, REMOTE_ADDR."""
    from django.conf import settings

    if getattr(settings, "HTTPS", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a 429 page (JSON for a script) saying for how long."""
    from axes.helpers import get_cool_off, get_lockout_message
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    message = str(get_lockout_message())
    headers = {"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else {}
    if "application/json" in request.headers.get("Accept", "") or request.headers.get("X-Requested-With"):
        response = JsonResponse({"detail": message, "retry_after_minutes": minutes}, status=429)
    else:
        response = render(request, "web/locked_out.html", {"message": message, "minutes": minutes}, status=429)
    for name, value in headers.items():
        response[name] = value
    return response
