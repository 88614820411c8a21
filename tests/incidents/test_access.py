"""Who may and who may NOT, on every platform URL: an incident outside one's scope is a 404, exactly
like an ID that does not exist; anonymous callers are sent to the login page; nothing changes."""

import csv
import datetime as dt
import io

import pytest

from ramani.incidents.models import IncidentAction
from ramani.sms.models import Outbound

pytestmark = pytest.mark.django_db
POSTS = {
    "accept": {},
    "verify": {"outcome": "confirmed"},
    "note": {"note": "seen"},
    "record_action": {"kind": "sensitisation", "on": "2026-11-20", "note": "talked"},
    "message_reporter": {"text": "Asante"},
    "correct": {"title": "A title"},
    "set_status": {"status": "monitoring"},
    "publish": {"show_site": "1"},
    "unpublish": {},
    "close": {"note": "not actionable"},
    "reopen": {},
    "assign": {"organisation": "beta"},
}


def pages(report_id):
    return [f"/cases/{report_id}/"] + [f"/cases/{report_id}/{verb}/" for verb in POSTS]


def test_anonymous_visitors_see_nothing(client, network):
    for url in ["/cases/", "/cases/export.csv", *pages(network.in_alpha.report_id)]:
        response = (
            client.post(url, POSTS.get(url.rstrip("/").rsplit("/", 1)[-1], {}))
            if url.count("/") > 3
            else client.get(url)
        )
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    assert IncidentAction.objects.exclude(verb="receive").count() == 0


def test_a_logged_in_person_outside_the_network_sees_nothing(client, network, django_user_model):
    client.force_login(django_user_model.objects.create_user("stranger", password="x"))
    for url in ["/cases/", "/cases/export.csv", f"/cases/{network.in_alpha.report_id}/"]:
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["beta_officer"])
def test_another_organisation_gets_404_everywhere(client, network, who):
    client.force_login(network.users()[who])
    theirs = network.in_alpha.report_id
    assert client.get(f"/cases/{theirs}/").status_code == 404
    for verb, form in POSTS.items():
        assert client.post(f"/cases/{theirs}/{verb}/", form).status_code == 404, verb
    guessed = "ABCDEF12" if theirs != "ABCDEF12" else "ABCDEF13"
    assert client.get(f"/cases/{guessed}/").status_code == 404  # the same answer as for a real one
    inbox = client.get("/cases/").content.decode()
    assert network.in_beta.report_id in inbox and theirs not in inbox and network.in_triage.report_id not in inbox
    searched = client.get(f"/cases/?q={theirs}").content.decode()
    assert f"/cases/{theirs}/" not in searched and "<strong>0</strong>" in searched
    export = client.get("/cases/export.csv").content.decode()
    assert network.in_beta.report_id in export and theirs not in export
    response = client.post("/cases/bulk/", {"incident": [theirs], "verb": "set_status", "status": "resolved"})
    assert response.status_code == 303
    assert IncidentAction.objects.exclude(verb="receive").count() == 0 and not Outbound.objects.exists()


def test_what_each_role_may_do_on_its_own_incident(client, network):
    expected = {  # verbs that change something, per role, on an alpha incident
        "alpha_officer": {"accept", "verify", "note", "record_action", "message_reporter", "correct", "set_status"},
        "alpha_manager": set(POSTS) - {"assign"},
        "alpha_analyst": set(),
        "admin": set(POSTS),
    }
    for who, allowed in expected.items():
        from tests.incidents.conftest import report

        incident = report(network.channel, "Kalehe", "Sud-Kivu", sender=f"+24399{abs(hash(who)) % 10**7:07d}")
        client.force_login(network.users()[who])
        assert client.get(f"/cases/{incident.report_id}/").status_code == 200
        done = set()
        for verb, form in POSTS.items():
            before = incident.actions.count()
            response = client.post(f"/cases/{incident.report_id}/{verb}/", form)
            assert response.status_code == 303, (who, verb)
            if incident.actions.count() > before:
                done.add(verb)
        # what the role may do and the state allows; a refused verb changed nothing
        assert done <= allowed, (who, done - allowed)
        if who == "alpha_officer":
            assert {"accept", "verify", "note", "record_action", "message_reporter", "correct"} <= done
        if who == "alpha_analyst":
            assert done == set() and client.get("/cases/export.csv").status_code == 200


