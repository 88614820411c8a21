"""How much do password-guessing loops slow the SMS webhook? Median and p90 latency of the generic webhook
(one client, sequential) while idle and while 4 loops post wrong passwords to /admin/login/.

Password hashing (PBKDF2, 1,000,000 rounds in Django 5.2) is CPU-bound: unthrottled, 4 loops keep both cores
busy hashing. With django-axes a user name is locked for an address after 5 failures and every later attempt
is refused before hashing. Servers: `ramani serve` (2 workers) over its own SQLite file, with the project's
settings (axes on) and with axes turned off (AXES_ENABLED = False), for comparison.

    .venv/bin/python bench/login_bruteforce.py [--requests 80] [--attackers 4] [--seconds 120]

Only loopback traffic; every loop is bounded in count and time and stops when the measurement ends.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
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

NO_THROTTLE = "from ramani.settings import *  # noqa: F401,F403\nAXES_ENABLED = False\n"
CREATE = """
from django.contrib.auth.models import User
from ramani.sms.models import Channel
User.objects.create_superuser("admin", "a@example.org", "the-right-password-1")
print(Channel.objects.create(slug="bench", kind="generic").settings["key"])
"""


def webhook(port: int, key: str, requests: int, offset: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    for n in range(offset, offset + requests):
        body = json.dumps({"from": f"+2439{n:08d}", "to": "1234", "text": "help", "id": f"bench-{n}"})
        t = time.perf_counter()
        conn.request("POST", f"/sms/generic/bench/receive?key={key}", body, {"Content-Type": "application/json"})
        answer = conn.getresponse()
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"webhook: HTTP {answer.status}")
        latencies.append((time.perf_counter() - t) * 1000)
    conn.close()
    return latencies


def attacker(port: int, k: int, rotate: bool, stop: threading.Event, deadline: float, limit: int, counts: dict) -> None:
    """Wrong passwords for `admin` (or, rotating, for a new user name each time) until told to stop."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/admin/login/")
    answer = conn.getresponse()
    answer.read()
    token = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie", "")).group(1)
    statuses: dict[int, int] = {}
    for i in range(limit):
        if stop.is_set() or time.time() > deadline:
            break
        form = urlencode(
            {
                "username": f"user{k}-{i}" if rotate else "admin",
                "password": f"guess-{k}-{i}",
                "csrfmiddlewaretoken": token,
                "next": "/admin/",
            }
        )
        conn.request(
            "POST",
            "/admin/login/",
            form,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={token}"},
        )
        answer = conn.getresponse()
        answer.read()
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
    conn.close()
    for status, n in statuses.items():
        counts[status] = counts.get(status, 0) + n


def summary(latencies: list[float]) -> str:
    q = statistics.quantiles(latencies, n=10)
    return f"median {statistics.median(latencies):7.1f} ms   p90 {q[8]:7.1f} ms"


def run(label: str, folder: Path, args, extra_env: dict) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RAMANI_")},
        "RAMANI_DATA_DIR": str(folder),
        "RAMANI_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        **extra_env,
    }
    cli = [sys.executable, "-m", "ramani.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    key = (
        subprocess.run([*cli, "manage", "shell", "-c", CREATE], env=env, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait(f"http://127.0.0.1:{port}/healthz")
        webhook(port, key, 20, 9_000_000)  # warm-up
        print(f"{label:28} idle                      {summary(webhook(port, key, args.requests, 0))}", flush=True)
        for rotate in (False, True):
            subprocess.run([*cli, "manage", "axes_reset"], env=env, check=True, capture_output=True)  # a fresh start
            stop, counts = threading.Event(), {}
            deadline = time.time() + args.seconds
            loops = [
                threading.Thread(target=attacker, args=(port, k, rotate, stop, deadline, args.attempts, counts))
                for k in range(args.attackers)
            ]
            for t in loops:
                t.start()
            time.sleep(2)  # the loops are going (and, same user, locked out)
            latencies = webhook(port, key, args.requests, 1_000_000 * (2 + rotate))
            stop.set()
            for t in loops:
                t.join()
            what = f"{args.attackers} loops, {'new user each' if rotate else 'one user'}"
            print(
                f"{label:28} {what:25} {summary(latencies)}   logins answered {dict(sorted(counts.items()))}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=80, help="Webhook requests per measurement.")
    parser.add_argument("--attackers", type=int, default=4)
    parser.add_argument("--attempts", type=int, default=5000, help="Most login attempts per loop.")
    parser.add_argument("--seconds", type=int, default=120, help="Longest a loop runs.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "axes").mkdir()
        run("throttled (project settings)", folder / "axes", args, {})
        (folder / "off").mkdir()
        (folder / "bench_nothrottle.py").write_text(NO_THROTTLE)
        run(
            "unthrottled (axes off)",
            folder / "off",
            args,
            {"DJANGO_SETTINGS_MODULE": "bench_nothrottle", "PYTHONPATH": str(folder)},
        )


if __name__ == "__main__":
    main()
