"""Getting back into an account, and the access matrix of the URLs added with it and with the maps: two partner
organisations, a network administrator, an anonymous visitor and a stranger; out of scope is 404."""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends import locmem

from ramani.orgs.models import Membership, Organisation
from ramani.orgs.roles import Role
from ramani.web import accounts

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase 12"  # the conftest's


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def logs_in(client, username: str, password: str) -> bool:
    """Through the login page (axes wants a request)."""
    client.logout()
    response = client.post("/accounts/login/", {"username": username, "password": password, "next": "/cases/"})
    return response.status_code == 302 and response["Location"] == "/cases/"


def membership(user) -> int:
    return Membership.objects.get(user=user).pk


def matrix(network):
    """(method, url, expected status per person); 302 = sent to the login page."""
    officer, beta, manager = (membership(network.alpha_officer), membership(network.beta_officer),
                              membership(network.alpha_manager))  # fmt: skip
    admin = membership(network.admin)
    everyone = dict.fromkeys(("anonymous", "stranger", "alpha_officer", "alpha_manager", "alpha_analyst",
                              "beta_officer", "admin"), 200)  # fmt: skip
    members_only = dict(everyone, anonymous=302, stranger=404)
    leads_only = dict(members_only, alpha_officer=404, alpha_analyst=404, beta_officer=404)
    return [
        ("get", "/kufatilia/territoires.geojson", everyone),
        ("get", "/ogcapi/collections/incidents/items", everyone),
        ("get", "/accounts/password_reset/", everyone),
        ("get", "/cases/analytics/territoires.geojson", members_only),
        ("get", "/cases/analytics/", members_only),
        ("get", "/cases/members/", leads_only),
        ("post", f"/cases/members/{officer}/password/", leads_only),  # an alpha member: alpha's manager, the admin
        ("post", f"/cases/members/{beta}/password/", dict(leads_only, alpha_manager=404)),  # beta's: the admin only
        ("post", f"/cases/members/{manager}/password/", dict(leads_only, alpha_manager=404)),  # not one's own
        ("post", f"/cases/members/{admin}/password/", dict(leads_only, alpha_manager=404, admin=404)),
        ("post", "/cases/members/999999/password/", dict(leads_only, alpha_manager=404, admin=404)),  # guessed
        ("get", f"/cases/members/{officer}/password/", dict(dict.fromkeys(everyone, 405), anonymous=302)),  # any id
    ]


def test_the_access_matrix_of_the_maps_and_the_members_pages(client, network):
    stranger = get_user_model().objects.create_user("stranger", password=PASSWORD)
    people = {"anonymous": None, "stranger": stranger, **network.users()}
    for method, url, expected in matrix(network):
        for who, status in expected.items():
            client.logout()
            if people[who] is not None:  # re-read: a temporary password set earlier ends the old sessions
                client.force_login(get_user_model().objects.get(pk=people[who].pk))
            response = getattr(client, method)(url)
            got = response.status_code
            if status == 302:
                assert got == 302 and response["Location"].startswith("/accounts/login/"), (method, url, who)
            else:
                assert got == status, (method, url, who, got)
            if got == 200:
                assert "997100050" not in response.content.decode().replace(" ", ""), (url, who)


def test_a_manager_sets_a_temporary_password_for_their_member(client, network):
    client.force_login(network.alpha_manager)
    page = client.get("/cases/members/").content.decode()
    assert "alpha_officer" in page and "alpha_analyst" in page and "beta_officer" not in page and "admin1" not in page
    assert client.get("/cases/").content.decode().count('href="/cases/members/"') == 1
    response = client.post(f"/cases/members/{membership(network.alpha_officer)}/password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = re.search(r'<code class="secret">([^<]+)</code>', response.content.decode()).group(1)
    assert len(password) >= 16
    client.logout()
    assert not logs_in(client, "alpha_officer", PASSWORD)  # the old one no longer works
    assert logs_in(client, "alpha_officer", password)
    network.alpha_officer.refresh_from_db()
    assert password not in network.alpha_officer.password  # only its hash is kept


def test_the_administrator_reaches_every_member(client, network):
    client.force_login(network.admin)
    page = client.get("/cases/members/").content.decode()
    assert "alpha_officer" in page and "beta_officer" in page
    assert client.post(f"/cases/members/{membership(network.beta_officer)}/password/").status_code == 200
    client.force_login(network.alpha_officer)
    assert 'href="/cases/members/"' not in client.get("/cases/").content.decode()


def test_without_email_the_reset_page_sends_people_to_their_administrator(client, network, settings):
    settings.EMAIL_CONFIGURED = False
    network.alpha_officer.email = "officer@example.org"
    network.alpha_officer.save()
    page = client.get("/accounts/password_reset/").content.decode()
    assert "administra" in page and 'name="email"' not in page
    assert client.post("/accounts/password_reset/", {"email": "officer@example.org"}).status_code == 200
    assert mail.outbox == []
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").content.decode()


def test_a_reset_by_email_never_tells_whether_an_account_exists(client, network, settings):
    settings.EMAIL_CONFIGURED = True
    network.alpha_officer.email = "officer@example.org"
    network.alpha_officer.save()
    known = client.post("/accounts/password_reset/", {"email": "officer@example.org"})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.status_code == 302
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content
    for thread in accounts.PENDING:
        thread.join(10)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@example.org"]
    message = mail.outbox[0]
    assert "alpha_officer" in message.body and "\n" not in message.subject
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a fresh passphrase 77",
                                                    "new_password2": "a fresh passphrase 77"})  # fmt: skip
    assert done.status_code == 302
    assert logs_in(client, "alpha_officer", "a fresh passphrase 77")
    assert client.get(link, follow=True).content.decode().count('name="new_password1"') == 0  # used: no more


