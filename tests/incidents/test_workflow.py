"""The incident's life through its verbs: each checks who may, refuses illegal transitions, and writes
its audit row in the same transaction."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from ramani.incidents import workflow
from ramani.incidents.models import AppendOnly, Incident, IncidentAction
from ramani.sms.models import Outbound

pytestmark = pytest.mark.django_db


def test_receipt_assigns_by_place_most_specific_first(network):
    assert network.in_alpha.organisation == network.alpha  # territoire coverage
    assert network.in_alpha.territoire_pcode == "CD6204"
    assert network.in_beta.organisation == network.beta  # province coverage holds Masisi
    assert network.in_triage.organisation is None  # no place: the administrator's triage queue
    from ramani.orgs.models import Coverage

    Coverage.objects.create(organisation=network.alpha, pcode="CD61")  # now both cover Nord-Kivu
    from tests.incidents.conftest import report

    assert report(network.channel, "Masisi", "Nord-Kivu", sender="+243990000009").organisation is None  # a tie
    Coverage.objects.create(organisation=network.alpha, pcode="CD6104")  # alpha names Masisi itself: it wins
    assert report(network.channel, "Masisi", "Nord-Kivu", sender="+243990000008").organisation == network.alpha
    assert IncidentAction.objects.filter(verb="receive").count() == 5


def test_the_life_of_an_incident(network):
    incident, officer, manager = network.in_alpha, network.alpha_officer, network.alpha_manager
    with pytest.raises(workflow.WorkflowError, match="Verify"):
        workflow.set_status(incident, officer, "resolved")
    workflow.accept(incident, officer)
    with pytest.raises(workflow.WorkflowError, match="already"):
        workflow.accept(incident, officer)
    workflow.verify(incident, officer, "confirmed", "two witnesses")
    workflow.correct(incident, officer, "from the call", title="Soldiers took gold at a mine in Kalehe",
                     occurred_on=dt.date(2026, 11, 20))  # fmt: skip
    workflow.record_action(incident, officer, "mediation", dt.date(2026, 11, 25), "met the cooperative")
    workflow.set_status(incident, officer, "resolved")
    with pytest.raises(workflow.WorkflowError, match="role"):
        workflow.publish(incident, officer)  # publishing is a separate permission
    workflow.publish(incident, manager)
    incident.refresh_from_db()
    assert (incident.status, incident.verification, incident.published) == ("resolved", "confirmed", True)
    assert incident.description == "Askari walichukua dhahabu"  # the reporter's words are never edited
    verbs = list(incident.actions.values_list("verb", flat=True))
    assert verbs == ["receive", "accept", "verify", "correct", "record_action", "set_status", "publish"]
    correction = incident.actions.get(verb="correct")
    assert correction.old == {"title": "", "occurred_on": None}
    assert correction.new == {"title": "Soldiers took gold at a mine in Kalehe", "occurred_on": "2026-11-20"}
    assert correction.actor == officer and correction.organisation == network.alpha and correction.note


def test_illegal_transitions_are_clear_errors(network):
    incident, officer, manager = network.in_alpha, network.alpha_officer, network.alpha_manager
    with pytest.raises(workflow.WorkflowError, match="confirmed"):
        workflow.publish(incident, manager)
    workflow.verify(incident, officer, "confirmed")
    with pytest.raises(workflow.WorkflowError, match="title"):
        workflow.publish(incident, manager)
    with pytest.raises(workflow.WorkflowError, match="future"):
        workflow.record_action(incident, officer, "advocacy", dt.date.today() + dt.timedelta(days=2), "x")
    with pytest.raises(workflow.WorkflowError, match="Unknown"):
        workflow.verify(incident, officer, "maybe")
    with pytest.raises(workflow.WorkflowError, match="cannot be corrected"):
        workflow.correct(incident, officer, reporter_hash="x")
    with pytest.raises(workflow.WorkflowError, match="role"):
        workflow.assign(incident, manager, network.beta)
    workflow.close(incident, manager, "not about mining")
    with pytest.raises(workflow.WorkflowError, match="closed"):
        workflow.set_status(incident, officer, "monitoring")
    workflow.reopen(incident, manager)
    workflow.set_status(incident, officer, "monitoring")


def test_another_organisation_cannot_act(network):
    before = IncidentAction.objects.count()
    for verb, args in (("accept", ()), ("verify", ("confirmed",)), ("add_note", ("x",)),
                       ("set_status", ("resolved",)), ("message_reporter", ("hello",))):  # fmt: skip
        with pytest.raises(workflow.NotVisible):
            getattr(workflow, verb)(network.in_alpha, network.beta_officer, *args)
    assert IncidentAction.objects.count() == before and not Outbound.objects.exists()


def test_duplicates_merge_and_spam_closes(network):
    from tests.incidents.conftest import report

    again = report(network.channel, "Kalehe", "Sud-Kivu", sender="+243990000007")
    workflow.verify(again, network.alpha_officer, "duplicate", duplicate_of=network.in_alpha)
    again.refresh_from_db()
    assert again.duplicate_of == network.in_alpha and again.closed is not None
    with pytest.raises(workflow.WorkflowError, match="duplicates"):
        workflow.verify(network.in_alpha, network.alpha_officer, "duplicate", duplicate_of=network.in_beta)


def test_the_audit_trail_is_append_only(network):
    action = network.in_alpha.actions.first()
    action.note = "rewritten"
    with pytest.raises(AppendOnly):
        action.save()
    with pytest.raises(AppendOnly):
        action.delete()


def test_writing_to_the_reporter_without_knowing_them(network, client):
    from ramani.sms import anonymity
    from ramani.sms.models import Inbound

    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Ni mgodi gani? Tuma jina lake.")
    sent = Outbound.objects.get()
    assert sent.text == f"Kufatilia {network.in_alpha.report_id}: Ni mgodi gani? Tuma jina lake."
    assert anonymity.unseal(sent.to_sealed) == "243997100050" and sent.channel == network.channel
    # the answer threads onto the incident
    client.get(
        "/sms/kannel/kan/receive", {"key": "k", "sender": "+243997100050", "text": "Mgodi wa Kalimbi", "id": "a1"}
    )
    assert list(network.in_alpha.messages.values_list("text", flat=True)) == ["Mgodi wa Kalimbi"]
    # after retention, a clear refusal
    Inbound.objects.update(sender_sealed="")
    translation.activate("en")  # the request above set its own language
    with pytest.raises(workflow.WorkflowError, match="erased"):
        workflow.message_reporter(network.in_alpha, network.alpha_officer, "Hello?")


def test_status_by_sms_follows_the_workflow(network, client):
    incident = network.in_alpha
    workflow.verify(incident, network.alpha_officer, "confirmed")
    workflow.set_status(incident, network.alpha_officer, "resolved")
    client.get("/sms/kannel/kan/receive", {"key": "k", "sender": "+243997100050", "text": f"HALI {incident.report_id}",
                                           "id": "s1"})  # fmt: skip
    assert Outbound.objects.get().text == f"Ripoti {incident.report_id}: imetatuliwa."


def test_report_ids_never_look_like_numbers():
    from ramani.incidents.models import new_report_id

    assert not any(new_report_id().isdigit() for _ in range(2000))
    assert Incident._meta.get_field("report_id").max_length == 8


def test_what_the_public_sees_changes_only_by_a_publisher(network):
    incident, officer, manager = network.in_alpha, network.alpha_officer, network.alpha_manager
    workflow.verify(incident, officer, "confirmed")
    workflow.correct(incident, officer, title="Soldiers took gold")
    workflow.publish(incident, manager)
    with pytest.raises(workflow.WorkflowError, match="public"):
        workflow.correct(incident, officer, title="Village Kabamba, the reporter is Mama X")
    with pytest.raises(workflow.WorkflowError, match="public"):  # its site is public too: its page lists it
        workflow.correct(incident, officer, site_id="codmine00003")
    workflow.correct(incident, officer, place="Kalimbi")  # internal fields stay the officer's
    workflow.correct(incident, manager, title="Soldiers took the miners' gold")
    with pytest.raises(workflow.WorkflowError, match="subcategory"):
        workflow.correct(incident, manager, subcategory="anything at all")
    workflow.correct(incident, manager, subcategory="armed_attack")
    with pytest.raises(workflow.WorkflowError, match="characters"):
        workflow.correct(incident, officer, place="x" * 500)
    workflow.close(incident, manager, "done")
    with pytest.raises(workflow.WorkflowError, match="closed"):
        workflow.correct(incident, manager, title="after closing")


def test_the_reporter_is_not_flooded_nor_misrouted(network):
    from tests.incidents.conftest import report

    incident, officer = network.in_alpha, network.alpha_officer
    for n in range(workflow.MESSAGES_PER_DAY):
        workflow.message_reporter(incident, officer, f"question {n}")
    with pytest.raises(workflow.WorkflowError, match="a day"):
        workflow.message_reporter(incident, officer, "one more")
    assert Outbound.objects.count() == workflow.MESSAGES_PER_DAY
    spam = report(network.channel, "Kalehe", "Sud-Kivu", sender="+243990000006")
    workflow.verify(spam, officer, "spam")
    with pytest.raises(workflow.WorkflowError, match="closed"):
        workflow.message_reporter(spam, officer, "hello")


def test_malformed_posts_are_clear_errors_not_500s(client, network):
    client.force_login(network.alpha_officer)
    case = f"/cases/{network.in_alpha.report_id}/"
    for verb, form in (("note", {"note": "a\x00b"}), ("verify", {"outcome": "confirmed", "note": "\x00"}),
                       ("correct", {"province": "p" * 1000}), ("correct", {"title": "t\x0bitle"}),
                       ("record_action", {"kind": "advocacy", "on": "2026-02-30", "note": "x"}),
                       ("message_reporter", {"text": "\x00" * 50})):  # fmt: skip
        assert client.post(case + verb + "/", form).status_code == 303, verb
    assert client.get("/cases/export.csv?format=xlsx").status_code == 200  # a control character in a title
    response = client.post("/cases/bulk/", {"incident": [network.in_alpha.report_id], "verb": "message_reporter",
                                            "text": "bulk"})  # fmt: skip
    assert response.status_code == 303 and not Outbound.objects.exists()


@pytest.mark.skipif(
    not __import__("os").environ.get("RAMANI_DATABASE_URL", "").startswith("postgres"),
    reason="the database trigger exists on PostgreSQL (production); SQLite relies on the model's refusal",
)
def test_no_sql_can_rewrite_the_audit_trail_on_postgresql(network):
    from django.db import DataError, InternalError, transaction

    for attempt in (
        lambda: IncidentAction.objects.update(note="rewritten"),
        lambda: IncidentAction.objects.all().delete(),
    ):
        with pytest.raises((InternalError, DataError, Exception), match="append-only"):
            with transaction.atomic():
                attempt()


REPORTER_NUMBER = "+243997100050"  # in_alpha's reporter (tests.incidents.conftest.REPORTER)


def _sms(client, text, msg_id, sender=REPORTER_NUMBER):
    client.get("/sms/kannel/kan/receive", {"key": "k", "sender": sender, "text": text, "id": msg_id})


def test_two_organisations_writing_to_one_reporter_learn_nothing_of_each_other(network, client):
    """Beta's question to a person who is answering Alpha about another report is sent, not refused (a refusal
    told Beta of Alpha's case), and asks them to start their answer with Beta's report ID. An answer naming no
    report is then held and the reporter asked which report it is about: it reaches neither organisation until
    they say (a plain answer used to go to Alpha's report, or once re-pointed, Alpha's answers to Beta's)."""
    from tests.incidents.conftest import report

    older_beta = report(network.channel, "Masisi", "Nord-Kivu", description="Old report")  # same person
    alpha, beta = network.in_alpha.report_id, older_beta.report_id
    assert older_beta.organisation == network.beta
    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Ni mgodi gani?")
    workflow.message_reporter(older_beta, network.beta_officer, "Habari mpya?")  # not refused
    assert Outbound.objects.order_by("id").last().text == f"Kufatilia {beta}: Habari mpya? Kujibu, anza na {beta}."
    _sms(client, "Mgodi wa Kalimbi", "a1")  # which question does it answer? Held, and asked
    assert Outbound.objects.order_by("id").last().text == f"Ujumbe huu ni wa ripoti gani? Anza na: {alpha} / {beta}"
    assert not network.in_alpha.messages.exists() and not older_beta.messages.exists()
    _sms(client, alpha, "a2")  # the ID alone: what was held goes there
    assert list(network.in_alpha.messages.values_list("text", flat=True)) == ["Mgodi wa Kalimbi"]
    assert Outbound.objects.order_by("id").last().text == f"Asante, imeongezwa kwenye ripoti {alpha}."
    _sms(client, f"Kufatilia {beta}: bado wapo", "a3")  # as Beta's message asked
    assert list(older_beta.messages.values_list("text", flat=True)) == ["bado wapo"]
    _sms(client, "na walichukua pikipiki", "a4")  # Beta was answered: their thread is Beta's report now
    assert list(older_beta.messages.values_list("text", flat=True)) == ["bado wapo", "na walichukua pikipiki"]
    assert network.in_alpha.messages.count() == 1
    # what Beta sees of its own case: its message, the answers; nothing of Alpha's
    client.force_login(network.beta_officer)
    page = client.get(f"/cases/{beta}/").content.decode()
    assert "bado wapo" in page and "Mgodi wa Kalimbi" not in page and alpha not in page
    # an ID that is not the sender's own is an ordinary text (and is not even held: nothing is asked any more)
    _sms(client, f"{network.in_beta.report_id} hello there", "a5")
    assert not network.in_beta.messages.exists() and older_beta.messages.count() == 3


@pytest.mark.parametrize("written", ["{id}:ndiyo", "{id},ndiyo", "({id}) ndiyo", "#{id} ndiyo", "ndiyo ({id})",
                                     "KUFATILIA {id} ndiyo", "kufatilia: {id} - ndiyo"])  # fmt: skip
def test_a_report_id_however_written_routes_the_answer(network, client, written):
    from tests.incidents.conftest import report

    older_beta = report(network.channel, "Masisi", "Nord-Kivu", description="Old report")  # same person
    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Ni mgodi gani?")
    _sms(client, written.format(id=older_beta.report_id.lower() if "(" in written else older_beta.report_id), "w1")
    assert list(older_beta.messages.values_list("text", flat=True)) == ["ndiyo"]
    assert not network.in_alpha.messages.exists()


def test_an_id_alone_asks_for_the_message_and_status_keeps_its_meaning(network, client):
    incident = network.in_alpha
    _sms(client, f"Kufatilia {incident.report_id}", "i1")
    assert Outbound.objects.order_by("id").last().text == f"Andika ujumbe wako baada ya {incident.report_id}."
    _sms(client, f"HALI {incident.report_id}", "i2")
    assert Outbound.objects.order_by("id").last().text.startswith(f"Ripoti {incident.report_id}:")
    assert not incident.messages.exists()


def test_a_questionnaire_abandoned_long_ago_does_not_swallow_the_answer(network, client):
    import datetime as dt

    from ramani.sms import anonymity
    from ramani.sms.models import Conversation

    sender_hash = anonymity.phone_hash(anonymity.normalise(REPORTER_NUMBER))
    Conversation.objects.create(channel=network.channel, sender_hash=sender_hash, state="where", language="sw")
    Conversation.objects.update(updated=timezone.now() - dt.timedelta(days=3))
    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Ni mgodi gani?")
    assert "anza na" not in Outbound.objects.get().text  # nothing else is open: no need for the ID
    _sms(client, "Mgodi wa Kalimbi", "q1")
    assert list(network.in_alpha.messages.values_list("text", flat=True)) == ["Mgodi wa Kalimbi"]


def test_retention_counts_from_the_reports_own_last_contact(network, client):
    """Whether a message can still be sent depends on this report alone, not on what the person sent since
    (another report, a price request): else an organisation would learn of their other activity."""
    old = Incident.objects.filter(pk=network.in_beta.pk)
    old.update(created=timezone.now() - dt.timedelta(days=91))
    _sms(client, "matokeo dhahabu", "p1", sender="+243997100051")  # the same person, a fresh sealed number
    translation.activate("en")
    with pytest.raises(workflow.WorkflowError, match="erased"):
        workflow.message_reporter(old.get(), network.beta_officer, "Still there?")
    # just inside retention, but the report's own messages already erased: their later price request is no way in
    old.update(created=timezone.now() - dt.timedelta(days=89))
    from ramani.sms.models import Inbound

    Inbound.objects.filter(received__lt=timezone.now() - dt.timedelta(minutes=1)).update(sender_sealed="")
    Inbound.objects.filter(sender_sealed="").update(received=timezone.now() - dt.timedelta(days=90))
    with pytest.raises(workflow.WorkflowError, match="erased"):
        workflow.message_reporter(old.get(), network.beta_officer, "Still there?")
    # a follow-up of theirs on the report itself, 10 days ago, keeps it open
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    network.in_beta.messages.create(text="more")
    network.in_beta.messages.update(created=ten_days_ago)
    answer = Inbound.objects.create(channel=network.channel, sealed_request="x", status="processed",
                                    sender_hash=network.in_beta.reporter_hash, sender_sealed="sealed")  # fmt: skip
    Inbound.objects.filter(pk=answer.pk).update(received=ten_days_ago - dt.timedelta(seconds=1))
    workflow.message_reporter(old.get(), network.beta_officer, "Still there?")


def test_a_reporter_who_sent_stop_is_sent_nothing_more(network, client):
    """STOP stops partners' messages about every report made before it, queued ones too. Coming back later to
    report again or to ask for prices re-opens none of them (that would tell their partner of the activity);
    writing to one of those reports by its ID re-opens that one."""
    from tests.incidents.conftest import report

    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Queued before STOP")
    _sms(client, "STOP", "s1")
    translation.activate("en")
    with pytest.raises(workflow.WorkflowError, match="STOP"):
        workflow.message_reporter(network.in_alpha, network.alpha_officer, "After STOP")
    from ramani.sms import outbox

    outbox.send_due()  # the worker: the question queued before STOP is not sent; the reply to STOP is
    pushed, reply = Outbound.objects.order_by("id")
    assert pushed.status == Outbound.FAILED and pushed.error == "the recipient sent STOP" and not pushed.sent
    assert pushed.attempts == 0 and reply.in_reply_to_id is not None and reply.attempts == 1  # tried (port 9 refuses)
    # back to the service: their answers come again, but Alpha's report stays closed to messages
    _sms(client, "msaada", "s2")
    assert Outbound.objects.order_by("id").last().text.startswith("Ramani: tuma")
    newer = report(network.channel, "Kalehe", "Sud-Kivu", description="A new one")  # made after the STOP
    workflow.message_reporter(newer, network.alpha_officer, "About the new one")
    with pytest.raises(workflow.WorkflowError, match="STOP"):
        workflow.message_reporter(network.in_alpha, network.alpha_officer, "Still refused")
    _sms(client, f"{network.in_alpha.report_id} bado nipo", "s3")  # they write to that report themselves
    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Welcome back")


def _ask_two(network):
    """The reporter of in_alpha (their thread) also has a report with Beta, whose partner asks them something."""
    from tests.incidents.conftest import report

    older_beta = report(network.channel, "Masisi", "Nord-Kivu", description="Old report")  # same person
    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Ni mgodi gani?")
    workflow.message_reporter(older_beta, network.beta_officer, "Habari mpya?")
    return older_beta


def test_what_is_held_goes_only_to_a_report_offered_for_it(network, client):
    from tests.incidents.conftest import report

    older_beta = _ask_two(network)
    third = report(network.channel, "Fizi", "Sud-Kivu", description="A third one")  # theirs too, not offered
    _sms(client, "askari wa FARDC wako Kalimbi", "h1")  # held
    _sms(client, f"{third.report_id} habari ya tatu", "h2")
    assert list(third.messages.values_list("text", flat=True)) == ["habari ya tatu"]  # only what named it
    _sms(client, network.in_alpha.report_id, "h3")
    assert list(network.in_alpha.messages.values_list("text", flat=True)) == ["askari wa FARDC wako Kalimbi"]
    assert not older_beta.messages.exists()


def test_what_is_held_is_never_lost(network, client):
    """A new questionnaire and CANCEL keep it; once a held text has waited its time (from when it was written,
    however often partners ask again) it goes where it would have gone without the questions, the thread's report
    then, by the worker's hourly pass, dated when the reporter wrote it."""
    from ramani.sms import answers
    from ramani.sms.models import Conversation

    older_beta = _ask_two(network)
    _sms(client, "askari wa FARDC wako Kalimbi", "l1")
    _sms(client, "na walichoma nyumba", "l2")
    _sms(client, "kufatilia", "l3")  # they start a new report, and cancel it: what is held stays
    _sms(client, "cancel", "l4")
    conv = Conversation.objects.get(sender_hash=network.in_alpha.reporter_hash)
    held = conv.data[answers.KEY]["held"]
    assert [e["text"] for e in held] == ["askari wa FARDC wako Kalimbi", "na walichoma nyumba"]
    workflow.message_reporter(older_beta, network.beta_officer, "Bado?")  # asking again does not extend the wait
    assert answers.release_expired() == 0  # not waited long enough: still the reporter's to say
    written = timezone.now() - dt.timedelta(days=answers.THREAD_DAYS + 1)
    state = {**conv.data[answers.KEY], "held": [{**e, "at": written.isoformat()} for e in held]}
    Conversation.objects.filter(pk=conv.pk).update(data={**conv.data, answers.KEY: state})
    assert answers.release_expired() == 2
    delivered = network.in_alpha.messages.order_by("id")
    assert [m.text for m in delivered] == ["askari wa FARDC wako Kalimbi", "na walichoma nyumba"]
    assert all(abs((m.created - written).total_seconds()) < 1 for m in delivered)
    assert not older_beta.messages.exists()
    conv.refresh_from_db()
    assert not conv.data.get(answers.KEY, {}).get("held") and answers.release_expired() == 0


def test_each_held_text_keeps_the_reports_offered_when_it_was_written(network, client):
    """A later question, or the thread moving, never widens what an earlier held text may go to."""
    from tests.incidents.conftest import report

    older_beta = _ask_two(network)
    third = report(network.channel, "Fizi", "Sud-Kivu", description="A third one")
    _sms(client, "t1 kwa alpha au beta", "o1")  # held: Alpha's or Beta's
    workflow.message_reporter(third, network.admin, "Na hii?")  # in triage: the network administrator's
    _sms(client, "t2 baada ya swali la tatu", "o2")  # held: any of the three
    _sms(client, third.report_id, "o3")
    assert list(third.messages.values_list("text", flat=True)) == ["t2 baada ya swali la tatu"]
    _sms(client, f"{third.report_id} kuhusu ya tatu", "o4")  # the thread is Third's now
    _sms(client, "t3 plain", "o5")  # Beta's question still waits: held, offered Third's or Beta's
    _sms(client, network.in_alpha.report_id, "o6")
    assert list(network.in_alpha.messages.values_list("text", flat=True)) == ["t1 kwa alpha au beta"]
    _sms(client, older_beta.report_id, "o7")
    assert list(older_beta.messages.values_list("text", flat=True)) == ["t3 plain"]


def test_a_report_id_after_a_keyword_like_word_still_routes(network, client):
    from ramani.sms import optout

    older_beta = _ask_two(network)
    _sms(client, f"Hali ya {older_beta.report_id} ni mbaya sana", "r1")
    assert list(older_beta.messages.values_list("text", flat=True)) == ["Hali ya ni mbaya sana"]
    _sms(client, f"Acha nikueleze {network.in_alpha.report_id}: askari walirudi", "r2", sender="+243997100050")
    assert network.in_alpha.messages.filter(text__contains="askari walirudi").exists()
    assert not optout.opted_out(network.channel.id, network.in_alpha.reporter_hash)
    _sms(client, f"STOP {network.in_alpha.report_id}", "r3")  # STOP stays STOP
    assert optout.opted_out(network.channel.id, network.in_alpha.reporter_hash)


def test_words_that_look_like_keywords_in_a_thread_and_stop_in_one(network, client):
    from ramani.sms import optout

    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Ni mgodi gani?")
    _sms(client, "Acha nikueleze, askari walirudi jana", "k1")  # "let me tell you": words, not STOP
    _sms(client, "Hali ni mbaya sana huko", "k2")  # words, not STATUS
    texts = list(network.in_alpha.messages.values_list("text", flat=True))
    assert texts == ["Acha nikueleze, askari walirudi jana", "Hali ni mbaya sana huko"]
    assert not optout.opted_out(network.channel.id, network.in_alpha.reporter_hash)
    _sms(client, "ACHA", "k3")  # alone: STOP
    assert optout.opted_out(network.channel.id, network.in_alpha.reporter_hash)
    replies = Outbound.objects.count()
    _sms(client, "bado wapo", "k4")  # kept on the report, not answered
    assert network.in_alpha.messages.filter(text="bado wapo").exists() and Outbound.objects.count() == replies


def test_another_phone_naming_a_public_report_id_gets_what_a_made_up_id_gets(network, client):
    """Report IDs are public (the dashboard): from another phone, naming one adds nothing to it, and the answer
    is the one a made-up ID gets, so it tells nothing of whether the ID is real or whose it is."""
    victim = network.in_alpha.report_id
    made_up = "ABCDEF12" if victim != "ABCDEF12" else "ABCDEF13"
    answers = []
    for n, ref in enumerate((victim, made_up)):
        for form in ("{ref} walichukua dhahabu", "KUFATILIA {ref}: ndiyo", "{ref}"):
            _sms(client, form.format(ref=ref), f"x{n}{len(answers)}", sender=f"+24399710009{n}")  # two strangers
            answers.append(Outbound.objects.order_by("id").last().text.replace(ref, "ID"))
    assert answers[:3] == answers[3:]
    assert not network.in_alpha.messages.exists()
