"""The webmap page, its vector tiles and boundaries, and the plain-HTML site list."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from ramani import config
from ramani.geo import basemap
from ramani.opendata import features, maptiles, query
from ramani.sites import qualification as rules
from ramani.sites import revision, stats
from ramani.sites.models import Site, Term
from ramani.web import byte_ranges, legend, overlays

FILTERS = (
    "province",
    "territoire",
    "mineral",
    "year",
    "armed_presence",
    "armed_group_type",
    "mercury",
    "child_labour",
    "qualification",
    "on",
    "q",
)
MAX_ZOOM = 22
log = logging.getLogger(__name__)

_tiles: OrderedDict = OrderedDict()
_tiles_lock = threading.Lock()


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip() for k in FILTERS if request.GET.get(k, "").strip()}


def _on(params: dict[str, str]) -> dt.date:
    return query.parse_date("on", params["on"]) if params.get("on") else dt.date.today()


def _bad(error: query.FilterError) -> JsonResponse:
    return JsonResponse({"detail": error.message, "param": error.param}, status=400)


def _wants_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _send(request: HttpRequest, response: HttpResponse, body: bytes, gzipped: bytes | None = None) -> HttpResponse:
    """The body, gzipped when the client takes it and it is worth it (`gzipped`: already compressed)."""
    if len(body) > 512 and _wants_gzip(request):
        body = gzipped if gzipped is not None else gzip.compress(body, 6)
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response.content = body
    return response


@require_GET
def tile(request: HttpRequest, z: int, x: int, y: int) -> HttpResponse:
    """Sites of tile z/x/y as a Mapbox Vector Tile (layer `sites`), with the map's filters."""
    if z > MAX_ZOOM or x >= 1 << z or y >= 1 << z:
        return JsonResponse({"detail": "no such tile"}, status=404)
    params = _filters(request)
    try:
        on = _on(params)
        key = (revision.current(), on, tuple(sorted(params.items())), z, x, y)
        with _tiles_lock:
            cached = _tiles.get(key)
        if cached is None:
            body = maptiles.tile(z, x, y, params, on)
            cached = (body, gzip.compress(body, 6) if len(body) > 512 else None)
            with _tiles_lock:
                _tiles[key] = cached
                while len(_tiles) > 2048:
                    _tiles.popitem(last=False)
    except query.FilterError as error:
        return _bad(error)
    response = HttpResponse(content_type="application/vnd.mapbox-vector-tile")
    # the page adds v=<revision>-<day> to tile URLs: a new import or a new day means new URLs
    response["Cache-Control"] = "public, max-age=86400" if request.GET.get("v") else "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return _send(request, response, *cached)


