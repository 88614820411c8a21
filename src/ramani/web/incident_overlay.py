"""The webmap's incidents overlay: published Kufatilia incidents per territoire, a choropleth on the count, read
from /kufatilia/territoires.geojson (cached per publication version). The same classes colour the maps of
/kufatilia/ and of the platform's figures."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

#: [threshold, colour]: the first colour below every threshold (MapLibre's `step`)
STEPS: list[list] = [[0, "#fde0c5"], [2, "#facba6"], [5, "#f59e72"], [10, "#e4574c"], [25, "#a8123e"]]


def classes() -> list[dict]:
    """The legend of STEPS: 1, 2–4, 5–9, 10–24, 25 or more."""
    out = []
    for i, (threshold, colour) in enumerate(STEPS):
        low = 1 if i == 0 else threshold
        high = STEPS[i + 1][0] - 1 if i + 1 < len(STEPS) else None
        label = str(low) if high == low else f"{low}–{high}" if high is not None else _("%(n)s or more") % {"n": low}
        out.append({"value": str(low), "label": label, "colour": colour})
    return out


def fields() -> list[list[str]]:
    return [
        ["province", _("Province"), "text"],
        ["count", _("Published incidents"), "text"],
    ]


def incidents_overlay() -> dict:
    from ramani.incidents.territories import public_version

    return {
        "id": "incidents",
        "label": _("Kufatilia incidents (per territoire)"),
        "url": reverse("kufatilia-territoires") + f"?v={public_version()}",
        "property": "count",
        "geometry": "polygon",
        "steps": STEPS,
        "title_property": "territoire",
        "legend_title": _("Published incidents per territoire"),
        "classes": classes(),
        "fields": fields(),
        "synthetic_note": _("Synthetic demo incidents (ramani demo), not real reports."),
    }


def map_config(url: str) -> dict:
    """What static/web/incident-map.js reads: the aggregate's URL, the classes, the outlines, the words."""
    from ramani.geo import basemap
    from ramani.sites import revision
    from ramani.web import legend

    outlines = basemap.has_outlines()
    return {
        "url": url,
        "steps": STEPS,
        "classes": classes(),
        "legend_title": _("Published incidents per territoire")
        if url.startswith(reverse("kufatilia"))
        else _("Incidents per territoire"),
        "boundaries": reverse("map-boundaries") + f"?v=outlines-{revision.current()}" if outlines else None,
        "boundaries_attribution": basemap.attribution() if outlines else "",
        "maplibre_locale": legend.maplibre_locale(),
        "strings": {
            "province": _("Province"),
            "count": _("Incidents"),
            "synthetic": _("Synthetic demo incidents (ramani demo), not real reports."),
            "no_webgl": _("The map needs WebGL; the counts per territoire are in the table."),
        },
    }
