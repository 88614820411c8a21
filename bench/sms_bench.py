"""Inbound SMS throughput on the Kannel-format webhook: messages/s, p50 and p99 latency.

For each database (SQLite file; throwaway PostgreSQL with fsync on), starts `ramani serve`
and posts N distinct inbound messages (different senders and ids, a mix of MSAADA and
MATOKEO DHAHABU) from concurrent keep-alive clients on loopback. Every request is stored,
processed and answered (reply queued in the outbox) before the HTTP answer returns.

    .venv/bin/python bench/sms_bench.py [--messages 3000] [--clients 16] [--workers 4] [--seconds 15]

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


def message_path(n: int) -> str:
    """Inbound message n: a distinct sender and id each, two MATOKEO DHAHABU for one MSAADA."""
    query = urlencode({"sender": f"+2439{n:08d}", "to": "1234", "id": f"bench-{n}",
                       "text": "matokeo dhahabu" if n % 3 else "msaada", "ts": "1795838929"})
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
  local path = string.format("/sms/kannel/bench/receive?sender=%%2B2439%02d%06d&to=1234&id=wrk-%d-%d&text=%s&ts=1795838929",
                             tid, n, tid, n, text)
  return wrk.format("GET", path)
end
"""


def fire_wrk(port: int, seconds: int, clients: int, folder: Path) -> tuple[float, float, float]:
    """The same messages from wrk (C, 2 threads): the load generator then takes little CPU from the server."""
    import re

    script = folder / "sms.lua"
    script.write_text(WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(out)

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), ms("50%"), ms("99%")


def run(label: str, database_url: str, folder: Path, args) -> None:
    env = {**os.environ, "RAMANI_DATA_DIR": str(folder), "RAMANI_DATABASE_URL": database_url}
    cli = [sys.executable, "-m", "ramani.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "sms", "channel", "add", "kannel", "bench", "--number", "1234", "--set",
                    "url=http://127.0.0.1:9"], env=env, check=True, capture_output=True)
    prices = folder / "prices.csv"
    prices.write_text("mineral,market,unit,currency,price,date,source\ngold,Bukavu,g,USD,62.5,2026-11-25,bench\n")
    subprocess.run([*cli, "import", "prices", str(prices)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([*cli, "serve", "--port", str(port), "--workers", str(args.workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(f"http://127.0.0.1:{port}/healthz")
        fire(port, 200, args.clients, offset=10_000_000)  # warm-up, other senders
        rate, p50, p99 = fire(port, args.messages, args.clients)
        print(f"{label:11} {'python':>7} {args.messages:>8} {args.clients:>7} {args.workers:>7} {rate:>10.0f} "
              f"{p50:>7.1f} {p99:>7.1f}", flush=True)
        if shutil.which("wrk"):
            rate, p50, p99 = fire_wrk(port, args.seconds, args.clients, folder)
            print(f"{label:11} {'wrk':>7} {int(rate * args.seconds):>8} {args.clients:>7} {args.workers:>7} "
                  f"{rate:>10.0f} {p50:>7.1f} {p99:>7.1f}", flush=True)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--seconds", type=int, default=15, help="Duration of the wrk run (when wrk is installed).")
    args = parser.parse_args()
    print(f"{'database':11} {'client':>7} {'messages':>8} {'clients':>7} {'workers':>7} {'msg/s':>10} {'p50 ms':>7} "
          f"{'p99 ms':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "sqlite" in args.backends:
            (folder / "sqlite").mkdir()
            run("sqlite", f"sqlite:///{folder / 'sqlite' / 'bench.db'}", folder / "sqlite", args)
        if "postgres" in args.backends:
            started = subprocess.run([str(ROOT / "scripts" / "pg-server"), "start"], check=True, capture_output=True,
                                     text=True, env={**os.environ, "RAMANI_PG_DURABLE": "1"})
            pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
            try:
                (folder / "pg").mkdir()
                run("postgresql", pg["RAMANI_PG_URL"], folder / "pg", args)
            finally:
                subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)


if __name__ == "__main__":
    main()
