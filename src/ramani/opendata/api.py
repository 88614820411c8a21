"""The REST API (django-ninja; OpenAPI at /api/openapi.json, docs at /api/docs).

Handlers parse, call the query/feature/risk functions, and shape JSON. Every bad value is a
documented 400 `{"detail", "param"}`; an unknown pcode a 404; wrong types a 422 from ninja.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import orjson
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError

from ramani.analysis.api import router as analysis_router
from ramani.incidents import public as public_incidents
from ramani.opendata import features, query, risk, rows, schemas
from ramani.roadblocks.api import router as roadblocks_router
from ramani.sites import stats, trends
from ramani.sites.models import Site, Visit, VisitArmedGroup, VisitMineral
from ramani.sites.qualification import QUALIFICATION_PROJECT

api = NinjaAPI(
    title="Ramani open data API",
    version="1.0",
    urls_namespace="api",
    description="Artisanal mining sites and field visits of eastern DR Congo. Licence ODC-BY 1.0 for "
    "IPIS data. See also the OGC API - Features service at /ogcapi/.",
)


class Error(Schema):
    detail: str
    param: str | None = None


class Invalid(Schema):
    detail: str
    errors: list[dict]


@api.exception_handler(query.FilterError)
def _filter_error(request, exc: query.FilterError):
    return api.create_response(request, {"detail": exc.message, "param": exc.param}, status=400)


Flag = Literal["true", "false"]
DATE = r"^\d{4}-\d{2}-\d{2}$"
NUMBER = r"-?\d+(\.\d+)?"
BBOX = rf"^{NUMBER}(,{NUMBER}){{3}}$"
INTERVAL = r"^(\d{4}-\d{2}-\d{2}|\.\.|)(/(\d{4}-\d{2}-\d{2}|\.\.|))?$"
D = query.SITE_PARAMS | query.VISIT_PARAMS


def _f(name: str, **kw):
    return Field(None, description=D[name], **kw)


class _CommonFilters(Schema):
    province: str | None = _f("province")
    territoire: str | None = _f("territoire")
    pcode: str | None = _f("pcode")
    mineral: str | None = _f("mineral")
    year: int | None = _f("year", ge=1990, le=2100)
    armed_presence: Flag | None = _f("armed_presence")
    armed_group_type: str | None = _f("armed_group_type")
    mercury: Flag | None = _f("mercury")
    child_labour: Flag | None = _f("child_labour")
    bbox: str | None = _f("bbox", pattern=BBOX)
    datetime: str | None = _f("datetime", pattern=INTERVAL)


class VisitFilters(_CommonFilters):
    project: str | None = _f("project")
    source: str | None = _f("source")


class SiteFilters(_CommonFilters):
    q: str | None = _f("q")
    qualification: Literal["vert", "jaune", "rouge", "bleu", "none"] | None = _f("qualification")
    on: str | None = _f("on", pattern=DATE)


def _params(filters: Schema) -> dict[str, str]:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else str(v))
        for k, v in filters.dict().items()
        if v not in (None, "")
    }


def _page(request, collection: str, params: dict[str, str], qs, limit: int, offset: int, results) -> HttpResponse:
    """A page as JSON: count (remembered per revision and filters), links, and `results(qs, offset, limit)`,
    serialised by orjson straight from the rows (the shape the schema of the endpoint declares); `results(qs, offset,
    limit, key)` reads the page (key: the selection, for keyset reads of next pages)."""
    selection = rows.key(collection, params)
    count = rows.count(selection, qs)
    page = results(qs, offset, limit, key=selection)

    def link(new_offset: int) -> str:
        q = request.GET.copy()
        q["offset"], q["limit"] = str(new_offset), str(limit)
        return request.build_absolute_uri(f"{request.path}?{q.urlencode()}")

    body = {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": link(offset + limit) if offset + len(page) < count else None,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "results": page,
    }
    return HttpResponse(orjson.dumps(body), content_type="application/json")


@api.get(
    "/sites",
    response={200: schemas.SitePage, 400: Error, 422: Invalid},
    summary="List sites (filters, pages with next links)",
)
def list_sites(
    request,
    filters: Query[SiteFilters],
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    """Sites matching every filter given. Visit filters (mineral, year, armed_presence, armed_group_type, mercury,
    child_labour, datetime) match sites with at least one visit meeting all of them together."""
    params = _params(filters)
    qs = query.filter_sites(params)
    on = query.parse_date("on", params["on"]) if params.get("on") else None

    def results(qs, offset: int, limit: int, key: tuple) -> list[dict]:
        return [
            {
                **f["properties"],
                "longitude": f["geometry"]["coordinates"][0] if f["geometry"] else None,
                "latitude": f["geometry"]["coordinates"][1] if f["geometry"] else None,
            }
            for f in rows.site_features(qs, offset, limit, on, key)
        ]

    return _page(request, "sites", params, qs, limit, offset, results)


def _site_or_404(pcode: str):
    return Site.objects.filter(pcode=pcode).first()


def _visit_dict(v: Visit) -> dict:
    data = {
        f.name: getattr(v, f.attname)
        for f in Visit._meta.concrete_fields
        if f.name not in ("site", "key", "row_hash", "import_run", "geom_ewkb")
    }
    data["visit_date"] = v.visit_date.isoformat()
    data["minerals"] = [
        {
            "position": m.position,
            "mineral": m.mineral,
            "selling_points": m.selling_points,
            "final_destination": m.final_destination,
        }
        for m in v.mineral_slots.all()
    ]
    data["armed_groups"] = [
        {"position": g.position, "name": g.name, "type": g.type, "frequency": g.frequency, "activities": g.activities()}
        for g in v.armed_groups.all()
    ]
    return data


@api.get(
    "/sites/{pcode}",
    response={200: schemas.SiteDetail, 400: Error, 404: Error, 422: Invalid},
    summary="One site with its visits and qualification",
)
def get_site(
    request,
    pcode: str,
    on: str | None = Query(None, pattern=DATE, description="Date YYYY-MM-DD for the qualification (default today)"),
):
    """The site, its visits, its qualification on `on` with why (decision in force, expiry, blue turned red), and
    its published Kufatilia incidents (date, title, category, subcategory)."""
    site = _site_or_404(pcode)
    if site is None:
        return Status(404, {"detail": f"no site {pcode}"})
    day = query.parse_date("on", on) if on else dt.date.today()
    feature = features.site_features([site], day)[0]
    held = site.status_on(day)
    iso = lambda d: d.isoformat() if d else None  # noqa: E731
    qualification_on = {
        "on": day.isoformat(),
        "status": held.status,
        "decided": held.decided,
        "decided_on": iso(held.decided_on),
        "since": iso(held.since),
        "valid_until": iso(held.valid_until),
        "review_due": iso(held.review_due),
        "expired": held.expired,
        "automatic": held.automatic,
    }
    visits = site.visits.prefetch_related("mineral_slots", "armed_groups").order_by("visit_date", "id")
    return {
        **feature["properties"],
        "longitude": site.longitude,
        "latitude": site.latitude,
        "visits": [_visit_dict(v) for v in visits],
        "qualification_on": qualification_on,
        "qualification_history": [
            {"date": q.date.isoformat(), "status": q.status, "reference": q.reference, "visit_id": q.visit_id}
            for q in site.qualifications.order_by("date", "id")
        ],
        "incidents": public_incidents.of_site(site.pcode, with_codes=True),
        "links": {
            "risk": request.build_absolute_uri(reverse("api:site_risk", args=[pcode])),
            "ogc_feature": request.build_absolute_uri(reverse("ogc-item", args=["sites", pcode])),
        },
    }


@api.get(
    "/sites/{pcode}/risk",
    response={200: schemas.Risk, 400: Error, 404: Error, 422: Invalid},
    summary="Due-diligence red flags for a site as of a date",
)
def site_risk(request, pcode: str, on: str | None = Query(None, pattern=DATE, description="Date YYYY-MM-DD")):
    """What a buyer must see before sourcing from this site, from the evidence dated on or before `on` (default
    today): armed interference and by whom, interference by state security forces, child labour, mercury,
    qualification status and whether it is legally valid that day, and how old the latest field evidence is. Each
    red flag names the visit it comes from."""
    site = _site_or_404(pcode)
    if site is None:
        return Status(404, {"detail": f"no site {pcode}"})
    return risk.assess(site, query.parse_date("on", on) if on else dt.date.today())


@api.get(
    "/visits",
    response={200: schemas.VisitPage, 400: Error, 422: Invalid},
    summary="List visits (filters, pages with next links)",
)
def list_visits(
    request,
    filters: Query[VisitFilters],
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    params = _params(filters)

    def results(qs, offset: int, limit: int, key: tuple) -> list:
        return rows.visit_records(qs, offset, limit, key)

    return _page(request, "visits", params, query.filter_visits(params), limit, offset, results)


@api.get(
    "/summary",
    response={200: schemas.Summary, 400: Error, 422: Invalid},
    summary="Counts for the dashboard (same filters as /sites)",
)
def summary(request, filters: Query[SiteFilters]):
    params = _params(filters)
    sites = query.filter_sites(params)
    visits = Visit.objects.filter(site__in=sites).exclude(project=QUALIFICATION_PROJECT)
    if params.get("year"):
        visits = visits.filter(visit_date__year=query.parse_year(params["year"]))
    figures = trends.field_visit_figures(visits)
    by_year = [
        {
            **row,
            "with_presence": row["sites_with_presence"],
            "with_mercury": row["sites_with_mercury"],
            "with_children": row["sites_with_children"],
        }
        for row in figures["by_year"]
    ]
    group_types = list(
        VisitArmedGroup.objects.filter(visit__in=visits)
        .exclude(type="")
        .values("type")
        .annotate(visits=Count("visit", distinct=True), sites=Count("visit__site", distinct=True))
        .order_by("-sites")
    )
    minerals = list(
        VisitMineral.objects.filter(visit__in=visits)
        .exclude(mineral="")
        .values("mineral")
        .annotate(visits=Count("visit", distinct=True), sites=Count("visit__site", distinct=True))
        .order_by("-sites")
    )
    on = query.parse_date("on", params["on"]) if params.get("on") else dt.date.today()
    return {
        "sites": sites.count(),
        "visits": visits.count(),
        "by_province": figures["by_province"],
        "by_year": by_year,
        "minerals": minerals,
        "armed_group_types": group_types,
        "armed_group_types_by_year": figures["armed_group_types_by_year"],
        "armed_classes_by_year": figures["armed_classes_by_year"],
        "workers_bands": figures["workers_bands"],
        "qualification": dict(stats.qualification_counts(on, sites)),
        "qualification_on": on.isoformat(),
    }


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = [
        {k: (v if isinstance(v, (str, int, float, bool, list, type(None))) else str(v)) for k, v in e.items()}
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": "invalid request", "errors": errors}, status=422)


api.add_router("/roadblocks", roadblocks_router)
api.add_router("/analysis", analysis_router)
