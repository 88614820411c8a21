"""OGC API - Features (Part 1: core, geojson, oas30) as plain functions.

Each returns an `Answer` (status, headers, body as a dict) and knows nothing of HTTP
frameworks, in pygeoapi's manner; `views.py` adapts them to Django. GDAL's OAPIF driver and
QGIS need: landing links `service-desc` and `data`, `rel=next` links followed verbatim,
`numberMatched`, feature ids, and limit's default/maximum in the OpenAPI document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ramani.incidents import features as incident_features
from ramani.opendata import features, query, rows
from ramani.roadblocks import features as roadblock_features
from ramani.roadblocks.models import Roadblock
from ramani.sites.models import Site, Visit
from ramani.supplychain import features as supplychain_features
from ramani.supplychain.models import Depot, Destination, InterferenceZone, PointOfSale

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
MAX_OFFSET = 10_000_000  # as the REST API: beyond any registry, and far from the databases' integer limits
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
LICENCE = "ODC-BY-1.0"
ATTRIBUTION = "Mining-site data: IPIS (ODC-BY 1.0) where imported from IPIS; synthetic demo data is labelled so."
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
]
COMMON_PARAMS = {"f", "limit", "offset", "bbox", "datetime", "bbox-crs"}


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    media_type: str = "application/json"


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    params: dict[str, str]
    extent_field: str
    # a collection of another domain brings its model, filter (params -> queryset), features (page -> list)
    model: Any = None
    filter: Callable[[dict[str, str]], Any] | None = None
    features: Callable[[Any], list[dict]] | None = None


def _roadblocks(params: dict[str, str]):
    try:
        return roadblock_features.filter_roadblocks(params)
    except roadblock_features.BadParameter as exc:
        raise query.FilterError(exc.param, exc.message) from None


def _incidents(params: dict[str, str]):
    try:
        return incident_features.filter_incidents(params)
    except incident_features.BadParameter as exc:
        raise query.FilterError(exc.param, exc.message) from None


def _supplychain(kind: str | None):
    def run(params: dict[str, str]):
        try:
            if kind is None:
                return supplychain_features.filter_zones(params)
            return supplychain_features.filter_points(kind, params)
        except roadblock_features.BadParameter as exc:
            raise query.FilterError(exc.param, exc.message) from None

    return run


_TRADE_POINT = (
    ": name, minerals handled, locality, operator, country, date, source, project, admin units, and the mining "
    "sites linked to it (matched from the visits' selling points and final destinations; each link says what "
    "matched, how, and its score)."
)


COLLECTIONS = {
    "sites": Collection(
        "sites",
        "Artisanal mining sites",
        "One feature per site (pcode), with its qualification status today and the attributes of "
        "its latest field visit.",
        query.SITE_PARAMS,
        "last_visit_date",
    ),
    "visits": Collection(
        "visits",
        "Field visits",
        "One feature per visit, with every column of the IPIS open-data format.",
        query.VISIT_PARAMS,
        "visit_date",
    ),
    "roadblocks": Collection(
        "roadblocks",
        "Roadblocks",
        "One feature per surveyed roadblock (barrière routière): operators and their types, barrier types, what "
        "is taxed and the toll (as written, and read into amount, currency and unit), resources, road class, "
        "violence, source, project, admin units. Multi-values are comma-joined.",
        roadblock_features.PARAMS,
        "date",
        Roadblock,
        _roadblocks,
        roadblock_features.features,
    ),
    "incidents": Collection(
        "incidents",
        "Kufatilia incidents (published)",
        "One feature per published Kufatilia incident, drawn as its territoire's polygon (simplified), never a "
        "point: report ID, date, title, status, category, subcategory, province, territoire.",
        incident_features.PARAMS,
        "occurred_on",
        incident_features.OpenIncidents,
        _incidents,
        incident_features.features,
    ),
    "depots": Collection(
        "depots",
        "Trading depots",
        "One feature per mineral trading depot (dépôt commerçant)" + _TRADE_POINT,
        supplychain_features.POINT_PARAMS,
        "date",
        Depot,
        _supplychain("depot"),
        supplychain_features.point_features,
    ),
    "points_of_sale": Collection(
        "points_of_sale",
        "Mineral points of sale",
        "One feature per mineral point of sale" + _TRADE_POINT,
        supplychain_features.POINT_PARAMS,
        "date",
        PointOfSale,
        _supplychain("point_of_sale"),
        supplychain_features.point_features,
    ),
    "destinations": Collection(
        "destinations",
        "Mineral destinations",
        "One feature per mineral destination" + _TRADE_POINT,
        supplychain_features.POINT_PARAMS,
        "date",
        Destination,
        _supplychain("destination"),
        supplychain_features.point_features,
    ),
    "interference_zones": Collection(
        "interference_zones",
        "Zones of armed interference",
        "One (multi)polygon per zone of armed interference: armed group, group type, period (start, end; no end "
        "while it lasts), source, project, geodesic area.",
        supplychain_features.ZONE_PARAMS,
        "period_start",
        InterferenceZone,
        _supplychain(None),
        supplychain_features.zone_features,
    ),
}


def _error(status: int, code: str, description: str) -> Answer:
    return Answer(status, {"code": code, "description": description})


def landing(base: str) -> Answer:
    return Answer(
        200,
        {
            "title": "Ramani open data (OGC API - Features)",
            "description": "Artisanal mining sites and field visits in eastern DR Congo.",
            "links": [
                {"href": f"{base}/", "rel": "self", "type": "application/json", "title": "This document"},
                {"href": f"{base}/?f=html", "rel": "alternate", "type": "text/html", "title": "This document as HTML"},
                {"href": f"{base}/api", "rel": "service-desc", "type": OPENAPI, "title": "The API definition"},
                {"href": f"{base}/api?f=html", "rel": "service-doc", "type": "text/html", "title": "API documentation"},
                {
                    "href": f"{base}/conformance",
                    "rel": "conformance",
                    "type": "application/json",
                    "title": "Conformance classes",
                },
                {"href": f"{base}/collections", "rel": "data", "type": "application/json", "title": "Collections"},
                {"href": "https://opendatacommons.org/licenses/by/1-0/", "rel": "license", "title": LICENCE},
            ],
        },
    )


def conformance() -> Answer:
    return Answer(200, {"conformsTo": CONFORMANCE})


def _extent(c: Collection) -> dict:
    model = c.model or (Site if c.id == "sites" else Visit)
    from django.db.models import Max, Min

    agg = model.objects.aggregate(
        minx=Min("longitude"),
        miny=Min("latitude"),
        maxx=Max("longitude"),
        maxy=Max("latitude"),
        t0=Min(c.extent_field),
        t1=Max(c.extent_field),
    )
    bbox = [agg["minx"], agg["miny"], agg["maxx"], agg["maxy"]]
    extent = {
        "spatial": {
            "bbox": [bbox] if None not in bbox else [[-180, -90, 180, 90]],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        }
    }
    if agg["t0"]:
        extent["temporal"] = {
            "interval": [[f"{agg['t0']}T00:00:00Z", f"{agg['t1']}T23:59:59Z"]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return extent


def _collection_doc(base: str, c: Collection) -> dict:
    href = f"{base}/collections/{c.id}"
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "extent": _extent(c),
        "links": [
            {"href": href, "rel": "self", "type": "application/json", "title": c.title},
            {"href": f"{href}/items", "rel": "items", "type": GEOJSON, "title": f"{c.title} (GeoJSON)"},
            {"href": f"{href}/items?f=html", "rel": "items", "type": "text/html", "title": f"{c.title} (HTML)"},
            {"href": "https://opendatacommons.org/licenses/by/1-0/", "rel": "license", "title": LICENCE},
        ],
    }


def collections(base: str) -> Answer:
    return Answer(
        200,
        {
            "collections": [_collection_doc(base, c) for c in COLLECTIONS.values()],
            "links": [{"href": f"{base}/collections", "rel": "self", "type": "application/json"}],
        },
    )


def collection(base: str, collection_id: str) -> Answer:
    c = COLLECTIONS.get(collection_id)
    if c is None:
        return _error(404, "NotFound", f"no collection {collection_id!r}; there are: {', '.join(COLLECTIONS)}")
    return Answer(200, _collection_doc(base, c))


def _int(params: dict, name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if text is None or text == "":
        return default
    return query.parse_int(name, text, low, high)


def items(base: str, collection_id: str, params: dict[str, str]) -> Answer:
    """A page of features."""
    c = COLLECTIONS.get(collection_id)
    if c is None:
        return _error(404, "NotFound", f"no collection {collection_id!r}")
    unknown = set(params) - COMMON_PARAMS - set(c.params)
    if unknown:
        return _error(
            400, "InvalidParameterValue", f"unknown parameter(s): {', '.join(sorted(unknown))}; see {base}/api"
        )
    if (
        params.get("bbox-crs", "http://www.opengis.net/def/crs/OGC/1.3/CRS84")
        != "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    ):
        return _error(400, "InvalidParameterValue", "bbox-crs: only CRS84 is supported")
    try:
        limit = _int(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _int(params, "offset", 0, 0, MAX_OFFSET)
        filters = {k: v for k, v in params.items() if k in c.params}
        if c.filter:
            qs = c.filter(filters)
        else:
            qs = query.filter_sites(filters) if c.id == "sites" else query.filter_visits(filters)
    except query.FilterError as exc:
        return _error(400, "InvalidParameterValue", str(exc))
    if c.features:
        matched = qs.count()
        feats = c.features(qs.order_by("id")[offset : offset + limit])
    else:  # sites and visits: one query per page, numberMatched remembered per revision and filters
        selection = rows.key(c.id, filters)
        matched = rows.count(selection, qs)
        if c.id == "sites":
            feats = rows.site_features(qs, offset, limit, key=selection)
        else:
            feats = rows.visit_features(qs, offset, limit, key=selection)
    href = f"{base}/collections/{c.id}/items"
    keep = {k: v for k, v in params.items() if k not in ("offset", "f")}

    def link(rel: str, new_offset: int, media: str = GEOJSON, f: str | None = None) -> dict:
        q = dict(keep, offset=str(new_offset), limit=str(limit))
        if f:
            q["f"] = f
        return {"href": f"{href}?{urlencode(q)}", "rel": rel, "type": media}

    links = [link("self", offset), link("alternate", offset, "text/html", "html")]
    if offset + len(feats) < matched:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(0, offset - limit)))
    body = {
        "type": "FeatureCollection",
        "features": feats,
        "numberMatched": matched,
        "numberReturned": len(feats),
        "timeStamp": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "links": links,
        "license": LICENCE,
        "attribution": ATTRIBUTION,
    }
    return Answer(200, body, media_type=GEOJSON)


def item(base: str, collection_id: str, feature_id: str) -> Answer:
    c = COLLECTIONS.get(collection_id)
    if c is None:
        return _error(404, "NotFound", f"no collection {collection_id!r}")
    if c.features:
        feats = c.features(c.model.objects.filter(key=feature_id))
    elif c.id == "sites":
        site = Site.objects.filter(pcode=feature_id).first()
        feats = features.site_features([site]) if site else []
    else:
        try:
            number = query.parse_int("featureId", feature_id, 1, 10**18)
        except query.FilterError:
            number = None  # not a visit id: not found
        feats = features.visit_features(Visit.objects.filter(id=number)) if number else []
    if not feats:
        return _error(404, "NotFound", f"no feature {feature_id!r} in {c.id}")
    feature = feats[0]
    feature["links"] = [
        {"href": f"{base}/collections/{c.id}/items/{feature_id}", "rel": "self", "type": GEOJSON},
        {"href": f"{base}/collections/{c.id}", "rel": "collection", "type": "application/json"},
    ]
    return Answer(200, feature, media_type=GEOJSON)


def api_document(base: str) -> Answer:
    """The OpenAPI 3.0 definition of this service (what QGIS reads limit's bounds from)."""

    def param(name: str, description: str, schema: dict | None = None) -> dict:
        return {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": schema or {"type": "string"},
            "style": "form",
            "explode": False,
        }

    common = [
        param(
            "limit",
            f"Number of features per page (default {DEFAULT_LIMIT}, maximum {MAX_LIMIT}).",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        ),
        param(
            "offset",
            "Index of the first feature (0-based); `next` links carry it.",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        ),
        param(
            "bbox",
            "minLon,minLat,maxLon,maxLat (CRS84).",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        ),
        param("f", "Output format.", {"type": "string", "enum": ["json", "html"]}),
    ]
    paths: dict[str, Any] = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "getLandingPage",
                "responses": {"200": {"description": "Landing page"}},
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "getConformance",
                "responses": {"200": {"description": "Conformance"}},
            }
        },
        "/collections": {
            "get": {
                "summary": "Collections",
                "operationId": "getCollections",
                "responses": {"200": {"description": "Collections"}},
            }
        },
    }
    for c in COLLECTIONS.values():
        own = [param(k, v) for k, v in c.params.items() if k not in ("bbox",)]
        paths[f"/collections/{c.id}"] = {
            "get": {
                "summary": c.title,
                "operationId": f"describe_{c.id}",
                "responses": {"200": {"description": c.description}},
            }
        }
        paths[f"/collections/{c.id}/items"] = {
            "get": {
                "summary": f"{c.title}: features",
                "operationId": f"get_{c.id}_items",
                "parameters": common + own,
                "responses": {
                    "200": {
                        "description": "GeoJSON FeatureCollection",
                        "content": {GEOJSON: {"schema": {"type": "object"}}},
                    },
                    "400": {"description": "Invalid parameter"},
                },
            }
        }
        paths[f"/collections/{c.id}/items/{{featureId}}"] = {
            "get": {
                "summary": f"{c.title}: one feature",
                "operationId": f"get_{c.id}_item",
                "parameters": [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "GeoJSON Feature"}, "404": {"description": "Not found"}},
            }
        }
    return Answer(
        200,
        {
            "openapi": "3.0.2",
            "info": {
                "title": "Ramani OGC API - Features",
                "version": "1.0.0",
                "license": {"name": LICENCE, "url": "https://opendatacommons.org/licenses/by/1-0/"},
            },
            "servers": [{"url": base}],
            "paths": paths,
        },
        media_type=OPENAPI,
    )
