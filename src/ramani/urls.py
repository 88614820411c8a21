from django.contrib import admin
from django.urls import include, path

from ramani.web import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),  # e-mail or administrator
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("ramani.sms.urls")),
    path("", include("ramani.opendata.urls")),
    path("", include("ramani.fieldwork.urls")),
    path("", include("ramani.web.urls")),
]
