"""The open-data dashboard: charts of /api/summary with the map's filters, tables and downloads."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ramani.analysis import roadblocks as roadblock_analysis
from ramani.opendata import query
from ramani.roadblocks.models import Roadblock
from ramani.sites import armed, field_visits, stats
from ramani.sites.models import Term
from ramani.sites.qualification import COLOURS
from ramani.web import legend
from ramani.web.map_views import FILTERS, filter_choices


def charts() -> list[dict]:
    """The charts, in page order: id, title, what the numbers are."""
    return [
        {"id": "provinces", "title": _("Sites and visits by province"), "note": _("Sites visited and field visits.")},
        {"id": "years", "title": _("Sites visited by year")},
        {"id": "minerals", "title": _("Minerals"), "note": _("Sites where the mineral was found at a visit.")},
        {
            "id": "armed",
            "title": _("Armed presence over time"),
            "note": _(
                "Share of the sites visited each year (where it was recorded) with armed presence, and with each "
                "class of the map's armed-interference layer (a site counts in the most severe class of its visits "
                "that year)."
            ),
        },
        {"id": "workers", "title": _("Diggers"), "note": _("Median number of diggers per visit, by year.")},
        {
            "id": "mercury",
            "title": _("Mercury use"),
            "note": _("Share of the sites visited each year where mercury was used (recorded from 2015)."),
        },
        {
            "id": "children",
            "title": _("Child labour"),
            "note": _("Share of the sites visited each year where children under 15 were working."),
        },
        {
            "id": "qualification",
            "title": _("Qualification status"),
            "note": _("Sites by status on the chosen date (legal validity applied)."),
        },
    ]


def strings() -> dict[str, str]:
    return {
        "sites": _("sites"),
        "visits": _("visits"),
        "year": _("Year"),
        "province": _("Province"),
        "mineral": _("Mineral"),
        "share": _("Share"),
        "armed_presence": _("Armed presence"),
        "sites_visited": _("Sites visited"),
        "field_visits": _("Field visits"),
        "median": _("Median diggers"),
        "mercury": _("Mercury used"),
        "children": _("Children under 15 working"),
        "status": _("Status"),
        "table": _("Table"),
        "chart": _("Chart"),
        "type": _("Type"),
        "count": _("Count"),
        "band": _("Diggers"),
        "no_data": _("No data for these filters."),
        "unknown": _("Unknown"),
        "loading": _("Loading…"),
        "error": _("The figures could not be loaded."),
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    lang = request.LANGUAGE_CODE[:2]
    statuses = {c["value"]: {"label": c["label"], "colour": c["colour"]} for c in legend.layers()[0]["classes"]}
    config = {
        "filters": list(FILTERS),
        "statuses": statuses,
        "colours": COLOURS,
        "minerals": dict(filter_choices(lang)["minerals"]),
        "strings": strings(),
        "group_types": {t.value: t.label(lang) for t in Term.objects.filter(vocabulary="armed_group_type")},
        # the map's armed classes and colours (ramani.sites.armed), armed ones only
        "armed_classes": [
            {"value": c["value"], "label": c["label"], "colour": c["colour"]}
            for c in legend.layer("armed")["classes"]
            if armed.is_armed(c["value"])
        ],
        # what each download accepts: visit downloads refuse qualification/on/q with a 400
        "download_params": {
            "sites": list(query.SITE_PARAMS),
            "visits": list(query.VISIT_PARAMS),
            "ipis": list(query.VISIT_PARAMS),
        },
    }
    return render(
        request,
        "web/dashboard.html",
        {
            "page": "dashboard",
            "charts": charts(),
            "config": config,
            "choices": filter_choices(lang),
            "download_collections": ("sites", "visits"),
            "visit_definition": field_visits.DEFINITION,
            "download_formats": (("csv", "CSV"), ("geojson", "GeoJSON"), ("xlsx", "Excel")),
            "qualification_classes": legend.layers()[0]["classes"],
            "today": dt.date.today().isoformat(),
            "years": stats.visit_years(),
            "synthetic": stats.any_synthetic(),
            "roadblocks": roadblock_analysis.analyse(language=lang) if Roadblock.objects.exists() else None,
        },
    )
