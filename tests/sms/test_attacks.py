"""The SMS side played as an attacker would: each test reproduces a defect found on an earlier main.

No caller without a channel's key gets anything stored or answered; no caller of one channel learns
or changes anything about another channel's reporters; malformed requests get a 4xx, never a 500.
"""

import json
import time
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from ramani.cli import main
from ramani.incidents.models import Incident, IncidentMessage
from ramani.sms import anonymity, inbox, outbox
from ramani.sms.channels import ADAPTERS, android, twilio
from ramani.sms.models import Channel, Conversation, Inbound, Outbound

pytestmark = pytest.mark.django_db
VICTIM = "+243 997 100 050"


@pytest.fixture
def channels(db, today):
    """One channel of every kind, each with its own key (and the sample registry for the gazetteer)."""
    from ramani.sites.ipis_import import import_ipis
    from tests.conftest import SAMPLE

    import_ipis(SAMPLE, today=today)
    settings = {
        "generic": {},
        "kannel": {"url": "http://127.0.0.1:9"},
        "android": {"secret": "s"},
        "africastalking": {"username": "u"},
        "twilio": {"auth_token": "t"},
    }
    return {
        kind: Channel.objects.create(slug=f"{kind}1", kind=kind, settings={"key": f"key-{kind}", **extra})
        for kind, extra in settings.items()
    }


def generic(client, text, msg_id, sender=VICTIM, slug="generic1", key="key-generic"):
    return client.post(
        f"/sms/generic/{slug}/receive?key={key}",
        json.dumps({"from": sender, "to": "1", "text": text, "id": msg_id}),
        content_type="application/json",
    )


def kannel(client, text, msg_id, sender=VICTIM, key="key-kannel", **extra):
    return client.get(
        "/sms/kannel/kannel1/receive", {"key": key, "sender": sender, "to": "1234", "text": text, "id": msg_id, **extra}
    )


def report_through_kannel(client) -> Incident:
    for n, text in enumerate(["kufatilia", "3", "1", "Kalimbi", "leo", "Wanajeshi walichukua dhahabu"]):
        assert kannel(client, text, f"k{n}").status_code == 200
    return Incident.objects.get()


def replies() -> list[str]:
    return list(Outbound.objects.order_by("id").values_list("text", flat=True))


# 1. another channel's caller cannot learn whether a number reported, nor add to its report
def test_a_report_on_one_channel_is_invisible_from_another(client, channels):
    incident = report_through_kannel(client)
    probe = generic(client, "?", "g1").json()["reply"]
    assert incident.report_id not in probe and probe.startswith("Ramani: tuma KUFATILIA")
    status = generic(client, f"STATUS {incident.report_id}", "g2").json()["reply"]
    assert (
        incident.report_id not in status
        and "introuvable" not in status
        and "not found" in status.lower()
        or "Hatukupata" in status
    )
    assert not IncidentMessage.objects.exists()  # the probe was not threaded onto the victim's report
    # and a questionnaire started on one channel is not continued or cancelled from another
    kannel(client, "kufatilia", "k10")
    generic(client, "cancel", "g3")
    assert Conversation.objects.get(channel=channels["kannel"]).state == "language"


