from django.apps import AppConfig


class PricesConfig(AppConfig):
    name = "ramani.prices"
    label = "prices"
    verbose_name = "Mineral prices (Matokeo)"
