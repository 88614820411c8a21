"""Scale-out: 3 web processes and 2 SMS workers on one PostgreSQL under mixed load.

Starts a throwaway PostgreSQL (scripts/pg-server; filled with fsync off, then measured with fsync on),
loads the demo registry
(`ramani demo --sites N`, default 99,999: pcodes have 5 digits), adds two SMS channels whose
outbound URL is a loopback sink in this process (no real network):

- `kannel` (Kannel get-url: GET …/receive?key=…&sender=…&id=…&text=…; sendsms to the sink),
- `africastalking` (form POST …/receive?key=… from/to/id/text; POST /version1/messaging to the sink),

then starts --web `ramani serve --workers 1` processes on distinct ports and --workers
`ramani sms worker` processes, and drives --seconds of mixed load from --threads keep-alive
clients (stdlib http.client), each request to the next web process in turn:

- inbound SMS on both channels, a distinct sender each, MATOKEO DHAHABU or MSAADA; a third of
  them sent again later with the same gateway id (a gateway retry), to another web process;
- OGC API items pages of the sites (varied offsets, bboxes over eastern DRC);
- map tiles at varied z/x/y over eastern DRC (z 5 … 14);
- the follow-up platform, logged in through the login form: the inbox, a deep inbox page,
  an incident's page.

At the end (after the workers drained the outbox): per endpoint requests/s, p50/p99 and errors;
for SMS, messages sent, retries, replies sent by the workers and received by the sink,
duplicates (a message answered more than once) and lost messages (no reply at the sink). And
each web process's memory for the map's tile index, from /proc/<pid>/smaps_rollup of its worker:
RSS, Private (its own pages) and Pss (shared pages divided among the processes mapping them),
first over a warm-up request that reads the database without the index (an OGC API items
page: connection, libraries), then over its first tile request (which builds the index, or maps
the index file another process wrote: see ramani.opendata.maptiles), and after the load; and,
measured in a separate process on the same database, what building the index keeps
(tracemalloc), its numpy bytes, and the modules the first tile imports.

    .venv/bin/python bench/scale_bench.py [--sites 99999] [--seconds 60] [--threads 12]
        [--web 3] [--workers 2] [--incidents 2000] [--database-url URL] [--memory-only]

--memory-only measures the tile index's memory and stops (no load, no SMS workers).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, wait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KANNEL_KEY = "scale-kannel-key-0123456789"
AT_KEY = "scale-at-key-0123456789"
INDEX_GOAL_MB = 30
EAST_DRC = (26.0, -6.0, 31.0, 3.0)  # lon/lat box of the demo sites


# --- the gateways' side: a loopback sink for outbound messages --------------------------------------


class Sink(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.lock = threading.Lock()
        self.received: Counter = Counter()  # (channel, recipient) -> messages; recipients are never printed
        self.requests = 0


class SinkHandler(BaseHTTPRequestHandler):
    server: Sink

    def _take(self, channel: str, recipient: str) -> None:
        with self.server.lock:
            self.server.requests += 1
            self.server.received[(channel, recipient.lstrip("+"))] += 1

    def do_GET(self) -> None:  # Kannel's sendsms
        query = parse_qs(urlsplit(self.path).query)
        self._take("kannel", query.get("to", [""])[0])
        self._answer(202, b"0: Accepted for delivery")

    def do_POST(self) -> None:  # Africa's Talking's /version1/messaging
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self._take("africastalking", parse_qs(body).get("to", [""])[0])
        self._answer(201, b'{"SMSMessageData": {"Recipients": [{"status": "Success"}]}}')

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # the query holds the recipient's number: never logged
        pass


# --- setup ------------------------------------------------------------------------------------------


def ramani(env: dict, *args: str, capture: bool = True) -> str:
    done = subprocess.run([sys.executable, "-m", "ramani.cli", *args], env=env, capture_output=capture, text=True)
    if done.returncode:
        raise RuntimeError(f"ramani {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout if capture else ""


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_kb(pid: int) -> dict[str, int]:
    """Rss, Pss, Private (clean + dirty) and Shared (clean + dirty) of a process, in kB (smaps_rollup)."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0])
    return {
        "rss": fields.get("Rss", 0),
        "pss": fields.get("Pss", 0),
        "private": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
        "shared": fields.get("Shared_Clean", 0) + fields.get("Shared_Dirty", 0),
    }