# 2 and 12. no key, no service: nothing stored, nothing replied, for every kind and every URL
@pytest.mark.parametrize("kind", list(ADAPTERS))
@pytest.mark.parametrize("key", [None, "", "wrong", "key-generic-", "kéy"])
def test_without_the_key_nothing_is_stored_or_sent(client, channels, kind, key):
    report_through_kannel(client)
    before = (Inbound.objects.count(), Outbound.objects.count(), Conversation.objects.count())
    query = {} if key is None else {"key": key}
    form = {"from": VICTIM, "sender": VICTIM, "From": VICTIM, "text": "0", "Body": "0", "id": "x", "MessageSid": "x"}
    urls = [f"/sms/{kind}/{kind}1/receive?{urlencode(query)}"]
    for url in urls:
        for response in (
            client.get(url, {**query, **form}),
            client.post(url, urlencode(form), content_type="application/x-www-form-urlencoded"),
            client.post(
                url,
                json.dumps({"from": VICTIM, "text": "0"}),
                content_type="application/json",
                HTTP_X_RAMANI_KEY=key or "",
            ),
        ):
            assert response.status_code == 403, (url, response.status_code)
            assert VICTIM.replace(" ", "") not in response.content.decode()
    sent = Outbound.objects.first()
    status = client.get("/sms/kannel/kannel1/status", {**query, "id": sent.id, "type": 2})
    assert status.status_code == 403
    assert (Inbound.objects.count(), Outbound.objects.count(), Conversation.objects.count()) == before
    assert Outbound.objects.get(id=sent.id).status == sent.status


def test_a_megabyte_is_refused_before_it_is_stored(client, channels):
    big = json.dumps({"from": VICTIM, "text": "x" * 1_000_000})
    assert client.post("/sms/generic/generic1/receive", big, content_type="application/json").status_code == 403
    assert (
        client.post("/sms/generic/generic1/receive?key=key-generic", big, content_type="application/json").status_code
        == 413
    )
    assert not Inbound.objects.exists()


def test_the_generic_key_may_come_in_a_header(client, channels):
    response = client.post(
        "/sms/generic/generic1/receive",
        json.dumps({"from": VICTIM, "text": "help", "id": "h"}),
        content_type="application/json",
        HTTP_X_RAMANI_KEY="key-generic",
    )
    assert response.status_code == 200 and "KUFATILIA" in response.json()["reply"]


def test_the_key_is_not_kept_in_the_stored_request(client, channels):
    kannel(client, "msaada", "k1")
    raw = anonymity.unseal(Inbound.objects.get().sealed_request)
    assert "key-kannel" not in raw


# 4. Android's messageId repeats: receivedAt tells a retry from a new message
def test_android_answers_repeated_are_not_dropped(client, channels):
    def send(text, received_at):
        body = json.dumps(
            {
                "event": "sms:received",
                "payload": {"messageId": "1", "message": text, "phoneNumber": VICTIM, "receivedAt": received_at},
            }
        ).encode()
        ts = str(int(time.time()))
        return client.post(
            "/sms/android/android1/receive?key=key-android",
            body,
            content_type="application/json",
            HTTP_X_TIMESTAMP=ts,
            HTTP_X_SIGNATURE=android.signature("s", body, ts),
        )

    send("kufatilia", "2026-11-28T10:00:00+01:00")
    send("1", "2026-11-28T10:00:20+01:00")
    send("1", "2026-11-28T10:00:20+01:00")  # the app's retry of the language answer
    send("1", "2026-11-28T10:00:41+01:00")  # the category: a new message with the same text
    conversation = Conversation.objects.get()
    assert conversation.state == "where" and conversation.data["category"] == "violence"
    assert Inbound.objects.count() == 3 and Outbound.objects.count() == 3


# 5. delivery reports move a message forward only, and never put it back in the outbox
def test_delivery_reports_never_resend(client, channels):
    message = outbox.queue(channels["kannel"], "h", anonymity.seal("243997100050"), "hello")
    Outbound.objects.filter(id=message.id).update(status="sent")

    def report(kind):
        client.get("/sms/kannel/kannel1/status", {"key": "key-kannel", "id": message.id, "type": kind})
        return Outbound.objects.get(id=message.id).status

    assert report(4) == "sent"  # queued on the SMSC: still sent, not queued again
    assert outbox.send_due() == 0
    assert report(1) == "delivered"
    assert report(8) == "delivered" and report(4) == "delivered" and report(16) == "delivered"
    other = Channel.objects.create(slug="kannel2", kind="kannel", settings={"key": "key-2"})
    theirs = outbox.queue(other, "h", anonymity.seal("243997100050"), "hi")
    client.get("/sms/kannel/kannel1/status", {"key": "key-kannel", "id": theirs.id, "type": 2})
    assert Outbound.objects.get(id=theirs.id).status == "queued"  # another channel's message: untouched
    assert (
        client.get("/sms/kannel/kannel1/status", {"key": "key-kannel", "id": "9" * 40, "type": "1"}).status_code == 400
    )


