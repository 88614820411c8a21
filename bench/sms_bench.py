"""Inbound SMS throughput on the Kannel-format webhook: messages/s, p50 and p99 latency.

For each database (SQLite file; throwaway PostgreSQL with fsync on), starts `ramani serve`
and posts N distinct inbound messages (different senders and ids, a mix of MSAADA and
MATOKEO DHAHABU) from concurrent keep-alive clients on loopback. Every request is stored,
processed and answered (reply queued in the outbox) before the HTTP answer returns.

    .venv/bin/python bench/sms_bench.py [--messages 3000] [--clients 16] [--workers 4]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, wait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def fire(port: int, messages: int, clients: int) -> tuple[float, float, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    per = messages // clients

    def client(k: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for i in range(per):
            n = k * per + i
            query = urlencode({"sender": f"+2439{n:08d}", "to": "1234", "id": f"bench-{n}",
                               "text": "matokeo dhahabu" if n % 3 else "msaada", "ts": "1795838929"})
            t = time.perf_counter()
            conn.request("GET", f"/sms/kannel/bench/receive?{query}")
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise RuntimeError(f"HTTP {resp.status}")
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, latencies[int(len(latencies) * 0.99) - 1] * 1000


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
        fire(port, 200, args.clients)  # warm-up
        rate, p50, p99 = fire(port, args.messages, args.clients)
        print(f"{label:11} {args.messages:>8} {args.clients:>7} {args.workers:>7} {rate:>10.0f} {p50:>7.1f} {p99:>7.1f}",
              flush=True)
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"{'database':11} {'messages':>8} {'clients':>7} {'workers':>7} {'msg/s':>10} {'p50 ms':>7} {'p99 ms':>7}")
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