@require_GET
def boundaries(request: HttpRequest) -> HttpResponse:
    """Province and territoire outlines (simplified GeoJSON) for the offline basemap."""
    body, gzipped = basemap.outlines_geojson()
    response = HttpResponse(content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400" if request.GET.get("v") else "public, max-age=300"
    return _send(request, response, body, gzipped)


@require_GET
def natural_earth(request: HttpRequest) -> HttpResponse:
    """Water, countries, rivers and towns (bundled Natural Earth GeoJSON) for the offline basemap."""
    body, gzipped = basemap.natural_earth_geojson()
    response = HttpResponse(content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=604800" if request.GET.get("v") else "public, max-age=3600"
    return _send(request, response, body, gzipped)


@require_http_methods(["GET", "HEAD"])
def basemap_file(request: HttpRequest, name: str) -> HttpResponse:
    """A PMTiles basemap from the data dir (RAMANI_BASEMAP_URL=pmtiles://NAME.pmtiles), with HTTP Range."""
    path = basemap.pmtiles_path(name, Path(settings.DATA_DIR))
    if path is None:
        return JsonResponse({"detail": "no such basemap file"}, status=404)
    return byte_ranges.serve(request, path, "application/vnd.pmtiles")


def _basemap_config() -> dict:
    """What the page needs to draw its basemap: an online one, a PMTiles file, or the bundled Natural Earth."""
    url = config.get("RAMANI_BASEMAP_URL")
    pmtiles = None
    if url.startswith(basemap.PMTILES_SCHEME):
        name = url[len(basemap.PMTILES_SCHEME) :]
        path = basemap.pmtiles_path(name, Path(settings.DATA_DIR))
        try:
            header = basemap.pmtiles_header(path) if path else None
        except (OSError, basemap.BasemapError) as error:
            log.warning("RAMANI_BASEMAP_URL: %s; the bundled basemap is drawn instead", error)
            header = None
        if path is None:
            log.warning(
                "RAMANI_BASEMAP_URL: no file %s in %s; the bundled basemap is drawn instead", name, settings.DATA_DIR
            )
        if header:
            pmtiles = header | {
                "url": reverse("map-basemap-file", args=[name]),
                "js": static("vendor/pmtiles-4.5.0/pmtiles.js"),
            }
        url = ""
    fonts = static("web/basemap/fonts/")
    return {
        "basemap": url or None,
        "pmtiles": pmtiles,
        "naturalearth": None if url or pmtiles else reverse("map-basemap") + f"?v={basemap.natural_earth_version()}",
        "naturalearth_attribution": basemap.NATURAL_EARTH_ATTRIBUTION,
        "basemap_js": static("web/basemap/basemap.js"),
        "glyphs": fonts + "{fontstack}/{range}.pbf",
    }


def filter_choices(lang: str = "fr") -> dict:
    places = Site.objects.exclude(province="").values_list("province", "territoire").distinct()
    pairs = sorted({(p, t) for p, t in places if t})
    return {
        "provinces": sorted({p for p, _ in places}),
        "territoires": pairs,
        "minerals": [(t.value, t.label(lang)) for t in Term.objects.filter(vocabulary="mineral").order_by("value")],
    }


def _terms(lang: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for term in Term.objects.filter(vocabulary__in=["mineral", "armed_group_type", "location_origin"]):
        out.setdefault(term.vocabulary, {})[term.value] = term.label(lang)
    return out


def map_page(request: HttpRequest) -> HttpResponse:
    idx = maptiles.index()
    today = dt.date.today()
    bounds = None
    if len(idx.ids):
        import numpy as np

        lon = idx.mx * 360.0 - 180.0
        lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * idx.my))))
        bounds = [
            round(float(lon.min()), 4),
            round(float(lat.min()), 4),
            round(float(lon.max()), 4),
            round(float(lat.max()), 4),
        ]
    lang = request.LANGUAGE_CODE[:2]
    map_config = {
        "version": f"{idx.revision}-{today.isoformat()}-t{maptiles.TILE_FORMAT}",
        "today": today.isoformat(),
        "lang": lang,
        "bounds": bounds,
        "sites": len(idx.ids),
        **_basemap_config(),
        "attribution": config.get("RAMANI_BASEMAP_ATTRIBUTION") or None,
        "boundaries": basemap.has_outlines(),
        "boundaries_attribution": basemap.attribution(),
        "filters": list(FILTERS),
        "maplibre_locale": legend.maplibre_locale(),
    }
    layers = legend.layers()
    page = render(
        request,
        "web/map.html",
        {
            "page": "map",
            "map_config": map_config,
            "choices": filter_choices(lang),
            "layers": layers,
            "overlays": overlays.overlays(),
            "qualification_classes": layers[0]["classes"],
            "strings": legend.strings() | {"site_page": gettext("Site page")},
            "terms": _terms(lang),
            "synthetic": stats.any_synthetic(),
            "years": stats.visit_years(),
            "today": today.isoformat(),
        },
    )
    # gzipped: a fifth of the bytes on a slow line (the page holds no secret, nor anything the reader sent)
    return _send(request, page, page.content)


def site_list(request: HttpRequest) -> HttpResponse:
    """The sites as a plain HTML table with the map's filters: works with no JavaScript and no WebGL."""
    params = _filters(request)
    try:
        on = _on(params)
        qs = query.filter_sites(params).order_by("province", "territoire", "name", "pcode")
        paginator = Paginator(qs, 100)
        page = paginator.get_page(request.GET.get("page"))
        rows = features.site_features(list(page.object_list), on)
    except query.FilterError as error:
        return render(
            request,
            "web/site_list.html",
            {
                "page": "sites",
                "error": error,
                "rows": [],
                "choices": filter_choices(request.LANGUAGE_CODE[:2]),
                "params": params,
            },
            status=400,
        )
    keep = urlencode(params)
    labels = {c["value"]: c["label"] for c in legend.layers()[0]["classes"]}
    return render(
        request,
        "web/site_list.html",
        {
            "page": "sites",
            "rows": [
                r["properties"]
                | {
                    "qualification_label": labels.get(r["properties"]["qualification"], ""),
                    "colour": rules.COLOURS.get(r["properties"]["qualification"]),
                }
                for r in rows
            ],
            "pager": page,
            "count": paginator.count,
            "params": params,
            "keep": keep,
            "choices": filter_choices(request.LANGUAGE_CODE[:2]),
            "colours": rules.COLOURS,
            "on": on,
            "synthetic": stats.any_synthetic(),
            "years": stats.visit_years(),
        },
    )
