"""The supply-chain layers as GeoJSON features and their filters, for the open-data services (the OGC API
collections depots, points_of_sale, destinations and interference_zones)."""

from __future__ import annotations

import json
import re

import shapely

from ramani.roadblocks.features import BadParameter
from ramani.supplychain import vocabularies as vocab
from ramani.supplychain.formats import LAYER_OF_KIND, LAYERS, record_of
from ramani.supplychain.importer import POINT_FIELDS, ZONE_FIELDS
from ramani.supplychain.models import PROXIES, InterferenceZone, SiteLink

POINT_PARAMS = {
    "bbox": "minLon,minLat,maxLon,maxLat (CRS84).",
    "mineral": "A mineral it handles, as written (e.g. Or, Cassitérite).",
    "project": "Project, exactly as imported.",
    "source": "Source, exactly as imported.",
    "territoire": "Admin-2 unit it is in: COD-AB pcode (CD6103) or name (Masisi).",
}
ZONE_PARAMS = {
    "bbox": "minLon,minLat,maxLon,maxLat (CRS84): zones whose bounds meet it.",
    "year": "Zones whose period covers some of this year, e.g. 2022.",
    "armed_group": "Armed group, exactly as imported.",
    "group_type": "Group type: " + ", ".join(vocab.GROUP_TYPES) + " (or its label).",
    "project": "Project, exactly as imported.",
    "source": "Source, exactly as imported.",
}
LINKS_SHOWN = 5


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        raise BadParameter("bbox", "four numbers minLon,minLat,maxLon,maxLat") from None
    if len(parts) not in (4, 6) or any(p != p for p in parts):
        raise BadParameter("bbox", "four numbers minLon,minLat,maxLon,maxLat")
    minx, miny, maxx, maxy = (parts[0], parts[1], parts[3], parts[4]) if len(parts) == 6 else parts
    if minx > maxx or miny > maxy:
        raise BadParameter("bbox", "the minimum is greater than the maximum")
    return minx, miny, maxx, maxy


def filter_points(kind: str, params: dict[str, str]):
    """The trade points of `kind` matching every filter given; BadParameter for a value that cannot be used."""
    qs = PROXIES[kind].objects.all()
    if params.get("bbox"):
        minx, miny, maxx, maxy = _bbox(params["bbox"])
        qs = qs.filter(longitude__gte=minx, longitude__lte=maxx, latitude__gte=miny, latitude__lte=maxy)
    if params.get("mineral"):
        qs = qs.filter(minerals__icontains=json.dumps(params["mineral"].strip())[1:-1])
    for name in ("project", "source"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    if params.get("territoire"):
        text = params["territoire"].strip()
        qs = qs.filter(adm2_pcode=text.upper()) if text[:2].upper() == "CD" else qs.filter(territoire__iexact=text)
    return qs


def filter_zones(params: dict[str, str]):
    qs = InterferenceZone.objects.all()
    if params.get("bbox"):
        minx, miny, maxx, maxy = _bbox(params["bbox"])
        qs = qs.filter(maxx__gte=minx, minx__lte=maxx, maxy__gte=miny, miny__lte=maxy)
    if params.get("year"):
        text = params["year"]
        if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
            raise BadParameter("year", "a year between 1900 and 2100")
        year = int(text)
        qs = qs.filter(period_start__year__lte=year).exclude(period_end__year__lt=year)
    if params.get("group_type"):
        code = vocab.group_type(params["group_type"])
        if code is None:
            raise BadParameter("group_type", f"one of {', '.join(vocab.GROUP_TYPES)}")
        qs = qs.filter(group_type=code)
    for name in ("armed_group", "project", "source"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    return qs


def describe_link(link: dict) -> str:
    """'Kalimbi (codmine00312): “Goma” matched the locality Goma, score 100' — a match shown as a match."""
    how = {"name": "the name", "locality": "the locality", "gazetteer": "through the gazetteer"}[link["method"]]
    return (
        f"{link['site__name'] or link['site__pcode']} ({link['site__pcode']}): “{link['text']}” matched "
        f"{how} {link['matched']}, score {link['score']:g}"
    )


def point_features(points) -> list[dict]:
    """GeoJSON features (id = the key) with the export's columns; `sites` lists the linked sites with how each
    was matched (the first LINKS_SHOWN), `linked_sites` counts them."""
    values = list(points.values("id", "key", *POINT_FIELDS))
    links: dict[int, list[dict]] = {}
    for link in (
        SiteLink.objects.filter(point_id__in=[v["id"] for v in values])
        .order_by("point_id", "-score", "site__pcode")
        .values("point_id", "site__pcode", "site__name", "text", "method", "matched", "score")
    ):
        links.setdefault(link["point_id"], []).append(link)
    out = []
    for v in values:
        layer = LAYER_OF_KIND[v["kind"]]
        props: dict = record_of(layer, v)
        props.pop("key")
        own = links.get(v["id"], [])
        props["synthetic"] = bool(v["synthetic"])
        props["kind"] = v["kind"]
        props.update({c: v[c] for c in ("province_pcode", "adm2_pcode", "territoire")})
        props["linked_sites"] = len(own)
        props["linked"] = "yes" if own else "no"
        shown = "; ".join(describe_link(link) for link in own[:LINKS_SHOWN])
        props["sites"] = shown + (f"; … {len(own) - LINKS_SHOWN} more" if len(own) > LINKS_SHOWN else "")
        out.append(
            {
                "type": "Feature",
                "id": v["key"],
                "geometry": {"type": "Point", "coordinates": [v["longitude"], v["latitude"]]},
                "properties": props,
            }
        )
    return out


def zone_features(zones) -> list[dict]:
    layer = LAYERS["interference-zones"]
    out = []
    for v in zones.values("key", *ZONE_FIELDS):
        props: dict = record_of(layer, v)
        props.pop("key")
        props["synthetic"] = bool(v["synthetic"])
        props["group_type_code"] = v["group_type"]
        props["area_km2"] = v["area_km2"]
        props["period"] = f"{props['period_start']} – {props['period_end'] or '…'}"
        geometry = shapely.from_wkb(bytes(v["geometry"]))
        out.append(
            {
                "type": "Feature",
                "id": v["key"],
                "geometry": json.loads(shapely.to_geojson(geometry)),
                "properties": props,
            }
        )
    return out