# 6. a keyword wins over threading onto a finished report
def test_prices_after_a_report(client, channels):
    incident = report_through_kannel(client)
    kannel(client, "MATOKEO DHAHABU", "k20")
    assert replies()[-1].startswith("Matokeo") and incident.report_id not in replies()[-1]
    kannel(client, "walirudi tena leo", "k21")  # not a keyword: threaded onto the report
    assert IncidentMessage.objects.get().text == "walirudi tena leo"
    # inside the questionnaire, a free-text answer that starts like a keyword is an answer
    kannel(client, "kufatilia", "k22")
    for n, text in enumerate(["1", "2", "Kalimbi", "hali ni mbaya sana", "Matokeo ya mvua: shimo limeanguka"]):
        kannel(client, text, f"k3{n}")
    assert Incident.objects.order_by("-id").first().description == "Matokeo ya mvua: shimo limeanguka"


# 7. numbers however written never stay in clear, in reports, stored texts or replies
@pytest.mark.parametrize(
    "written",
    [
        "0997/100/050",
        "0997,100,050",
        "0997_100_050",
        "nambari0997100050",
        "O997 1OO O5O",
        "+243 (0) 997-100-050",
        "0997.100.050",
        "0997–100–050",
        "0997 - 100 - 050",
        "0997*100#050",
        "0997   100   050",
        "0997\u200b100\u00ad050",
        "O997 lOO O5O",
        "⁰⁹⁹⁷¹⁰⁰⁰⁵⁰",
        "０９９７１００ ０５０",
        "٠٩٩٧١٠٠٠٥٠",
        "09.97.10.00.50",
        "0997  -  100  -  050",
        "0997 ... 100 ... 050",
        "0997,,,,100,050",
        "0997 10:05 050",
        "099.710.00 50",
        "0997\n100\n050",
        "0997-10:05-050",
    ],
)
def test_numbers_are_redacted_however_written(client, channels, written):
    for n, text in enumerate(["kufatilia", "3", "1", "Kalimbi", "leo", f"Nipigie {written} haraka"]):
        kannel(client, text, f"k{n}")
    kannel(client, f"HALI {written}", "k9")
    kannel(client, f"tena {written}", "k10")
    stored = [
        Incident.objects.get().description,
        *Inbound.objects.values_list("text", flat=True),
        *replies(),
        *IncidentMessage.objects.values_list("text", flat=True),
    ]
    report_id = Incident.objects.get().report_id  # random hex: it may hold "997" by chance, and is no number
    for text in stored:
        text = text.replace(report_id, "<ID>")
        assert "997" not in text and "100050" not in text.replace("O", "0") and "٩٩٧" not in text, text
    assert "[number]" in Incident.objects.get().description


def test_a_date_inside_a_number_does_not_keep_the_number():
    """A number may be written so that a piece of it reads as a date or a time: what is left beside it decides."""
    for written in ("08.12.34 56 78", "0812 34 56 78", "08 12.34.56 78", "0997 10:05 050", "08.12.34\n56 78",
                    "08/12/34\n5678", "0997\r\n10:05\r\n050", "0997\n10h05\n050",
                    # a time with digits on one side, beginning as a number does
                    "0997 10 00:50", "08:12 345 678", "243 997 10:00 50", "0997 10 00h50"):  # fmt: skip
        assert anonymity.redact(f"nipigie {written} haraka") == "nipigie [number] haraka", written
    assert anonymity.redact("le 28/11/2026 à 10:30, 0997100050") == "le 28/11/2026 à 10:30, [number]"
    assert anonymity.redact("10:30 0812 34 56 78 12/11/2026") == "10:30 [number] 12/11/2026"
    for kept in ("28/11/2026 10:30", "28/11/2026 12 hommes", "12/11/2026 - 15/11/2026", "08.12.24 saa 10:30"):
        assert anonymity.redact(kept) == kept