def mb(kb: float) -> str:
    return f"{kb / 1024:.1f}"


def grown(after: dict[str, int], before: dict[str, int]) -> str:
    return "  ".join(f"{k} {'+' if after[k] >= before[k] else ''}{mb(after[k] - before[k])}" for k in
                     ("rss", "private", "pss"))  # fmt: skip


def figures(m: dict[str, int]) -> str:
    return "  ".join(f"{k} {mb(m[k])}" for k in ("rss", "private", "pss", "shared"))


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def worker_pid(master: int, seconds: float = 60) -> int:
    end = time.time() + seconds
    while time.time() < end:
        kids = children(master)
        if kids:
            return kids[0]
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def login(port: int, username: str, password: str) -> str:
    """The session cookie of a login through the login form (CSRF token and all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/")
    resp = conn.getresponse()
    page = resp.read().decode()
    csrf = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    conn.request(
        "POST",
        "/accounts/login/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    resp = conn.getresponse()
    resp.read()
    session = re.search(r"sessionid=([^;]+)", resp.getheader("Set-Cookie") or "")
    if resp.status != 302 or not session:
        raise RuntimeError(f"login as {username}: HTTP {resp.status}")
    conn.close()
    return f"sessionid={session.group(1)}"


SET_PASSWORD = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
user = get_user_model().objects.filter(username=sys.argv[1]).first()
if user is None:
    sys.exit(3)
user.set_password(sys.argv[2])
user.save()
"""

INDEX_PROBE = """
import django, json, sys, tracemalloc
django.setup()
from django.test import Client
from django.urls import resolve
resolve("/healthz")  # the URL conf and its views imported, as in a worker after its first request
before = set(sys.modules)
Client().get("/ogcapi/collections/sites/items?f=json&limit=1")  # the warm-up request of the web processes
warm = set(sys.modules)
from ramani.opendata import maptiles
maptiles._index = maptiles.build()  # in this process only: no index file for the web processes to find
maptiles.tile(5, 19, 15, {}, __import__("datetime").date.today())
tiled = set(sys.modules)
import numpy as np
maptiles.build()  # warm: imports, connection
tracemalloc.start()
idx = maptiles.build()
kept, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
arrays = [v for v in vars(idx).values() if isinstance(v, np.ndarray)]
arrays += [v for v in vars(idx.latest).values() if isinstance(v, np.ndarray)]
arrays += [v for v in vars(idx.decisions).values() if isinstance(v, np.ndarray)] + [idx.pcodes._values]
top = lambda names: sorted({n.split(".")[0] for n in names})
print(json.dumps({"sites": len(idx.ids), "kept": kept, "peak": peak, "numpy": sum(a.nbytes for a in arrays),
                  "warm_imports": top(warm - before), "tile_imports": top(tiled - warm)}))
"""


# --- the load ---------------------------------------------------------------------------------------


