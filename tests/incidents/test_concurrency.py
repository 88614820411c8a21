"""Two organisations writing to one reporter while the reporter's own answers arrive, at the same instant, in
real threads against PostgreSQL: no deadlock, no error, and nothing the reporter wrote is lost or put on a report
it was not about. SQLite serialises writers and would hide all of it: these run in the PostgreSQL pass."""

import os
import threading

import pytest
from django.db import connection
from django.test import Client

from ramani.incidents import workflow
from ramani.incidents.models import IncidentMessage
from ramani.sms import anonymity, answers
from ramani.sms.models import Conversation
from tests.incidents.conftest import report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("RAMANI_DATABASE_URL", "").startswith("postgres"),
        reason="SQLite serialises writers: races only show on PostgreSQL (the PostgreSQL pass runs it)",
    ),
]


def all_at_once(*actions) -> list[BaseException]:
    barrier = threading.Barrier(len(actions))
    errors: list[BaseException] = []

    def run(action) -> None:
        try:
            barrier.wait()
            action()
        except BaseException as exc:  # noqa: BLE001 - every failure is the test's finding
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_partners_and_the_reporter_at_the_same_instant(network):
    for round_ in range(12):
        number = f"+24399720{round_:04d}"
        in_alpha = report(network.channel, "Kalehe", "Sud-Kivu", sender=number)
        in_beta = report(network.channel, "Masisi", "Nord-Kivu", sender=number)
        sender_hash = anonymity.phone_hash(anonymity.normalise(number))
        Conversation.objects.create(
            channel=network.channel, sender_hash=sender_hash, state="done", incident=in_alpha, language="sw"
        )

        def sms(text: str, msg_id: str, number=number):
            answer = Client().get(
                "/sms/kannel/kan/receive", {"key": "k", "sender": number, "text": text, "id": f"{round_}-{msg_id}"}
            )
            assert answer.status_code == 200, answer.content

        errors = all_at_once(
            lambda: workflow.message_reporter(in_alpha, network.alpha_officer, "Ni mgodi gani?"),
            lambda: workflow.message_reporter(in_beta, network.beta_officer, "Habari mpya?"),
            lambda: sms("walichukua dhahabu yote", "plain"),
            lambda: sms(f"{in_beta.report_id} bado wapo", "named"),
        )
        assert not errors, errors
        # the answer naming Beta's report is on it; the plain one on exactly one report, or held for the reporter
        # to say which (Beta's question may have come first): never lost, never on both
        assert list(in_beta.messages.filter(text="bado wapo").values_list("text", flat=True)) == ["bado wapo"]
        on_reports = IncidentMessage.objects.filter(incident__in=[in_alpha, in_beta], text="walichukua dhahabu yote")
        on_reports = on_reports.count()
        state = Conversation.objects.get(sender_hash=sender_hash).data.get(answers.KEY, {})
        held = [entry["text"] for entry in state.get("held", [])]
        assert on_reports + held.count("walichukua dhahabu yote") == 1, (round_, on_reports, held)
