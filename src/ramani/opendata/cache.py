"""Cache of open-data answers, keyed by the registry revision, the day and the full request.

Open data is read far more than written: an answer stays valid until the registry changes
(`ramani.sites.revision`) or the day turns (qualification statuses are "as of today").
A middleware placed early answers repeated GETs of the public APIs (/ogcapi/, /api/) from a
bounded in-memory cache in each web process, before sessions or auth are looked at, and
gives clients an ETag (304 when nothing changed). Processes stay stateless: nothing is shared.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified

from ramani import config
from ramani.sites import revision

MAX_BODY = 2_000_000  # bytes; bigger answers are computed each time
PREFIXES = ("/ogcapi", "/api/")
SKIP = ("/api/docs", "/api/openapi.json")  # static documents: nothing to gain
KEPT_HEADERS = ("Access-Control-Allow-Origin", "Link", "Content-Disposition")


def middleware(get_response):
    def answer(request):
        if request.method not in ("GET", "HEAD") or not request.path.startswith(PREFIXES) \
                or request.path.startswith(SKIP):
            return get_response(request)
        seconds = int(config.get("RAMANI_CACHE_SECONDS"))
        raw = (f"{revision.current()}|{dt.date.today()}|{request.build_absolute_uri()}|"
               f"{request.headers.get('Accept', '')}")
        key = hashlib.sha1(raw.encode()).hexdigest()
        etag = f'"{key}"'
        if request.headers.get("If-None-Match") == etag:
            return HttpResponseNotModified(headers={"ETag": etag})
        store = caches["opendata"]
        hit = store.get(key) if seconds > 0 else None
        if hit is not None:
            status, content_type, body, extra = hit
            response = HttpResponse(body, status=status, content_type=content_type, headers=extra)
        else:
            response = get_response(request)
            if response.status_code != 200 or response.streaming:
                return response
            if seconds > 0 and len(response.content) <= MAX_BODY:
                extra = {k: v for k, v in response.items() if k in KEPT_HEADERS}
                store.set(key, (200, response["Content-Type"], response.content, extra), seconds)
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
        return response

    return answer
