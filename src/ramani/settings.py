"""Django settings, all derived from the declared RAMANI_* settings in `ramani.config`."""

from __future__ import annotations

import secrets
from pathlib import Path

from ramani import config, dburl

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()


def _secret_key() -> str:
    key = config.get("RAMANI_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = config.get("RAMANI_DEBUG") == "1"
ALLOWED_HOSTS = [h.strip() for h in config.get("RAMANI_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in config.get("RAMANI_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "ramani.geo",
    "ramani.sites",
    "ramani.incidents",
    "ramani.prices",
    "ramani.sms",
    "ramani.opendata",
    "ramani.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ramani.web.middleware.reject_nul",
    "ramani.opendata.cache.middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ramani.web.middleware.language",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "ramani.urls"
WSGI_APPLICATION = "ramani.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_db_url = config.get("RAMANI_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'ramani.db'}"
DATABASES = {"default": dburl.parse(_db_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = config.get("RAMANI_LANGUAGE")
LANGUAGES = [("fr", "Français"), ("en", "English"), ("sw", "Kiswahili")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Africa/Lubumbashi"
USE_TZ = True

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "opendata": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "opendata",
                 "OPTIONS": {"MAX_ENTRIES": 256}},
}

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 3600  # our own scripts and styles: an hour
# vendored libraries live under a versioned folder (vendor/maplibre-gl-5.24.1/...): cache them for a year
WHITENOISE_IMMUTABLE_FILE_TEST = lambda path, url: "/static/vendor/" in url  # noqa: E731

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "ramani": {"handlers": ["console"], "level": config.get("RAMANI_LOG_LEVEL"), "propagate": False},
        "django": {"handlers": ["console"], "level": "WARNING"},
    },
}
