"""Store first, de-duplicate gateway retries, reply once; numbers never in clear."""

import json

import pytest
from django.db import connection

from ramani.sms import anonymity, inbox
from ramani.sms.models import Channel, Inbound, Outbound

pytestmark = pytest.mark.django_db
PHONE = "+243 812 345 678"


@pytest.fixture
def generic(db):
    return Channel.objects.create(slug="demo", kind="generic", settings={"key": "k"})


@pytest.fixture
def kannel(db):
    return Channel.objects.create(slug="vodacom", kind="kannel", settings={"key": "k", "url": "http://127.0.0.1:9"})


def post_generic(client, text, msg_id="m1", sender=PHONE):
    return client.post(
        "/sms/generic/demo/receive?key=k",
        json.dumps({"from": sender, "to": "1234", "text": text, "id": msg_id}),
        content_type="application/json",
    )


def test_generic_webhook_answers_in_the_response(client, generic):
    response = post_generic(client, "help")
    assert response.status_code == 200 and "KUFATILIA" in response.json()["reply"]
    inbound = Inbound.objects.get()
    assert inbound.status == "processed" and inbound.text == "help"
    assert inbound.sender_hash == anonymity.phone_hash("0812345678")  # same person, local format
    assert anonymity.unseal(inbound.sender_sealed) == "243812345678"
    assert Outbound.objects.get().status == "sent"


def test_retries_create_one_message_and_one_reply(client, generic, kannel):
    for _ in range(5):
        post_generic(client, "matokeo gold", msg_id="abc")
    assert Inbound.objects.filter(status="processed").count() == 1
    assert Inbound.objects.get().retries == 4  # counted on the original, not stored again
    assert Outbound.objects.count() == 1
    # Kannel retries the same get-url: same id
    for _ in range(5):
        client.get(
            "/sms/kannel/vodacom/receive", {"key": "k", "sender": PHONE, "to": "1234", "text": "aide", "id": "k-9"}
        )
    assert Outbound.objects.filter(channel=kannel).count() == 1
    # no id at all: nothing tells a retry from a new message, so each is answered (never dropped)
    for _ in range(3):
        post_generic(client, "msaada", msg_id="")
    assert Outbound.objects.filter(text__startswith="Ramani: tuma").count() == 3


def test_a_crash_after_storing_loses_nothing(client, kannel, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError(f"database hiccup while handling {PHONE}")

    monkeypatch.setattr(inbox.router, "handle", boom)
    response = client.get("/sms/kannel/vodacom/receive", {"key": "k", "sender": PHONE, "text": "help", "id": "x1"})
    assert response.status_code == 200  # the gateway must not retry: the message is safe
    stored = Inbound.objects.get()
    assert stored.status == "received"
    monkeypatch.undo()
    assert inbox.process_pending() == 1
    stored.refresh_from_db()
    assert stored.status == "processed" and Outbound.objects.get().in_reply_to == stored


def test_rejected_requests_are_kept_and_explained(client, generic):
    response = client.post("/sms/generic/demo/receive?key=k", "not json", content_type="application/json")
    assert response.status_code == 400  # kept (sealed) all the same, for the record
    inbound = Inbound.objects.get()
    assert inbound.status == "rejected" and "JSON" in inbound.error
    # an unknown channel, or one of another kind, answers as a wrong key does: nothing to learn without a key
    assert client.post("/sms/generic/nope/receive?key=k", "{}", content_type="application/json").status_code == 403
    assert client.get("/sms/twilio/demo/receive?key=k").status_code == 403


def test_kannel_reply_goes_through_the_outbox_not_the_http_answer(client, kannel):
    response = client.get("/sms/kannel/vodacom/receive", {"key": "k", "sender": PHONE, "text": "help", "id": "1"})
    assert response.content == b""
    assert Outbound.objects.get().status == "queued"


def test_the_number_is_nowhere_in_clear(client, generic, kannel, caplog):
    """Messages through EVERY adapter, then the database, the logs, the pages, the APIs and the downloads."""
    import time
    from urllib.parse import urlencode

    from ramani.sms.channels import android, twilio

    pages = []
    pages.append(post_generic(client, "help").content)
    pages.append(post_generic(client, f"my number is {PHONE} please call", msg_id="2").content)
    pages.append(
        client.get("/sms/kannel/vodacom/receive", {"key": "k", "sender": PHONE, "text": "matokeo", "id": "3"}).content
    )
    Channel.objects.create(slug="phone1", kind="android", settings={"key": "k", "secret": "s"})
    body = json.dumps(
        {
            "event": "sms:received",
            "payload": {"messageId": "1", "message": "kufatilia", "phoneNumber": PHONE, "simNumber": 1},
        }
    ).encode()
    ts = str(int(time.time()))
    pages.append(
        client.post(
            "/sms/android/phone1/receive?key=k",
            body,
            content_type="application/json",
            HTTP_X_TIMESTAMP=ts,
            HTTP_X_SIGNATURE=android.signature("s", body, ts),
        ).content
    )
    Channel.objects.create(slug="tw", kind="twilio", settings={"key": "k", "auth_token": "t"})
    form = {"MessageSid": "SM1", "From": PHONE, "To": "+1555", "Body": "1"}
    pages.append(
        client.post(
            "/sms/twilio/tw/receive?key=k",
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=twilio.signature("t", "http://testserver/sms/twilio/tw/receive?key=k", form),
        ).content
    )
    Channel.objects.create(slug="at", kind="africastalking", settings={"key": "k"})
    pages.append(
        client.post(
            "/sms/africastalking/at/receive?key=k",
            urlencode({"from": PHONE, "to": "1", "text": "3", "id": "A1"}),
            content_type="application/x-www-form-urlencoded",
        ).content
    )
    assert Inbound.objects.filter(status="processed").count() == 6
    for url in (
        "/opendata/download/sites.csv",
        "/opendata/download/visits.geojson",
        "/opendata/download/ipis.csv",
        "/api/summary",
        "/ogcapi/collections/sites/items",
    ):
        response = client.get(url)
        pages.append(b"".join(response.streaming_content) if response.streaming else response.content)
    from django.contrib.auth.models import User

    User.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(User.objects.get(username="admin"))
    for url in (
        "/admin/sms/inbound/",
        f"/admin/sms/inbound/{Inbound.objects.first().id}/change/",
        "/admin/sms/outbound/",
        "/api/sites",
        "/opendata/",
    ):
        pages.append(client.get(url).content)
    digits = "812345678"
    for content in pages:
        assert digits not in content.decode("utf-8", "replace").replace(" ", "")
    assert digits not in caplog.text.replace(" ", "")
    # the database holds it only sealed: dump every text column of every table
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            for row in cur.fetchall():
                for value in row:
                    if isinstance(value, str):
                        assert digits not in value.replace(" ", ""), (table, value)
    assert Inbound.objects.get(provider_id="2").text == "my number is [number] please call"


def test_retention_erases_sealed_numbers(client, generic):
    from ramani.sms.outbox import erase_expired_numbers

    post_generic(client, "help")
    assert erase_expired_numbers(days=-1) == 2
    inbound = Inbound.objects.get()
    assert inbound.sender_sealed == "" and inbound.sealed_request == "" and inbound.sender_hash
    assert Outbound.objects.get().to_sealed == ""


def test_redact():
    assert anonymity.redact(f"failed for {PHONE} at 12:30") == "failed for [number] at 12:30"
    assert anonymity.redact("sent 3 of 20") == "sent 3 of 20"
