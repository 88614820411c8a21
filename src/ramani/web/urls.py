from django.urls import path, re_path

from ramani.web import dashboard, map_views, views

urlpatterns = [
    path("", map_views.map_page, name="map"),
    path("map/tiles/<int:z>/<int:x>/<int:y>.pbf", map_views.tile, name="map-tile"),
    path("map/boundaries.json", map_views.boundaries, name="map-boundaries"),
    path("sites/", map_views.site_list, name="site-list"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("about/", views.about, name="about"),
    re_path(r"^lang/(?P<code>[a-z]{2})/$", views.set_language, name="set-language"),
    path("healthz", views.healthz, name="healthz"),
]
