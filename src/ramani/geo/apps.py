from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "ramani.geo"
    label = "geo"
    verbose_name = "Geography"