@given(st.lists(st.sampled_from("0123456789"), min_size=7, max_size=12), st.data())
@settings(max_examples=300, deadline=None)
def test_seven_digits_never_stay_in_clear_however_separated(digits, data):
    """Seven to twelve digits, each pair joined by up to five separators that make no date or time: never
    shown with seven digits in clear (the dates and times of the other tests are what may keep digits)."""
    text = digits[0]
    for digit in digits[1:]:
        text += data.draw(st.text(alphabet=" ,_*#()+", max_size=5)) + digit
    shown = anonymity.redact(f"piga {text} sasa")
    assert sum(c.isdigit() for c in shown) < 7, (text, shown)


def test_dates_times_and_small_amounts_stay():
    for kept in (
        "12/11/2026 walilipa 5,000 FC, 2026-11-28",
        "leo 28/11/2026 saa 10h30 - 11h45",
        "Il y avait 12 hommes",
        # a date or a time beside an amount, a count or another time (each once redacted by mistake)
        "Le 3/11/2026, 15 000 FC exigés à la barrière",
        "Tarehe 3/11/2026, 5000 FC kwa kila pikipiki",
        "Saa 10:30, 50.000 FC",
        "28/11/2026 : 1500 creuseurs",
        "à 14h30, 25 000 FC",
        "Saa 8:00-10:00, 10:30-11:45",
        "28/11/2026 1500 creuseurs",
        # a time beside a count, a year or a number that stands alone
        "Watu 150 000 10:00",
        "Mwaka 2023 10:30",
        "tulifika 09 10:30",
        "1500 creuseurs 10:30",
    ):
        assert anonymity.redact(kept) == kept


# 8. retention erases every stored request, whatever became of it
def test_retention_erases_rejected_failed_and_waiting_rows(client, channels, monkeypatch):
    client.post(
        "/sms/generic/generic1/receive?key=key-generic", f'{{"from": "{VICTIM}"', content_type="application/json"
    )
    monkeypatch.setattr(inbox.router, "handle", lambda *a: 1 / 0)
    for n in range(3):
        kannel(client, "help", f"f{n}")  # each fails; the first, tried again before each later one, is given up
    monkeypatch.undo()
    assert set(Inbound.objects.values_list("status", flat=True)) == {"rejected", "failed", "received"}
    outbox.erase_expired_numbers(days=-1)
    for row in Inbound.objects.all():
        assert row.sealed_request == "" and row.sender_sealed == ""


# 9. updating a channel changes what is given and nothing else
def test_channel_update_keeps_its_secrets(channels):
    Channel.objects.filter(slug="kannel1").update(
        number="1234", settings={"key": "key-kannel", "url": "http://kannel:13013", "username": "u", "password": "p"}
    )
    result = CliRunner().invoke(main, ["sms", "channel", "add", "kannel", "kannel1", "--rate", "1000"])
    assert result.exit_code == 0, result.output
    channel = Channel.objects.get(slug="kannel1")
    assert channel.rate_per_minute == 1000 and channel.number == "1234"
    assert channel.settings == {"key": "key-kannel", "url": "http://kannel:13013", "username": "u", "password": "p"}
    assert "key-kannel" not in result.output
    CliRunner().invoke(main, ["sms", "channel", "add", "android", "android1", "--set", "url=http://phone"])
    assert Channel.objects.get(slug="android1").settings["secret"] == "s"
    created = CliRunner().invoke(main, ["sms", "channel", "add", "twilio", "tw9", "--set", "auth_token=t"])
    key = Channel.objects.get(slug="tw9").key
    assert len(key) >= 24 and key in created.output  # a new channel's key is printed once
    wrong = CliRunner().invoke(main, ["sms", "channel", "add", "generic", "kannel1"])
    assert wrong.exit_code != 0 and "kannel channel" in wrong.output


