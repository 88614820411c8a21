from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ramani.web"
    label = "web"
    verbose_name = _("Web")

    def ready(self):
        from django.contrib import admin
        from django.utils.translation import gettext_lazy as _

        # Django's "Django administration" otherwise, on every admin page and tab
        admin.site.site_header = _("Ramani: curation")
        admin.site.site_title = "Ramani"
        admin.site.index_title = _("Registry curation")
