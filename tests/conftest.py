from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from ramani.sites import ipis_format as fmt

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "ipis_sample.csv"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the project's ../shared folder)")
    return path


def read_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_table(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or fmt.COLUMNS
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def same_value(column: str, a: str, b: str) -> bool:
    """IPIS values compared as the round-trip promise says: numbers and flags by value, text exactly."""
    if a == "" or b == "":
        return a == b
    kind = fmt.KINDS[column]
    if kind in (fmt.FLOAT, fmt.INT, fmt.FLAG):
        return float(a) == float(b)
    if kind == fmt.ID and a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        return int(a) == int(b)
    return a == b


def assert_same_table(original: Path, exported: Path) -> None:
    a, b = read_table(original), read_table(exported)
    assert len(a) == len(b)
    key = lambda r: (r["vid"], r["pcode"], r["visit_date"], r["project"])  # noqa: E731
    for ra, rb in zip(sorted(a, key=key), sorted(b, key=key)):
        for column in fmt.COLUMNS:
            assert same_value(column, ra[column], rb[column]), (ra["vid"], column, ra[column], rb[column])


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 28)


@pytest.fixture
def sample_rows() -> list[dict[str, str]]:
    return read_table(SAMPLE)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_postgres() -> bool:
    """True in the PostgreSQL pass (RAMANI_DATABASE_URL names a PostgreSQL server)."""
    import os

    return os.environ.get("RAMANI_DATABASE_URL", "").lower().startswith(("postgres:", "postgresql:", "postgis:"))


