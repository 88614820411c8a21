"""Curation of the supply-chain layers, every change kept in history. A moved trade point gets its new admin
units; a zone's drawn geometry is edited as WKT, checked like an import's."""

from __future__ import annotations

import shapely
from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ramani.roadblocks.formats import read_date
from ramani.supplychain.formats import area_km2
from ramani.supplychain.importer import _locate
from ramani.supplychain.models import InterferenceZone, SiteLink, TradePoint

WIDE = forms.TextInput(attrs={"size": 50})


class TradePointForm(forms.ModelForm):
    class Meta:
        model = TradePoint
        exclude = ("date",)
        widgets = {c: WIDE for c in ("name", "locality", "operator", "source", "project", "territoire")}

    def clean_date_text(self):
        text = self.cleaned_data["date_text"].strip()
        if text:
            try:
                read_date(text)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from None
        return text


class SiteLinkInline(admin.TabularInline):
    model = SiteLink
    extra = 0
    can_delete = False
    fields = ("site", "role", "text", "method", "matched", "score", "minerals", "visits", "last_visit")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # links are derived from the visits (ramani link trade-points)


@admin.register(TradePoint)
class TradePointAdmin(SimpleHistoryAdmin):
    form = TradePointForm
    list_display = ("name", "kind", "locality", "operator", "territoire", "project", "synthetic")
    list_filter = ("kind", "synthetic", "project", "province_pcode", "territoire")
    search_fields = ("key", "name", "locality", "operator", "territoire")
    readonly_fields = ("province_pcode", "adm2_pcode", "territoire", "created", "updated")
    inlines = [SiteLinkInline]

    def save_model(self, request, obj: TradePoint, form, change) -> None:
        try:
            obj.date = read_date(obj.date_text) if obj.date_text.strip() else None
        except ValueError:
            obj.date = None  # kept as written; the form below checks it
        point = {"latitude": obj.latitude, "longitude": obj.longitude}
        _locate([point])
        obj.province_pcode, obj.adm2_pcode, obj.territoire = (
            point["province_pcode"],
            point["adm2_pcode"],
            point["territoire"],
        )
        super().save_model(request, obj, form, change)


class ZoneForm(forms.ModelForm):
    wkt = forms.CharField(
        label=capfirst(_("geometry (WKT)")),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Polygon or MultiPolygon"),
    )

    class Meta:
        model = InterferenceZone
        exclude = ("geometry", "minx", "miny", "maxx", "maxy", "area_km2", "period_start", "period_end")
        widgets = {c: WIDE for c in ("name", "armed_group", "source", "project")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.geometry:
            self.initial["wkt"] = shapely.to_wkt(shapely.from_wkb(bytes(self.instance.geometry)), rounding_precision=-1)

    def clean_wkt(self):
        try:
            geometry = shapely.force_2d(shapely.from_wkt(self.cleaned_data["wkt"]))
        except shapely.errors.GEOSException:
            raise forms.ValidationError(_("not readable WKT"), code="unreadable") from None
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            raise forms.ValidationError(_("a zone is a Polygon or a MultiPolygon"), code="not_polygon")
        if not geometry.is_valid:
            raise forms.ValidationError(
                _("not a valid polygon: %(reason)s"),
                code="invalid",
                params={"reason": shapely.is_valid_reason(geometry)},
            )
        return geometry

    def clean(self):
        data = super().clean()
        for column in ("period_start", "period_end"):
            text = (data.get(f"{column}_text") or "").strip()
            try:
                data[column] = read_date(text) if text else None
            except ValueError as exc:
                self.add_error(f"{column}_text", str(exc))
        if not (data.get("period_start_text") or "").strip():
            self.add_error("period_start_text", _("the start of the period is required"))
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end_text", _("the period ends before it starts"))
        return data

    def save(self, commit=True):
        zone = super().save(commit=False)
        zone.period_start, zone.period_end = self.cleaned_data["period_start"], self.cleaned_data["period_end"]
        geometry = self.cleaned_data["wkt"]
        zone.geometry = shapely.to_wkb(geometry)
        zone.minx, zone.miny, zone.maxx, zone.maxy = geometry.bounds
        zone.area_km2 = round(area_km2(geometry), 3)
        if commit:
            zone.save()
        return zone


@admin.register(InterferenceZone)
class InterferenceZoneAdmin(SimpleHistoryAdmin):
    form = ZoneForm
    list_display = ("__str__", "armed_group", "group_type", "period_start_text", "period_end_text", "synthetic")
    list_filter = ("group_type", "synthetic", "project")
    search_fields = ("key", "name", "armed_group", "source")
    readonly_fields = ("area_km2", "created", "updated")
