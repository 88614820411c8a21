from django.contrib import admin

from ramani.orgs.models import Coverage, Membership, Organisation


class CoverageInline(admin.TabularInline):
    model = Coverage
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "active")
    list_filter = ("kind", "active")
    inlines = [CoverageInline, MembershipInline]
