"""Public pages. Views parse the request, ask the domain, render."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ramani.sites import field_visits, stats


def about(request: HttpRequest) -> HttpResponse:
    summary = stats.registry_summary(dt.date.today())
    context = {"summary": summary, "page": "about", "synthetic": summary["synthetic"], **field_visits.counts()}
    return render(request, "web/about.html", {**context, "visit_definition": field_visits.DEFINITION})


def set_language(request: HttpRequest, code: str) -> HttpResponse:
    """Remember the reader's language in a cookie and go back where they were (a plain link, no form)."""
    home = reverse("map")
    target = request.GET.get("next") or home
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = home
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            path=settings.LANGUAGE_COOKIE_PATH,
        )
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    connection.ensure_connection()
    return JsonResponse({"status": "ok", "database": connection.vendor})


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages that name no icon (JSON answers, /api/docs)."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("web/favicon.svg"))
