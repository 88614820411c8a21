"""Cache of open-data answers, keyed by the registry revision, the day and the full request.

Open data is read far more than written: an answer stays valid until the registry changes
(`ramani.sites.revision`) or the day turns (qualification statuses are "as of today").
Each web process keeps its own bounded in-memory cache; clients get an ETag and a 304 when
nothing changed. Stateless processes stay stateless: nothing here needs sharing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from ramani.sites import revision

MAX_BODY = 2_000_000  # bytes; bigger answers are computed each time


def key_for(request: HttpRequest, variant: str = "") -> str:
    raw = f"{revision.current()}|{dt.date.today()}|{request.build_absolute_uri()}|{variant}"
    return hashlib.sha1(raw.encode()).hexdigest()


def cached(request: HttpRequest, make, variant: str = "") -> HttpResponse:
    """The cached response for this request, or `make()`'s (stored when 200 and small enough)."""
    key = key_for(request, variant)
    etag = f'"{key}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    store = caches["opendata"]
    hit = store.get(key)
    if hit is not None:
        status, content_type, body, extra = hit
        response = HttpResponse(body, status=status, content_type=content_type)
        for k, v in extra.items():
            response[k] = v
    else:
        response = make()
        if response.status_code == 200 and not response.streaming and len(response.content) <= MAX_BODY:
            extra = {k: v for k, v in response.items() if k in ("Access-Control-Allow-Origin", "Link")}
            store.set(key, (response.status_code, response["Content-Type"], response.content, extra), 24 * 3600)
    if response.status_code == 200:
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=60"
    return response
