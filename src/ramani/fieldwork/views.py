"""The sampling-frame page for staff (choose the parameters, see the counts, download the frame), and the
surveys' weighted estimates (/fieldwork/), each beside its definition."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ramani.analysis.frame_inputs import build_frame, write_frame
from ramani.fieldwork import estimates

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}


class FrameForm(forms.Form):
    radius_km = forms.FloatField(label=_("Distance from a settlement (km)"), min_value=0.01, max_value=100, initial=5)
    active_years = forms.FloatField(label=_("Active: visited with diggers within (years)"), min_value=0.1, initial=3)
    project = forms.CharField(label=_("…or in this project"), required=False, max_length=200)
    as_of = forms.DateField(label=_("Reference date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("File"), choices=[(k, k.upper()) for k in TYPES], initial="csv")


@staff_member_required
def frame_page(request: HttpRequest) -> HttpResponse:
    """GET with no parameters: the form. With parameters: the counts; with `download`: the file."""
    form = FrameForm(request.GET or None)
    context: dict = {"form": form}
    if not form.is_bound:
        return render(request, "fieldwork/frame.html", context)
    if not form.is_valid():
        return render(request, "fieldwork/frame.html", context, status=400)
    d = form.cleaned_data
    result = build_frame(d["radius_km"], d["active_years"], d["project"] or None, d["as_of"])
    context["result"] = result
    if "download" in request.GET:
        if not result.units:
            return render(request, "fieldwork/frame.html", context, status=400)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"ramani-frame.{d['format']}"
            write_frame(result, path)
            body = path.read_bytes()
        response = HttpResponse(body, content_type=TYPES[d["format"]])
        response["Content-Disposition"] = f'attachment; filename="{path.name}"'
        return response
    return render(request, "fieldwork/frame.html", context)


MEASURES = {
    "presence": (
        _("Sites with armed presence"),
        _(
            "Share of the sites the sample stands for where the visit found armed men: Σ w·y / Σ w over the visits "
            "that answered, y = 1 for armed presence, w = the site's design weight 1/π."
        ),
    ),
    "interference": (
        _("Sites with armed interference"),
        _("The same ratio estimate for armed interference (taxation, control, pillaging… by an armed group)."),
    ),
    "childunder15": (
        _("Sites with children under 15 at work"),
        _("The same ratio estimate for children under 15 seen working at the site."),
    ),
    "women": (
        _("Sites where women work"),
        _("The same ratio estimate for women working at the site."),
    ),
    "diggers": (
        _("Diggers (total)"),
        _(
            "Horvitz–Thompson estimate of the number of diggers on the sites the sample stands for: Σ w·y over the "
            "visits that counted them, y = the diggers counted."
        ),
    ),
}


def estimates_page(request: HttpRequest) -> HttpResponse:
    """The weighted estimates of every imported survey with design weights (`--sample` at import)."""
    rows = []
    for survey in estimates.surveys():
        lines = []
        for e in survey.estimates:
            label, definition = MEASURES[e.key]
            lines.append(
                {
                    "e": e,
                    "label": label,
                    "definition": definition,
                    "low": e.value - 1.96 * e.se,
                    "high": e.value + 1.96 * e.se,
                }
            )
        rows.append({"survey": survey, "lines": lines})
    return render(request, "fieldwork/estimates.html", {"surveys": rows})
