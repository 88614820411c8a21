"""Map overlays: layers of other domains drawn over the sites (roadblocks…), each read from its OGC API
collection, with its legend classes and the fields its popup shows, in the reader's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ramani.roadblocks import vocabularies as roadblock_vocab
from ramani.web.analysis_overlays import PROVIDERS as ANALYSES
from ramani.web.incident_overlay import incidents_overlay
from ramani.web.supplychain_overlay import PROVIDERS as SUPPLYCHAIN


def overlays() -> list[dict]:
    """Every overlay, in the order of PROVIDERS: [{id, label, url, property, classes: [{value, label, colour}],
    fields: [[property, label, kind]], legend_title, synthetic_note}], and optionally geometry: "polygon" (drawn
    as a fill under the sites), steps: [[threshold, colour], …] (a choropleth on a numeric property, the first
    colour below every threshold) and title_property (the popup's heading, place_name by default)."""
    return [provider() for provider in PROVIDERS]


def roadblocks_overlay() -> dict:
    language = (get_language() or "fr")[:2]
    types = roadblock_vocab.OPERATOR_TYPES
    return {
        "id": "roadblocks",
        "label": _("Roadblocks"),
        "url": reverse("ogc-items", args=["roadblocks"]) + "?limit=10000",
        "property": "operator_type",
        "legend_title": _("Roadblocks by operator type (the first listed)"),
        "classes": [
            {"value": code, "label": roadblock_vocab.label(types, code, language), "colour": entry[1]}
            for code, entry in types.items()
        ]
        + [
            {
                "value": None,
                "label": roadblock_vocab.NO_DATA_LABELS[{"fr": 0, "en": 1, "sw": 2}.get(language, 0)],
                "colour": roadblock_vocab.NO_DATA_COLOUR,
            }
        ],
        "fields": [
            ["date", _("Date"), "text"],
            ["operators", _("Operators"), "text"],
            ["operator_type_codes", _("Operator types"), "classes"],
            ["barrier_types", _("Barrier types"), "text"],
            ["tax_targets", _("Taxed"), "text"],
            ["toll", _("Toll"), "text"],
            ["resources", _("Natural resources targeted"), "text"],
            ["violence_count", _("Violent incidents"), "text"],
            ["territoire", _("Territoire"), "text"],
            ["source", _("Source"), "text"],
            ["project", _("Project"), "text"],
        ],
        "synthetic_note": _("Synthetic demo data, not a surveyed roadblock."),
    }


#: one callable per overlay, each returning its description in the reader's language; a domain adds its own
PROVIDERS = [roadblocks_overlay, incidents_overlay, *SUPPLYCHAIN, *ANALYSES]
