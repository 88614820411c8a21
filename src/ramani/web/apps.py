from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ramani.web"
    label = "web"
    verbose_name = "Web"
