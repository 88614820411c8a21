from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricesConfig(AppConfig):
    name = "ramani.prices"
    label = "prices"
    verbose_name = _("Mineral prices (Matokeo)")
