"""The WSGI application, behind one guard that Django lacks.

Django builds its request before any middleware runs, and a Content-Type naming a codec that is not
a text encoding (`charset=rot13`, `base64`, `zlib` …) makes that raise; gunicorn then logs the full
request URI, whose query string may hold a sender's number and a channel key. Such a request is
answered 400 here, before Django sees it.
"""

import codecs
import os
from email.message import Message

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
django_application = get_wsgi_application()


def charset_ok(content_type: str) -> bool:
    """Whether a Content-Type names no charset, or a text encoding Python knows."""
    if "charset" not in content_type.lower():
        return True
    message = Message()
    message["content-type"] = content_type
    charset = message.get_content_charset()
    if not charset:
        return True
    try:
        return codecs.lookup(charset)._is_text_encoding
    except LookupError:
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
