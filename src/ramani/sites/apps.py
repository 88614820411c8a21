from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SitesConfig(AppConfig):
    name = "ramani.sites"
    label = "sites"
    verbose_name = "Mining sites"

    def ready(self) -> None:
        from ramani.sites import revision, terms

        post_migrate.connect(terms.sync_after_migrate, sender=self)
        revision.connect_signals()
