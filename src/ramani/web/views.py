"""Public pages. Views parse the request, ask the domain, render."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ramani.sites import stats


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"summary": stats.registry_summary(dt.date.today())})


def healthz(request: HttpRequest) -> JsonResponse:
    connection.ensure_connection()
    return JsonResponse({"status": "ok", "database": connection.vendor})
