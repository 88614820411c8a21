"""Arbitrary requests from an authenticated gateway: a 4xx before anything is stored, or stored and
answered sensibly; never a 500, never a message the worker then fails on."""

import json
import time
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ramani.sms import inbox
from ramani.sms.channels import ADAPTERS, android, twilio
from ramani.sms.models import Channel, Inbound, Outbound

pytestmark = pytest.mark.django_db
text = st.text(max_size=300)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)
fields = st.dictionaries(
    st.sampled_from(
        ["from", "to", "text", "id", "sender", "ts", "date", "From", "Body", "To", "MessageSid", "linkId", "type"]
    )
    | text,
    text,
    max_size=8,
)
bodies = st.one_of(
    st.binary(max_size=2000),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {
            "event": st.sampled_from(["sms:received", "sms:sent"]) | text,
            "payload": json_values
            | st.fixed_dictionaries(
                {
                    "messageId": json_values,
                    "message": json_values,
                    "phoneNumber": json_values,
                    "receivedAt": json_values,
                }
            ),
        }
    ).map(lambda v: json.dumps(v).encode()),
)


@pytest.fixture
def channel_of(db):
    settings_of = {"android": {"secret": "s"}, "twilio": {"auth_token": "t"}}
    return {
        kind: Channel.objects.get_or_create(
            slug=f"f-{kind}", kind=kind, defaults={"settings": {"key": "k", **settings_of.get(kind, {})}}
        )[0]
        for kind in ADAPTERS
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(list(ADAPTERS)),
    method=st.sampled_from(["GET", "POST"]),
    query=fields,
    form=fields,
    body=bodies,
    as_form=st.booleans(),
)
def test_any_request_is_a_4xx_or_a_sensible_answer(client, channel_of, kind, method, query, form, body, as_form):
    last = Inbound.objects.order_by("-id").values_list("id", flat=True).first() or 0
    url = f"/sms/{kind}/f-{kind}/receive?" + urlencode({**query, "key": "k"})
    headers = {}
    if kind == "android":
        ts = str(int(time.time()))
        headers = {"HTTP_X_TIMESTAMP": ts, "HTTP_X_SIGNATURE": android.signature("s", body, ts)}
    if method == "GET":
        response = client.get(url)
    elif as_form:
        encoded = urlencode(form)
        if kind == "twilio":
            headers = {"HTTP_X_TWILIO_SIGNATURE": twilio.signature("t", "http://testserver" + url, form)}
        response = client.post(url, encoded, content_type="application/x-www-form-urlencoded", **headers)
    else:
        response = client.post(url, body, content_type="application/json", **headers)
    assert response.status_code < 500 or response.status_code == 503, response.content[:200]
    if response.status_code >= 400:
        # refused: either nothing was stored, or the request was kept as rejected (for the record)
        assert set(Inbound.objects.filter(id__gt=last).values_list("status", flat=True)) <= {"rejected"}
    assert not Inbound.objects.filter(status="failed").exists()
    assert inbox.process_pending() == 0
    for reply in Outbound.objects.values_list("text", flat=True):
        assert 0 < len(reply) <= 320 and "None" not in reply
