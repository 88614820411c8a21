from django.urls import path, re_path
from django.views.decorators.cache import never_cache

from ramani.web import accounts, cases, dashboard, kufatilia, map_views, site_page, views
from ramani.web.analysis_page import analysis_page, analysis_table, density_geojson
from ramani.web.stories import views as stories
from ramani.web.supplychain_downloads import layer_download


def private(view):
    """The follow-up platform's pages and exports hold reporters' words: no browser or proxy keeps a copy
    (a shared or seized computer's cache, or its Back button after logout)."""
    return never_cache(view)


urlpatterns = [
    path("", map_views.map_page, name="map"),
    path("map/tiles/<int:z>/<int:x>/<int:y>.pbf", map_views.tile, name="map-tile"),
    path("map/boundaries.json", map_views.boundaries, name="map-boundaries"),
    path("map/basemap.json", map_views.natural_earth, name="map-basemap"),
    path("map/basemap/<str:name>", map_views.basemap_file, name="map-basemap-file"),
    path("sites/", map_views.site_list, name="site-list"),
    path("sites/<str:pcode>/", site_page.site_page, name="site-page"),
    path("story/", stories.story_list, name="story-list"),
    path("story/<slug:slug>/", stories.story_page, name="story"),
    path("story/<slug:slug>/<str:name>", stories.story_image, name="story-image"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("analysis/", analysis_page, name="analysis"),
    path("analysis/density.geojson", density_geojson, name="analysis-density"),
    path("analysis/<str:name>.csv", analysis_table, name="analysis-table"),
    path("supplychain/<str:name>.<str:fmt>", layer_download, name="supplychain-download"),
    path("about/", views.about, name="about"),
    re_path(r"^lang/(?P<code>[a-z]{2})/$", views.set_language, name="set-language"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("cases/", private(cases.inbox), name="cases"),
    path("cases/export.csv", private(cases.export), name="cases-export"),
    path("cases/bulk/", private(cases.bulk), name="cases-bulk"),
    path("cases/analytics/", private(cases.analytics), name="cases-analytics"),
    path("cases/analytics/territoires.geojson", private(cases.analytics_territoires), name="cases-territoires"),
    path("cases/members/", private(accounts.members), name="cases-members"),
    path(
        "cases/members/<int:membership_id>/password/",
        private(accounts.temporary_password),
        name="cases-member-password",
    ),
    re_path(r"^cases/(?P<report_id>[0-9A-Fa-f]{8})/$", private(cases.incident_page), name="case"),
    re_path(r"^cases/(?P<report_id>[0-9A-Fa-f]{8})/(?P<verb>[a-z_]{2,30})/$", private(cases.act), name="case-act"),
    path("kufatilia/", kufatilia.dashboard, name="kufatilia"),
    path("kufatilia/api/pcode/<str:pcode>", kufatilia.by_pcode, name="kufatilia-pcode"),
    path("kufatilia/territoires.geojson", kufatilia.territoires, name="kufatilia-territoires"),
]
