"""Curation: sites, visits and qualification decisions, every change kept in history."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ramani.sites import qualification as rules
from ramani.sites.models import ImportRun, Qualification, Site, Term, Visit, VisitArmedGroup, VisitMineral

SHORT_TEXT = {models.TextField: {"widget": forms.TextInput(attrs={"size": 40})}}


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0
    fields = ("date", "status", "reference", "visit")
    raw_id_fields = ("visit",)
    formfield_overrides = SHORT_TEXT


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    fields = ("visit_date", "project", "source", "workers_numb", "presence", "interference", "qualification")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Site)
class SiteAdmin(SimpleHistoryAdmin):
    list_display = (
        "pcode",
        "name",
        "province",
        "territoire",
        "last_visit_date",
        "visit_count",
        "status_today",
        "synthetic",
    )
    list_filter = ("synthetic", "province", "province_pcode")
    search_fields = ("pcode", "name", "village", "territoire")
    readonly_fields = (
        "first_visit_date",
        "last_visit_date",
        "visit_count",
        "province_pcode",
        "adm2_pcode",
        "created",
        "updated",
        "status_today",
    )
    inlines = [QualificationInline, VisitInline]
    formfield_overrides = SHORT_TEXT

    @admin.display(description=_("Qualification today"))
    def status_today(self, obj: Site) -> str:
        status = obj.status_on(dt.date.today())
        return format_html('<span style="color:{}">●</span> {}', rules.COLOURS[status.status], status.explain())


class MineralInline(admin.TabularInline):
    model = VisitMineral
    extra = 0
    formfield_overrides = SHORT_TEXT


class ArmedGroupInline(admin.StackedInline):
    model = VisitArmedGroup
    extra = 0
    formfield_overrides = SHORT_TEXT


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = (
        "site",
        "visit_date",
        "project",
        "source",
        "workers_numb",
        "presence",
        "interference",
        "mercury",
        "childunder15",
        "qualification",
    )
    list_filter = ("project", "source", "presence", "interference", "mercury", "childunder15", "qualification")
    search_fields = ("site__pcode", "name", "vid")
    date_hierarchy = "visit_date"
    raw_id_fields = ("site", "import_run")
    readonly_fields = ("key", "row_hash")
    inlines = [MineralInline, ArmedGroupInline]
    formfield_overrides = SHORT_TEXT
    list_select_related = ("site",)


@admin.register(Qualification)
class QualificationAdmin(SimpleHistoryAdmin):
    list_display = ("site", "status", "date", "reference")
    list_filter = ("status",)
    search_fields = ("site__pcode", "site__name", "reference")
    raw_id_fields = ("site", "visit")
    formfield_overrides = SHORT_TEXT


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ("vocabulary", "value", "label_fr", "label_en", "label_sw", "reviewed")
    list_filter = ("vocabulary", "reviewed")
    list_editable = ("label_fr", "label_en", "label_sw", "reviewed")
    search_fields = ("value", "label_fr", "label_en", "label_sw")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started", "kind", "filename", "rows", "created_count", "updated_count", "unchanged_count")
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False
