"""A record-then-replay HTTP server: the first GET of a path (and Accept header) is forwarded to UPSTREAM and its
answer kept in memory, with UPSTREAM's address rewritten to this server's; later GETs are answered from memory.
Replaying a server's answers to GDAL measures GDAL's own cost of reading them (the server then costs ~nothing).

    python replay.py UPSTREAM PORT
"""

from __future__ import annotations

import http.server
import sys
import threading
import urllib.error
import urllib.request


def main() -> None:
    upstream, port = sys.argv[1].rstrip("/"), int(sys.argv[2])
    here = f"http://127.0.0.1:{port}".encode()
    store: dict[tuple[str, str], tuple[int, str, bytes]] = {}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            key = (self.path, self.headers.get("Accept", ""))
            hit = store.get(key)
            if hit is None:
                request = urllib.request.Request(upstream + self.path, headers={"Accept": key[1]})
                try:
                    with urllib.request.urlopen(request, timeout=120) as r:
                        hit = (r.status, r.headers.get("Content-Type", ""), r.read().replace(upstream.encode(), here))
                except urllib.error.HTTPError as e:
                    hit = (e.code, e.headers.get("Content-Type", ""), e.read())
                with lock:
                    store[key] = hit
            status, content_type, body = hit
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
