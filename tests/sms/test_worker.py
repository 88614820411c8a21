"""The outbox worker: killed mid-batch and restarted, every queued reply goes out exactly once."""

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tests.conftest import free_port

N = 30


class FakeKannel:
    """Kannel's sendsms as seen from outside: records each message (by the outbox id in its
    dlr-url) and takes 0.1 s to answer, so that a worker can be killed in the middle."""

    def __init__(self):
        self.calls: Counter = Counter()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = parse_qs(urlparse(self.path).query)
                dlr = parse_qs(urlparse(query["dlr-url"][0]).query)
                outer.calls[dlr["id"][0]] += 1
                time.sleep(0.1)
                self.send_response(202)
                self.end_headers()
                self.wfile.write(b"0: Accepted for delivery")

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_worker_killed_mid_batch_sends_each_reply_exactly_once(live_database):
    gateway = FakeKannel()
    env = live_database.env()
    cli = [sys.executable, "-m", "ramani.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            *cli,
            "sms",
            "channel",
            "add",
            "kannel",
            "k",
            "--number",
            "1234",
            "--rate",
            "1000",
            "--set",
            f"url=http://127.0.0.1:{gateway.port}",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    queue = (
        "from ramani.sms import anonymity, outbox\nfrom ramani.sms.models import Channel\n"
        "c = Channel.objects.get(slug='k')\n"
        f"for i in range({N}):\n"
        "    n = '2438100000%02d' % i\n"
        "    outbox.queue(c, anonymity.phone_hash(n), anonymity.seal(n), 'reply %d' % i)\n"
    )
    subprocess.run([*cli, "manage", "shell", "-c", queue], env=env, check=True, capture_output=True)
    worker = subprocess.Popen(
        [*cli, "sms", "worker", "--interval", "0.1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 30
    while sum(gateway.calls.values()) < 8 and time.time() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)  # mid-batch, most likely while a send is in flight
    worker.wait()
    first_run = sum(gateway.calls.values())
    assert 8 <= first_run < N
    worker = subprocess.Popen(
        [*cli, "sms", "worker", "--interval", "0.1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 30
    while len(gateway.calls) < N and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    worker.terminate()
    worker.wait()
    gateway.stop()
    assert len(gateway.calls) == N and set(gateway.calls.values()) == {1}, gateway.calls
