"""Curation of settlements (every change kept in history) and a read-only list of survey submissions."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ramani.fieldwork.models import Settlement, SurveySubmission


@admin.register(Settlement)
class SettlementAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "population", "province_pcode", "adm2_pcode", "source", "synthetic")
    list_filter = ("kind", "province_pcode", "synthetic")
    search_fields = ("name", "key")
    readonly_fields = ("key", "imported", "source", "updated")


@admin.register(SurveySubmission)
class SurveySubmissionAdmin(admin.ModelAdmin):
    list_display = ("instance_id", "root", "source", "submitted_at", "visit", "stratum", "weight")
    list_filter = ("source",)
    search_fields = ("instance_id", "root")
    raw_id_fields = ("visit",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
