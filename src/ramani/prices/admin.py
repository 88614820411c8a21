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

    list_display = ("requested", "mineral")
    list_filter = ("mineral",)
    date_hierarchy = "requested"
    change_list_template = "admin/prices/request/change_list.html"

    def changelist_view(self, request, extra_context=None):
        from ramani.prices.matokeo import monthly_usage

        usage = [
            (
                month,
                counts.get("gold", 0),
                counts.get("tin", 0),
                counts.get("cobalt", 0),
                counts.get("", 0),
                sum(counts.values()),
            )
            for month, counts in monthly_usage()
        ]
        return super().changelist_view(request, {**(extra_context or {}), "usage": usage})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
