"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import resource
import socket
import time
import urllib.request
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM of its address space). Not `ru_maxrss`: Linux carries that
    over from the parent through fork and exec, so every child would report at least the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, seconds: float = 60) -> None:
    """Until `url` answers (any HTTP status), or RuntimeError."""
    end = time.time() + seconds
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def load(port: int, path_for, requests: int, threads: int, headers: dict | None = None) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) for `requests` GETs from `threads` keep-alive clients on loopback;
    `path_for(n)` gives the path of request n (0 … requests-1). Anything but a 200 with a body is an error."""
    import http.client
    import statistics
    import threading

    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = requests // threads

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for i in range(per_thread):
            path = path_for(k * per_thread + i)
            t = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise RuntimeError(f"{port}{path}: HTTP {resp.status}")
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    return (
        len(latencies) / elapsed,
        statistics.median(latencies) * 1000,
        latencies[int(len(latencies) * 0.99) - 1] * 1000,
    )
