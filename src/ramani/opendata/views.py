"""Thin Django adapters over the framework-neutral open-data functions."""

from __future__ import annotations

import orjson
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from ramani.opendata import ogcapi


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("ogc-landing")).rstrip("/")


def _wants_html(request: HttpRequest) -> bool:
    f = request.GET.get("f")
    if f:
        return f == "html"
    accept = request.headers.get("Accept", "")
    return accept.startswith("text/html")


def _respond(request: HttpRequest, answer_of, title: str) -> HttpResponse:
    """(Repeated requests are answered by opendata.cache before they reach here.)"""
    answer = answer_of()
    f = request.GET.get("f")
    if f and f not in ("json", "html"):
        answer = ogcapi.Answer(400, {"code": "InvalidParameterValue", "description": "f: expected json or html"})
    if _wants_html(request) and answer.status == 200:
        from ramani.opendata import pages

        return pages.ogc_page(request, answer.body)
    response = HttpResponse(orjson.dumps(answer.body), status=answer.status, content_type=answer.media_type)
    response["Access-Control-Allow-Origin"] = "*"
    for k, v in answer.headers.items():
        response[k] = v
    return response


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in request.GET}


@require_GET
def landing(request):
    return _respond(request, lambda: ogcapi.landing(_base(request)), "Ramani OGC API - Features")


@require_GET
def conformance(request):
    return _respond(request, ogcapi.conformance, "Conformance")


@require_GET
def api(request):
    return _respond(request, lambda: ogcapi.api_document(_base(request)), "OpenAPI definition")


@require_GET
def collections(request):
    return _respond(request, lambda: ogcapi.collections(_base(request)), "Collections")


@require_GET
def collection(request, collection_id: str):
    return _respond(request, lambda: ogcapi.collection(_base(request), collection_id), collection_id)


@require_GET
def items(request, collection_id: str):
    return _respond(
        request,
        lambda: ogcapi.items(_base(request), collection_id, _params(request)),
        f"{collection_id}: items",
    )


@require_GET
def item(request, collection_id: str, feature_id: str):
    return _respond(
        request, lambda: ogcapi.item(_base(request), collection_id, feature_id), f"{collection_id}: {feature_id}"
    )


def download(request, collection: str, fmt: str):
    """`/opendata/download/<sites|visits|ipis>.<csv|geojson|gpkg|fgb|xlsx>?<same filters as the API>`."""
    from django.http import FileResponse, StreamingHttpResponse

    from ramani.opendata import exports, query

    if collection not in exports.COLLECTIONS or fmt not in exports.FORMATS:
        return JsonResponse({"detail": f"no download {collection}.{fmt}"}, status=404)
    params = {k: v for k, v in _params(request).items() if v}
    allowed = query.SITE_PARAMS if collection == "sites" else query.VISIT_PARAMS
    unknown = set(params) - set(allowed)
    if unknown:
        return JsonResponse({"detail": f"unknown parameter(s): {', '.join(sorted(unknown))}"}, status=400)
    try:
        # check the filters before streaming starts, so that a bad value is a 400, not a broken download
        (query.filter_sites if collection == "sites" else query.filter_visits)(params).exists()
        filename = f"ramani-{collection}.{fmt}"
        if fmt == "csv":
            response = StreamingHttpResponse(exports.stream_csv(collection, params), content_type=exports.FORMATS[fmt])
        elif fmt == "geojson":
            response = StreamingHttpResponse(
                exports.stream_geojson(collection, params), content_type=exports.FORMATS[fmt]
            )
        else:
            handle, filename = exports.open_file(collection, fmt, params)
            response = FileResponse(handle, content_type=exports.FORMATS[fmt])
    except (query.FilterError, exports.ExportError) as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = '<https://opendatacommons.org/licenses/by/1-0/>; rel="license"'
    return response
