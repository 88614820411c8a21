from django.urls import path

from ramani.opendata import pages, views
from ramani.opendata.api import api

urlpatterns = [
    path("api/", api.urls),
    path("opendata/", pages.opendata_page, name="opendata"),
    path("opendata/dictionary.<str:fmt>", pages.dictionary_download, name="dictionary"),
    path("opendata/download/<str:collection>.hxl.csv", pages.hxl_download, name="download-hxl"),
    path("opendata/download/<str:collection>.<str:fmt>", views.download, name="download"),
    path("ogcapi", views.landing),
    path("ogcapi/", views.landing, name="ogc-landing"),
    path("ogcapi/conformance", views.conformance),
    path("ogcapi/api", views.api),
    path("ogcapi/collections", views.collections),
    path("ogcapi/collections/<str:collection_id>", views.collection),
    path("ogcapi/collections/<str:collection_id>/items", views.items, name="ogc-items"),
    path("ogcapi/collections/<str:collection_id>/items/<str:feature_id>", views.item, name="ogc-item"),
]
