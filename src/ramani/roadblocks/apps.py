from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadblocksConfig(AppConfig):
    name = "ramani.roadblocks"
    label = "roadblocks"
    verbose_name = _("Roadblocks")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ramani.roadblocks.models import Roadblock
        from ramani.sites import revision

        # open-data answers are cached by the registry revision: a curator's edit must move it
        post_save.connect(revision.bump, sender=Roadblock, dispatch_uid="revision-save-Roadblock")
        post_delete.connect(revision.bump, sender=Roadblock, dispatch_uid="revision-delete-Roadblock")
