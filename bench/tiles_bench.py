"""Vector tiles of the webmap: our numpy index + Python MVT encoder against PostGIS ST_AsMVT.

Loads the demo registry (`ramani demo --sites N --seed 1`, ~2.45 visits per site) into SQLite
and into a throwaway PostgreSQL 15 + PostGIS, then, in a fresh Django process per backend:

- times `maptiles.build()` (the per-process index of every site) and its memory: RSS growth,
  and, on a second build under tracemalloc, what the index keeps and the peak while building;
  then the per-day qualification statuses (`Index.status(on)`), which the first tile of a day pays;
- for a set of tiles over eastern DRC (every z4 and z5 tile holding sites, the two densest z8
  tiles, the densest z12 tile), unfiltered and with {"mineral": "Or"} and {"qualification": "rouge"}
  on one tile per zoom: `maptiles.tile(z, x, y, params, on)` the first time (after the index
  exists; a filter's first tile also pays its mask) and the median of --repeat further calls;
  also one cached request through Django's test Client (`/map/tiles/z/x/y.pbf`, the view's own
  tile cache), median of --repeat, with and without `Accept-Encoding: gzip` (the view gzips each
  response, cached or not);
- on PostgreSQL, the same tiles as one ST_AsMVT query each (through psycopg 3), with
  the same attributes as ours: pcode, the latest field visit (DISTINCT ON (site_id) ... ORDER BY
  site_id, visit_date DESC, id DESC, without project 'Qualification status'): workers band,
  mercury, child labour, armed class from sites_visitarmedgroup types (the `armed_class` rules, in
  SQL), its year; and the qualification on today (latest decision from sites_qualification, with
  the 1-year green and 3-year blue rules of `qualification.status_on`). Below zoom 9 it thins like
  ours: one site per 32x32-unit cell, the one with the most recent visit (DISTINCT ON the cell,
  computed with the same formulas as ours, so that both keep the same sites). First run (after a
  warm-up query on the connection) and median of --repeat; twice: "postgis" with the server's and
  psycopg's defaults, "postgis-t" tuned as a tile server would be (jit off, work_mem 64MB, no
  prepared statements).

Prints one row per backend, method and tile: features, KB raw and gzipped (level 6, as served),
first and median ms, cached HTTP ms; then ours/PostGIS ratios per tile, and how many features
of each PostGIS tile ours has too, with the same attributes and position (±1 unit).

    .venv/bin/python bench/tiles_bench.py [--sites 99999] [--repeat 20] [--keep DIR]
        [--backends sqlite,postgres] [--profile]

--keep DIR keeps (and reuses) the SQLite database in DIR; --profile prints a cProfile of the
slowest tile of ours (warm) on each backend.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILTERS = {"": {}, "mineral=Or": {"mineral": "Or"}, "qualification=rouge": {"qualification": "rouge"}}
CELL = 32  # maptiles.THIN_CELL
THIN_MAX_ZOOM = 9  # maptiles.THIN_MAX_ZOOM
BUFFER = 64  # maptiles.BUFFER

SQL = """
WITH bounds AS (
  SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
         ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s) AS wide
), inside AS (
  SELECT s.id, s.pcode, s.longitude,
         -- ours' thinning cell (maptiles.tile: floor of the tile units, // 32), from the same formulas
         floor(((s.longitude + 180.0) / 360.0 * %(n)s - %(x)s) * %(cells)s) AS cx,
         floor(((0.5 - ln((1 + sin(radians(s.latitude))) / (1 - sin(radians(s.latitude)))) / (4 * pi())) * %(n)s
                - %(y)s) * %(cells)s) AS cy,
         ST_AsMVTGeom(ST_Transform(s.geom, 3857), b.env, 4096, 64, true) AS geom
  FROM sites_site s, bounds b
  WHERE s.geom && ST_Transform(b.wide, 4326) {filter}
), latest AS (
  SELECT DISTINCT ON (v.site_id) v.site_id, v.id AS visit_id, v.visit_date, v.workers_numb, v.mercury,
         v.childunder15, v.presence, v.interference
  FROM sites_visit v JOIN inside i ON i.id = v.site_id
  WHERE v.project <> 'Qualification status'
  ORDER BY v.site_id, v.visit_date DESC, v.id DESC
), located AS (
  SELECT i.id, i.pcode, i.longitude, i.cx, i.cy, i.geom, l.visit_id, l.visit_date, l.workers_numb, l.mercury,
         l.childunder15, l.presence, l.interference
  FROM inside i LEFT JOIN latest l ON l.site_id = i.id
  WHERE i.geom IS NOT NULL
), kept AS (
  {kept}
)
SELECT ST_AsMVT(t, 'sites', 4096, 'geom', 'id') FROM (
  SELECT k.id, k.pcode,
         CASE WHEN d.status IS NULL THEN 'none'
              WHEN d.status = 'vert' AND (d.date + interval '1 year')::date <= %(on)s THEN 'none'
              WHEN d.status = 'bleu' AND (d.date + interval '3 years')::date <= %(on)s THEN 'rouge'
              ELSE d.status END AS q,
         CASE WHEN k.workers_numb IS NULL OR k.workers_numb <= 0 THEN 0 WHEN k.workers_numb < 50 THEN 1
              WHEN k.workers_numb <= 500 THEN 2 ELSE 3 END AS w,
         CASE WHEN (g.foreign_ OR g.local_ OR g.state_) AND k.interference IS DISTINCT FROM false THEN
                   CASE WHEN g.foreign_ THEN 'foreign' WHEN g.local_ THEN 'local' ELSE 'state' END
              WHEN k.presence THEN 'presence'
              WHEN k.presence = false OR g.types = ARRAY['Aucun'] OR k.interference = false THEN 'none'
              ELSE 'unknown' END AS a,
         COALESCE(EXTRACT(YEAR FROM k.visit_date)::int, 0) AS y,
         k.mercury::int AS hg, k.childunder15::int AS ch,
         k.geom
  FROM kept k
  LEFT JOIN LATERAL (
    SELECT bool_or(ag.type = 'Groupe armé étranger') AS foreign_, bool_or(ag.type = 'Groupe armé local') AS local_,
           bool_or(ag.type IN ('FARDC - Éléments indisciplinés', 'PNC - Éléments indisciplinés',
                               'PMH - Éléments indisciplinés')) AS state_,
           array_agg(ag.type ORDER BY ag.position) AS types
    FROM sites_visitarmedgroup ag WHERE ag.visit_id = k.visit_id AND ag.type <> '') g ON true
  LEFT JOIN LATERAL (
    SELECT qd.status, qd.date FROM sites_qualification qd
    WHERE qd.site_id = k.id AND qd.date <= %(on)s ORDER BY qd.date DESC, qd.id DESC LIMIT 1) d ON true
) t
"""
KEEP_ALL = "SELECT * FROM located"
# one site per CELL x CELL cell of the tile, the one with the most recent visit (ties: westmost, as ours)
KEEP_THINNED = "SELECT DISTINCT ON (cx, cy) * FROM located ORDER BY cx, cy, visit_date DESC NULLS LAST, longitude, id"
FILTER_SQL = {
    "mineral": (
        "AND EXISTS (SELECT 1 FROM sites_visit fv JOIN sites_visitmineral fm ON fm.visit_id = fv.id "
        "WHERE fv.site_id = s.id AND fm.mineral = ANY(%(minerals)s))"
    ),
    "qualification": (
        "AND (SELECT CASE WHEN fd.status = 'vert' AND (fd.date + interval '1 year')::date <= %(on)s THEN 'none' "
        "WHEN fd.status = 'bleu' AND (fd.date + interval '3 years')::date <= %(on)s THEN 'rouge' ELSE fd.status END "
        "FROM (SELECT status, date FROM sites_qualification q WHERE q.site_id = s.id AND q.date <= %(on)s "
        "ORDER BY q.date DESC, q.id DESC LIMIT 1) fd) = %(status)s"
    ),
}


# --- a minimal MVT reader, to count features and compare the two outputs -----------------------


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def _fields(buf: bytes):
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            value, i = buf[i : i + size], i + size
        elif wire == 1:
            value, i = buf[i : i + 8], i + 8
        elif wire == 5:
            value, i = buf[i : i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, value


def _packed(buf: bytes) -> list[int]:
    out, i = [], 0
    while i < len(buf):
        v, i = _varint(buf, i)
        out.append(v)
    return out


def _unzig(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def decode(tile: bytes) -> dict[int, tuple[int, int, dict]]:
    """{feature id: (x, y, properties)} of the point features of all layers."""
    import struct

    out = {}
    for number, layer in _fields(tile):
        if number != 3:
            continue
        keys, values, features = [], [], []
        for n, v in _fields(layer):
            if n == 2:
                features.append(v)
            elif n == 3:
                keys.append(v.decode())
            elif n == 4:
                for kind, raw in _fields(v):
                    if kind == 1:
                        values.append(raw.decode())
                    elif kind == 2:
                        values.append(struct.unpack("<f", raw)[0])
                    elif kind == 3:
                        values.append(struct.unpack("<d", raw)[0])
                    elif kind in (4, 5):
                        values.append(raw if raw < 1 << 63 else raw - (1 << 64))
                    elif kind == 6:
                        values.append(_unzig(raw))
                    elif kind == 7:
                        values.append(int(bool(raw)))
        for feature in features:
            fid, tags, geometry = None, [], []
            for n, v in _fields(feature):
                if n == 1:
                    fid = v
                elif n == 2:
                    tags = _packed(v)
                elif n == 4:
                    geometry = _packed(v)
            props = {keys[tags[k]]: values[tags[k + 1]] for k in range(0, len(tags), 2)}
            out[fid] = (_unzig(geometry[1]), _unzig(geometry[2]), props)
    return out


def same_features(ours: bytes, theirs: bytes) -> int:
    """How many features of `theirs` are in `ours` with the same id, properties and position (±1)."""
    a, b = decode(ours), decode(theirs)
    return sum(
        1
        for fid, (x, y, props) in b.items()
        if fid in a and a[fid][2] == props and abs(a[fid][0] - x) <= 1 and abs(a[fid][1] - y) <= 1
    )


# --- what runs in a fresh process per backend ----------------------------------------------------


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def child(spec: dict) -> None:
    """Measure one backend; writes the tiles into spec['out'] and prints one JSON line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    os.environ["RAMANI_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    import tracemalloc

    from django.db import connection
    from django.test import Client

    from ramani.opendata import maptiles, query

    out, repeat, backend = Path(spec["out"]), spec["repeat"], spec["backend"]
    today = dt.date.today()
    result: dict = {"backend": backend, "rows": []}

    rss0 = _rss_kb()
    t0 = time.perf_counter()
    idx = maptiles.build()
    result["build_s"] = time.perf_counter() - t0
    result["build_rss_mb"] = (_rss_kb() - rss0) / 1024
    maptiles._index = idx
    tracemalloc.start()
    again = maptiles.build()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del again
    result["index_mb"], result["build_peak_mb"] = current / 2**20, peak / 2**20
    result["sites"] = len(idx.ids)
    t0 = time.perf_counter()
    idx.status(today)
    result["status_s"] = time.perf_counter() - t0

    def save(method: str, case: dict, body: bytes) -> None:
        name = f"{backend}-{method}-{case['z']}-{case['x']}-{case['y']}-{case['filter'] or 'all'}.pbf"
        (out / name).write_bytes(body)

    def row(method: str, case: dict, body: bytes, first: float, times: list[float], **extra) -> dict:
        return {
            "backend": backend,
            "method": method,
            "z": case["z"],
            "x": case["x"],
            "y": case["y"],
            "filter": case["filter"],
            "features": len(decode(body)),
            "raw": len(body),
            "gz": len(gzip.compress(body, 6)),
            "first_ms": _ms(first),
            "median_ms": _ms(statistics.median(times)),
            **extra,
        }

    client = Client()
    slowest = (0.0, None)
    for case in spec["tiles"]:
        z, x, y, params = case["z"], case["x"], case["y"], FILTERS[case["filter"]]
        t0 = time.perf_counter()
        body = maptiles.tile(z, x, y, dict(params), today)
        first = time.perf_counter() - t0
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            again = maptiles.tile(z, x, y, dict(params), today)
            times.append(time.perf_counter() - t0)
        assert again == body
        save("ours", case, body)
        http = {}
        path = f"/map/tiles/{z}/{x}/{y}.pbf"
        for label, headers in (("http_gz_ms", {"HTTP_ACCEPT_ENCODING": "gzip"}), ("http_ms", {})):
            answer = client.get(path, params, **headers)  # the view's cache is filled here (or was already)
            assert answer.status_code == 200, answer.status_code
            spent = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                client.get(path, params, **headers)
                spent.append(time.perf_counter() - t0)
            http[label] = _ms(statistics.median(spent))
        result["rows"].append(row("ours", case, body, first, times, **http))
        if statistics.median(times) > slowest[0]:
            slowest = (statistics.median(times), case)

    if backend == "postgres":
        import psycopg

        minerals = query.mineral_values("Or")
        # "postgis": server and psycopg defaults (jit on, work_mem 4MB; psycopg prepares a query run 5
        # times, and the server may then keep a generic plan); "postgis-t": a tile-server tuning (jit off:
        # its compile time is most of a big tile's time; work_mem 64MB: sorts in memory; no prepared
        # statements: a plan for each tile's bbox), on a fresh connection (warm buffers, no cached plan)
        variants = (("postgis", [], 5), ("postgis-t", ["SET jit = off", "SET work_mem = '64MB'"], None))
        for method, settings, prepare in variants:
            with psycopg.connect(spec["pg_url"], autocommit=True, prepare_threshold=prepare) as conn:
                for setting in settings:
                    conn.execute(setting)
                conn.execute(
                    "SELECT ST_AsMVT(t, 'warm-up') FROM (SELECT ST_AsMVTGeom(ST_Point(0, 0), "
                    "ST_TileEnvelope(0, 0, 0)) AS geom) t"
                ).fetchone()
                result.setdefault("pg_settings", {})[method] = {
                    name: conn.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather")
                }
                for case in spec["tiles"]:
                    z, x, y, params = case["z"], case["x"], case["y"], FILTERS[case["filter"]]
                    filt = "".join(FILTER_SQL[k] for k in params)
                    sql = SQL.format(filter=filt, kept=KEEP_THINNED if z < THIN_MAX_ZOOM else KEEP_ALL)
                    args = {
                        "z": z,
                        "x": x,
                        "y": y,
                        "n": 1 << z,
                        "cells": 4096 // CELL,
                        "margin": BUFFER / 4096,
                        "on": today,
                        "minerals": minerals,
                        "status": params.get("qualification", ""),
                    }
                    t0 = time.perf_counter()
                    body = bytes(conn.execute(sql, args).fetchone()[0])
                    first = time.perf_counter() - t0
                    times = []
                    for _ in range(repeat):
                        t0 = time.perf_counter()
                        conn.execute(sql, args).fetchone()
                        times.append(time.perf_counter() - t0)
                    save(method, case, body)
                    result["rows"].append(row(method, case, body, first, times))

    if spec.get("profile") and slowest[1] is not None:
        import cProfile
        import io
        import pstats

        case = slowest[1]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            maptiles.tile(case["z"], case["x"], case["y"], dict(FILTERS[case["filter"]]), today)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(14)
        result["profile"] = (
            f"cProfile of ours, {backend}, tile {case['z']}/{case['x']}/{case['y']} "
            f"{case['filter'] or '(no filter)'}, 5 calls, by own time:\n" + text.getvalue()
        )
    connection.close()
    print(json.dumps(result))


# --- the driver ------------------------------------------------------------------------------------


def load(data_dir: Path, url: str, sites: int) -> None:
    env = {**os.environ, "RAMANI_DATA_DIR": str(data_dir), "RAMANI_DATABASE_URL": url}
    for command in (["migrate"], ["demo", "--sites", str(sites), "--seed", "1"]):
        subprocess.run([sys.executable, "-m", "ramani.cli", *command], env=env, check=True, capture_output=True)


def pick_tiles(db: Path) -> list[dict]:
    """Every z4 and z5 tile holding sites, the two densest z8 tiles, the densest z12 tile; then the
    filters on the fullest z4 and z5 tiles, the densest z8 and the z12 tile."""
    import numpy as np

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT longitude, latitude FROM sites_site WHERE longitude IS NOT NULL AND latitude IS NOT NULL"
        ).fetchall()
    lon = np.array([r[0] for r in rows])
    lat = np.clip(np.array([r[1] for r in rows]), -85.05112878, 85.05112878)
    mx = (lon + 180.0) / 360.0
    s = np.sin(np.radians(lat))
    my = 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)

    def ranked(z: int) -> list[tuple[int, int]]:
        n = 1 << z
        keys, counts = np.unique(
            np.floor(mx * n).astype(np.int64) * n + np.floor(my * n).astype(np.int64), return_counts=True
        )
        return [(int(keys[i] // n), int(keys[i] % n)) for i in np.argsort(-counts, kind="stable")]

    chosen = {4: ranked(4), 5: ranked(5), 8: ranked(8)[:2], 12: ranked(12)[:1]}
    tiles = [{"z": z, "x": x, "y": y, "filter": ""} for z, xy in chosen.items() for x, y in xy]
    for name in FILTERS:
        if name:
            tiles += [{"z": z, "x": xy[0][0], "y": xy[0][1], "filter": name} for z, xy in chosen.items()]
    return tiles


def run_child(spec: dict, url: str, data_dir: Path) -> dict:
    env = {**os.environ, "RAMANI_DATABASE_URL": url, "RAMANI_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{spec['backend']} run failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(results: list[dict], tiles: list[dict], out: Path, sites: int, repeat: int) -> None:
    print(
        f"{sites} demo sites (seed 1); tiles of eastern DRC; first call, then median of {repeat}; "
        f"http: a cached request through Django's test Client, median of {repeat}"
    )
    for r in results:
        print(
            f"{r['backend']:9} index: {r['sites']} sites, build {r['build_s']:.2f} s, "
            f"RSS +{r['build_rss_mb']:.1f} MB, "
            f"kept (tracemalloc) {r['index_mb']:.1f} MB, peak while building {r['build_peak_mb']:.1f} MB; "
            f"qualification statuses for today {r['status_s'] * 1000:.0f} ms"
        )
        for method, settings in r.get("pg_settings", {}).items():
            print(f"{'':9} {method}: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    print()
    head = (
        f"{'backend':9} {'method':9} {'tile':14} {'filter':20} {'features':>8} {'KB raw':>8} {'KB gzip':>8} "
        f"{'first ms':>9} {'median ms':>10} {'http gz ms':>10} {'http ms':>8}"
    )
    print(head)
    rows = [row for r in results for row in r["rows"]]
    for row in rows:
        print(
            f"{row['backend']:9} {row['method']:9} {'%d/%d/%d' % (row['z'], row['x'], row['y']):14} "
            f"{row['filter'] or '-':20} {row['features']:>8} {row['raw'] / 1024:>8.1f} {row['gz'] / 1024:>8.1f} "
            f"{row['first_ms']:>9.1f} {row['median_ms']:>10.2f} "
            f"{row.get('http_gz_ms', ''):>10} {row.get('http_ms', ''):>8}"
        )
    by_key = {(row["backend"], row["method"], row["z"], row["x"], row["y"], row["filter"]): row for row in rows}
    postgis = [row for row in rows if row["method"] == "postgis"]
    if postgis:
        print()
        print(
            "ours / PostGIS ST_AsMVT (<1: ours faster), against postgis (defaults) and postgis-t (jit off, "
            "work_mem 64MB);\nsame: features of the PostGIS tile that ours has too, with equal id, attributes "
            "and position (±1 unit)"
        )
        print(
            f"{'tile':14} {'filter':20} {'ours on':9} {'features':>11} {'first':>7} {'median':>7} "
            f"{'first-t':>8} {'median-t':>9} {'same':>11}"
        )
        for p in postgis:
            key = (p["z"], p["x"], p["y"], p["filter"])
            t = by_key.get(("postgres", "postgis-t", *key))
            for backend in ("sqlite", "postgres"):
                ours = by_key.get((backend, "ours", *key))
                if not ours:
                    continue
                tail = f"{p['z']}-{p['x']}-{p['y']}-{p['filter'] or 'all'}.pbf"
                same = same_features(
                    (out / f"{backend}-ours-{tail}").read_bytes(), (out / f"postgres-postgis-{tail}").read_bytes()
                )
                print(
                    f"{'%d/%d/%d' % key[:3]:14} {p['filter'] or '-':20} {backend:9} "
                    f"{'%d/%d' % (ours['features'], p['features']):>11} {ours['first_ms'] / p['first_ms']:>7.3f} "
                    f"{ours['median_ms'] / p['median_ms']:>7.3f} {ours['first_ms'] / t['first_ms']:>8.3f} "
                    f"{ours['median_ms'] / t['median_ms']:>9.3f} {'%d/%d' % (same, p['features']):>11}"
                )
    pairs = [
        (
            t,
            (out / f"sqlite-ours-{t['z']}-{t['x']}-{t['y']}-{t['filter'] or 'all'}.pbf"),
            (out / f"postgres-ours-{t['z']}-{t['x']}-{t['y']}-{t['filter'] or 'all'}.pbf"),
        )
        for t in tiles
    ]
    pairs = [(t, a, b) for t, a, b in pairs if a.exists() and b.exists()]
    if pairs:
        equal = sum(1 for _, a, b in pairs if a.read_bytes() == b.read_bytes())
        print(f"\nours on SQLite and on PostgreSQL: {equal}/{len(pairs)} tiles byte-identical")
    for r in results:
        if r.get("profile"):
            print()
            print(r["profile"].rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=99_999)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the SQLite database in this folder")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--profile", action="store_true", help="cProfile the slowest tile of ours")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(json.loads(args.child))
    backends = args.backends.split(",")
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = folder / "tiles"
        out.mkdir()
        lite_dir = args.keep or folder / "sqlite"
        lite_dir.mkdir(parents=True, exist_ok=True)
        db = lite_dir / "b.db"
        if not db.exists():
            print(f"loading {args.sites} demo sites into SQLite …", file=sys.stderr, flush=True)
            load(lite_dir, f"sqlite:///{db}", args.sites)
        tiles = pick_tiles(db)
        spec = {"out": str(out), "repeat": args.repeat, "tiles": tiles, "profile": args.profile}
        results = []
        try:
            if "sqlite" in backends:
                results.append(run_child({**spec, "backend": "sqlite"}, f"sqlite:///{db}", lite_dir))
            if "postgres" in backends:
                started = subprocess.run(
                    [str(ROOT / "scripts" / "pg-server"), "start"],
                    check=True,
                    capture_output=True,
                    text=True,
                    env={**os.environ, "RAMANI_PG_DURABLE": "1"},
                )
                pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
                pg_dir = folder / "pg"
                pg_dir.mkdir()
                print(f"loading {args.sites} demo sites into PostgreSQL …", file=sys.stderr, flush=True)
                load(pg_dir, pg["RAMANI_PG_URL"], args.sites)
                subprocess.run(["psql", "-q", pg["RAMANI_PG_URL"], "-c", "VACUUM ANALYZE"], check=True)
                results.append(
                    run_child(
                        {**spec, "backend": "postgres", "pg_url": pg["RAMANI_PG_URL"]}, pg["RAMANI_PG_URL"], pg_dir
                    )
                )
        finally:
            if pg:
                subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)
        report(results, tiles, out, args.sites, args.repeat)


if __name__ == "__main__":
    main()
