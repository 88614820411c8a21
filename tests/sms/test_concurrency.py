"""Exactly once under real concurrency: threads posting at the same instant against PostgreSQL.

SQLite serialises writers and would hide every race here, so these run in the PostgreSQL pass.
"""

import json
import os
import threading

import pytest
from django.db import connection
from django.test import Client

from ramani.sms.models import Channel, Conversation, Inbound, Outbound

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("RAMANI_DATABASE_URL", "").startswith("postgres"),
        reason="SQLite serialises writers: races only show on PostgreSQL (the PostgreSQL pass runs it)",
    ),
]


def post_all(bodies: list[dict], slug: str = "g", key: str = "k") -> list[tuple[int, str]]:
    """Post every body from its own thread, all released at once; (status, reply) of each."""
    barrier = threading.Barrier(len(bodies))
    results: list[tuple[int, str]] = [(0, "")] * len(bodies)

    def run(i: int) -> None:
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                f"/sms/generic/{slug}/receive?key={key}", json.dumps(bodies[i]), content_type="application/json"
            )
            results[i] = (response.status_code, response.json().get("reply", ""))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def channel(transactional_db):
    return Channel.objects.create(slug="g", kind="generic", settings={"key": "k"})


def test_twenty_copies_of_one_message_are_processed_once(channel):
    for round_ in range(50):
        body = {"from": f"+2439970{round_:05d}", "text": "kufatilia", "id": f"same-{round_}"}
        results = post_all([body] * 20)
        assert Inbound.objects.filter(provider_id=f"same-{round_}").count() == 1, round_
        inbound = Inbound.objects.get(provider_id=f"same-{round_}")
        assert inbound.status == "processed" and inbound.retries == 19
        assert Outbound.objects.filter(in_reply_to=inbound).count() == 1
        # every copy got the same reply: the gateway may have lost any of the answers
        assert {r for r in results} == {(200, results[0][1])} and "1 Kiswahili" in results[0][1]
    assert Outbound.objects.count() == 50


def test_concurrent_answers_of_one_sender_apply_once_in_arrival_order(channel):
    client = Client()
    for round_ in range(20):
        sender = f"+2439980{round_:05d}"
        client.post(
            "/sms/generic/g/receive?key=k",
            json.dumps({"from": sender, "text": "kufatilia", "id": f"start-{round_}"}),
            content_type="application/json",
        )
        first = {"from": sender, "text": "3", "id": f"a-{round_}"}
        second = {"from": sender, "text": "1", "id": f"b-{round_}"}
        post_all([first, second] * 5)
        a = Inbound.objects.get(provider_id=f"a-{round_}")
        b = Inbound.objects.get(provider_id=f"b-{round_}")
        assert a.status == b.status == "processed" and a.retries == b.retries == 4
        conversation = Conversation.objects.get(sender_hash=a.sender_hash)
        assert conversation.state == "where", round_
        if a.id < b.id:  # "3" = English, then "1" = violence
            assert (conversation.language, conversation.data["category"]) == ("en", "violence")
        else:  # "1" = Kiswahili, then "3" = corruption
            assert (conversation.language, conversation.data["category"]) == ("sw", "corruption")
        assert Outbound.objects.filter(in_reply_to__in=[a, b]).count() == 2
