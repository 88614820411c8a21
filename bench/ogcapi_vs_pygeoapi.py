"""Ramani's OGC API - Features and REST API against pygeoapi (PostgreSQL provider), same data, same queries.

Starts a throwaway PostgreSQL+PostGIS, loads a demo file of ~100,000 visits through `ramani import ipis` (into
PostgreSQL, and into SQLite), installs pygeoapi into a throwaway venv (cached in bench/out/), serves the same tables
through pygeoapi and through Ramani with its answer cache off (RAMANI_CACHE_SECONDS=0), on PostgreSQL and on SQLite
(2 gunicorn workers each), and fires the same queries at each from 8 client threads on loopback: requests/s, p50
and p99 latency, ratio to pygeoapi. Every request of a query is distinct where the query allows it (the bbox moves,
the offset moves, the filter value turns), so no answer is ever computed twice from the same request; only the
first pages repeat. Then GDAL's OAPIF driver (pyogrio) reads the whole visits layer with PAGE_SIZE=1000 from each.

Goals (issue 14): every Ramani figure on PostgreSQL >= 5x pygeoapi, on SQLite >= 3x pygeoapi-on-PostgreSQL.

Floors, measured in the same run, say what a goal asks of the machine: for each query, the same client against
gunicorn (2 workers) answering a fixed body of the size of Ramani's answer, bare (`floor_wsgi.bare`: gunicorn and
the client alone) and through Ramani's WSGI application and whole middleware stack (`floor_wsgi.django`: what any
Django view costs before it reads a row); for GDAL, the same read of Ramani's and of pygeoapi's answers replayed
from memory (`floor/replay.py`): GDAL's own cost of parsing them, below which no server can bring the read.

    .venv/bin/python bench/ogcapi_vs_pygeoapi.py [--requests 200] [--visits 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, load, wait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
VENV = OUT / "pygeoapi-venv"
PROVINCES = ("Sud-Kivu", "Nord-Kivu", "Ituri", "Maniema", "Tanganyika")


def _bbox(n: int) -> str:
    d = n / 1000  # moves by 0.001 degree at each request: every bbox (and its count) differs
    return f"{28.0 + d:.3f},-3.5,{29.0 + d:.3f},-2.0"


# name -> request n -> (items path of the OGC collection, REST API path); the OGC path serves both OGC servers
QUERIES = {
    "first page": lambda n: ("/collections/visits/items?limit=100", "/api/visits?limit=100"),
    "bbox page": lambda n: (
        f"/collections/visits/items?limit=100&bbox={_bbox(n)}",
        f"/api/visits?limit=100&bbox={_bbox(n)}",
    ),
    "deep offset page": lambda n: (
        f"/collections/visits/items?limit=100&offset={90_000 + n}",
        f"/api/visits?limit=100&offset={90_000 + n}",
    ),
    "sites first page": lambda n: ("/collections/sites/items?limit=100", "/api/sites?limit=100"),
    "property filter": lambda n: (
        f"/collections/visits/items?limit=100&province={PROVINCES[n % 5]}&offset={100 * (n // 5)}",
        f"/api/visits?limit=100&province={PROVINCES[n % 5]}&offset={100 * (n // 5)}",
    ),
    "datetime filter": lambda n: (
        f"/collections/visits/items?limit=100&datetime={2009 + n % 17}-01-01/{2009 + n % 17}-12-31"
        f"&offset={100 * (n // 17)}",
        f"/api/visits?limit=100&datetime={2009 + n % 17}-01-01/{2009 + n % 17}-12-31&offset={100 * (n // 17)}",
    ),
}
PYGEOAPI_CONFIG = """
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 100, max_items: 10000}}
  map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: OSM}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme, terms_of_service: none, url: http://example.org}}
  license: {{name: ODC-BY, url: https://opendatacommons.org/licenses/by/1-0/}}
  provider: {{name: bench, url: http://example.org}}
  contact: {{name: bench}}
resources:
{resources}
"""
RESOURCE = """  {name}:
    type: collection
    title: {name}
    description: {name}
    keywords: [{name}]
    extents: {{spatial: {{bbox: [-180, -90, 180, 90], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}}}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {{host: 127.0.0.1, port: {pgport}, dbname: {db}, user: ramani, password: ramani, search_path: [public]}}
        id_field: id
        table: {table}
        geom_field: geom
        time_field: {time_field}
"""


def load_path(port: int, path_for, requests: int) -> tuple[float, float, float]:
    return load(port, path_for, requests, 8, {"Accept": "application/geo+json"})


def _size(url: str) -> int:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/geo+json"})) as r:
        return len(r.read())


def gdal_read(url: str) -> tuple[int, float]:
    """(features, seconds) for GDAL's OAPIF driver reading the whole visits layer, 1000 features a page."""
    from pyogrio import raw

    t = time.perf_counter()
    _meta, _fids, geometry, _fields = raw.read(f"OAPIF:{url}", layer="visits", PAGE_SIZE="1000")
    return len(geometry), time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--visits", type=int, default=100_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if not (VENV / "bin" / "gunicorn").exists():
        print("installing pygeoapi into a throwaway venv …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [
                str(VENV / "bin" / "pip"),
                "install",
                "-q",
                "--no-warn-script-location",
                "pygeoapi",
                "psycopg2-binary",
                "sqlalchemy",
                "geoalchemy2",
                "pygeofilter",
                "gunicorn",
            ],
            check=True,
        )
    version = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import pygeoapi; print(pygeoapi.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    procs: list[subprocess.Popen] = []
    started = subprocess.run(
        [str(ROOT / "scripts" / "pg-server"), "start"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "RAMANI_PG_DURABLE": "1"},
    )
    pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
    pgport = pg["RAMANI_PG_URL"].rsplit(":", 1)[1].split("/")[0]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            env = {**os.environ, "RAMANI_DATA_DIR": str(folder), "RAMANI_DATABASE_URL": pg["RAMANI_PG_URL"]}
            (folder / "sqlite").mkdir()
            sqlite_env = {**os.environ, "RAMANI_DATA_DIR": str(folder / "sqlite")}
            sqlite_env.pop("RAMANI_DATABASE_URL", None)
            cli = [sys.executable, "-m", "ramani.cli"]
            demo_csv = folder / "demo.csv"
            subprocess.run(
                [*cli, "demo", "--sites", str(round(args.visits / 2.457)), "--seed", "42", "--output", str(demo_csv)],
                env=env,
                check=True,
                capture_output=True,
            )
            for e in (env, sqlite_env):
                subprocess.run([*cli, "migrate"], env=e, check=True, capture_output=True)
                subprocess.run([*cli, "import", "ipis", str(demo_csv)], env=e, check=True, capture_output=True)
            subprocess.run(["psql", "-q", pg["RAMANI_PG_URL"], "-c", "VACUUM ANALYZE"], check=True)
            counts = subprocess.run(
                [
                    "psql",
                    "-qtA",
                    pg["RAMANI_PG_URL"],
                    "-c",
                    "SELECT (SELECT count(*) FROM sites_visit) || ' visits, ' || "
                    "(SELECT count(*) FROM sites_site) || ' sites'",
                ],
                capture_output=True,
                text=True,
            ).stdout.strip()
            pg_port, sq_port, p_port = free_port(), free_port(), free_port()
            # the answer cache off: every request computed from the database
            for port, e in ((pg_port, env), (sq_port, sqlite_env)):
                procs.append(
                    subprocess.Popen(
                        [*cli, "serve", "--port", str(port), "--workers", "2"],
                        env={**e, "RAMANI_CACHE_SECONDS": "0"},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            resources = "".join(
                RESOURCE.format(name=n, table=t, pgport=pgport, db="ramani", time_field=f)
                for n, t, f in (("visits", "sites_visit", "visit_date"), ("sites", "sites_site", "last_visit_date"))
            )
            config = folder / "pygeoapi.yml"
            config.write_text(PYGEOAPI_CONFIG.format(port=p_port, resources=resources))
            openapi = folder / "pygeoapi-openapi.yml"
            penv = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
            gen = subprocess.run(
                [str(VENV / "bin" / "pygeoapi"), "openapi", "generate", str(config), "--output-file", str(openapi)],
                env=penv,
                capture_output=True,
                text=True,
            )
            if gen.returncode:
                raise RuntimeError(f"pygeoapi openapi generate failed:\n{gen.stderr[-3000:]}")
            procs.append(
                subprocess.Popen(
                    [str(VENV / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{p_port}", "pygeoapi.flask_app:APP"],
                    env=penv,
                    cwd=folder,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            # the floors: gunicorn with a bare WSGI answer, and Ramani's middleware stack with a fixed-bytes view
            bare_port, django_port = free_port(), free_port()
            floor_env = {**env, "PYTHONPATH": str(ROOT / "bench" / "floor")}
            for port, app in ((bare_port, "floor_wsgi:bare"), (django_port, "floor_wsgi:django")):
                procs.append(
                    subprocess.Popen(
                        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", app],
                        env=floor_env,
                        cwd=ROOT / "bench" / "floor",
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            wait(f"http://127.0.0.1:{bare_port}/bytes/1")
            wait(f"http://127.0.0.1:{django_port}/bytes/1")
            wait(f"http://127.0.0.1:{pg_port}/ogcapi/collections")
            wait(f"http://127.0.0.1:{sq_port}/ogcapi/collections")
            wait(f"http://127.0.0.1:{p_port}/collections?f=json")
            print(
                f"data: {counts}; pygeoapi {version}; {args.requests} requests per query and server, 8 client threads, "
                "2 gunicorn workers each, PostgreSQL + PostGIS on loopback; Ramani's answer cache off"
            )
            print(f"{'query':18} {'server':26} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'vs pygeoapi':>11}  goal")
            misses = []
            for name, paths in QUERIES.items():
                servers = (
                    ("pygeoapi (PostgreSQL)", p_port, lambda n: paths(n)[0] + "&f=json", 0.0),
                    ("Ramani OGC (PostgreSQL)", pg_port, lambda n: "/ogcapi" + paths(n)[0], 5.0),
                    ("Ramani REST (PostgreSQL)", pg_port, lambda n: paths(n)[1], 5.0),
                    ("Ramani OGC (SQLite)", sq_port, lambda n: "/ogcapi" + paths(n)[0], 3.0),
                    ("Ramani REST (SQLite)", sq_port, lambda n: paths(n)[1], 3.0),
                )
                base = 0.0
                for label, port, path_for, goal in servers:
                    # warm-up with requests the measured run does not repeat
                    load_path(port, lambda n, path_for=path_for: path_for(args.requests + 1000 + n), 16)
                    rps, p50, p99 = load_path(port, path_for, args.requests)
                    base = base or rps
                    ratio = rps / base
                    mark = "" if not goal else ("met" if ratio >= goal else f"MISSED (>= {goal:.0f}x)")
                    if goal and ratio < goal:
                        misses.append(f"{name} / {label}")
                    print(
                        f"{name:18} {label:26} {rps:>8.1f} {p50:>7.1f} {p99:>7.1f} {ratio:>10.1f}x  {mark}", flush=True
                    )
                size = _size(f"http://127.0.0.1:{pg_port}/ogcapi" + paths(0)[0])
                for label, port in (("floor: Django, fixed body", django_port), ("floor: gunicorn alone", bare_port)):
                    load_path(port, lambda n, size=size: f"/bytes/{size}", 16)
                    rps, p50, p99 = load_path(port, lambda n, size=size: f"/bytes/{size}", args.requests)
                    print(f"{name:18} {label:26} {rps:>8.1f} {p50:>7.1f} {p99:>7.1f} {rps / base:>10.1f}x", flush=True)
                print(f"{name:18} (5x pygeoapi = {5 * base:.0f} req/s; Ramani's answer {size / 1000:.0f} kB)")
            print(f"\n{'GDAL OAPIF, whole visits layer':32} {'features':>9} {'seconds':>8} {'vs pygeoapi':>11}  goal")
            base_s = 0.0
            for label, url, goal in (
                ("pygeoapi (PostgreSQL)", f"http://127.0.0.1:{p_port}", 0.0),
                ("Ramani (PostgreSQL)", f"http://127.0.0.1:{pg_port}/ogcapi", 5.0),
                ("Ramani (SQLite)", f"http://127.0.0.1:{sq_port}/ogcapi", 3.0),
            ):
                n, seconds = gdal_read(url)
                base_s = base_s or seconds
                ratio = base_s / seconds
                mark = "" if not goal else ("met" if ratio >= goal else f"MISSED (>= {goal:.0f}x)")
                if goal and ratio < goal:
                    misses.append(f"GDAL / {label}")
                print(f"{label:32} {n:>9} {seconds:>8.1f} {ratio:>10.1f}x  {mark}", flush=True)
            # GDAL's own floor: the same read of each server's answers replayed from memory
            for label, upstream in (
                ("floor: pygeoapi's pages replayed", f"http://127.0.0.1:{p_port}"),
                ("floor: Ramani's pages replayed", f"http://127.0.0.1:{pg_port}/ogcapi"),
            ):
                r_port = free_port()
                replay = subprocess.Popen(
                    [sys.executable, str(ROOT / "bench" / "floor" / "replay.py"), upstream, str(r_port)]
                )
                procs.append(replay)
                wait(f"http://127.0.0.1:{r_port}/collections")
                gdal_read(f"http://127.0.0.1:{r_port}")  # records
                n, seconds = gdal_read(f"http://127.0.0.1:{r_port}")
                print(
                    f"{label:32} {n:>9} {seconds:>8.1f} {base_s / seconds:>10.1f}x  (the best any server could reach)"
                )
                replay.terminate()
            print("\ngoals missed: " + ("; ".join(misses) if misses else "none"))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)


if __name__ == "__main__":
    main()
