"""Published incidents as GeoJSON features for the OGC API collection `incidents`.

Each feature's geometry is the simplified polygon of its territoire (ramani.incidents.territories), never a
point; its properties are what the public dashboard shows: report ID, date, title, status, category,
subcategory, province, territoire. Never the village, the mine, the reporter's words or anything of them."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, Subquery

from ramani.incidents import categories, territories
from ramani.incidents.models import Incident, Status

PARAMS = {
    "bbox": "minLon,minLat,maxLon,maxLat (CRS84): incidents whose territoire's box meets it.",
    "category": "Category code: " + ", ".join(categories.CODES) + ".",
    "status": "Status code: " + ", ".join(Status.values) + ".",
    "province": "Province name, e.g. Sud-Kivu.",
    "territoire": "Territoire: COD-AB pcode (CD6204) or name (Kalehe).",
    "year": "Year of the incident, e.g. 2026.",
}
PROPERTIES = ("report_id", "date", "title", "status", "category", "category_label", "subcategory", "province",
              "territoire", "territoire_pcode")  # fmt: skip


class BadParameter(ValueError):
    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param, self.message = param, message


def published():
    """The published incidents with what the OGC API service reads of a collection: `key` (the report ID) and
    `longitude`/`latitude` (the centre of the territoire's box, for the collection's extent only)."""
    from ramani.geo.models import AdminUnit

    unit = AdminUnit.objects.filter(pcode=OuterRef("territoire_pcode"))
    return Incident.objects.published().annotate(
        key=F("report_id"),
        longitude=Subquery(unit.values("minx")[:1]) / 2 + Subquery(unit.values("maxx")[:1]) / 2,
        latitude=Subquery(unit.values("miny")[:1]) / 2 + Subquery(unit.values("maxy")[:1]) / 2,
    )


class _Published:
    def __get__(self, obj, owner):
        return published()


class OpenIncidents:
    """The collection's "model" for the OGC API service: `objects` is the published incidents (see `published`)."""

    objects = _Published()


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


def filter_incidents(params: dict[str, str]):
    """The published incidents matching every filter given; BadParameter for a value that cannot be used."""
    qs = published()
    if params.get("bbox"):
        minx, miny, maxx, maxy = _bbox(params["bbox"])
        meets = [
            pcode
            for pcode, shape in territories.shapes().items()
            if shape["bbox"][0] <= maxx and shape["bbox"][2] >= minx and shape["bbox"][1] <= maxy
            and shape["bbox"][3] >= miny
        ]  # fmt: skip
        names = {territories.shapes()[p]["territoire"] for p in meets}
        qs = qs.filter(Q(territoire_pcode__in=meets) | Q(territoire_pcode="", territoire__in=names))
    if params.get("category"):
        if params["category"] not in categories.CODES:
            raise BadParameter("category", f"one of {', '.join(categories.CODES)}")
        qs = qs.filter(category=params["category"])
    if params.get("status"):
        if params["status"] not in Status.values:
            raise BadParameter("status", f"one of {', '.join(Status.values)}")
        qs = qs.filter(status=params["status"])
    if params.get("province"):
        qs = qs.filter(province__iexact=params["province"].strip()[:60])
    if params.get("territoire"):
        text = params["territoire"].strip()[:60]
        if text[:2].upper() == "CD":
            shape = territories.shapes().get(text.upper(), {})
            named = Q(territoire_pcode="", territoire__iexact=shape["territoire"]) if shape else Q(pk__in=[])
            qs = qs.filter(Q(territoire_pcode=text.upper()) | named)
        else:
            qs = qs.filter(territoire__iexact=text)
    if params.get("year"):
        text = params["year"]
        if not (text.isascii() and text.isdigit() and 1900 <= int(text) <= 2100):
            raise BadParameter("year", "a year between 1900 and 2100")
        qs = qs.filter(occurred_on__year=int(text))
    return qs


def features(incidents) -> list[dict]:
    """GeoJSON features (id = the report ID) with the territoire's simplified polygon (null when it has none)."""
    polygons = territories.shapes()
    out = []
    fields = ("report_id", "occurred_on", "created", "title", "status", "category", "subcategory", "province",
              "territoire", "territoire_pcode")  # fmt: skip
    resolved: dict[tuple[str, str, str], str] = {}
    for row in incidents.values(*fields):
        place = (row["territoire_pcode"], row["province"], row["territoire"])
        if place not in resolved:
            resolved[place] = territories.pcode_of(*place)
        shape = polygons.get(resolved[place])
        props = {
            "report_id": row["report_id"],
            "date": (row["occurred_on"] or row["created"].date()).isoformat(),
            "title": row["title"],
            "status": row["status"],
            "category": row["category"],
            "category_label": categories.label(row["category"], "en"),
            "subcategory": row["subcategory"],
            "province": row["province"],
            "territoire": row["territoire"],
            "territoire_pcode": resolved[place],
        }
        out.append(
            {
                "type": "Feature",
                "id": row["report_id"],
                "geometry": shape["geometry"] if shape else None,
                "properties": props,
            }
        )
    return out
