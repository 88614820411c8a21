from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "ramani.sites"
    label = "sites"
    verbose_name = _("Mining sites")

    def ready(self) -> None:
        from ramani.sites import revision, terms

        post_migrate.connect(terms.sync_after_migrate, sender=self)
        revision.connect_signals()
