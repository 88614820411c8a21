"""Cache of open-data answers, keyed by the registry revision, the day and the full request.

Open data is read far more than written: an answer stays valid until the registry changes
(`ramani.sites.revision`) or the day turns (qualification statuses are "as of today").
A middleware placed early answers repeated GETs of the public APIs (/ogcapi/, /api/) from a
bounded in-memory cache in each web process, before sessions or auth are looked at, and
gives clients an ETag (304 when nothing changed). Processes stay stateless: nothing is shared.

The cache is bounded in bytes (RAMANI_CACHE_MAX_MB per process), not in entries: pages range
from a few hundred bytes to 2 MB, so a count bound let 256 entries grow to half a gigabyte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from ramani import config
from ramani.sites import revision

MAX_BODY = 2_000_000  # bytes; bigger answers are computed each time
PREFIXES = ("/ogcapi", "/api/")
SKIP = ("/api/docs", "/api/openapi.json")  # static documents: nothing to gain
VARY = ("Accept", "Cookie")  # the answer's format and its language (the reader's cookie)
KEPT_HEADERS = ("Access-Control-Allow-Origin", "Link", "Content-Disposition")
OVERHEAD = 400  # bytes an entry costs beyond its body and headers (key, tuple, dict, OrderedDict link)


class ByteLRU:
    """Least-recently-used answers whose sizes add up to at most `max_bytes` (read at each `put`, so that a
    changed setting applies at once). Thread-safe: gunicorn threads share one per process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, int, tuple]] = OrderedDict()  # key: (expires, size, answer)
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[2]

    def put(self, key: str, answer: tuple, size: int, seconds: float, max_bytes: int) -> bool:
        """Keep `answer` (costing `size` bytes) for `seconds`, evicting the least recently used; False when it
        is too big to be worth keeping (over a quarter of the bound)."""
        with self._lock:
            if key in self._entries:
                self._drop(key)
            if size > max_bytes // 4:
                self._shrink(max_bytes)
                return False
            self._entries[key] = (time.monotonic() + seconds, size, answer)
            self.bytes += size
            self._shrink(max_bytes)
            return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def _drop(self, key: str) -> None:
        self.bytes -= self._entries.pop(key)[1]

    def _shrink(self, max_bytes: int) -> None:
        while self.bytes > max_bytes and self._entries:
            self.bytes -= self._entries.popitem(last=False)[1][1]


store = ByteLRU()
_revision: ContextVar[int | None] = ContextVar("ramani_revision", default=None)


def current_revision() -> int:
    """The registry revision, read once per request: inside an open-data request, the middleware's own read."""
    value = _revision.get()
    return revision.current() if value is None else value


def _size(key: str, answer: tuple) -> int:
    _status, content_type, body, extra = answer
    return OVERHEAD + len(key) + len(content_type) + len(body) + sum(len(k) + len(v) for k, v in extra.items())


def max_bytes() -> int:
    return int(float(config.get("RAMANI_CACHE_MAX_MB")) * 1024 * 1024)


def middleware(get_response):
    def answer(request):
        if (
            request.method not in ("GET", "HEAD")
            or not request.path_info.startswith(PREFIXES)  # path_info: without RAMANI_URL_PREFIX
            or request.path_info.startswith(SKIP)
        ):
            return get_response(request)
        seconds = int(config.get("RAMANI_CACHE_SECONDS"))
        number = revision.current()
        raw = (
            f"{number}|{dt.date.today()}|{request.build_absolute_uri()}|{request.headers.get('Accept', '')}"
            f"|{request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, '')}"  # HTML answers: the reader's language
        )
        # answers holding published incidents: a site's page, the incidents' items, and the collections' list
        # (the incidents' extent), which forget an unpublished one at once
        if request.path_info.startswith(("/api/sites/", "/ogcapi/collections")):
            from ramani.incidents.public import version

            raw += f"|{version()}"
        key = hashlib.sha1(raw.encode()).hexdigest()
        etag = f'"{key}"'
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponseNotModified(headers={"ETag": etag})
            patch_vary_headers(response, VARY)
            return response
        hit = store.get(key) if seconds > 0 else None
        if hit is not None:
            status, content_type, body, extra = hit
            response = HttpResponse(body, status=status, content_type=content_type, headers=extra)
        else:
            token = _revision.set(number)
            try:
                response = get_response(request)
            finally:
                _revision.reset(token)
            if response.status_code != 200 or response.streaming:
                return response
            if seconds > 0 and len(response.content) <= MAX_BODY:
                extra = {k: v for k, v in response.items() if k in KEPT_HEADERS}
                kept = (200, response["Content-Type"], response.content, extra)
                store.put(key, kept, _size(key, kept), seconds, max_bytes())
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
        patch_vary_headers(response, VARY)  # what the key above varies on, for shared caches too
        return response

    return answer
