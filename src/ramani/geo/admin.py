from django.contrib import admin

from ramani.geo.models import AdminUnit


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ("pcode", "name", "level", "parent_pcode", "source")
    list_filter = ("level", "parent_pcode")
    search_fields = ("pcode", "name")
    exclude = ("geometry",)
