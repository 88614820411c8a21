"""Import speed and memory of `ramani import ipis` on SQLite and PostgreSQL.

Generates demo files of 10,000 and 100,000 visits (IPIS format, via `ramani demo --output`),
imports each into an empty database in a fresh process, and prints rows/s and the peak
RSS of that process; then re-imports the same file (nothing changes) and prints that too.

    .venv/bin/python bench/import_bench.py [--sizes 10000,100000] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS_PER_SITE = 7372 / 3000  # what the generator gives on average


def child(path: str) -> None:
    """Runs in a fresh process: migrate, import twice, report timings and peak memory."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from ramani.sites.ipis_import import import_ipis

    call_command("migrate", verbosity=0)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    first = import_ipis(Path(path))
    t1 = time.perf_counter()
    peak_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    again = import_ipis(Path(path))
    t2 = time.perf_counter()
    print(
        json.dumps(
            {
                "rows": first.rows,
                "created": first.created,
                "unchanged_again": again.unchanged,
                "first_s": t1 - t0,
                "again_s": t2 - t1,
                "rss_before_mb": base_rss / 1024,
                "rss_peak_mb": peak_first / 1024,
            }
        )
    )


def make_file(visits: int, folder: Path) -> Path:
    path = folder / f"demo-{visits}.csv"
    sites = max(1, round(visits / ROWS_PER_SITE))
    subprocess.run(
        [sys.executable, "-m", "ramani.cli", "demo", "--sites", str(sites), "--seed", "42", "--output", str(path)],
        check=True,
        capture_output=True,
        env={**os.environ, "RAMANI_DATA_DIR": str(folder)},
    )
    return path


def run(path: Path, database_url: str, data_dir: Path) -> dict:
    env = {**os.environ, "RAMANI_DATABASE_URL": database_url, "RAMANI_DATA_DIR": str(data_dir)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {n: make_file(n, folder) for n in sizes}
        if "postgres" in backends:
            started = subprocess.run(
                [str(ROOT / "scripts" / "pg-server"), "start"],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "RAMANI_PG_DURABLE": "1"},
            )
            pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
        print(
            f"{'backend':10} {'rows':>8} {'file MB':>8} {'import s':>9} {'rows/s':>9} {'peak RSS MB':>12} "
            f"{'re-import s':>12} {'re-import rows/s':>17}"
        )
        try:
            for backend in backends:
                for n, path in files.items():
                    data_dir = folder / f"{backend}-{n}"
                    data_dir.mkdir()
                    if backend == "sqlite":
                        url = f"sqlite:///{data_dir / 'bench.db'}"
                    else:
                        db = f"bench_{n}"
                        subprocess.run(["psql", "-q", pg["RAMANI_PG_URL"], "-c", f"CREATE DATABASE {db}"], check=True)
                        url = pg["RAMANI_PG_URL"].rsplit("/", 1)[0] + f"/{db}"
                    r = run(path, url, data_dir)
                    print(
                        f"{backend:10} {r['rows']:>8} {path.stat().st_size / 1e6:>8.1f} {r['first_s']:>9.2f} "
                        f"{r['rows'] / r['first_s']:>9.0f} {r['rss_peak_mb']:>12.0f} {r['again_s']:>12.2f} "
                        f"{r['rows'] / r['again_s']:>17.0f}",
                        flush=True,
                    )
        finally:
            if pg:
                subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)
    print("(SQLite: WAL, synchronous=NORMAL. PostgreSQL: throwaway server with fsync on.)")


if __name__ == "__main__":
    main()
