from django.contrib import admin

from ramani.prices.models import Price, Request


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ("mineral", "price", "currency", "unit", "market", "date", "source")
    list_filter = ("mineral", "market")
    date_hierarchy = "date"


@admin.register(Request)
class RequestAdmin(admin.ModelAdmin):
    """Matokeo usage: requests per mineral per month (2023 reference: 793 — gold 702, tin 21, cobalt 70)."""

    list_display = ("month", "mineral", "count")
    list_filter = ("mineral",)
    readonly_fields = ("month", "mineral", "count")
