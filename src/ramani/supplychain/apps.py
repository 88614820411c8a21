from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyChainConfig(AppConfig):
    name = "ramani.supplychain"
    label = "supplychain"
    verbose_name = _("Supply chain")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ramani.sites import revision
        from ramani.supplychain.models import PROXIES, InterferenceZone, TradePoint

        # open-data answers are cached by the registry revision: a curator's edit must move it
        for model in (TradePoint, *PROXIES.values(), InterferenceZone):
            name = model.__name__
            post_save.connect(revision.bump, sender=model, dispatch_uid=f"revision-save-{name}")
            post_delete.connect(revision.bump, sender=model, dispatch_uid=f"revision-delete-{name}")
