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


def _default_data_dir() -> str:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(xdg) / "ramani")


SETTINGS: tuple[Setting, ...] = (
    Setting("RAMANI_DATA_DIR", _default_data_dir(),
            "Folder for the SQLite database and other local state."),
    Setting("RAMANI_DATABASE_URL", "",
            "Database: `sqlite:///absolute/path.db` or `postgres://user:pass@host:port/name`. "
            "Empty means SQLite at RAMANI_DATA_DIR/ramani.db."),
    Setting("RAMANI_SECRET_KEY", "",
            "Django secret key. Empty: a random key is generated once and kept in RAMANI_DATA_DIR/secret_key."),
    Setting("RAMANI_DEBUG", "0", "1 turns on Django debug pages (never in production)."),
    Setting("RAMANI_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]",
            "Comma-separated host names the server answers for."),
    Setting("RAMANI_CSRF_TRUSTED_ORIGINS", "",
            "Comma-separated origins (https://example.org) trusted for form posts behind a proxy."),
    Setting("RAMANI_LANGUAGE", "fr", "Default interface language: fr, en or sw."),
    Setting("RAMANI_LOG_LEVEL", "INFO", "Log level for Ramani's own loggers."),
    Setting("RAMANI_WORKERS", "2", "Web server worker processes for `ramani serve`."),
    Setting("RAMANI_PHONE_KEY", "",
            "Key for the phone-number hash and the sealed copies (empty: derived from RAMANI_SECRET_KEY). "
            "Keep it outside the database; changing it makes old sealed numbers unreadable."),
    Setting("RAMANI_PHONE_RETENTION_DAYS", "90",
            "Days after which the sealed copy of a phone number (kept only to reply) is erased."),
    Setting("RAMANI_DIALOGUE_MINUTES", "30", "A Kufatilia questionnaire left unanswered this long expires."),
    Setting("RAMANI_PRICE_STALE_DAYS", "7", "Matokeo says a price is old when it is older than this."),
    Setting("RAMANI_CACHE_SECONDS", "86400",
            "How long a web process keeps an open-data answer in memory (it is dropped anyway when the "
            "registry changes or the day turns); 0 turns the cache off."),
    Setting("RAMANI_CACHE_MAX_MB", "64",
            "Most memory, in MB, that each web process gives to cached open-data answers (least recently used "
            "dropped first; an answer over a quarter of it is not kept). 0 keeps nothing."),
    Setting("RAMANI_BASEMAP_URL", "",
            "Online basemap for the webmap: a raster tile URL template ({z}/{x}/{y}) or a MapLibre style JSON URL. "
            "Empty: the offline basemap (admin boundaries from the database, or a plain background)."),
    Setting("RAMANI_BASEMAP_ATTRIBUTION", "",
            "Attribution shown on the map for RAMANI_BASEMAP_URL (e.g. '© OpenStreetMap contributors')."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    return BY_NAME[name].value()


def data_dir() -> Path:
    path = Path(get("RAMANI_DATA_DIR")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
