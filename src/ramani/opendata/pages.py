"""The open-data pages for people: /opendata/ (downloads, APIs, the data dictionary), the data dictionary as
CSV and JSON, the HXL-tagged CSV downloads, and the HTML rendering of the OGC API answers — all in the site's
base template and the reader's language."""

from __future__ import annotations

import csv
import io
import json

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext, gettext_lazy
from django.views.decorators.http import require_GET

from ramani.opendata import dictionary, exports, hxl, ogcapi, query
from ramani.sites import field_visits, stats

_ = gettext_lazy

# What a person reads of each collection (the JSON keeps the service's English title and description).
COLLECTION_TEXTS = {
    "sites": (
        _("Artisanal mining sites"),
        _("One feature per site (pcode), with its qualification status today and its latest field visit."),
    ),
    "visits": (_("Field visits"), _("One feature per visit, with every column of the IPIS open-data format.")),
    "roadblocks": (
        _("Roadblocks"),
        _("One feature per surveyed roadblock: operators, what is taxed and the toll, road, violence, source."),
    ),
    "incidents": (
        _("Kufatilia incidents (published)"),
        _("One feature per published Kufatilia incident, drawn as its territoire, never as a point."),
    ),
}
LINK_LABELS = {
    "self": _("This document (JSON)"),
    "alternate": _("This page"),
    "service-desc": _("API definition (OpenAPI)"),
    "service-doc": _("API documentation"),
    "conformance": _("Conformance classes"),
    "data": _("Collections"),
    "license": _("Licence"),
    "next": _("Next page"),
    "prev": _("Previous page"),
    "collection": _("Collection"),
}


def _synthetic() -> bool:
    return stats.any_synthetic()


def collection_text(collection_id: str, title: str = "", description: str = "") -> tuple[str, str]:
    found = COLLECTION_TEXTS.get(collection_id)
    if found:
        return str(found[0]), str(found[1])
    return (gettext(title) if title else collection_id), (gettext(description) if description else "")


def _link(link: dict) -> dict:
    rel, media = link.get("rel", ""), link.get("type", "")
    if rel == "items":
        label = gettext("Features (HTML)") if media == "text/html" else gettext("Features (GeoJSON)")
    else:
        label = str(LINK_LABELS.get(rel, link.get("title") or rel))
    return {"href": link["href"], "label": label, "rel": rel, "type": media}


def _cell(value) -> str:
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _meanings(collection_id: str) -> dict[str, str]:
    for t in dictionary.tables():
        if t.id == collection_id:
            return {f.name: f.meaning for f in t.fields}
    return {}


def ogc_page(request: HttpRequest, body: dict) -> HttpResponse:
    """An OGC API answer as a page: what it is, its links, and its features as a table."""
    context: dict = {"page": "opendata", "synthetic": _synthetic(), "links": [], "kind": "document"}
    if "conformsTo" in body:
        context.update(kind="conformance", title=gettext("Conformance classes"), classes=body["conformsTo"])
    elif "openapi" in body:
        context.update(kind="document", title=gettext("API definition (OpenAPI)"))
        context["pretty"] = json.dumps(body, indent=2, ensure_ascii=False)[:200_000]
    elif "collections" in body:
        rows = []
        for c in body["collections"]:
            title, description = collection_text(c["id"], c.get("title", ""), c.get("description", ""))
            rows.append({"id": c["id"], "title": title, "description": description})
        context.update(kind="collections", title=gettext("Collections"), collections=rows)
    elif body.get("itemType") == "feature":
        title, description = collection_text(body["id"], body.get("title", ""), body.get("description", ""))
        extent = body.get("extent", {})
        context.update(
            kind="collection",
            collection_id=body["id"],
            title=title,
            description=description,
            bbox=", ".join(f"{v:.3f}" for v in extent.get("spatial", {}).get("bbox", [[]])[0]),
            interval=" – ".join(d[:10] for d in (extent.get("temporal", {}).get("interval", [[]])[0] or []) if d),
        )
    elif body.get("type") == "FeatureCollection":
        collection_id = request.resolver_match.kwargs.get("collection_id", "") if request.resolver_match else ""
        feats = body.get("features", [])
        names = list(dict.fromkeys(k for f in feats for k in f.get("properties", {})))
        context.update(
            kind="items",
            collection_id=collection_id,
            title=collection_text(collection_id)[0],
            returned=body.get("numberReturned", len(feats)),
            matched=body.get("numberMatched"),
            names=names,
            rows=[(f.get("id"), [_cell(f["properties"].get(n)) for n in names]) for f in feats],
        )
    elif body.get("type") == "Feature":
        collection_id = request.resolver_match.kwargs.get("collection_id", "") if request.resolver_match else ""
        meanings = _meanings(collection_id)
        context.update(
            kind="item",
            collection_id=collection_id,
            title=f"{collection_text(collection_id)[0]} · {body.get('id')}",
            properties=[(k, meanings.get(k, ""), _cell(v)) for k, v in body.get("properties", {}).items()],
        )
    else:
        context.update(
            kind="landing",
            title=gettext("OGC API – Features"),
            description=gettext("Artisanal mining sites, field visits and more of eastern DR Congo, for GIS software."),
        )
    context["links"] = [_link(link) for link in body.get("links", []) if link.get("type") != "text/html"]
    context["ogc_url"] = request.build_absolute_uri(reverse("ogc-landing")).rstrip("/")
    return render(request, "opendata/ogc.html", context)


