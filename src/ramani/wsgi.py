"""The WSGI application, behind one guard that Django lacks.

Django builds its request before any middleware runs, and a Content-Type naming a codec that is not
a text encoding (`charset=rot13`, `base64`, `zlib` …) makes that raise; gunicorn then logs the full
request URI, whose query string may hold a sender's number and a channel key. Such a request is
answered 400 here, before Django sees it.
"""

import codecs
import os
from email.message import Message

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


def application(environ, start_response):
    if not charset_ok(environ.get("CONTENT_TYPE", "")):
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"unsupported charset"]
    return django_application(environ, start_response)
