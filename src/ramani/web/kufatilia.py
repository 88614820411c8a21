"""The public face of Kufatilia: published incidents only, and of them only what is safe —
report ID, date, title, status, category, province and territoire (never a point, a village or
the reporter's words)."""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from ramani.incidents import categories
from ramani.incidents.models import Incident, Status
from ramani.incidents.territories import public_version
from ramani.opendata.exports import neutralise
from ramani.web.incident_overlay import map_config

PUBLIC_COLUMNS = ("report_id", "date", "title", "status", "category", "subcategory", "province", "territoire")
LICENCE = "ODC-BY 1.0"


def public_rows(request: HttpRequest) -> list[dict]:
    """The published incidents as the public may see them, with the page's filters."""
    qs = Incident.objects.published().order_by("-occurred_on", "-published_on")
    if request.GET.get("category") in categories.CODES:
        qs = qs.filter(category=request.GET["category"])
    if request.GET.get("status") in Status.values:
        qs = qs.filter(status=request.GET["status"])
    if request.GET.get("province"):
        qs = qs.filter(province=request.GET["province"][:60])
    language = translation.get_language() or "fr"
    statuses = dict(Status.choices)
    return [
        {
            "report_id": i.report_id,
            "date": (i.occurred_on or i.created.date()).isoformat(),
            "title": i.title,
            "status": str(statuses[i.status]),
            "category": categories.label(i.category, language[:2]),
            "subcategory": i.subcategory,
            "province": i.province,
            "territoire": i.territoire,
        }
        for i in qs.only(
            "report_id",
            "occurred_on",
            "created",
            "title",
            "status",
            "category",
            "subcategory",
            "province",
            "territoire",
        )[:10_000]
    ]


def dashboard(request: HttpRequest) -> HttpResponse:
    rows = public_rows(request)
    fmt = request.GET.get("format")
    if fmt == "json":
        return JsonResponse({"licence": LICENCE, "incidents": rows}, json_dumps_params={"ensure_ascii": False})
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=PUBLIC_COLUMNS)
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kufatilia-incidents.csv"'
        return response
    context = {
        "rows": rows,
        "by_category": Counter(r["category"] for r in rows).most_common(),
        "by_status": Counter(r["status"] for r in rows).most_common(),
        "by_territoire": Counter((r["province"], r["territoire"]) for r in rows).most_common(),
        "charts": {
            "category": Counter(r["category"] for r in rows).most_common(),
            "status": Counter(r["status"] for r in rows).most_common(),
            "province": Counter(r["province"] or "—" for r in rows).most_common(),
            "month": sorted(Counter(r["date"][:7] for r in rows).items()),
        },
        "categories": [(c, categories.label(c, (translation.get_language() or "fr")[:2])) for c in categories.CODES],
        "statuses": Status.choices,
        "provinces": sorted(set(Incident.objects.published().exclude(province="").values_list("province", flat=True))),
        "params": {k: request.GET.get(k, "") for k in ("category", "status", "province")},
        "query": request.GET.urlencode(),
        "licence": LICENCE,
        "incident_map": map_config(reverse("kufatilia-territoires") + f"?v={public_version()}"),
        "page": "kufatilia",
    }
    return render(request, "web/kufatilia.html", context)


def by_pcode(request: HttpRequest, pcode: str) -> JsonResponse:
    """The real Kufatilia API's shape: the published incidents of one mining site."""
    from ramani.incidents.public import of_site

    return JsonResponse({"incidents": of_site(pcode)})


def territoires(request: HttpRequest) -> HttpResponse:
    """Published incidents per territoire: simplified polygons with `count` (GeoJSON), for the maps. Cacheable:
    `?v=` the publication version (given by the pages) makes it immutable until the next publication."""
    from ramani.incidents.territories import public_aggregate

    body, version = public_aggregate()
    etag = f'"{version}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    fresh = request.GET.get("v") == version
    response["Cache-Control"] = "public, max-age=31536000, immutable" if fresh else "public, max-age=60"
    return response
