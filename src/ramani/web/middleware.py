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
