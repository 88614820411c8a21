"""Each adapter against its peer's real request format (signatures included)."""

import json
import time
from urllib.parse import urlencode

import pytest

from ramani.sms.channels import android, twilio
from ramani.sms.models import Channel, Inbound, Outbound

pytestmark = pytest.mark.django_db


def test_android_gateway_signed_webhook(client):
    Channel.objects.create(slug="phone1", kind="android", settings={"key": "k", "secret": "s3cret"})
    body = json.dumps(
        {
            "deviceId": "dev1",
            "event": "sms:received",
            "id": "evt1",
            "webhookId": "wh1",
            "payload": {
                "messageId": "1",
                "message": "msaada",
                "phoneNumber": "+243811111111",
                "simNumber": 1,
                "receivedAt": "2026-11-28T10:00:00+01:00",
            },
        }
    ).encode()
    ts = str(int(time.time()))
    ok = client.post(
        "/sms/android/phone1/receive?key=k",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_SIGNATURE=android.signature("s3cret", body, ts),
    )
    assert ok.status_code == 200
    assert Outbound.objects.get().text.startswith("Ramani: tuma")
    forged = client.post(
        "/sms/android/phone1/receive?key=k",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_SIGNATURE="00" * 32,
    )
    assert forged.status_code == 403
    old = str(int(time.time()) - 3600)
    stale = client.post(
        "/sms/android/phone1/receive?key=k",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=old,
        HTTP_X_SIGNATURE=android.signature("s3cret", body, old),
    )
    assert stale.status_code == 403
    # the app retries with the same (non-unique) messageId: one message, one reply
    for _ in range(4):
        client.post(
            "/sms/android/phone1/receive?key=k",
            body,
            content_type="application/json",
            HTTP_X_TIMESTAMP=ts,
            HTTP_X_SIGNATURE=android.signature("s3cret", body, ts),
        )
    assert Outbound.objects.count() == 1
    # forged and stale requests were refused before anything was stored; the retries were counted, not stored
    assert Inbound.objects.count() == 1 and Inbound.objects.get().retries == 4


def test_twilio_signed_form_and_twiml_reply(client):
    Channel.objects.create(slug="tw", kind="twilio", settings={"key": "k", "auth_token": "tok"})
    params = {"MessageSid": "SM1", "From": "+243822222222", "To": "+15550001", "Body": "help", "NumMedia": "0"}
    url = "http://testserver/sms/twilio/tw/receive?key=k"
    response = client.post(
        "/sms/twilio/tw/receive?key=k",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=twilio.signature("tok", url, params),
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert "<Response><Message>Ramani: send KUFATILIA" in response.content.decode()
    assert Outbound.objects.get().status == "sent"
    bad = client.post(
        "/sms/twilio/tw/receive?key=k",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE="nope",
    )
    assert bad.status_code == 403


def test_africastalking_callback_with_key(client):
    Channel.objects.create(slug="at", kind="africastalking", settings={"key": "t0k", "username": "sandbox"})
    form = {
        "from": "+243833333333",
        "to": "12345",
        "text": "matokeo",
        "date": "2026-11-28 10:00:00",
        "id": "ATX1",
        "linkId": "L1",
    }
    ok = client.post(
        "/sms/africastalking/at/receive?key=t0k", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert ok.status_code == 200 and Outbound.objects.get().status == "queued"
    assert (
        client.post(
            "/sms/africastalking/at/receive?key=x", urlencode(form), content_type="application/x-www-form-urlencoded"
        ).status_code
        == 403
    )