def test_the_administrator_sees_every_scope_and_triage(client, network):
    client.force_login(network.admin)
    inbox = client.get("/cases/?organisation=none").content.decode()
    assert network.in_triage.report_id in inbox and network.in_alpha.report_id not in inbox
    everything = client.get("/cases/").content.decode()
    assert all(i.report_id in everything for i in (network.in_alpha, network.in_beta, network.in_triage))
    response = client.post("/cases/bulk/", {"incident": [network.in_triage.report_id], "verb": "assign",
                                            "organisation": "alpha"})  # fmt: skip
    assert response.status_code == 303
    network.in_triage.refresh_from_db()
    assert network.in_triage.organisation == network.alpha


def test_exports_hold_exactly_the_scope_and_no_number(client, network):
    client.force_login(network.alpha_officer)
    rows = list(csv.DictReader(io.StringIO(client.get("/cases/export.csv").content.decode())))
    assert [r["report_id"] for r in rows] == [network.in_alpha.report_id]
    assert "reporter_hash" not in rows[0]
    xlsx = client.get("/cases/export.csv?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    for url in ("/cases/", f"/cases/{network.in_alpha.report_id}/", "/cases/export.csv"):
        assert "997100050" not in client.get(url).content.decode().replace(" ", "")


def test_the_public_sees_only_what_is_safe(client, network):
    from ramani.incidents import workflow
    from ramani.sites.models import Site

    site = Site.objects.create(pcode="codmine00001", name="Kalimbi", territoire="Kalehe", province="Sud-Kivu")
    incident = network.in_alpha
    workflow.verify(incident, network.alpha_officer, "confirmed")
    workflow.correct(incident, network.alpha_officer, title="Soldiers taxed diggers", site_id=site.id,
                     place="Kalimbi village")  # fmt: skip
    assert client.get("/kufatilia/api/pcode/codmine00001").json() == {"incidents": []}  # not published yet
    workflow.publish(incident, network.alpha_manager)
    # published, but its site is more precise than the territoire: listed there only when the manager chooses
    assert client.get("/kufatilia/api/pcode/codmine00001").json() == {"incidents": []}
    workflow.unpublish(incident, network.alpha_manager)
    workflow.publish(incident, network.alpha_manager, show_site=True)
    answer = client.get("/kufatilia/api/pcode/codmine00001").json()
    assert answer == {"incidents": [{"date": incident.created.strftime("%Y/%m/%d"), "title": "Soldiers taxed diggers",
                                     "category": "Violence or theft", "subcategory": ""}]}  # fmt: skip
    page = client.get("/kufatilia/").content.decode()
    assert incident.report_id in page and "Soldiers taxed diggers" in page and "Kalehe" in page
    assert network.in_beta.report_id not in page
    downloads = [client.get(f"/kufatilia/?format={f}").content.decode() for f in ("csv", "json")]
    for text in (*downloads, page):
        assert "Askari walichukua" not in text and "Kalimbi village" not in text and "997100050" not in text


def test_figures_count_only_the_scope(client, network):
    from ramani.incidents import workflow

    workflow.verify(network.in_alpha, network.alpha_officer, "confirmed")
    workflow.set_status(network.in_alpha, network.alpha_officer, "resolved")
    client.force_login(network.alpha_analyst)
    page = client.get("/cases/analytics/").content.decode()
    assert "1 incident" in page and "Beta" not in page
    client.force_login(network.admin)
    page = client.get("/cases/analytics/?days=0").content.decode()
    assert "3 incidents" in page
    client.logout()
    assert client.get("/cases/analytics/").status_code == 302


def test_the_inbox_finds_unanswered_replies(client, network):
    from ramani.incidents import workflow

    workflow.message_reporter(network.in_alpha, network.alpha_officer, "Ni mgodi gani?")
    client.get("/sms/kannel/kan/receive", {"key": "k", "sender": "+243997100050", "text": "Kalimbi", "id": "r1"})
    client.force_login(network.alpha_officer)
    assert network.in_alpha.report_id in client.get("/cases/?reply=1").content.decode()
    workflow.add_note(network.in_alpha, network.alpha_officer, "read it")
    assert f"/cases/{network.in_alpha.report_id}/" not in client.get("/cases/?reply=1").content.decode()


def test_the_site_card_lists_the_sites_published_incidents(client, network):
    from ramani.incidents import workflow
    from ramani.sites.models import Site

    site = Site.objects.create(pcode="codmine00002", name="Kakoke", territoire="Kalehe", province="Sud-Kivu")
    incident = network.in_alpha
    workflow.verify(incident, network.alpha_officer, "confirmed")
    workflow.correct(incident, network.alpha_officer, title="Children at the pits", site_id=site.id,
                     occurred_on=dt.date(2026, 11, 3))  # fmt: skip
    assert client.get("/api/sites/codmine00002").json()["incidents"] == []  # not published: not shown
    workflow.publish(incident, network.alpha_manager, show_site=True)
    shown = client.get("/api/sites/codmine00002").json()["incidents"]
    assert shown == [{"date": "2026/11/03", "title": "Children at the pits", "category": "Violence or theft",
                      "subcategory": "", "category_code": "violence"}]  # fmt: skip
    assert client.get("/kufatilia/api/pcode/codmine00002").json()["incidents"] == [
        {k: v for k, v in shown[0].items() if k != "category_code"}
    ]


def test_a_site_is_shown_only_by_a_managers_choice(client, network):
    """The incident's mine says more than its territoire: a field officer can neither move a published incident to
    another mine nor list it on one; unpublishing takes it off the site's page too."""
    from ramani.incidents import workflow
    from ramani.sites.models import Site

    kakoke = Site.objects.create(pcode="codmine00002", name="Kakoke", territoire="Kalehe", province="Sud-Kivu")
    other = Site.objects.create(pcode="codmine00003", name="Nyabibwe", territoire="Kalehe", province="Sud-Kivu")
    incident = network.in_alpha
    workflow.verify(incident, network.alpha_officer, "confirmed")
    workflow.correct(incident, network.alpha_officer, title="Children at the pits")
    with pytest.raises(workflow.WorkflowError, match="site"):
        workflow.publish(incident, network.alpha_manager, show_site=True)  # no site yet
    workflow.correct(incident, network.alpha_officer, site_id=kakoke.id)
    client.force_login(network.alpha_manager)
    page = client.get(f"/cases/{incident.report_id}/").content.decode()
    assert 'name="show_site"' in page and "Kakoke" in page
    client.post(f"/cases/{incident.report_id}/publish/", {"show_site": "1"})
    assert [i["title"] for i in client.get("/api/sites/codmine00002").json()["incidents"]] == ["Children at the pits"]
    client.force_login(network.alpha_officer)
    client.post(f"/cases/{incident.report_id}/correct/", {"site_id": other.pcode})
    incident.refresh_from_db()
    assert incident.site_id == kakoke.id  # refused: only a manager changes what the public sees
    client.force_login(network.alpha_manager)
    client.post(f"/cases/{incident.report_id}/correct/", {"site_id": other.pcode})  # a manager moves it: ...
    assert client.get("/api/sites/codmine00003").json()["incidents"] == []  # ... not listed there unchosen
    assert client.get("/api/sites/codmine00002").json()["incidents"] == []
    client.post(f"/cases/{incident.report_id}/correct/", {"site_id": kakoke.pcode})
    client.post(f"/cases/{incident.report_id}/unpublish/", {"note": "too precise"})
    assert client.get("/api/sites/codmine00002").json()["incidents"] == []
    client.post(f"/cases/{incident.report_id}/publish/")  # without the box: on the dashboard, not on the site
    assert client.get("/api/sites/codmine00002").json()["incidents"] == []
    assert incident.report_id in client.get("/kufatilia/").content.decode()


def _published(network):
    from ramani.incidents import workflow

    incident = network.in_alpha
    workflow.verify(incident, network.alpha_officer, "confirmed")
    workflow.correct(incident, network.alpha_officer, title="Soldiers taxed diggers")
    return workflow.publish(incident, network.alpha_manager)


def test_no_platform_page_or_export_is_kept_by_a_browser(client, network):
    """They hold reporters' words: after logout a shared computer's cache or Back button must show nothing."""
    client.force_login(network.admin)
    report_id = network.in_alpha.report_id
    for url in ("/cases/", f"/cases/{report_id}/", "/cases/export.csv", "/cases/export.csv?format=xlsx",
                "/cases/analytics/", "/cases/analytics/territoires.geojson", "/cases/members/"):  # fmt: skip
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert "no-store" in answer.get("Cache-Control", "") and "private" in answer["Cache-Control"], url
    answer = client.post(f"/cases/{report_id}/note/", {"note": "seen"})
    assert "no-store" in answer.get("Cache-Control", "")


def test_a_field_officer_cannot_take_a_public_incident_off_the_site_by_verifying_it(client, network):
    incident = _published(network)
    client.force_login(network.alpha_officer)
    for outcome in ("not_confirmed", "spam", "duplicate"):
        client.post(f"/cases/{incident.report_id}/verify/", {"outcome": outcome})
        incident.refresh_from_db()
        assert incident.published and incident.closed is None and incident.verification == "confirmed", outcome
    client.force_login(network.alpha_manager)  # a manager may: it is unpublished and closed, and the timeline says so
    client.post(f"/cases/{incident.report_id}/verify/", {"outcome": "spam"})
    incident.refresh_from_db()
    assert not incident.published and incident.closed is not None
    last = incident.actions.filter(verb="verify").last()
    assert last.old["published"] is True and last.new["published"] is False


def test_a_duplicate_never_names_another_organisations_report(client, network):
    from ramani.incidents import workflow

    alpha_id = network.in_alpha.report_id
    with pytest.raises(workflow.WorkflowError):  # the administrator may not link two organisations' cases
        workflow.verify(network.in_beta, network.admin, "duplicate", duplicate_of=network.in_alpha)
    # a duplicate within Alpha, then reassigned to Beta: Beta's page names no report of Alpha
    twin = type(network.in_alpha).objects.create(
        report_id="ABCDEF99", category=network.in_alpha.category, organisation=network.alpha, province="Sud-Kivu"
    )
    workflow.verify(twin, network.alpha_officer, "duplicate", duplicate_of=network.in_alpha)
    client.force_login(network.alpha_officer)
    assert alpha_id in client.get("/cases/ABCDEF99/").content.decode()  # Alpha's own: named and linked
    workflow.reopen(twin, network.admin)
    workflow.assign(twin, network.admin, network.beta)
    twin.refresh_from_db()
    workflow.verify(twin, network.admin, "duplicate", duplicate_of=network.in_beta)
    client.force_login(network.beta_officer)
    page = client.get("/cases/ABCDEF99/").content.decode()
    assert alpha_id not in page and "un signalement d’une autre organisation" in page  # the platform's French
    assert network.in_beta.report_id in page


def test_the_collections_list_forgets_an_unpublished_incidents_date_at_once(client, network):
    from ramani.incidents import workflow
    from ramani.incidents.models import Incident

    incident = _published(network)
    Incident.objects.filter(pk=incident.pk).update(occurred_on=dt.date(2019, 3, 14))
    workflow.correct(incident, network.alpha_manager, title="Soldiers taxed diggers at the pit")

    def extent():
        listed = client.get("/ogcapi/collections").json()["collections"]
        return str(next(c for c in listed if c["id"] == "incidents").get("extent"))

    assert "2019-03-14" in extent()
    workflow.unpublish(incident, network.alpha_manager, "the reporter is in danger")
    assert "2019-03-14" not in extent()
