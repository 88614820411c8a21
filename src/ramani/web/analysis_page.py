"""/analysis/: the conflict analyses on one page — roadblock shares (overall, by operator type, by territoire),
roadblock density per admin-2 unit (per 1,000 km² and per 100 km of road), armed interference at visited active
sites per year and province with 95% Wilson intervals and site counts, and the sites revisited in two periods.
Every figure is shown with its definition, numerator and denominator; each table is a CSV download and each
block names its API endpoint. The figures come from ramani.analysis (one rule, one place)."""

from __future__ import annotations

import csv
import io
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ramani.analysis import density, interference
from ramani.analysis import roadblocks as roadblock_analysis
from ramani.sites import stats

PERIOD = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
TABLES = ("roadblock-shares", "operator-types", "territoires", "density", "interference", "revisits")


class BadPeriod(ValueError):
    pass


def _period(text: str | None, name: str) -> tuple[int, int] | None:
    if not text:
        return None
    m = PERIOD.match(text.strip())
    if not m or int(m[2] or m[1]) < int(m[1]):
        raise BadPeriod(_("%(name)s: a year or a range of years such as 2021-2022") % {"name": name})
    return int(m[1]), int(m[2] or m[1])


def periods(request: HttpRequest, years: list[int]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The two periods compared: the query's `first` and `second`, else the latest three years of visits
    against the three before them."""
    first = _period(request.GET.get("first"), _("First period"))
    second = _period(request.GET.get("second"), _("Second period"))
    if (first is None) != (second is None):
        raise BadPeriod(_("Give both periods, first and second, or neither."))
    if first is None and len(years) >= 2:
        latest = years[-1]
        first, second = (latest - 5, latest - 3), (latest - 2, latest)
    return first, second


def figures(request: HttpRequest) -> dict:
    lang = request.LANGUAGE_CODE[:2]
    armed = interference.analyse()
    years = [y["year"] for y in armed["by_year"]]
    first, second = periods(request, years)
    if first and second:
        armed = interference.analyse(first, second)
    return {
        "roadblocks": roadblock_analysis.analyse(language=lang),
        "density": density.analyse(),
        "interference": armed,
        "first": first,
        "second": second,
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _shown(share: dict) -> dict:
    """A share with its value and its 95% interval as text."""
    share["shown"] = _pct(share["value"])
    share["interval"] = "—" if share["low"] is None else f"{_pct(share['low'])} – {_pct(share['high'])}"
    return share


def analysis_page(request: HttpRequest) -> HttpResponse:
    try:
        data = figures(request)
    except BadPeriod as exc:
        return render(request, "web/analysis.html", {"page": "analysis", "error": str(exc)}, status=400)
    armed = data["interference"]
    for year in armed["by_year"]:
        for share in [year["all"], *year["provinces"]]:
            _shown(share)
            share["province"] = share["label"][5:]
    for year in armed["by_group_type"]:
        for share in year["groups"]:
            _shown(share)
    if "revisits" in armed:
        _shown(armed["revisits"]["first_share"])
        _shown(armed["revisits"]["second_share"])
    chart_data = {
        "operator_types": [[f["label"], f["value"]] for f in data["roadblocks"]["by_operator_type"]],
        "territoires": [
            [g["territoire"], [f["value"] for f in g["figures"]]] for g in data["roadblocks"]["by_territoire"]
        ],
        "headline_labels": [f["label"] for f in data["roadblocks"]["headline"]],
        "years": [[y["all"]["label"], y["all"]["value"], y["all"]["low"], y["all"]["high"]] for y in armed["by_year"]],
        "strings": {
            "share": _("Share"),
            "low": _("Interval (95 percent), low end"),
            "high": _("Interval (95 percent), high end"),
            "sites": _("Sites"),
            "better": _("Better"),
            "worse": _("Worse"),
            "same_with": _("Interference in both"),
            "same_without": _("Interference in neither"),
        },
    }
    if "revisits" in armed:
        r = armed["revisits"]
        chart_data["revisits"] = [
            len(r["better"]),
            len(r["worse"]),
            len(r["same_with_interference"]),
            len(r["same_without"]),
        ]
    return render(
        request,
        "web/analysis.html",
        {
            "page": "analysis",
            **data,
            "first_text": "-".join(map(str, data["first"])) if data["first"] else "",
            "second_text": "-".join(map(str, data["second"])) if data["second"] else "",
            "chart_data": chart_data,
            "synthetic": stats.any_synthetic(),
            "tables": TABLES,
            "layers": [
                {"name": "depots", "collection": "depots", "label": _("Trading depots")},
                {"name": "points-of-sale", "collection": "points_of_sale", "label": _("Mineral points of sale")},
                {"name": "destinations", "collection": "destinations", "label": _("Mineral destinations")},
                {
                    "name": "interference-zones",
                    "collection": "interference_zones",
                    "label": _("Zones of armed interference"),
                },
            ],
            "layer_formats": ("csv", "geojson", "gpkg"),
        },
    )


def _rows(name: str, data: dict) -> tuple[list[str], list[list]]:
    figure_columns = ["id", "label", "value", "numerator", "denominator", "unit", "definition"]

    def figure_row(f: dict) -> list:
        return [f.get(c) for c in figure_columns]

    rb = data["roadblocks"]
    if name == "roadblock-shares":
        return figure_columns, [figure_row(f) for f in rb["headline"]]
    if name == "operator-types":
        return figure_columns, [figure_row(f) for f in rb["by_operator_type"]]
    if name == "territoires":
        return ["adm2_pcode", "territoire", "roadblocks", *figure_columns], [
            [g["adm2_pcode"], g["territoire"], g["roadblocks"], *figure_row(f)]
            for g in rb["by_territoire"]
            for f in g["figures"]
        ]
    if name == "density":
        d = data["density"]
        return figure_columns, [figure_row(f) for f in d["per_area"] + d["per_road"]]
    share_columns = ["id", "label", "value", "low", "high", "numerator", "denominator", "definition"]
    armed = data["interference"]
    if name == "interference":
        return ["year", "province", *share_columns], [
            [y["year"], s["label"][5:] or "", *[s[c] for c in share_columns]]
            for y in armed["by_year"]
            for s in [y["all"], *y["provinces"]]
        ]
    r = armed.get("revisits")
    if not r:
        return ["pcode", "change"], []
    changes = [
        ("better", "better"),
        ("worse", "worse"),
        ("same_with_interference", "same, with"),
        ("same_without", "same, without"),
    ]
    return ["pcode", "change"], [[p, label] for key, label in changes for p in r[key]]


def analysis_table(request: HttpRequest, name: str) -> HttpResponse:
    """`/analysis/<table>.csv`: one table of the page, with the same periods."""
    if name not in TABLES:
        return JsonResponse({"detail": f"no table {name!r}; there are: {', '.join(TABLES)}"}, status=404)
    try:
        data = figures(request)
    except BadPeriod as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    columns, rows = _rows(name, data)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(columns)
    w.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ramani-{name}.csv"'
    return response


def density_geojson(request: HttpRequest) -> HttpResponse:
    """`/analysis/density.geojson`: the admin-2 units with roadblocks and their densities (the map's choropleth)."""
    return JsonResponse(density.choropleth(), content_type="application/geo+json")
