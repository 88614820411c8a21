"""Every Ramani setting, declared once as data: name, default, help.

Each is read from the environment variable of the same name. `docs/settings.md`
documents them all (a test checks that it does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.name, self.default)


def checkout() -> Path | None:
    """The source checkout Ramani runs from (the folder of its pyproject.toml), or None when installed."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "src" / "ramani" / "config.py").is_file():
        return root
    return None


def _default_data_dir() -> str:
    """The checkout's var/ when run from one (what `make run` serves), else $XDG_DATA_HOME/ramani."""
    root = checkout()
    if root is not None:
        return str(root / "var")
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(xdg) / "ramani")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "RAMANI_DATA_DIR",
        _default_data_dir(),
        "Folder for the SQLite database and other local state: the checkout's var/ when Ramani runs from its "
        "source checkout (as `make run` does), else ~/.local/share/ramani.",
    ),
    Setting(
        "RAMANI_DATABASE_URL",
        "",
        "Database: `sqlite:///absolute/path.db` or `postgres://user:pass@host:port/name`. "
        "Empty means SQLite at RAMANI_DATA_DIR/ramani.db.",
    ),
    Setting(
        "RAMANI_SECRET_KEY",
        "",
        "Django secret key. Empty: a random key is generated once and kept in RAMANI_DATA_DIR/secret_key.",
    ),
    Setting("RAMANI_DEBUG", "0", "1 turns on Django debug pages (never in production)."),
    Setting("RAMANI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]", "Comma-separated host names the server answers for."),
    Setting(
        "RAMANI_CSRF_TRUSTED_ORIGINS",
        "",
        "Comma-separated origins (https://example.org) trusted for form posts behind a proxy.",
    ),
    Setting(
        "RAMANI_URL_PREFIX",
        "/",
        "Path the whole site is served under, e.g. /ramani/ for https://example.org/ramani/ (default /). "
        "Requests must arrive with the prefix in their path, straight to `ramani serve` or through a proxy "
        "that passes the path on unchanged; every link, redirect, static file and script fetch carries it.",
    ),
    Setting("RAMANI_LANGUAGE", "fr", "Default interface language: fr, en or sw."),
    Setting("RAMANI_LOG_LEVEL", "INFO", "Log level for Ramani's own loggers."),
    Setting("RAMANI_WORKERS", "2", "Web server worker processes for `ramani serve`."),
    Setting(
        "RAMANI_PHONE_KEY",
        "",
        "Key for the phone-number hash and the sealed copies (empty: derived from RAMANI_SECRET_KEY). "
        "Keep it outside the database; changing it makes old sealed numbers unreadable.",
    ),
    Setting(
        "RAMANI_PHONE_RETENTION_DAYS",
        "90",
        "Days after which the sealed copy of a phone number (kept only to reply) is erased.",
    ),
    Setting("RAMANI_DIALOGUE_MINUTES", "30", "A Kufatilia questionnaire left unanswered this long expires."),
    Setting("RAMANI_PRICE_STALE_DAYS", "7", "Matokeo says a price is old when it is older than this."),
    Setting(
        "RAMANI_CACHE_SECONDS",
        "86400",
        "How long a web process keeps an open-data answer in memory (it is dropped anyway when the "
        "registry changes or the day turns); 0 turns the cache off.",
    ),
    Setting(
        "RAMANI_CACHE_MAX_MB",
        "64",
        "Most memory, in MB, that each web process gives to cached open-data answers (least recently used "
        "dropped first; an answer over a quarter of it is not kept). 0 keeps nothing.",
    ),
    Setting(
        "RAMANI_BASEMAP_URL",
        "",
        "Basemap for the webmap: a raster tile URL template ({z}/{x}/{y}), a MapLibre style JSON URL, or "
        "pmtiles://NAME.pmtiles (a PMTiles file in the data dir, served with HTTP Range). "
        "Empty: the offline basemap (bundled Natural Earth water, countries, rivers and towns, and the admin "
        "boundaries from the database).",
    ),
    Setting(
        "RAMANI_BASEMAP_ATTRIBUTION",
        "",
        "Attribution shown on the map for RAMANI_BASEMAP_URL (e.g. '© OpenStreetMap contributors').",
    ),
    Setting(
        "RAMANI_HTTPS",
        "0",
        "1 = served behind a TLS proxy that sets X-Forwarded-Proto: Secure cookies, HSTS (1 year, subdomains), "
        "redirect of plain HTTP to HTTPS, client address from the proxy's X-Forwarded-For.",
    ),
    Setting(
        "RAMANI_CSP_EXTRA_ORIGINS",
        "",
        "Space- or comma-separated origins (https://tiles.example.org) the pages may also fetch from and show "
        "images of (Content-Security-Policy connect-src and img-src): the tile, glyph and sprite hosts a "
        "basemap style JSON names. RAMANI_BASEMAP_URL's own origin is allowed already.",
    ),
    Setting(
        "RAMANI_LOGIN_FAILURE_LIMIT",
        "5",
        "Wrong passwords in a row for one user name from one address before logins are refused (HTTP 429).",
    ),
    Setting("RAMANI_LOGIN_LOCKOUT_MINUTES", "15", "How long such a lockout lasts."),
    Setting(
        "RAMANI_LOGIN_ADDRESS_LIMIT",
        "30",
        "Wrong passwords from one address, whatever the user names, before every login from it is refused "
        "for RAMANI_LOGIN_LOCKOUT_MINUTES (0: no such limit).",
    ),
    Setting("RAMANI_KOBO_URL", "", "KoboToolbox server for `ramani import kobo --asset` (https://kf.kobotoolbox.org)."),
    Setting("RAMANI_KOBO_TOKEN", "", "KoboToolbox API token for that server (sent as `Authorization: Token …`)."),
    Setting(
        "RAMANI_ODK_URL", "", "ODK Central server for `ramani import odk --odk-project` (https://central.example.org)."
    ),
    Setting("RAMANI_ODK_EMAIL", "", "ODK Central web user (e-mail) that may read the form's submissions."),
    Setting("RAMANI_ODK_PASSWORD", "", "That user's password (sent with HTTP Basic auth to that server only)."),
    Setting(
        "RAMANI_EMAIL_HOST",
        "",
        "SMTP server for the platform's e-mail (password resets). Empty: no e-mail; a network administrator or "
        "an organisation manager sets a temporary password instead (/cases/members/).",
    ),
    Setting("RAMANI_EMAIL_PORT", "587", "SMTP port."),
    Setting("RAMANI_EMAIL_USER", "", "SMTP user name (empty: no authentication)."),
    Setting("RAMANI_EMAIL_PASSWORD", "", "SMTP password."),
    Setting("RAMANI_EMAIL_TLS", "1", "1 = STARTTLS on RAMANI_EMAIL_PORT; 0 = plain SMTP (a local relay only)."),
    Setting("RAMANI_EMAIL_FROM", "ramani@localhost", "Sender address of the platform's e-mail."),
    Setting(
        "RAMANI_PASSWORD_RESET_LIMIT",
        "5",
        "Password-reset requests per client address per hour (each web process counts its own); more get 429.",
    ),
)

BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    return BY_NAME[name].value()


def url_prefix() -> str:
    """RAMANI_URL_PREFIX normalised to "/" or "/a/b/" (leading and trailing slash, no doubled ones)."""
    parts = [p for p in get("RAMANI_URL_PREFIX").strip().split("/") if p]
    return "/" + "".join(p + "/" for p in parts)


def data_dir() -> Path:
    """The data folder, created private (0700: it holds the database and the secret key) when it is new."""
    path = Path(get("RAMANI_DATA_DIR")).expanduser()
    try:
        path.mkdir(parents=True, mode=0o700)
    except FileExistsError:
        pass
    else:
        path.chmod(0o700)  # mkdir's mode is filtered by the umask
    return path
