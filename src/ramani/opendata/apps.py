from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "ramani.opendata"
    label = "opendata"
    verbose_name = "Open data"