# 10. malformed requests: a clear 4xx, never a 500, never a message the worker cannot process
def signed_android(client, body: bytes, ts: str | None = None, signature: str | None = None):
    ts = ts or str(int(time.time()))
    return client.post(
        "/sms/android/android1/receive?key=key-android",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=ts,
        HTTP_X_SIGNATURE=signature or android.signature("s", body, ts),
    )


def test_malformed_requests(client, channels):
    lone = b'{"from": "+243997100050", "text": "\\ud800 hali", "id": "s1"}'
    assert (
        client.post("/sms/generic/generic1/receive?key=key-generic", lone, content_type="application/json").status_code
        == 200
    )
    nested = b'{"from": "1", "text": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert (
        client.post(
            "/sms/generic/generic1/receive?key=key-generic", nested, content_type="application/json"
        ).status_code
        == 400
    )
    assert kannel(client, "msaada", "t1", ts="9" * 30).status_code == 200
    ts = "9" * 400
    body = json.dumps(
        {"event": "sms:received", "payload": {"messageId": "1", "message": "x", "phoneNumber": VICTIM}}
    ).encode()
    assert signed_android(client, body, ts=ts).status_code == 403
    assert signed_android(client, body, ts="²³").status_code == 403
    assert signed_android(client, json.dumps({"event": "sms:received", "payload": "hello"}).encode()).status_code == 400
    for number in ("", None, "None", "+"):
        payload = {"event": "sms:received", "payload": {"messageId": "2", "message": "msaada", "phoneNumber": number}}
        assert signed_android(client, json.dumps(payload).encode()).status_code == 400
    assert signed_android(client, body, signature="é" * 64).status_code == 403
    form = urlencode({"From": VICTIM, "Body": "help", "MessageSid": "SM1"})
    assert (
        client.post(
            "/sms/twilio/twilio1/receive?key=key-twilio",
            form,
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE="sïgnature",
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/sms/africastalking/africastalking1/receive?key=kéy-ü",
            urlencode({"from": VICTIM}),
            content_type="application/x-www-form-urlencoded",
        ).status_code
        == 403
    )
    assert inbox.process_pending() == 0
    assert not Inbound.objects.filter(status="failed").exists()
    assert not Outbound.objects.filter(text__contains="None").exists()
    assert Inbound.objects.filter(status="processed").count() == 2  # the lone surrogate and the 30-nines ts


# 11. a retry gets the same reply again (the first HTTP answer may have been lost)
def test_a_retry_gets_the_same_reply(client, channels):
    first = generic(client, "kufatilia", "r1").json()["reply"]
    again = generic(client, "kufatilia", "r1").json()["reply"]
    assert first == again and "1 Kiswahili" in first
    assert Outbound.objects.count() == 1 and Inbound.objects.get().retries == 1
    url = "http://testserver/sms/twilio/twilio1/receive?key=key-twilio"
    params = {"MessageSid": "SM9", "From": VICTIM, "To": "+1555", "Body": "msaada"}
    answers = [
        client.post(
            "/sms/twilio/twilio1/receive?key=key-twilio",
            urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=twilio.signature("t", url, params),
        ).content
        for _ in range(3)
    ]
    assert answers[0] == answers[1] == answers[2] and b"<Message>Ramani: tuma" in answers[0]


def test_a_failed_reply_in_response_asks_the_gateway_to_retry(client, channels, monkeypatch):
    monkeypatch.setattr(inbox.router, "handle", lambda *a: 1 / 0)
    response = generic(client, "msaada", "z1")
    assert response.status_code == 503 and Inbound.objects.get().status == "received"
    monkeypatch.undo()
    retry = generic(client, "msaada", "z1")
    assert retry.status_code == 200 and retry.json()["reply"].startswith("Ramani: tuma")


