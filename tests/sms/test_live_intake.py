"""The intake through the real web server (gunicorn, `ramani serve`), on SQLite and on PostgreSQL."""

import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import quote

from tests.conftest import LiveServer


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_long_messages_keys_and_the_simulator(tmp_path):
    server = LiveServer(tmp_path, sites=10)
    try:
        cli = [sys.executable, "-m", "ramani.cli"]
        subprocess.run(
            [*cli, "sms", "channel", "add", "kannel", "kan", "--set", "key=live-key"],
            env=server.env,
            check=True,
            capture_output=True,
        )
        # a long non-ASCII SMS through Kannel's get-url: a request line of over 6 KB, stored whole
        text = "é" * 1000 + " ukweli"
        url = f"{server.url}/sms/kannel/kan/receive?key=live-key&sender=%2B243997100050&id=long-1&text={quote(text)}"
        assert len(url) > 6000
        status, _ = get(url)
        assert status == 200
        assert server.sql("SELECT status, text FROM sms_inbound WHERE provider_id = ?", "long-1") == [
            ("processed", text)
        ]
        # the same path without the key: refused by the real server, nothing stored
        status, body = get(url.replace("key=live-key&", "").replace("long-1", "long-2"))
        assert status == 403 and b"997100050" not in body
        assert server.sql("SELECT count(*) FROM sms_inbound")[0][0] == 1
        # a charset that is no text encoding would make Django fail before any middleware, and gunicorn log the
        # whole URI (key and number): refused in front of Django
        # (also when said twice, where Django reads the last one, or in RFC 2231's form)
        for content_type in (
            "text/plain; charset=rot13",
            "text/plain; charset=utf-8; charset=rot13",
            "text/plain; charset=utf-8; CHARSET=zlib",
            "text/plain; charset*=utf-8''base64",
            "application/x-www-form-urlencoded; charset*=utf-8''%00",  # a NUL: codecs.lookup raises ValueError
        ):
            weird = urllib.request.Request(url.replace("long-1", "long-3"), headers={"Content-Type": content_type})
            try:
                urllib.request.urlopen(weird, timeout=30)
            except urllib.error.HTTPError as exc:
                assert exc.code == 400, content_type
            else:
                raise AssertionError(f"accepted: {content_type}")
        log = server.log_path.read_text(errors="replace")
        assert "live-key" not in log and "997100050" not in log
        # the terminal phone finds the demo channel's key in the same data dir
        sim = subprocess.run(
            [*cli, "sms", "simulate", "--url", server.url, "--number", "+243997100051"],
            input="msaada\n",
            env=server.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "< Ramani: tuma KUFATILIA" in sim.stdout, sim.stdout + sim.stderr
        assert "997100051" not in server.log_path.read_text(errors="replace")
    finally:
        server.stop()