class LiveDatabase:
    """A database of its own for the processes a test starts (`ramani serve`, `ramani sms worker`, CLI commands).

    SQLite pass: a file in `folder`. PostgreSQL pass: a fresh database `live_<random>` created on the server
    RAMANI_DATABASE_URL points to (never `test_<name>`, pytest-django's) and dropped by `drop()`.
    Empty: run `migrate` in it (the migrations create PostGIS)."""

    def __init__(self, folder: Path, template: LiveDatabase | None = None):
        """`template`: start as a copy of that database (PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: a backup)
        and of the files of its data folder."""
        import os
        import secrets
        from urllib.parse import urlsplit, urlunsplit

        self.folder = folder
        self.postgres = is_postgres()
        if template is not None:  # the data folder's own files too (its secret key: hashes in the rows depend on it)
            import shutil

            for path in template.folder.iterdir():
                if path.is_file() and not path.name.startswith("live.db"):
                    shutil.copy2(path, folder / path.name)
        if self.postgres:
            import psycopg
            from psycopg import sql

            parts = urlsplit(os.environ["RAMANI_DATABASE_URL"])
            self.name = f"live_{secrets.token_hex(6)}"
            self.url = urlunsplit(parts._replace(path="/" + self.name))
            # libpq knows postgres:// and postgresql:// but not postgis://, nor Django's OPTIONS in the query
            self._dsn = urlunsplit(parts._replace(scheme="postgresql", path="/" + self.name, query=""))
            self._admin_dsn = urlunsplit(parts._replace(scheme="postgresql", query=""))
            create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            if template is not None:
                create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template.name))
            with psycopg.connect(self._admin_dsn, autocommit=True) as conn:
                conn.execute(create)
        else:
            import sqlite3

            self.name = str(folder / "live.db")
            self.url = f"sqlite:///{self.name}"
            if template is not None:
                source, copy = sqlite3.connect(template.name), sqlite3.connect(self.name)
                try:
                    source.backup(copy)
                finally:
                    source.close()
                    copy.close()

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a process working on this database (its data folder is `folder`)."""
        import os

        return {**os.environ, "RAMANI_DATA_DIR": str(self.folder), "RAMANI_DATABASE_URL": self.url, **extra}

    def sql(self, statement: str, *params):
        """Rows of one statement; parameters are written `?` on both engines."""
        if self.postgres:
            import psycopg

            if params:
                statement = statement.replace("%", "%%").replace("?", "%s")
            with psycopg.connect(self._dsn, autocommit=True) as conn:
                return conn.execute(statement, params or None).fetchall()
        import sqlite3

        conn = sqlite3.connect(self.name)
        try:
            rows = conn.execute(statement, params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()

    def tables(self) -> list[str]:
        """Every table of the database (on PostgreSQL: of its public schema, PostGIS's included)."""
        if self.postgres:
            query = (
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        else:
            query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
        return [name for (name,) in self.sql(query)]

    def drop(self) -> None:
        if self.postgres:
            import psycopg
            from psycopg import sql

            with psycopg.connect(self._admin_dsn, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


@pytest.fixture
def live_database(tmp_path):
    """An empty database of its own (see LiveDatabase), on the engine of this pass."""
    database = LiveDatabase(tmp_path)
    yield database
    database.drop()


_DEMO_TEMPLATES: dict[int, LiveDatabase] = {}


def demo_template(sites: int) -> LiveDatabase:
    """A database migrated and loaded by `ramani demo --sites N --seed 11`, made once per test session and size.

    Each LiveServer starts from a copy of it: the migrations and the demo (some 15 s) run once per size, not once
    per server. The copy takes the database and the template folder's files (its secret key); the rest of the
    server's data folder is its own. Dropped at the session's end
    (`drop_demo_templates`)."""
    import subprocess
    import sys
    import tempfile

    if sites not in _DEMO_TEMPLATES:
        database = LiveDatabase(Path(tempfile.mkdtemp(prefix=f"ramani-demo-{sites}-")))
        try:
            env = database.env()
            cli = [sys.executable, "-m", "ramani.cli"]
            subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True, timeout=600)
            demo = [*cli, "demo", "--sites", str(sites), "--seed", "11"]
            subprocess.run(demo, env=env, check=True, capture_output=True, timeout=600)
        except BaseException:
            database.drop()
            raise
        _DEMO_TEMPLATES[sites] = database
    return _DEMO_TEMPLATES[sites]


@pytest.fixture(scope="session", autouse=True)
def drop_demo_templates():
    yield
    import shutil

    for database in _DEMO_TEMPLATES.values():
        database.drop()
        shutil.rmtree(database.folder, ignore_errors=True)
    _DEMO_TEMPLATES.clear()


class LiveServer:
    """`ramani serve` in its own process over its own database (a LiveDatabase) loaded with demo data."""

    def __init__(self, folder: Path, sites: int = 300, prefix: str | None = None):
        """`prefix` (default $RAMANI_TEST_URL_PREFIX, else none): serve under RAMANI_URL_PREFIX; `url` includes it."""
        import os
        import subprocess
        import sys

        self.database = LiveDatabase(folder, template=demo_template(sites))
        self.proc = None
        try:
            self.env = self.database.env()
            prefix = prefix if prefix is not None else os.environ.get("RAMANI_TEST_URL_PREFIX", "/")
            self.prefix = "/" + "".join(p + "/" for p in prefix.split("/") if p)
            self.env["RAMANI_URL_PREFIX"] = self.prefix
            cli = [sys.executable, "-m", "ramani.cli"]
            self.port = free_port()
            self.root = f"http://127.0.0.1:{self.port}"  # the server itself; `url` is the site, under its prefix
            self.url = self.root + self.prefix.rstrip("/")
            self.log_path = folder / "serve.log"
            self.log = self.log_path.open("wb")
            self.proc = subprocess.Popen(
                [*cli, "serve", "--port", str(self.port), "--workers", "2"],
                env=self.env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self) -> None:
        import time
        import urllib.request

        for _ in range(150):
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start: " + self.log_path.read_text(errors="replace")[-2000:])

    def sql(self, statement: str, *params):
        """Rows of one statement on the server's database; parameters are written `?` on both engines."""
        return self.database.sql(statement, *params)

    def tables(self) -> list[str]:
        return self.database.tables()

    def stop(self) -> None:
        try:
            if self.proc is not None:
                self.proc.terminate()
                self.proc.wait(10)
                self.log.close()
        finally:
            self.database.drop()


@pytest.fixture(scope="module")
def live_server_process(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


def load_demo(folder: Path, sites: int, seed: int) -> None:
    """Import `sites` synthetic sites (ramani demo's generator) through the real importer."""
    from ramani.sites import demo
    from ramani.sites.ipis_export import write_csv
    from ramani.sites.ipis_import import import_ipis

    path = folder / "demo.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        write_csv(demo.generate(sites=sites, seed=seed, today=dt.date(2026, 11, 28)), f)
    import_ipis(path, today=dt.date(2026, 11, 28))
