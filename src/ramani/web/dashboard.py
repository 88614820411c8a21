"""The open-data dashboard page (charts of /api/summary)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ramani.sites.models import Site


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {"page": "dashboard",
                                                  "synthetic": Site.objects.filter(synthetic=True).exists()})