class Load:
    def __init__(self, ports: list[int], cookie: str, incidents: list[str], rng_seed: int = 1):
        self.ports = ports
        self.cookie = cookie
        self.incidents = incidents
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.error_samples: list[str] = []
        self.sent: dict[tuple[str, str], str] = {}  # (channel, gateway id) -> sender (never printed)
        self.retries = 0
        self.pending_retries: list[tuple[str, str, str, str]] = []
        self.counter = 0
        self.seed = rng_seed

    def next_message(self) -> int:
        with self.lock:
            self.counter += 1
            return self.counter

    def sms(self, rng: random.Random) -> tuple[str, str, str, dict, bytes | None]:
        """(endpoint, method, path, headers, body) of a new inbound message or of a gateway retry."""
        with self.lock:
            retry = (
                self.pending_retries.pop(rng.randrange(len(self.pending_retries)))
                if (self.pending_retries and rng.random() < 0.35)
                else None
            )
        if retry is None:
            n = self.next_message()
            channel = "kannel" if n % 2 else "africastalking"
            sender, ident = f"+2439{n:08d}", f"scale-{n}"
            text = "msaada" if n % 3 == 0 else "matokeo dhahabu"
            with self.lock:
                self.sent[(channel, ident)] = sender
                if rng.random() < 1 / 3:
                    self.pending_retries.append((channel, sender, ident, text))
        else:
            channel, sender, ident, text = retry
            with self.lock:
                self.retries += 1
        if channel == "kannel":
            query = urlencode({"key": KANNEL_KEY, "sender": sender, "to": "1234", "id": ident, "text": text,
                               "ts": "1795838929"})  # fmt: skip
            return "sms kannel GET", "GET", f"/sms/kannel/scale-k/receive?{query}", {}, None
        body = urlencode({"from": sender, "to": "5678", "id": ident, "text": text, "date": "2026-12-02 10:00:00"})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return (
            "sms africastalking POST",
            "POST",
            f"/sms/africastalking/scale-at/receive?key={AT_KEY}",
            headers,
            body.encode(),
        )

    def request(self, rng: random.Random) -> tuple[str, str, str, dict, bytes | None]:
        platform = 1 if self.cookie and self.incidents else 0
        kind = rng.choices(["sms", "ogc", "tile", "inbox", "incident"], [4, 2, 3, platform, platform])[0]
        if kind == "sms":
            return self.sms(rng)
        if kind == "ogc":
            if rng.random() < 0.5:
                path = f"/ogcapi/collections/sites/items?f=json&limit=50&offset={rng.randrange(0, 20_000)}"
            else:
                w, s = rng.uniform(EAST_DRC[0], EAST_DRC[2] - 1), rng.uniform(EAST_DRC[1], EAST_DRC[3] - 1)
                size = rng.choice([0.1, 0.3, 1.0])
                bbox = f"{w:.3f},{s:.3f},{w + size:.3f},{s + size:.3f}"
                path = f"/ogcapi/collections/sites/items?f=json&limit=50&offset={rng.randrange(0, 200)}&bbox={bbox}"
            return "ogc items", "GET", path, {}, None
        if kind == "tile":
            import math

            z = rng.randint(5, 14)
            lon, lat = rng.uniform(EAST_DRC[0], EAST_DRC[2]), rng.uniform(EAST_DRC[1], EAST_DRC[3])
            n = 1 << z
            x = int((lon + 180) / 360 * n)
            s = math.sin(math.radians(lat))
            y = int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n)
            return "map tile", "GET", f"/map/tiles/{z}/{x}/{y}.pbf", {}, None
        headers = {"Cookie": self.cookie}
        if kind == "inbox":
            path = "/cases/" if rng.random() < 0.6 else f"/cases/?page={rng.randint(2, 20)}"
            return "platform inbox", "GET", path, headers, None
        return "platform incident", "GET", f"/cases/{rng.choice(self.incidents)}/", headers, None

    def thread(self, k: int, until: float) -> None:
        rng = random.Random(self.seed * 1000 + k)
        conns = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=120) for p in self.ports}
        turn = k
        mine: dict[str, list[float]] = defaultdict(list)
        while time.perf_counter() < until:
            endpoint, method, path, headers, body = self.request(rng)
            port = self.ports[turn % len(self.ports)]
            turn += 1
            t = time.perf_counter()
            try:
                conns[port].request(method, path, body=body, headers=headers)
                resp = conns[port].getresponse()
                resp.read()
                ok, why = 200 <= resp.status < 300, f"HTTP {resp.status}"
            except (OSError, http.client.HTTPException) as exc:
                ok, why = False, type(exc).__name__
                conns[port].close()
            mine[endpoint].append(time.perf_counter() - t)
            if not ok:
                with self.lock:
                    self.errors[endpoint] += 1
                    if len(self.error_samples) < 10:
                        self.error_samples.append(f"{endpoint}: {why} {path.split('?')[0]}")
        for c in conns.values():
            c.close()
        with self.lock:
            for endpoint, times in mine.items():
                self.times[endpoint].extend(times)

    def run(self, threads: int, seconds: float) -> float:
        start = time.perf_counter()
        pool = [threading.Thread(target=self.thread, args=(k, start + seconds)) for k in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return time.perf_counter() - start


# --- the run ----------------------------------------------------------------------------------------


def sql(url: str, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        return conn.execute(query).fetchall()


def durable(folder: str, url: str) -> None:
    """Restart scripts/pg-server's PostgreSQL with its own options but fsync (and its companions) on."""
    import glob

    pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    port = urlsplit(url).port
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run([*owner, pg_ctl, "-D", f"{folder}/data", "-o", options, "-l", f"{folder}/server.log", "-w",
                    "restart"], check=True, capture_output=True)  # fmt: skip
    assert sql(url, "SHOW fsync") == [("on",)]


def drain(url: str, seconds: float = 120) -> None:
    """Until no inbound message waits to be read and no reply waits to be sent."""
    end = time.time() + seconds
    while time.time() < end:
        waiting = sql(
            url,
            "SELECT (SELECT count(*) FROM sms_inbound WHERE status = 'received') + "
            "(SELECT count(*) FROM sms_outbound WHERE status IN ('queued', 'sending'))",
        )[0][0]
        if not waiting:
            return
        time.sleep(0.5)
    print(f"! the workers did not drain the outbox in {seconds:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=99_999)
    parser.add_argument("--incidents", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=12)
    parser.add_argument("--web", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="", help="Use this filled database (a demo) instead of a new one.")
    parser.add_argument("--memory-only", action="store_true", help="Measure the tile index's memory, then stop.")
    args = parser.parse_args()

    pg: dict[str, str] = {}
    if args.database_url:
        url = args.database_url
    else:
        started = subprocess.run([str(ROOT / "scripts" / "pg-server"), "start"], check=True, capture_output=True,
                                 text=True)  # fmt: skip
        pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
        url = pg["RAMANI_PG_URL"]
    processes: list[subprocess.Popen] = []
    sink = Sink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as data:
            env = {
                **os.environ,
                "RAMANI_DATA_DIR": data,
                "RAMANI_DATABASE_URL": url,
                "RAMANI_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SETTINGS_MODULE": "ramani.settings",
                "PYTHONPATH": str(ROOT / "src"),
            }
            if not args.database_url:
                t = time.perf_counter()
                ramani(env, "migrate")
                ramani(env, "demo", "--sites", str(args.sites), "--incidents", str(args.incidents))
                print(f"demo registry: {args.sites:,} sites, {args.incidents:,} incidents loaded in "
                      f"{time.perf_counter() - t:.0f} s (fsync off)", flush=True)  # fmt: skip
                # filled fast; measured durable, as a real server runs (these settings take a reload)
                durable(pg["RAMANI_PG_DIR"], url)
            sites = sql(url, "SELECT count(*) FROM sites_site")[0][0]
            username, password = "demo-network-admin", "scale-bench-password-0123"
            has_user = subprocess.run([sys.executable, "-c", SET_PASSWORD, username, password], env=env).returncode == 0
            sink_url = f"http://127.0.0.1:{sink.server_address[1]}"
            ramani(env, "sms", "channel", "add", "kannel", "scale-k", "--number", "1234", "--rate", "100000",
                   "--set", f"key={KANNEL_KEY}", "--set", f"url={sink_url}", "--set", "username=u",
                   "--set", "password=p")  # fmt: skip
            ramani(env, "sms", "channel", "add", "africastalking", "scale-at", "--number", "5678", "--rate", "100000",
                   "--set", f"key={AT_KEY}", "--set", f"url={sink_url}", "--set", "username=sandbox",
                   "--set", "apikey=k")  # fmt: skip
            prices = Path(data) / "prices.csv"
            prices.write_text(
                "mineral,market,unit,currency,price,date,source\ngold,Bukavu,g,USD,62.5,2026-11-25,bench\n"
            )
            ramani(env, "import", "prices", str(prices))

            probe = subprocess.run([sys.executable, "-c", INDEX_PROBE], env=env, check=True, capture_output=True,
                                   text=True)  # fmt: skip
            index = json.loads(probe.stdout.strip().splitlines()[-1])

            ports = [free_port() for _ in range(args.web)]
            masters = []
            for port in ports:
                p = subprocess.Popen([sys.executable, "-m", "ramani.cli", "serve", "--port", str(port), "--workers", "1"],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
                processes.append(p)
                masters.append(p.pid)
            for port in ports:
                wait(f"http://127.0.0.1:{port}/healthz")
            pids = [worker_pid(m) for m in masters]
            memory = []
            for port, pid in zip(ports, pids):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                start = memory_kb(pid)
                conn.request("GET", "/ogcapi/collections/sites/items?f=json&limit=1")  # warm: connection, libraries
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 200, resp.status
                before = memory_kb(pid)
                t = time.perf_counter()
                conn.request("GET", "/map/tiles/5/19/15.pbf")
                resp = conn.getresponse()
                resp.read()
                assert resp.status == 200, resp.status
                memory.append((port, pid, start, before, memory_kb(pid), time.perf_counter() - t))
                conn.close()
            if args.memory_only:
                report_memory(index, memory, [memory_kb(pid) for pid in pids], None)
                return
            for _ in range(args.workers):
                processes.append(subprocess.Popen([sys.executable, "-m", "ramani.cli", "sms", "worker", "--interval",
                                                   "0.2"], env=env, stdout=subprocess.DEVNULL,
                                                  stderr=subprocess.DEVNULL))  # fmt: skip

            cookie = login(ports[0], username, password) if has_user else ""
            incidents = [r[0] for r in sql(url, "SELECT report_id FROM incidents_incident ORDER BY id LIMIT 200")]
            if not (cookie and incidents):
                print("! no demo incidents or no demo-network-admin: platform pages left out of the load", flush=True)
            load = Load(ports, cookie, incidents)
            print(f"load: {sites:,} sites, {args.threads} threads, {args.seconds:.0f} s, {args.web} web processes (gunicorn, 1 worker "
                  f"each), {args.workers} sms workers", flush=True)  # fmt: skip
            elapsed = load.run(args.threads, args.seconds)
            t = time.perf_counter()
            drain(url)
            drained = time.perf_counter() - t
            final_rss = [memory_kb(pid) for pid in pids]
            report(args, load, elapsed, drained, url, sink, index, memory, final_rss)
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        sink.shutdown()
        if pg:
            subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)


def report(args, load: Load, elapsed: float, drained: float, url: str, sink: Sink, index, memory, final_rss) -> None:
    print()
    print(f"{'endpoint':26} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    total_errors = 0
    for endpoint in sorted(load.times):
        times = sorted(load.times[endpoint])
        errors = load.errors[endpoint]
        total_errors += errors
        p99 = times[max(0, int(len(times) * 0.99) - 1)] * 1000
        print(f"{endpoint:26} {len(times):>8} {len(times) / elapsed:>8.1f} {statistics.median(times) * 1000:>8.1f} "
              f"{p99:>8.1f} {errors:>7}")  # fmt: skip
    every = sum(len(t) for t in load.times.values())
    print(f"{'all':26} {every:>8} {every / elapsed:>8.1f}")
    for sample in load.error_samples:
        print(f"  ! {sample}")

    # replies per message, from the database (one reply per inbound row at most) and at the sink
    rows = sql(
        url,
        "SELECT c.kind, i.provider_id, count(o.id), count(o.id) FILTER (WHERE o.status IN ('sent', 'delivered')) "
        "FROM sms_inbound i JOIN sms_channel c ON c.id = i.channel_id "
        "LEFT JOIN sms_outbound o ON o.in_reply_to_id = i.id WHERE c.slug IN ('scale-k', 'scale-at') "
        "GROUP BY c.kind, i.provider_id",
    )
    replies = {(kind, ident): (queued, sent) for kind, ident, queued, sent in rows}
    statuses = dict(sql(url, "SELECT status, count(*) FROM sms_inbound GROUP BY status"))
    failed_out = sql(url, "SELECT count(*) FROM sms_outbound WHERE status = 'failed'")[0][0]
    db_duplicates = sum(1 for key in load.sent if replies.get(key, (0, 0))[0] > 1)
    db_lost = sum(1 for key in load.sent if replies.get(key, (0, 0))[1] == 0)
    sink_duplicates = sum(1 for (kind, _), sender in load.sent.items() if sink.received[(kind, sender.lstrip("+"))] > 1)
    sink_lost = sum(1 for (kind, _), sender in load.sent.items() if sink.received[(kind, sender.lstrip("+"))] == 0)
    print()
    print(f"SMS: {len(load.sent)} messages sent ({load.counter} ids), {load.retries} gateway retries of them; "
          f"inbound rows by status {dict(sorted(statuses.items()))}; workers drained the outbox "
          f"{drained:.1f} s after the load")  # fmt: skip
    print(f"     replies sent (database): {sum(s for _, s in replies.values())}, failed: {failed_out}; "
          f"received by the gateway sink: {sink.requests}")  # fmt: skip
    print(f"     duplicates (a message answered twice): database {db_duplicates}, sink {sink_duplicates}; "
          f"lost (no reply): database {db_lost}, sink {sink_lost}")  # fmt: skip

    worst = report_memory(index, memory, final_rss, elapsed)
    print()
    goals = [
        ("0 errors", total_errors == 0, f"{total_errors}"),
        ("0 duplicate replies", db_duplicates == 0 and sink_duplicates == 0, f"{db_duplicates}/{sink_duplicates}"),
        ("0 lost messages", db_lost == 0 and sink_lost == 0 and len(load.sent) > 0, f"{db_lost}/{sink_lost}"),
        (f"tile index <= {INDEX_GOAL_MB} MB private per web process", worst <= INDEX_GOAL_MB,
         f"private +{worst:.1f} MB over the first tile at worst, kept {index['kept'] / 2**20:.1f} MB when built"),
    ]  # fmt: skip
    for name, ok, figure in goals:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {figure}")


def report_memory(index, memory, final, elapsed) -> float:
    """Print the tile index's memory; the worst growth of a web worker's private memory over its first tile (MB)."""
    print()
    print(f"tile index at {index['sites']:,} sites, built in a separate process: kept {index['kept'] / 2**20:.1f} MB "
          f"(tracemalloc; numpy arrays {index['numpy'] / 2**20:.1f} MB), peak while building "
          f"{index['peak'] / 2**20:.1f} MB")  # fmt: skip
    print(f"  modules imported by the warm-up request: {', '.join(index['warm_imports']) or 'none'}; "
          f"then by the first tile: {', '.join(index['tile_imports']) or 'none'}")  # fmt: skip
    print("  web workers, MB (smaps_rollup; private: the process's own pages, pss: shared pages divided among "
          "the processes mapping them):")  # fmt: skip
    worst = 0.0
    for (port, pid, start, before, after, seconds), end in zip(memory, final):
        worst = max(worst, (after["private"] - before["private"]) / 1024)
        print(f"  web :{port} started  {figures(start)}")
        print(f"           warm-up request (OGC items: connection, libraries): {grown(before, start)}")
        print(f"           first tile ({seconds:.1f} s; index built or mapped): {grown(after, before)}"
              f"  -> {figures(after)}")  # fmt: skip
        if elapsed is not None:
            print(f"           after the load: {figures(end)}")
    return worst


if __name__ == "__main__":
    main()