def test_a_message_that_always_fails_is_given_up_and_blocks_no_one(client, channels, monkeypatch):
    def fail_on_boom(channel, sender_hash, text):
        if "boom" in text:
            raise RuntimeError("boom")
        return "ok"

    monkeypatch.setattr(inbox.router, "handle", fail_on_boom)
    kannel(client, "boom", "b1")
    kannel(client, "after", "b2")
    assert list(Inbound.objects.order_by("id").values_list("status", flat=True)) == ["received", "received"]
    for _ in range(3):
        inbox.process_pending()
    assert list(Inbound.objects.order_by("id").values_list("status", flat=True)) == ["failed", "processed"]
    assert replies() == ["ok"]


def test_every_gateway_kind_has_one_registry_entry():
    from ramani.sms.models import Channel as Model

    assert [k for k, _ in Model._meta.get_field("kind").choices] == list(ADAPTERS)
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "gateways.md").read_text(encoding="utf-8")
    cli = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    for kind, module in ADAPTERS.items():
        for name in ("verify", "parse", "dedup_key", "replies_in_response", "reply", "send", "MAX_BODY", "LABEL"):
            assert hasattr(module, name), (module.__name__, name)
        assert f"## {module.LABEL}" in docs or f"## {module.LABEL.split()[0]}" in docs, kind
        assert f"/sms/{kind}/" in docs and f"`{kind}`" in cli, kind
        for setting in module.SETTINGS:
            assert f"`{setting}`" in cli or f"{setting}=" in docs, (kind, setting)


def test_the_number_is_nowhere_in_the_database_after_attacks(client, channels):
    report_through_kannel(client)
    generic(client, f"my number {VICTIM}", "n1")
    digits = "997100050"
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            for row in cur.fetchall():
                for value in row:
                    if isinstance(value, str):
                        assert digits not in value.replace(" ", ""), (table, value)


def test_a_gateway_reusing_ids_does_not_merge_two_reporters(client, channels):
    generic(client, "kufatilia", "1", sender="+243997100050")
    other = generic(client, "msaada", "1", sender="+243997100051").json()["reply"]
    assert other.startswith("Ramani: tuma")  # not the first sender's question
    assert Inbound.objects.count() == 2 and Outbound.objects.count() == 2


def test_provider_ids_are_redacted(client, channels):
    generic(client, "msaada", f"{VICTIM}-1")
    assert "997" not in Inbound.objects.get().provider_id


@pytest.mark.parametrize("msg_id", ["\ufdfa" * 100, "1234567x" * 13])
def test_a_provider_id_longer_once_redacted_is_stored_not_a_500(client, channels, msg_id):
    """Redaction can lengthen an id (NFKC turns U+FDFA into 18 characters, "[number]" is longer than 7 digits):
    cut after it, or PostgreSQL refuses the row and the message is lost behind a 500."""
    client.raise_request_exception = False
    assert generic(client, "msaada", msg_id).status_code == 200
    stored = Inbound.objects.get()
    assert stored.status == Inbound.PROCESSED and len(stored.provider_id) <= 100 and "1234567" not in stored.provider_id


def test_whatever_the_database_refuses_is_kept_and_answered_400(client, channels, monkeypatch):
    from django.db import DataError

    from ramani.sms import store

    def refuse(*args):
        with connection.cursor() as cur:  # a real refusal, so that PostgreSQL's transaction state is exercised
            cur.execute("SELECT CAST('x' AS integer)" if connection.vendor == "postgresql" else "SELECT 1")
        raise DataError("refused")

    monkeypatch.setattr(store, "insert_inbound", refuse)
    client.raise_request_exception = False
    assert generic(client, "msaada", "r1").status_code == 400
    kept = Inbound.objects.get()
    assert kept.status == Inbound.REJECTED and kept.error == "400 message not storable" and kept.sealed_request


