"""Streaming downloads of 1,000,000 visits: rows/s and peak RSS, for CSV and GeoJSON.

Builds (once, cached in bench/out/) a SQLite database of ~1M visits: the demo generator's
99,999 sites, each visit repeated with new vids a few days apart. Then, in a fresh process per
format, drains the same generator the download view streams and prints rows/s and peak RSS.

    .venv/bin/python bench/export_bench.py [--visits 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

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


def child(db: Path, collection: str, fmt: str) -> None:
    os.environ["RAMANI_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    import django

    django.setup()
    from ramani.opendata import exports

    stream = exports.stream_csv if fmt == "csv" else exports.stream_geojson
    t = time.perf_counter()
    size = lines = 0
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
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--build")
    args = parser.parse_args()
    if args.build:
        return build(Path(args.build), args.visits)
    if args.child:
        return child(Path(args.child[0]), args.child[1], args.child[2])
    OUT.mkdir(exist_ok=True)
    db = OUT / f"export-{args.visits}.db"
    os.environ["RAMANI_DATA_DIR"] = str(OUT)
    if not db.exists():
        subprocess.run([sys.executable, __file__, "--visits", str(args.visits), "--build", str(db)], check=True)
    print(f"{'download':22} {'rows':>9} {'MB':>7} {'seconds':>8} {'rows/s':>8} {'peak RSS MB':>12}")
    for collection, fmt in (("visits", "csv"), ("ipis", "csv"), ("visits", "geojson")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(db), collection, fmt],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "RAMANI_DATA_DIR": str(OUT)},
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows = args.visits
        print(
            f"{collection + '.' + fmt:22} {rows:>9} {r['bytes'] / 1e6:>7.0f} {r['seconds']:>8.1f} "
            f"{rows / r['seconds']:>8.0f} {r['rss_mb']:>12.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
