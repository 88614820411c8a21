"""A file served with HTTP Range requests (RFC 9110 §14): what a PMTiles reader asks for.

One range per request (a multi-range request gets the whole file, as the RFC allows), strong ETags,
If-Range, If-None-Match. A malformed Range header is ignored (200, the whole file); a well-formed
one that the file cannot satisfy gets 416 with `Content-Range: bytes */SIZE`.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import http_date

RANGE = re.compile(r"bytes=(\d{0,19})-(\d{0,19})")
CHUNK = 64 * 1024


class Unsatisfiable(Exception):
    pass


def parse(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte to send, inclusive; None to send the whole file; Unsatisfiable for a 416."""
    match = RANGE.fullmatch(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - n), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # invalid, ignored
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _chunks(path: Path, start: int, length: int):
    with path.open("rb") as f:
        f.seek(start)
        while length > 0:
            data = f.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def serve(request: HttpRequest, path: Path, content_type: str, max_age: int = 3600) -> HttpResponse:
    stat = path.stat()
    size = stat.st_size
    etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
    modified = http_date(stat.st_mtime)
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Last-Modified": modified,
        "Cache-Control": f"public, max-age={max_age}",
    }
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return HttpResponse(status=304, headers=headers)
    span = None
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range", "").strip()
    if header and (not if_range or if_range in (etag, modified)):
        try:
            span = parse(header, size)
        except Unsatisfiable:
            return HttpResponse(status=416, headers=headers | {"Content-Range": f"bytes */{size}"})
    start, end = span if span else (0, size - 1)
    length = end - start + 1
    headers["Content-Length"] = str(length)
    status = 206 if span else 200
    if span:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type, headers=headers)
        response["Content-Length"] = str(length)
        return response
    return StreamingHttpResponse(
        _chunks(path, start, length), status=status, content_type=content_type, headers=headers
    )