FORMAT_LABELS = {"csv": "CSV", "geojson": "GeoJSON", "gpkg": "GeoPackage", "fgb": "FlatGeobuf", "xlsx": "Excel"}


def _downloads() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(collection, its name, [(format, label)]) of every download: the IPIS table only as CSV and GeoJSON."""
    names = {"sites": gettext("Sites"), "visits": gettext("Visits"), "ipis": gettext("IPIS format (84 columns)")}
    out = []
    for c in exports.COLLECTIONS:
        formats = [f for f in exports.FORMATS if c != "ipis" or f in ("csv", "geojson")]
        out.append((c, names.get(c, c), [(f, FORMAT_LABELS.get(f, f)) for f in formats]))
    return out


def _layer_downloads() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(collection title, collection id, [(href, label)]) of the other domains' layers: the supply-chain layers'
    files (csv, geojson, gpkg) and, for every layer, its OGC API items as GeoJSON."""
    from django.urls import reverse

    from ramani.supplychain.export import FORMATS
    from ramani.supplychain.formats import LAYERS

    files = {
        layer.collection: [
            (reverse("supplychain-download", args=[name, f.lstrip(".")]), FORMAT_LABELS.get(f.lstrip("."), f))
            for f in FORMATS
        ]
        for name, layer in LAYERS.items()
    }
    out = []
    for cid, c in ogcapi.COLLECTIONS.items():
        if cid in exports.COLLECTIONS:
            continue  # sites and visits: the downloads above
        title = collection_text(cid, c.title)[0]
        ogc = f"{reverse('ogc-landing')}collections/{cid}/items?f=json&limit=10000"
        out.append((title, cid, files.get(cid) or [(ogc, gettext("GeoJSON (OGC API)"))]))
    return out


def opendata_page(request: HttpRequest) -> HttpResponse:
    from ramani.sites.models import Site

    names = dictionary.vocabularies()
    tables = dictionary.tables()
    used = sorted({f.vocabulary for t in tables for f in t.fields if f.vocabulary})
    return render(
        request,
        "opendata/index.html",
        {
            "page": "opendata",
            "downloads": _downloads(),
            "layer_downloads": _layer_downloads(),
            "hxl_collections": hxl.COLLECTIONS,
            "sites": Site.objects.count(),
            **field_visits.counts(),
            "visit_definition": field_visits.DEFINITION,
            "synthetic": _synthetic(),
            "licence": ogcapi.LICENCE,
            "tables": tables,
            "vocabularies": [(name, names[name]) for name in used],
            "ogc_url": request.build_absolute_uri(reverse("ogc-landing")).rstrip("/"),
        },
    )


@require_GET
def dictionary_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """/opendata/dictionary.csv and .json, in the reader's language (or ?lang=fr|en|sw)."""
    if fmt not in ("csv", "json"):
        return JsonResponse(
            {"detail": f"no dictionary.{fmt}: there are dictionary.csv and dictionary.json"}, status=404
        )
    language = request.GET.get("lang") or get_language()
    if language not in dictionary.LANGUAGE_INDEX:
        return JsonResponse({"detail": "lang: expected fr, en or sw"}, status=400)
    from django.utils import translation

    with translation.override(language):
        if fmt == "json":
            response: HttpResponse = JsonResponse(
                dictionary.as_json(language), json_dumps_params={"ensure_ascii": False}
            )
        else:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(dictionary.as_rows(language))
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ramani-dictionary-{language}.{fmt}"'
    return response


@require_GET
def hxl_download(request: HttpRequest, collection: str) -> HttpResponse:
    """/opendata/download/<sites|visits>.hxl.csv?<the API's filters>: the CSV with a row of HXL hashtags."""
    if collection not in hxl.COLLECTIONS:
        return JsonResponse({"detail": f"no HXL download {collection}; there are: sites, visits"}, status=404)
    params = {k: v for k, v in request.GET.items() if v}
    allowed = query.SITE_PARAMS if collection == "sites" else query.VISIT_PARAMS
    unknown = set(params) - set(allowed)
    if unknown:
        return JsonResponse({"detail": f"unknown parameter(s): {', '.join(sorted(unknown))}"}, status=400)
    try:
        (query.filter_sites if collection == "sites" else query.filter_visits)(params).exists()
    except query.FilterError as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    response = StreamingHttpResponse(hxl.stream_csv(collection, params), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ramani-{collection}-hxl.csv"'
    response["Link"] = '<https://opendatacommons.org/licenses/by/1-0/>; rel="license"'
    return response
