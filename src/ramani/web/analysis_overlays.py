"""The webmap's analysis overlays: roadblock density per admin-2 unit (a choropleth of roadblocks per
1,000 km², from /analysis/density.geojson) and a heatmap of the violent incidents recorded at checkpoints
(from the roadblocks collection, weighted by each roadblock's count)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ramani.analysis.density import STEPS

HEAT = ["#fee391", "#fe9929", "#cc4c02", "#662506"]


def density_classes() -> list[dict]:
    out = []
    for i, (threshold, colour) in enumerate(STEPS):
        high = STEPS[i + 1][0] if i + 1 < len(STEPS) else None
        label = f"< {high}" if i == 0 else f"{threshold}–{high}" if high is not None else f"≥ {threshold}"
        out.append({"value": str(threshold), "label": label, "colour": colour})
    return out


def roadblock_density_overlay() -> dict:
    return {
        "id": "roadblock_density",
        "label": _("Roadblock density (per territoire)"),
        "url": reverse("analysis-density"),
        "property": "per_1000_km2",
        "geometry": "polygon",
        "steps": STEPS,
        "title_property": "territoire",
        "legend_title": _("Roadblocks per 1,000 km² of each unit with roadblocks"),
        "classes": density_classes(),
        "fields": [
            ["roadblocks", _("Roadblocks"), "text"],
            ["area_km2", _("Area (km²)"), "text"],
            ["per_1000_km2", _("Roadblocks per 1,000 km²"), "text"],
            ["road_km", _("Road (km)"), "text"],
            ["per_100_km_road", _("Roadblocks per 100 km of road"), "text"],
        ],
        "synthetic_note": _("Computed from the roadblocks shown on the Roadblocks layer."),
    }


def violence_heatmap_overlay() -> dict:
    return {
        "id": "violence_heatmap",
        "label": _("Violence at checkpoints (heatmap)"),
        "url": reverse("ogc-items", args=["roadblocks"]) + "?limit=10000",
        "property": "violence_count",
        "heatmap": {"max": 5},
        "legend_title": _("Violent incidents recorded at checkpoints, weighted by their number"),
        "classes": [
            {"value": str(i), "label": label, "colour": colour}
            for i, (label, colour) in enumerate(zip([_("Few"), _("Some"), _("Many"), _("Most")], HEAT, strict=True))
        ],
        "fields": [],
        "synthetic_note": "",
    }


PROVIDERS = [roadblock_density_overlay, violence_heatmap_overlay]
