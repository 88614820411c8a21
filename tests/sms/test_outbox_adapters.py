"""Each adapter sends its replies the way its gateway takes them (a local HTTP server stands in for it)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from ramani.sms import anonymity, outbox
from ramani.sms.models import Channel, Outbound

pytestmark = pytest.mark.django_db
PHONE = "+243 997 100 050"


@pytest.fixture
def gateway():
    """A stand-in gateway that records every request it gets and answers 200."""
    got: list[tuple[str, str, dict, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            got.append((self.command, self.path, dict(self.headers), body))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "gw-1", "sid": "SM-1"}')

        do_GET = do_POST = _record

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", got
    server.shutdown()
    server.server_close()


def inbound(client, kind, slug, **fields):
    return client.post(f"/sms/{kind}/{slug}/receive?key=k", json.dumps(fields), content_type="application/json")


def test_generic_with_a_url_sends_through_the_worker(client, gateway):
    url, got = gateway
    Channel.objects.create(slug="g", kind="generic", settings={"key": "k", "url": url + "/out", "token": "tok"})
    answer = inbound(client, "generic", "g", **{"from": PHONE, "text": "msaada", "id": "1"})
    assert answer.json() == {"reply": ""}  # not in the answer: the worker sends it
    assert outbox.send_due() == 1
    method, path, headers, body = got[0]
    assert (method, path, headers["Authorization"]) == ("POST", "/out", "Bearer tok")
    assert json.loads(body)["to"] == "243997100050" and json.loads(body)["text"].startswith("Ramani: tuma")
    assert Outbound.objects.get().status == "sent"


def test_twilio_with_an_account_sends_through_the_messages_api(client, gateway):
    url, got = gateway
    Channel.objects.create(
        slug="tw",
        kind="twilio",
        number="+15550001",
        settings={"key": "k", "auth_token": "t", "account_sid": "AC1", "url": url},
    )
    message = outbox.queue(Channel.objects.get(slug="tw"), "h", anonymity.seal("243997100050"), "Asante")
    assert outbox.send_due() == 1
    method, path, headers, body = got[0]
    assert (method, path) == ("POST", "/2010-04-01/Accounts/AC1/Messages.json")
    assert parse_qs(body.decode()) == {"To": ["+243997100050"], "From": ["+15550001"], "Body": ["Asante"]}
    assert Outbound.objects.get(id=message.id).provider_id == "SM-1"


def test_kannel_delivery_url_carries_the_key(client, gateway):
    url, got = gateway
    channel = Channel.objects.create(
        slug="kan",
        kind="kannel",
        number="1234",
        settings={"key": "k", "url": url, "dlr_base": "https://ramani.example.org"},
    )
    message = outbox.queue(channel, "h", anonymity.seal("243997100050"), "Habari é")
    assert outbox.send_due() == 1
    query = parse_qs(urlsplit(got[0][1]).query)
    dlr = urlsplit(query["dlr-url"][0])
    assert dlr.path == "/sms/kannel/kan/status"
    assert parse_qs(dlr.query) == {"key": ["k"], "id": [str(message.id)], "type": ["%d"]}
    assert query["from"] == ["1234"] and query["to"] == ["243997100050"]
