"""Streaming downloads of 1,000,000 visits: rows/s and peak RSS, for CSV and GeoJSON.

PostgreSQL (the default): starts a throwaway PostgreSQL, imports the demo's ~100,000 visits and copies them in SQL
to --visits (new ids, keys and vids, a few days apart, with their mineral and armed-group slots); then, in a fresh
process each, drains PostgreSQL's own `COPY (SELECT …) TO STDOUT WITH CSV` of the same columns (the reference) and
the visits CSV generator the download view streams, and prints rows/s, the ratio (goal, issue 14: >= 50%) and peak
RSS. --sqlite: the same downloads from a SQLite database of --visits (built once, cached in bench/out/).

    .venv/bin/python bench/export_bench.py [--visits 1000000] [--sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def build(db: Path, visits: int) -> None:
    os.environ["RAMANI_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from ramani.sites import demo
    from ramani.sites import ipis_format as fmt
    from ramani.sites.ipis_export import write_csv
    from ramani.sites.ipis_import import import_ipis

    call_command("migrate", verbosity=0)
    base = list(demo.generate(sites=99_999, seed=42))
    copies = -(-visits // len(base))
    vid_at, date_at = fmt.COLUMN_INDEX["vid"], fmt.COLUMN_INDEX["visit_date"]

    def rows():
        n = 0
        for k in range(copies):
            for row in base:
                if n >= visits:
                    return
                row = list(row)
                row[vid_at] = str(k * 10_000_000 + int(row[vid_at]))
                row[date_at] = row[date_at] + dt.timedelta(days=3 * k)
                n += 1
                yield row

    csv_path = OUT / f"visits-{visits}.csv"
    with csv_path.open("w", encoding="utf-8") as f:
        write_csv(rows(), f)
    t = time.perf_counter()
    result = import_ipis(csv_path, today=dt.date(2030, 1, 1))
    print(f"built {db.name}: {result.created} visits imported in {time.perf_counter() - t:.0f} s", flush=True)
    csv_path.unlink()


def child(db: str, collection: str, fmt: str) -> None:
    os.environ["RAMANI_DATABASE_URL"] = db if "://" in db else f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    import django

    django.setup()
    from ramani.opendata import exports

    t = time.perf_counter()
    size = lines = 0
    if fmt == "copy":  # the reference: PostgreSQL's own COPY of the download's columns, as they are stored
        from django.db import connection

        from ramani.opendata import features, rows

        columns = [rows.visit_expr(c) for c in features.VISIT_PROPERTIES] + ["v.longitude", "v.latitude"]
        sql = (
            f"COPY (SELECT {', '.join(columns)} FROM sites_visit v JOIN sites_site s ON s.id = v.site_id"
            f"{rows.SLOT_JOINS} ORDER BY v.id) TO STDOUT WITH CSV"
        )
        with connection.cursor() as cur, cur.copy(sql) as copy:
            for data in copy:
                size += len(data)
                lines += 1
    else:
        stream = exports.stream_csv if fmt == "csv" else exports.stream_geojson
        for part in stream(collection, {}):
            size += len(part.encode("utf-8"))
            lines += part.count("\n")
    seconds = time.perf_counter() - t
    print(
        json.dumps(
            {
                "seconds": seconds,
                "bytes": size,
                "lines": lines,
                "rss_mb": peak_rss_mb(),
            }
        )
    )


def build_postgresql(url: str, visits: int) -> None:
    """The demo's visits imported, then copied in SQL up to `visits` (slots included)."""
    folder = OUT / "export-pg"
    folder.mkdir(exist_ok=True)
    env = {**os.environ, "RAMANI_DATA_DIR": str(folder), "RAMANI_DATABASE_URL": url}
    cli = [sys.executable, "-m", "ramani.cli"]
    demo_csv = folder / "demo.csv"
    subprocess.run([*cli, "demo", "--sites", "40700", "--seed", "42", "--output", str(demo_csv)], env=env, check=True)
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "import", "ipis", str(demo_csv)], env=env, check=True, capture_output=True)
    demo_csv.unlink()

    def psql(sql: str) -> str:
        return subprocess.run(["psql", "-qtA", url, "-c", sql], check=True, capture_output=True, text=True).stdout

    base, top = (int(x) for x in psql("SELECT count(*), max(id) FROM sites_visit").split("|"))
    copies = -(-visits // base) - 1
    columns = psql(
        "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'sites_visit'::regclass "
        "AND attnum > 0 AND NOT attisdropped AND attgenerated = ''"
    ).strip()
    changed = {
        "id": f"id + k * {top}",
        "key": "key || '#' || k",
        "vid": "vid || '-' || k",
        "visit_date": "visit_date + 3 * k",
    }
    select = ",".join(changed.get(c, c) for c in columns.split(","))
    t = time.perf_counter()
    psql(
        f"INSERT INTO sites_visit ({columns}) SELECT {select} FROM sites_visit, generate_series(1, {copies}) k "
        f"ORDER BY k, id LIMIT {visits - base}"
    )
    for table, fields in (
        ("sites_visitmineral", "position,mineral,selling_points,final_destination"),
        ("sites_visitarmedgroup", "position,name,type,frequency," + ",".join(fmt_activities())),
    ):
        psql(
            f"INSERT INTO {table} (visit_id,{fields}) SELECT t.visit_id + k * {top},{fields.replace('position', 't.position')} "
            f"FROM {table} t, generate_series(1, {copies}) k WHERE EXISTS (SELECT 1 FROM sites_visit v "
            f"WHERE v.id = t.visit_id + k * {top})"
        )
    psql("SELECT setval(pg_get_serial_sequence('sites_visit', 'id'), (SELECT max(id) FROM sites_visit))")
    psql("VACUUM ANALYZE")
    total = psql("SELECT count(*) FROM sites_visit").strip()
    print(f"built: {total} visits on PostgreSQL ({base} imported, copied in SQL in {time.perf_counter() - t:.0f} s)")


def fmt_activities() -> tuple[str, ...]:
    from ramani.sites.ipis_format import GROUP_ACTIVITIES

    return GROUP_ACTIVITIES


def run(db: str, collection: str, fmt: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", db, collection, fmt],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "RAMANI_DATA_DIR": str(OUT)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true", help="the SQLite downloads instead of PostgreSQL's")
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--build")
    args = parser.parse_args()
    if args.build:
        return build(Path(args.build), args.visits)
    if args.child:
        return child(args.child[0], args.child[1], args.child[2])
    OUT.mkdir(exist_ok=True)
    os.environ["RAMANI_DATA_DIR"] = str(OUT)
    header = f"{'download':26} {'rows':>9} {'MB':>7} {'seconds':>8} {'rows/s':>8} {'vs COPY':>8} {'peak RSS MB':>12}"
    if not args.sqlite:
        started = subprocess.run(
            [str(ROOT / "scripts" / "pg-server"), "start"],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "RAMANI_PG_DURABLE": "1"},
        )
        pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
        try:
            build_postgresql(pg["RAMANI_PG_URL"], args.visits)
            print(header)
            reference = 0.0
            for label, collection, fmt in (
                ("COPY (SELECT …) TO STDOUT", "visits", "copy"),
                ("visits.csv (download)", "visits", "csv"),
                ("visits.geojson", "visits", "geojson"),
            ):
                r = run(pg["RAMANI_PG_URL"], collection, fmt)
                rows = r["lines"] if fmt == "copy" else r["lines"] - 1
                rate = rows / r["seconds"]
                reference = reference or rate
                print(
                    f"{label:26} {rows:>9} {r['bytes'] / 1e6:>7.0f} {r['seconds']:>8.1f} {rate:>8.0f} "
                    f"{rate / reference:>7.0%} {r['rss_mb']:>12.0f}",
                    flush=True,
                )
            print("goal: visits.csv >= 50% of COPY's rows/s")
        finally:
            subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)
        return
    db = OUT / f"export-{args.visits}.db"
    if not db.exists():
        subprocess.run([sys.executable, __file__, "--visits", str(args.visits), "--build", str(db)], check=True)
    print(header)
    for collection, fmt in (("visits", "csv"), ("ipis", "csv"), ("visits", "geojson")):
        r = run(str(db), collection, fmt)
        rows = args.visits
        print(
            f"{collection + '.' + fmt:26} {rows:>9} {r['bytes'] / 1e6:>7.0f} {r['seconds']:>8.1f} "
            f"{rows / r['seconds']:>8.0f} {'':>8} {r['rss_mb']:>12.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
