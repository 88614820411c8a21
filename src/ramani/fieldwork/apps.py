from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "ramani.fieldwork"
    label = "fieldwork"
    verbose_name = "Field research (settlements, surveys)"
