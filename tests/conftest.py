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


class LiveServer:
    """`ramani serve` in its own process over its own SQLite file (loaded with demo data)."""

    def __init__(self, folder: Path, sites: int = 300):
        import os
        import subprocess
        import sys

        self.db = folder / "live.db"
        self.env = {**os.environ, "RAMANI_DATA_DIR": str(folder), "RAMANI_DATABASE_URL": f"sqlite:///{self.db}"}
        cli = [sys.executable, "-m", "ramani.cli"]
        subprocess.run([*cli, "migrate"], env=self.env, check=True, capture_output=True)
        subprocess.run([*cli, "demo", "--sites", str(sites), "--seed", "11"], env=self.env, check=True,
                       capture_output=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "serve.log"
        self.log = self.log_path.open("wb")
        self.proc = subprocess.Popen([*cli, "serve", "--port", str(self.port), "--workers", "2"], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self._wait()

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
        import sqlite3

        with sqlite3.connect(self.db) as conn:
            return conn.execute(statement, params).fetchall()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


@pytest.fixture(scope="module")
def live_server_process(tmp_path_factory):
    import os

    if os.environ.get("RAMANI_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the live server runs over its own SQLite file; this test runs in the SQLite pass")
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
        write_csv(demo.generate(sites=sites, seed=seed), f)
    import_ipis(path, today=dt.date(2026, 11, 28))
