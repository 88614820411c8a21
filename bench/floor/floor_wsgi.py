"""Two WSGI applications for the floors of bench/ogcapi_vs_pygeoapi.py, each answering `/bytes/N` with N bytes.

`bare`: no framework at all (what gunicorn and the bench's client cost); `django`: Ramani's WSGI application and
middleware stack with DJANGO_SETTINGS_MODULE=floor_settings, whose only view answers the bytes (what Django costs).
"""

from __future__ import annotations

import os

_BODY = b"x" * 8_000_000


def bare(environ, start_response):
    n = int(environ.get("PATH_INFO", "/0").rsplit("/", 1)[1] or 0)
    start_response("200 OK", [("Content-Type", "application/geo+json"), ("Content-Length", str(n))])
    return [_BODY[:n]]


def django(environ, start_response):
    return _django_app()(environ, start_response)


_app = None


def _django_app():
    global _app
    if _app is None:
        os.environ["DJANGO_SETTINGS_MODULE"] = "floor_settings"
        from ramani.wsgi import application

        _app = application
    return _app
