"""The WSGI application, behind one guard that Django lacks.

Django builds its request before any middleware runs, and a Content-Type naming a codec that is not
a text encoding (`charset=rot13`, `base64`, `zlib` …) makes that raise; gunicorn then logs the full
request URI, whose query string may hold a sender's number and a channel key. Such a request is
answered 400 here, before Django sees it; and anything else that escapes Django is answered 400 here
too, logged by its exception's name alone.
"""

import codecs
import logging
import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
django_application = get_wsgi_application()


def charset_ok(content_type: str) -> bool:
    """Whether a Content-Type names no charset, or a text encoding Python knows.

    Read with Django's own parser, so that both read the same charset (a repeated parameter: the last one)."""
    if "charset" not in content_type.lower():
        return True
    try:
        _, params = parse_header_parameters(content_type)
    except Exception:  # whatever Django's parser cannot read, Django must not see either
        return False
    charset = params.get("charset")
    if charset is None:
        return True
    try:
        return codecs.lookup(charset)._is_text_encoding
    except Exception:  # unknown, or no name at all ("charset*=utf-8''%00" decodes to a NUL)
        return False


def mount(environ, prefix: str) -> bool:
    """Move RAMANI_URL_PREFIX from the path to SCRIPT_NAME (WSGI's mount point); False if the path is outside it.

    Requests arrive with the prefix, straight to `ramani serve` or through a proxy passing the path on; Django
    then sees paths as if served at / and FORCE_SCRIPT_NAME (settings) puts the prefix back in every URL built.
    """
    if prefix == "/":
        return True
    path = environ.get("PATH_INFO", "")
    mount_point = prefix.rstrip("/")
    if path != mount_point and not path.startswith(prefix):
        return False
    environ["SCRIPT_NAME"] = mount_point
    environ["PATH_INFO"] = path[len(mount_point) :] or "/"
    return True


def application(environ, start_response):
    try:
        return _guarded(environ, start_response)
    except Exception as exc:  # the guard or Django failed before answering: answered here, so no server logs its URI
        logging.getLogger("ramani.wsgi").error("request refused before Django: %s", type(exc).__name__)
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")], sys.exc_info())
        return [b"bad request"]


def _guarded(environ, start_response):
    if not charset_ok(environ.get("CONTENT_TYPE", "")):
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"unsupported charset"]
    prefix = settings.URL_PREFIX
    if not mount(environ, prefix):
        if environ.get("PATH_INFO") == "/":  # the bare host: to the site
            start_response("302 Found", [("Location", prefix), ("Content-Length", "0")])
            return [b""]
        start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
        return [f"Not found: this server serves Ramani under {prefix}".encode()]
    return django_application(environ, start_response)