def test_reset_requests_are_throttled_per_address(client, network, settings):
    settings.EMAIL_CONFIGURED = True
    settings.PASSWORD_RESET_LIMIT = 3
    answers = [client.post("/accounts/password_reset/", {"email": f"n{i}@example.org"}).status_code for i in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    other = client.post("/accounts/password_reset/", {"email": "x@example.org"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


class _HeldMail(locmem.EmailBackend):
    """A mail server that does not answer until the test lets it."""

    release = threading.Event()
    entered = threading.Event()

    def send_messages(self, messages):
        _HeldMail.entered.set()
        assert _HeldMail.release.wait(10)
        return super().send_messages(messages)


def test_the_reset_answer_does_not_wait_for_the_mail_server(client, network, settings):
    """Answering after the mail server would tell by the time taken that the account exists."""
    settings.EMAIL_CONFIGURED = True
    settings.EMAIL_BACKEND = f"{__name__}._HeldMail"
    _HeldMail.release.clear()
    _HeldMail.entered.clear()
    network.alpha_officer.email = "officer@example.org"
    network.alpha_officer.save()
    try:
        answer = client.post("/accounts/password_reset/", {"email": "officer@example.org"})
        assert answer.status_code == 302  # answered while the mail server still holds the message
        assert _HeldMail.entered.wait(10) and mail.outbox == []
    finally:
        _HeldMail.release.set()
    for thread in accounts.PENDING:
        thread.join(10)
    assert [m.to for m in mail.outbox] == [["officer@example.org"]]


def test_reset_requests_for_one_address_are_throttled_from_any_client(client, network, settings):
    settings.EMAIL_CONFIGURED = True
    settings.PASSWORD_RESET_LIMIT = 2
    answers = [
        client.post(
            "/accounts/password_reset/", {"email": "Officer@Example.org"}, REMOTE_ADDR=f"10.0.1.{i}"
        ).status_code
        for i in range(4)
    ]
    assert answers == [302, 302, 429, 429]


@pytest.mark.parametrize("kind", ["superuser", "staff", "network_admin", "manager"])
def test_a_manager_cannot_reset_an_equal_or_higher_account_placed_in_their_organisation(client, network, kind):
    """A reset must never be a way up: a manager's own organisation may hold an account above them."""
    User = get_user_model()
    target = User.objects.create_user(f"high_{kind}", password=PASSWORD)
    if kind in ("superuser", "staff"):
        target.is_staff = True
        target.is_superuser = kind == "superuser"
        target.save()
    role = {"network_admin": Role.NETWORK_ADMIN, "manager": Role.MANAGER}.get(kind, Role.FIELD_OFFICER)
    alpha = Membership.objects.get(user=network.alpha_manager).organisation
    member = Membership.objects.create(user=target, organisation=alpha, role=role)
    client.force_login(network.alpha_manager)
    assert f"high_{kind}" not in client.get("/cases/members/").content.decode()
    assert client.post(f"/cases/members/{member.pk}/password/").status_code == 404
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_the_administrator_cannot_reset_another_administrator_or_a_superuser(client, network):
    User = get_user_model()
    other_org = Organisation.objects.exclude(pk=Membership.objects.get(user=network.admin).organisation_id).first()
    for name, superuser in (("second_admin", False), ("root", True)):
        target = User.objects.create_user(name, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
        role = Role.NETWORK_ADMIN if not superuser else Role.FIELD_OFFICER
        member = Membership.objects.create(user=target, organisation=other_org, role=role)
        client.force_login(network.admin)
        assert client.post(f"/cases/members/{member.pk}/password/").status_code == 404, name
        target.refresh_from_db()
        assert target.check_password(PASSWORD)
