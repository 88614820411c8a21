"""Turn a RAMANI_DATABASE_URL into a Django DATABASES entry."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit


class DatabaseURLError(ValueError):
    pass


def parse(url: str) -> dict:
    """`sqlite:///abs/path.db`, `sqlite:///:memory:` or `postgres[ql]://user:pass@host:port/db?opt=v`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:
            raise DatabaseURLError("sqlite URLs take a path only: sqlite:///absolute/path.db")
        if path.startswith("//"):  # sqlite:////abs/path (four slashes) as dj-database-url writes it
            path = path[1:]
        if path.startswith("/:memory:"):
            path = ":memory:"
        if not path:
            raise DatabaseURLError("sqlite URL has no path: use sqlite:///absolute/path.db")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    if scheme in ("postgres", "postgresql", "postgis"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise DatabaseURLError("postgres URL names no database: postgres://user:pass@host:5432/name")
        options = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise DatabaseURLError(f"unsupported database URL scheme {scheme!r}: use sqlite:/// or postgres://")
