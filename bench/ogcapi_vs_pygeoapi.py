"""Ramani's OGC API - Features against pygeoapi (PostgreSQL provider), same data, same queries.

Starts a throwaway PostgreSQL+PostGIS, loads a demo file of ~100,000 visits through
`ramani import ipis`, installs pygeoapi into a throwaway venv (cached in bench/out/), serves
the same tables through both (2 worker processes each, gunicorn), and fires the same items
queries at each from 8 client threads on loopback: requests/s, p50 and p99 latency, ratio.

    .venv/bin/python bench/ogcapi_vs_pygeoapi.py [--requests 200] [--visits 100000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, load, wait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
VENV = OUT / "pygeoapi-venv"
QUERIES = {
    "first page": "/collections/visits/items?limit=100",
    "bbox page": "/collections/visits/items?limit=100&bbox=28.0,-3.5,29.0,-2.0",
    "deep offset page": "/collections/visits/items?limit=100&offset=90000",
    "sites first page": "/collections/sites/items?limit=100",
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
"""


def load_path(port: int, path: str, requests: int) -> tuple[float, float, float]:
    return load(port, lambda n: path, requests, 8, {"Accept": "application/geo+json"})


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
            cli = [sys.executable, "-m", "ramani.cli"]
            demo_csv = folder / "demo.csv"
            subprocess.run(
                [*cli, "demo", "--sites", str(round(args.visits / 2.457)), "--seed", "42", "--output", str(demo_csv)],
                env=env,
                check=True,
                capture_output=True,
            )
            subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
            subprocess.run([*cli, "import", "ipis", str(demo_csv)], env=env, check=True, capture_output=True)
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
            r_port, c_port, p_port = free_port(), free_port(), free_port()
            procs.append(
                subprocess.Popen(
                    [*cli, "serve", "--port", str(r_port), "--workers", "2"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            # the same, with the answer cache off: every request computed from the database
            procs.append(
                subprocess.Popen(
                    [*cli, "serve", "--port", str(c_port), "--workers", "2"],
                    env={**env, "RAMANI_CACHE_SECONDS": "0"},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            resources = "".join(
                RESOURCE.format(name=n, table=t, pgport=pgport, db="ramani")
                for n, t in (("visits", "sites_visit"), ("sites", "sites_site"))
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
            wait(f"http://127.0.0.1:{r_port}/ogcapi/collections")
            wait(f"http://127.0.0.1:{c_port}/ogcapi/collections")
            wait(f"http://127.0.0.1:{p_port}/collections?f=json")
            print(
                f"data: {counts}; pygeoapi {version}; {args.requests} requests per query, 8 client threads, "
                "2 gunicorn workers each, PostgreSQL 15 + PostGIS on loopback"
            )
            print(f"{'query':18} {'server':22} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'vs pygeoapi':>11}")
            for name, path in QUERIES.items():
                results = {}
                for label, port, url in (
                    ("pygeoapi", p_port, path + "&f=json"),
                    ("Ramani (cache off)", c_port, "/ogcapi" + path),
                    ("Ramani", r_port, "/ogcapi" + path),
                ):
                    load_path(port, url, 16)  # warm-up
                    results[label] = load_path(port, url, args.requests)
                for label, (rps, p50, p99) in results.items():
                    ratio = rps / results["pygeoapi"][0]
                    print(f"{name:18} {label:22} {rps:>8.1f} {p50:>7.1f} {p99:>7.1f} {ratio:>10.1f}x", flush=True)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)


if __name__ == "__main__":
    main()
