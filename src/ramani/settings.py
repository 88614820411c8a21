"""Django settings, all derived from the declared RAMANI_* settings in `ramani.config`."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from ramani import config, dburl

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()


def _private_file(path: Path) -> None:
    """Create `path` readable by its owner only (0600), or tighten it if it is ours and others may read it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o077:
            path.chmod(0o600)
    else:
        path.chmod(0o600)  # whatever the umask took away


def _secret_key() -> str:
    key = config.get("RAMANI_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _private_file(path)
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
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
    "axes",  # login throttling
    "csp",  # Content-Security-Policy header
    "ramani.geo",
    "ramani.sites",
    "ramani.orgs",
    "ramani.incidents",
    "ramani.prices",
    "ramani.fieldwork",
    "ramani.roadblocks",
    "ramani.supplychain",
    "ramani.sms",
    "ramani.opendata",
    "ramani.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
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
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the 429 page
]

ROOT_URLCONF = "ramani.urls"
WSGI_APPLICATION = "ramani.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],  # first: its admin/base_site.html extends Django's
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
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and DATABASES["default"]["NAME"] != ":memory:":
    # SQLite gives its -wal and -shm files the database file's mode: 0600 for all three
    _db_path = Path(DATABASES["default"]["NAME"])
    try:
        _private_file(_db_path)
    except OSError:  # no such folder, not ours, read-only: SQLite itself will say what is wrong, if anything
        pass
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = config.get("RAMANI_LANGUAGE")
LANGUAGES = [("fr", "Français"), ("en", "English"), ("sw", "Kiswahili")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Africa/Lubumbashi"
USE_TZ = True

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "opendata": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "opendata",
        "OPTIONS": {"MAX_ENTRIES": 256},
    },
}

# RAMANI_URL_PREFIX (/ramani/): the site mounted under a path. ramani.wsgi moves the prefix from PATH_INFO to
# SCRIPT_NAME for every request (straight to `ramani serve` or through a proxy that passes the path on), and
# FORCE_SCRIPT_NAME makes reverse(), {% url %}, {% static %} and redirects put it back in every URL built.
URL_PREFIX = config.url_prefix()
FORCE_SCRIPT_NAME = URL_PREFIX.rstrip("/") or None
STATIC_URL = URL_PREFIX + "static/"
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
# cookies only for the site's own path: another application on the same host sees none of them
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = LANGUAGE_COOKIE_PATH = URL_PREFIX

SESSION_COOKIE_HTTPONLY = True
LOGIN_URL = "login"  # URL names: reversed under RAMANI_URL_PREFIX
LOGIN_REDIRECT_URL = "cases"
LOGOUT_REDIRECT_URL = "map"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Behind a TLS proxy (RAMANI_HTTPS=1, see docs/deployment.md): cookies only over HTTPS, HSTS, plain HTTP
# redirected. The proxy must set X-Forwarded-Proto (and overwrite any the client sent).
HTTPS = config.get("RAMANI_HTTPS") == "1"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # not redirected: a load balancer's plain-HTTP probe, and SMS gateways on the machine itself posting over
    # loopback (Kannel); from outside everything comes through the proxy, which redirects port 80 itself
    # (Django matches request.path, prefix included, without its leading slash)
    _exempt_prefix = re.escape(URL_PREFIX.lstrip("/"))
    SECURE_REDIRECT_EXEMPT = [rf"^{_exempt_prefix}healthz$", rf"^{_exempt_prefix}sms/"]
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # HSTS preload is a promise made to the browsers' lists for the whole domain: the operator's call,
    # not a default, so `check --deploy` is told not to ask for it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy on every answer (django-csp). No inline script or style anywhere: our pages,
# the admin and Swagger UI (/api/docs) load theirs from /static/. MapLibre draws with a blob: worker and
# blob:/data: images; an online basemap adds its origin to connect-src (tiles, style) and img-src.


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme in ("http", "https") and parts.netloc and "{" not in parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


_extra_origins = [
    o for o in (_origin(u) for u in config.get("RAMANI_CSP_EXTRA_ORIGINS").replace(",", " ").split()) if o
]
_basemap_origin = _origin(config.get("RAMANI_BASEMAP_URL"))
_remote = sorted({*_extra_origins, *([_basemap_origin] if _basemap_origin else [])})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # style="…" attributes (not <style> elements, nor any selector): the admin's, simple_history's and a
        # few of our own pages still use some. Ours that matter for reading (the colour dots) are SVG fills,
        # which need no exception, so a browser that ignores style-src-attr loses nothing.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *_remote],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *_remote],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],  # worker-src's fallback in older browsers
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    },
}

# Login throttling (django-axes) for every authenticate(): the admin today, any login view later.
# A user name is locked for one client address after RAMANI_LOGIN_FAILURE_LIMIT wrong passwords, and an address
# after RAMANI_LOGIN_ADDRESS_LIMIT whatever the names (ramani.web.throttle); a locked attempt is refused before
# its password is hashed (hashing is what costs CPU) and answered 429.
AUTHENTICATION_BACKENDS = [
    "ramani.web.throttle.LoginThrottleBackend",  # axes' AxesStandaloneBackend, plus the address ceiling
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(config.get("RAMANI_LOGIN_FAILURE_LIMIT"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(config.get("RAMANI_LOGIN_LOCKOUT_MINUTES")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ramani.web.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "ramani.web.throttle.locked_out"
LOGIN_ADDRESS_LIMIT = int(config.get("RAMANI_LOGIN_ADDRESS_LIMIT"))
AXES_ENABLE_ADMIN = True

# E-mail (password resets) only when RAMANI_EMAIL_HOST is set; without it nothing is ever sent and the reset
# page sends people to their network administrator or organisation manager (ramani.web.accounts).
EMAIL_CONFIGURED = bool(config.get("RAMANI_EMAIL_HOST"))
EMAIL_BACKEND = "django.core.mail.backends." + ("smtp.EmailBackend" if EMAIL_CONFIGURED else "dummy.EmailBackend")
EMAIL_HOST = config.get("RAMANI_EMAIL_HOST") or "localhost"
EMAIL_PORT = int(config.get("RAMANI_EMAIL_PORT"))
EMAIL_HOST_USER = config.get("RAMANI_EMAIL_USER")
EMAIL_HOST_PASSWORD = config.get("RAMANI_EMAIL_PASSWORD")
EMAIL_USE_TLS = config.get("RAMANI_EMAIL_TLS") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = config.get("RAMANI_EMAIL_FROM")
PASSWORD_RESET_LIMIT = int(config.get("RAMANI_PASSWORD_RESET_LIMIT"))

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
