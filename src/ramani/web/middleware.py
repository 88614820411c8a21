"""Request hygiene shared by every view."""

from __future__ import annotations

from django.http import JsonResponse


def reject_nul(get_response):
    """A NUL character in the path or a parameter is never meaningful, and PostgreSQL refuses it
    in text: answer 400 up front instead of failing deep in a query."""

    def middleware(request):
        if "\x00" in request.path or any(
            "\x00" in k or any("\x00" in v for v in request.GET.getlist(k)) for k in request.GET
        ):
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
