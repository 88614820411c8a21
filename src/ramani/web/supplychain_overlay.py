"""The webmap's supply-chain overlays: trading depots, points of sale and mineral destinations (points, coloured
by whether any site's visits name them) and zones of armed interference (polygons, by group type), each read
from its OGC API collection, with its legend and the fields its popup shows, in the reader's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ramani.supplychain import vocabularies as vocab


def _language() -> str:
    return (get_language() or "fr")[:2]


def _trade_points(kind: str, collection: str, label: str) -> dict:
    colour = vocab.KINDS[kind][1]
    return {
        "id": collection,
        "label": label,
        "url": reverse("ogc-items", args=[collection]) + "?limit=10000",
        "property": "linked",
        "title_property": "name",
        "legend_title": vocab.kind_label(kind, _language()),
        "classes": [
            {"value": "yes", "label": _("Named by the visits of mining sites"), "colour": colour},
            {"value": "no", "label": _("No site's visits name it"), "colour": vocab.UNLINKED_COLOUR},
        ],
        "fields": [
            ["minerals", _("Minerals"), "text"],
            ["locality", _("Locality"), "text"],
            ["operator", _("Operator"), "text"],
            ["country", _("Country"), "text"],
            ["date", _("Date"), "text"],
            ["linked_sites", _("Linked sites"), "text"],
            ["sites", _("Sites and how they were matched"), "text"],
            ["territoire", _("Territoire"), "text"],
            ["source", _("Source"), "text"],
            ["project", _("Project"), "text"],
        ],
        "synthetic_note": _("Synthetic demo data, not a surveyed place."),
    }


def depots_overlay() -> dict:
    return _trade_points("depot", "depots", _("Trading depots"))


def points_of_sale_overlay() -> dict:
    return _trade_points("point_of_sale", "points_of_sale", _("Mineral points of sale"))


def destinations_overlay() -> dict:
    return _trade_points("destination", "destinations", _("Mineral destinations"))


def interference_zones_overlay() -> dict:
    language = _language()
    return {
        "id": "interference_zones",
        "label": _("Zones of armed interference"),
        "url": reverse("ogc-items", args=["interference_zones"]) + "?limit=10000",
        "property": "group_type_code",
        "geometry": "polygon",
        "opacity": 0.35,
        "title_property": "name",
        "legend_title": _("Zones of armed interference, by group type"),
        "classes": [
            {"value": code, "label": vocab.group_type_label(code, language), "colour": entry[0]}
            for code, entry in vocab.GROUP_TYPES.items()
        ],
        "fields": [
            ["armed_group", _("Armed group"), "text"],
            ["group_type", _("Group type"), "text"],
            ["period", _("Period"), "text"],
            ["area_km2", _("Area (km²)"), "text"],
            ["source", _("Source"), "text"],
            ["project", _("Project"), "text"],
            ["notes", _("Notes"), "text"],
        ],
        "synthetic_note": _("Synthetic demo data, not a surveyed zone."),
    }


PROVIDERS = [depots_overlay, points_of_sale_overlay, destinations_overlay, interference_zones_overlay]
