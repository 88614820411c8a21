from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "ramani.incidents"
    label = "incidents"
    verbose_name = "Incidents (Kufatilia)"
