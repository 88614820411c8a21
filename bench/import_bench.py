"""Import speed and memory of `ramani import ipis` against the database's own bulk path, same run.

For each backend and size, on a fresh database, in fresh processes:

- **plain**: the same CSV loaded into one plain table of 84 text columns, no index, no checks —
  `COPY … FROM STDIN (FORMAT csv)` fed the file's bytes on PostgreSQL, `executemany` of the raw
  csv tuples in one transaction on SQLite. The floor an importer can approach.
- **import**: the full IPIS import (every value checked, sites, minerals, armed groups,
  qualifications, site refresh, and the history rows of everything written), then a re-import
  of the same file (nothing changes).
- **same writes**: every row the import wrote (each table it grew, history included) read back,
  the tables emptied, and the rows written again with the database's bulk path into the same
  tables, with their indexes, constraints and foreign keys: `COPY … FROM STDIN` per table on
  PostgreSQL, `executemany` of the tuples on SQLite, in one transaction. The floor for writing
  what the import writes; import ÷ same writes says how much of the import is more than writing.

It prints seconds, rows/s, import ÷ plain (goal ≤ 2), the import process's peak RSS, and the peak
RSS at the largest size ÷ that at the smallest (goal ≤ 1.2: memory flat).

Files: `ramani demo --output` (at most 99,999 sites, ~2.5 visits each, so ~245,000 rows); larger
sizes repeat the demo file with fresh vids (the same sites visited again, later).

    .venv/bin/python bench/import_bench.py [--sizes 100000,1000000] [--backends sqlite,postgres] [--reimport-max N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_mb  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ROWS_PER_SITE = 7372 / 3000  # what the generator gives on average
DEMO_MAX = 200_000  # visits taken from one demo file; beyond, its rows are repeated with fresh vids


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    import django

    django.setup()


def child_import(path: str) -> None:
    """Runs in a fresh process on migrated tables: import twice, report timings and peak memory."""
    _setup()
    from django.core.management import call_command

    from ramani.sites.ipis_import import import_ipis
    from ramani.sites.models import Visit

    if os.environ.get("BENCH_MIGRATE"):
        call_command("migrate", verbosity=0)
        return
    base_rss = peak_rss_mb()
    before = _table_counts()
    t0 = time.perf_counter()
    first = import_ipis(Path(path))
    t1 = time.perf_counter()
    after = _table_counts()
    peak_first = peak_rss_mb()
    again = import_ipis(Path(path)) if first.rows <= int(os.environ.get("BENCH_REIMPORT_MAX", "0")) else None
    t2 = time.perf_counter()
    history = Visit.history.model.objects.count()
    print(
        json.dumps(
            {
                "rows": first.rows,
                "created": first.created,
                "history": history,
                "unchanged_again": again.unchanged if again else None,
                "first_s": t1 - t0,
                "again_s": t2 - t1 if again else None,
                "rss_before_mb": base_rss,
                "rss_peak_mb": peak_first,
                "written": {t: after[t] - before.get(t, 0) for t in after if after[t] > before.get(t, 0)},
            }
        )
    )


def _table_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
        out = {}
        for table in tables:
            cur.execute(f'SELECT COUNT(*) FROM "{table}"')
            out[table] = cur.fetchone()[0]
    return out


def _parents_first(tables: list[str]) -> list[str]:
    """`tables` ordered so that a table comes after the tables its foreign keys point to."""
    from django.db import connection

    with connection.cursor() as cur:
        needs = {
            t: {other for _field, (_col, other) in connection.introspection.get_relations(cur, t).items()}
            & set(tables) - {t}
            for t in tables
        }
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, n in needs.items() if not n - set(ordered))
        ordered += ready
        for t in ready:
            del needs[t]
    return ordered


def child_rewrite(tables_json: str) -> None:
    """Runs in a fresh process on the imported database: the rows of the tables the import wrote, read out, the
    tables emptied, then (timed) written back with the bulk path into the same tables and indexes."""
    _setup()
    import io

    from django.db import connection, transaction

    tables = _parents_first(sorted(json.loads(tables_json)))
    saved: dict[str, object] = {}
    with connection.cursor() as cur:
        for table in tables:
            if connection.vendor == "postgresql":
                buf = io.BytesIO()
                with cur.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                    for block in copy:
                        buf.write(block)
                saved[table] = buf.getvalue()
            else:
                cur.execute(f'SELECT * FROM "{table}"')
                saved[table] = (cur.fetchall(), len(cur.description))
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        else:
            for table in reversed(tables):
                cur.execute(f'DELETE FROM "{table}"')
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM")  # the emptied tables' dead rows gone, as before the import
    rows = 0
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for table in tables:
            if connection.vendor == "postgresql":
                data = saved[table]
                assert isinstance(data, bytes)
                with cur.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                    for at in range(0, len(data), 1 << 20):
                        copy.write(data[at : at + (1 << 20)])
                rows += data.count(b"\n")
            else:
                fetched, width = saved[table]  # type: ignore[misc]
                marks = ", ".join(["?"] * width)
                cur.cursor.executemany(f'INSERT INTO "{table}" VALUES ({marks})', fetched)
                rows += len(fetched)
    seconds = time.perf_counter() - t0
    print(json.dumps({"rows": rows, "tables": len(tables), "rewrite_s": seconds}))


def child_plain(path: str) -> None:
    """Runs in a fresh process: the CSV into one plain table with the database's own bulk path."""
    _setup()
    from django.db import connection, transaction

    with open(path, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    columns = ", ".join(f'"{c}" text' for c in header)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_plain")
        cur.execute(f"CREATE TABLE bench_plain ({columns})")
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with (
                open(path, "rb") as f,
                cur.cursor.copy("COPY bench_plain FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while block := f.read(1 << 20):
                    copy.write(block)
        else:
            marks = ", ".join(["?"] * len(header))
            raw = cur.cursor  # sqlite3's own cursor: executemany of the tuples, no Django layer
            with open(path, encoding="utf-8", newline="") as f:
                reader = csv.reader(f)
                next(reader)
                raw.executemany(f"INSERT INTO bench_plain VALUES ({marks})", reader)
    seconds = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM bench_plain")
        rows = cur.fetchone()[0]
    print(json.dumps({"rows": rows, "plain_s": seconds}))


def make_demo(visits: int, folder: Path) -> Path:
    path = folder / f"demo-{visits}.csv"
    sites = min(99_999, max(1, round(visits / ROWS_PER_SITE)))
    subprocess.run(
        [sys.executable, "-m", "ramani.cli", "demo", "--sites", str(sites), "--seed", "42", "--output", str(path)],
        check=True,
        capture_output=True,
        env={**os.environ, "RAMANI_DATA_DIR": str(folder)},
    )
    return path


def make_file(visits: int, folder: Path, demo: Path) -> Path:
    """The first `visits` rows of the demo file, repeated with fresh vids when it has fewer."""
    path = folder / f"visits-{visits}.csv"
    with demo.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    vid = header.index("vid")
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        w.writerow(header)
        written, copy = 0, 0
        while written < visits:
            for row in rows:
                if written >= visits:
                    break
                if copy:
                    row = list(row)
                    row[vid] = f"{row[vid]}r{copy}"
                w.writerow(row)
                written += 1
            copy += 1
    return path


def run(kind: str, path, database_url: str, data_dir: Path, reimport_max: int = 0) -> dict:
    env = {
        **os.environ,
        "RAMANI_DATABASE_URL": database_url,
        "RAMANI_DATA_DIR": str(data_dir),
        "BENCH_REIMPORT_MAX": str(reimport_max),
    }
    if kind == "import":  # the tables first, in a process of their own: the import's peak RSS is its own
        subprocess.run([sys.executable, __file__, "--import", str(path)], env={**env, "BENCH_MIGRATE": "1"}, check=True)
    out = subprocess.run(
        [sys.executable, __file__, f"--{kind}", str(path)], env=env, check=False, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--reimport-max", type=int, default=100_000, help="re-import files up to this many rows")
    parser.add_argument("--import", dest="import_path")
    parser.add_argument("--plain", dest="plain_path")
    parser.add_argument("--rewrite", dest="rewrite_tables")
    args = parser.parse_args()
    if args.import_path:
        return child_import(args.import_path)
    if args.rewrite_tables:
        return child_rewrite(args.rewrite_tables)
    if args.plain_path:
        return child_plain(args.plain_path)
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")
    pg = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = make_demo(min(max(sizes), DEMO_MAX), folder)
        files = {n: make_file(n, folder, demo) for n in sizes}
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
            f"{'backend':9} {'rows':>8} {'MB':>6} {'plain s':>8} {'plain r/s':>10} {'import s':>9} {'rows/s':>8} "
            f"{'÷ plain':>8} {'peak RSS MB':>12} {'history':>8} {'re-import s':>12} {'same writes s':>14} {'÷ same':>7}"
        )
        peaks: dict[str, dict[int, float]] = {}
        try:
            for backend in backends:
                for n, path in files.items():
                    urls = []
                    for kind in ("plain", "import"):
                        data_dir = folder / f"{backend}-{n}-{kind}"
                        data_dir.mkdir()
                        if backend == "sqlite":
                            urls.append((kind, f"sqlite:///{data_dir / 'bench.db'}", data_dir))
                        else:
                            db = f"bench_{n}_{kind}"
                            subprocess.run(
                                ["psql", "-q", pg["RAMANI_PG_URL"], "-c", f"CREATE DATABASE {db}"], check=True
                            )
                            urls.append((kind, pg["RAMANI_PG_URL"].rsplit("/", 1)[0] + f"/{db}", data_dir))
                    p = run("plain", path, urls[0][1], urls[0][2])
                    r = run("import", path, urls[1][1], urls[1][2], args.reimport_max)
                    assert p["rows"] == r["rows"] == n, (p, r)
                    w = run("rewrite", json.dumps(sorted(r["written"])), urls[1][1], urls[1][2])
                    peaks.setdefault(backend, {})[n] = r["rss_peak_mb"]
                    again = f"{r['again_s']:>12.2f}" if r["again_s"] is not None else f"{'-':>12}"
                    print(
                        f"{backend:9} {n:>8} {path.stat().st_size / 1e6:>6.0f} {p['plain_s']:>8.2f} "
                        f"{n / p['plain_s']:>10.0f} {r['first_s']:>9.2f} {n / r['first_s']:>8.0f} "
                        f"{r['first_s'] / p['plain_s']:>7.1f}× {r['rss_peak_mb']:>12.0f} {r['history']:>8} {again}"
                        f" {w['rewrite_s']:>14.2f} {r['first_s'] / w['rewrite_s']:>6.1f}×",
                        flush=True,
                    )
        finally:
            if pg:
                subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        for backend, by_size in peaks.items():
            ratio = by_size[large] / by_size[small]
            print(
                f"{backend}: peak RSS at {large:,} rows ÷ at {small:,} = {ratio:.2f} (goal ≤ 1.2: "
                f"{'met' if ratio <= 1.2 else 'not met'})"
            )
    print("goal: import ÷ plain ≤ 2. (SQLite: WAL, synchronous=NORMAL. PostgreSQL: throwaway server, fsync on.)")
    print(
        "same writes: the rows the import wrote (all its tables, history included), written again by the bulk path "
        "into the same tables and indexes: the floor for what the import writes."
    )


if __name__ == "__main__":
    main()