def test_a_database_that_is_unavailable_asks_the_gateway_to_retry(client, channels, monkeypatch):
    from django.db import OperationalError

    from ramani.sms import store

    def unavailable(*args):
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(store, "insert_inbound", unavailable)
    client.raise_request_exception = False
    answer = generic(client, "msaada", "u1")
    assert answer.status_code == 503 and answer["Retry-After"] and not Inbound.objects.exists()


def test_a_form_django_cannot_read_is_kept_and_answered_400(client, channels):
    """More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS), under the size limit: the key was right, so
    the request is kept (sealed), as every other authenticated request is."""
    body = "&".join(f"f{i}=1" for i in range(1200)) + "&from=%2B243997100050&text=kufatilia&id=1"
    client.raise_request_exception = False
    answer = client.generic(
        "POST",
        "/sms/africastalking/africastalking1/receive?key=key-africastalking",
        body.encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 400 and b"997" not in answer.content
    kept = Inbound.objects.get()
    assert kept.status == Inbound.REJECTED and kept.error.startswith("400 unreadable form")
    assert inbox._request_of(kept.sealed_request).body == body.encode() and "997" not in kept.error
    # a gateway that signs its form (Twilio): what cannot be read cannot be verified, so nothing is kept
    answer = client.generic(
        "POST",
        "/sms/twilio/twilio1/receive?key=key-twilio",
        body.encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 403 and Inbound.objects.count() == 1
    # without the key: nothing kept
    client.generic(
        "POST",
        "/sms/africastalking/africastalking1/receive?key=x",
        body.encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert Inbound.objects.count() == 1


def test_an_unknown_channel_looks_like_a_wrong_key(client, channels):
    unknown = client.get("/sms/kannel/nope/receive", {"key": "x", "sender": VICTIM, "text": "hi"})
    wrong_kind = client.get("/sms/generic/kannel1/receive", {"key": "key-kannel", "sender": VICTIM})
    wrong_key = client.get("/sms/kannel/kannel1/receive", {"key": "x", "sender": VICTIM, "text": "hi"})
    assert unknown.status_code == wrong_kind.status_code == wrong_key.status_code == 403
    assert unknown.content == wrong_kind.content == wrong_key.content
    assert client.get("/sms/kannel/nope/status", {"key": "x", "id": 1, "type": 1}).content == wrong_key.content


def test_only_get_and_post(client, channels):
    for method in ("head", "put", "delete", "options", "patch"):
        assert getattr(client, method)("/sms/generic/generic1/receive?key=key-generic").status_code == 405
    assert not Inbound.objects.exists()


@pytest.mark.parametrize("answer", [b"HTTP/1.1 abc\r\n\r\n", b"garbage\r\n\r\n", b""])
def test_a_broken_gateway_never_stops_the_worker(channels, answer, caplog):
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(answer)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    Channel.objects.filter(slug="kannel1").update(
        settings={"key": "key-kannel", "url": f"http://127.0.0.1:{port}", "password": "PASSW"}
    )
    message = outbox.queue(Channel.objects.get(slug="kannel1"), "h", anonymity.seal("243997100050"), "hi")
    bad = outbox.queue(Channel.objects.get(slug="android1"), "h", anonymity.seal("243997100050"), "hi")
    Channel.objects.filter(slug="android1").update(settings={"key": "k", "secret": "s", "url": "http://[::1"})
    try:
        assert outbox.send_due() == 0  # both failed, and the worker is still here
    finally:
        listener.close()
    for row in Outbound.objects.filter(id__in=[message.id, bad.id]):
        assert row.status == "queued" and row.attempts == 1 and row.error
        assert "PASSW" not in row.error and "997" not in row.error and "key" not in row.error
    assert "PASSW" not in caplog.text and "997100050" not in caplog.text
