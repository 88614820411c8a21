"""Inbound SMS throughput on the Kannel-format webhook: messages/s, p50 and p99 latency.

For each database (SQLite file; throwaway PostgreSQL with fsync on), starts `ramani serve`
and posts N distinct inbound messages (different senders and ids, a mix of MSAADA and
MATOKEO DHAHABU) from concurrent keep-alive clients on loopback. Every request is stored,
processed and answered (reply queued in the outbox) before the HTTP answer returns.

    .venv/bin/python bench/sms_bench.py [--messages 3000] [--clients 16] [--workers 4] [--seconds 15]
                                        [--baseline f813b70]

The channel has its key (as every channel must) and every request carries it. With --baseline REV
(default: main before the intake work of issue 9), that revision's code (from `git archive`) is
measured in the same run on its own fresh database, and the ratio printed: the figures of two
runs on this machine vary by up to 2x, the ratio within one run does not.

With Debian's `wrk` installed the same load is also generated from wrk, which leaves the CPU
to the server (the Python client itself uses a good part of one of the two cores).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, load, wait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-key-0123456789"


def message_path(n: int) -> str:
    """Inbound message n: a distinct sender and id each, two MATOKEO DHAHABU for one MSAADA."""
    query = urlencode(
        {
            "key": KEY,
            "sender": f"+2439{n:08d}",
            "to": "1234",
            "id": f"bench-{n}",
            "text": "matokeo dhahabu" if n % 3 else "msaada",
            "ts": "1795838929",
        }
    )
    return f"/sms/kannel/bench/receive?{query}"


def fire(port: int, messages: int, clients: int, offset: int = 0) -> tuple[float, float, float]:
    return load(port, lambda n: message_path(offset + n), messages, clients)


WRK_SCRIPT = """
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  n = 0
end
function request()
  n = n + 1
  local text = (n % 3 == 0) and "msaada" or "matokeo+dhahabu"
  local path = string.format("/sms/kannel/bench/receive?key=KEY&sender=%%2B2439%02d%06d&to=1234&id=wrk-%d-%d&text=%s&ts=1795838929",
                             tid, n, tid, n, text)
  return wrk.format("GET", path)
end
"""


def fire_wrk(port: int, seconds: int, clients: int, folder: Path) -> tuple[float, float, float]:
    """The same messages from wrk (C, 2 threads): the load generator then takes little CPU from the server."""
    import re

    script = folder / "sms.lua"
    script.write_text(WRK_SCRIPT.replace("KEY", KEY))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(out)

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), ms("50%"), ms("99%")


def run(label: str, code: Path, database_url: str, folder: Path, args) -> tuple[float, float, float]:
    """Serve `code`'s Ramani over a fresh database and load it; (msg/s, p50, p99) of the Python client."""
    env = {
        **os.environ,
        "RAMANI_DATA_DIR": str(folder),
        "RAMANI_DATABASE_URL": database_url,
        "PYTHONPATH": str(code / "src"),
    }
    cli = [sys.executable, "-m", "ramani.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            *cli,
            "sms",
            "channel",
            "add",
            "kannel",
            "bench",
            "--number",
            "1234",
            "--set",
            f"key={KEY}",
            "--set",
            "url=http://127.0.0.1:9",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    prices = folder / "prices.csv"
    prices.write_text("mineral,market,unit,currency,price,date,source\ngold,Bukavu,g,USD,62.5,2026-11-25,bench\n")
    subprocess.run([*cli, "import", "prices", str(prices)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait(f"http://127.0.0.1:{port}/healthz")
        fire(port, 200, args.clients, offset=10_000_000)  # warm-up, other senders
        measured = fire(port, args.messages, args.clients)
        rate, p50, p99 = measured
        print(
            f"{label:22} {'python':>7} {args.messages:>8} {args.clients:>7} {args.workers:>7} {rate:>10.0f} "
            f"{p50:>7.1f} {p99:>7.1f}",
            flush=True,
        )
        if shutil.which("wrk"):
            rate, p50, p99 = fire_wrk(port, args.seconds, args.clients, folder)
            print(
                f"{label:22} {'wrk':>7} {int(rate * args.seconds):>8} {args.clients:>7} {args.workers:>7} "
                f"{rate:>10.0f} {p50:>7.1f} {p99:>7.1f}",
                flush=True,
            )
        return measured
    finally:
        server.terminate()
        server.wait(10)


def baseline_code(revision: str, folder: Path) -> Path:
    """The source tree of `revision`, extracted beside (not over) the working tree."""
    target = folder / f"baseline-{revision}"
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def compare(backend: str, url_for, folder: Path, args) -> None:
    codes = [("this tree", ROOT)]
    if args.baseline:
        codes.insert(0, (f"baseline {args.baseline}", baseline_code(args.baseline, folder / backend)))
    results = {}
    for n, (name, code) in enumerate(codes):
        sub = folder / backend / f"run{n}"
        sub.mkdir(parents=True)
        results[name] = run(f"{backend} {name}", code, url_for(n, sub), sub, args)
    if args.baseline:
        (base_rate, _, base_p99), (rate, _, p99) = results[codes[0][0]], results["this tree"]
        print(
            f"{backend:22} ratio this tree / baseline: throughput {rate / base_rate:.2f}x, p99 {p99 / base_p99:.2f}x",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seconds", type=int, default=15, help="Duration of the wrk run (when wrk is installed).")
    parser.add_argument("--baseline", default="f813b70", help="Revision measured in the same run ('' for none).")
    args = parser.parse_args()
    print(
        f"{'database / code':22} {'client':>7} {'messages':>8} {'clients':>7} {'workers':>7} {'msg/s':>10} "
        f"{'p50 ms':>7} {'p99 ms':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "sqlite" in args.backends:
            compare("sqlite", lambda n, sub: f"sqlite:///{sub / 'bench.db'}", folder, args)
        if "postgres" in args.backends:
            started = subprocess.run(
                [str(ROOT / "scripts" / "pg-server"), "start"],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "RAMANI_PG_DURABLE": "1"},
            )
            pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
            try:
                compare("postgresql", lambda n, sub: new_database(pg["RAMANI_PG_URL"], f"bench{n}"), folder, args)
            finally:
                subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)


def new_database(url: str, name: str) -> str:
    """A new empty database on the server of `url`; its URL."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


if __name__ == "__main__":
    main()
