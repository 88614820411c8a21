"""Deployment security: login throttling (django-axes), the Content-Security-Policy, the TLS-proxy settings
(RAMANI_HTTPS), private files in the data folder, and gateway secrets masked in the admin."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "right-password-for-tests"
ELSEWHERE = "192.0.2.7"  # a documentation address (TEST-NET-1): only ever a REMOTE_ADDR value here


# ---- login throttling -------------------------------------------------------------------------------------


class CountingHasher(PBKDF2PasswordHasher):
    """Django's own PBKDF2 hasher (few iterations), counting how often a password is hashed."""

    algorithm = "counting_pbkdf2"
    iterations = 1000
    hashed = 0

    def encode(self, password, salt, iterations=None):
        CountingHasher.hashed += 1
        return super().encode(password, salt, iterations)


@pytest.fixture
def curator(db, settings):
    settings.PASSWORD_HASHERS = ["tests.test_security.CountingHasher"]
    return User.objects.create_superuser("curator", "c@example.org", PASSWORD)


def login(client, username, password, ip="127.0.0.1", **headers):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        headers=headers,
    )


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_right_password_logs_in(client, curator):
    answer = login(client, "curator", PASSWORD)
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    assert logged_in(client)


def test_five_wrong_passwords_then_the_right_one_is_refused(client, curator):
    statuses = [login(client, "curator", f"wrong-{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the form says "wrong" four times, the fifth locks
    answer = login(client, "curator", PASSWORD)
    assert answer.status_code == 429
    assert answer["Retry-After"] == str(15 * 60)
    page = answer.content.decode()
    assert "trop de tentatives de connexion" in page and "15 min" in page  # French, the default language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "too many login attempts" in login(client, "curator", PASSWORD).content.decode()
    assert not logged_in(client)
    as_json = login(client, "curator", PASSWORD, Accept="application/json")
    assert as_json.status_code == 429 and as_json.json()["retry_after_minutes"] == 15


def test_a_locked_out_attempt_is_refused_before_its_password_is_hashed(client, curator):
    for i in range(5):
        login(client, "curator", f"wrong-{i}")
    before = CountingHasher.hashed
    for _ in range(20):
        assert login(client, "curator", PASSWORD).status_code == 429
    assert CountingHasher.hashed == before


def test_the_lockout_holds_for_that_user_from_that_address_only(client, curator, django_user_model):
    django_user_model.objects.create_superuser("other", "o@example.org", PASSWORD)
    for i in range(5):
        login(client, "curator", f"wrong-{i}")
    assert login(client, "curator", PASSWORD).status_code == 429
    other = client.__class__()
    assert login(other, "other", PASSWORD).status_code == 302 and logged_in(other)  # same address, other user
    roaming = client.__class__()
    assert login(roaming, "curator", PASSWORD, ip=ELSEWHERE).status_code == 302 and logged_in(roaming)


def test_the_lockout_ends_after_its_cool_off(client, curator):
    from axes.models import AccessAttempt

    for i in range(5):
        login(client, "curator", f"wrong-{i}")
    assert login(client, "curator", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert login(client, "curator", PASSWORD).status_code == 302 and logged_in(client)


def test_an_administrator_can_lift_a_lockout(client, curator):
    for i in range(5):
        login(client, "curator", f"wrong-{i}")
    assert login(client, "curator", PASSWORD).status_code == 429
    call_command("axes_reset_username", "curator")
    assert login(client, "curator", PASSWORD).status_code == 302 and logged_in(client)


def test_a_success_resets_the_count(client, curator):
    for i in range(4):
        login(client, "curator", f"wrong-{i}")
    assert login(client, "curator", PASSWORD).status_code == 302
    client.logout()
    for i in range(4):
        assert login(client, "curator", f"again-{i}").status_code == 200


def test_guessing_with_a_new_user_name_each_time_hits_the_address_ceiling(client, curator, settings):
    settings.LOGIN_ADDRESS_LIMIT = 12
    statuses = [login(client, f"nobody-{i}", "guess").status_code for i in range(13)]
    assert statuses == [200] * 12 + [429]  # no name reached 5; after 12 failures the address is refused
    before = CountingHasher.hashed
    assert login(client, "curator", PASSWORD).status_code == 429  # the right password too, from there
    assert login(client, "someone-new", "guess").status_code == 429
    assert CountingHasher.hashed == before  # refused before hashing, known name or not
    elsewhere = client.__class__()
    assert login(elsewhere, "curator", PASSWORD, ip=ELSEWHERE).status_code == 302


def test_the_client_address_behind_the_proxy_is_the_one_the_proxy_appended(settings):
    from ramani.web.throttle import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4")
    settings.HTTPS = True
    assert client_ip(request) == "198.51.100.4"  # 6.6.6.6 is whatever the client claimed
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    settings.HTTPS = False
    assert client_ip(request) == "127.0.0.1"  # served directly: the header is the client's own, ignored


def test_the_sms_webhook_is_not_throttled_by_the_login_lockout(client, curator):
    from ramani.sms.models import Channel

    channel = Channel.objects.create(slug="demo", kind="generic")
    for i in range(5):
        login(client, "curator", f"wrong-{i}")
    answer = client.post(
        f"/sms/generic/demo/receive?key={channel.settings['key']}",
        json.dumps({"from": "+243990000001", "to": "1", "text": "help", "id": "t1"}),
        content_type="application/json",
    )
    assert answer.status_code == 200


# ---- Content-Security-Policy ------------------------------------------------------------------------------


def policy(answer) -> dict[str, list[str]]:
    header = answer["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/", "/about/", "/sites/", "/dashboard/", "/admin/login/", "/api/docs", "/api/sites?limit=1", "/no-such-page"],
)
def test_every_answer_carries_a_strict_policy(client, path):
    csp = policy(client.get(path))
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no other host
    assert csp["style-src"] == ["'self'"]  # no <style> element
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert "blob:" in csp["worker-src"]  # MapLibre's worker
    assert {"data:", "blob:"} <= set(csp["img-src"])
    assert csp["connect-src"] == ["'self'"]  # no basemap configured


def test_our_templates_have_no_inline_script_or_style():
    for template in (ROOT / "src" / "ramani" / "web" / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", text), template.name
    for script in (ROOT / "src" / "ramani" / "web" / "static" / "web").glob("*.js"):
        assert not re.search(r"\sstyle=|\son[a-z]+=", script.read_text(encoding="utf-8")), script.name


def run_python(code: str, tmp_path: Path, umask: int | None = None, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RAMANI_")}
    environment.update({"RAMANI_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "ramani.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


PRINT_CSP = """
import django, json; django.setup()
from django.conf import settings
print(json.dumps(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]))
"""


def test_an_online_basemap_and_the_extra_origins_are_allowed(tmp_path):
    done = run_python(
        PRINT_CSP,
        tmp_path,
        RAMANI_BASEMAP_URL="https://tile.example.org/{z}/{x}/{y}.png",
        RAMANI_CSP_EXTRA_ORIGINS="https://glyphs.example.net/fonts, not-an-origin javascript:x",
    )
    assert done.returncode == 0, done.stderr
    csp = json.loads(done.stdout)
    assert csp["connect-src"] == ["'self'", "https://glyphs.example.net", "https://tile.example.org"]
    assert set(csp["img-src"]) == {"'self'", "data:", "blob:", "https://glyphs.example.net", "https://tile.example.org"}
    assert csp["script-src"] == ["'self'"]


# ---- behind a TLS proxy -----------------------------------------------------------------------------------


def deploy_env(**extra) -> dict[str, str]:
    return {"RAMANI_DEBUG": "0", "RAMANI_SECRET_KEY": secrets.token_urlsafe(64), **extra}


def test_check_deploy_is_clean_behind_a_tls_proxy(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RAMANI_")}
    environment.update({"RAMANI_DATA_DIR": str(tmp_path / "data"), **deploy_env(RAMANI_HTTPS="1")})
    command = [sys.executable, "-m", "ramani.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout and "WARNING" not in done.stdout + done.stderr
    environment["RAMANI_HTTPS"] = "0"  # the same check does see what is missing without it
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stdout + done.stderr


BEHIND_PROXY = """
import django, json; django.setup()
from django.test.utils import setup_test_environment; setup_test_environment()
from django.conf import settings
from django.test import Client
c = Client()
plain = c.get("/static/web/site.css")
health = c.get("/healthz")
sms = c.get("/sms/no-such-gateway")
secure = c.get("/static/web/site.css", headers={"X-Forwarded-Proto": "https"})
login = c.get("/admin/login/", headers={"X-Forwarded-Proto": "https"})
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code,
    "sms": sms.status_code,
    "secure": [secure.status_code, secure.get("Strict-Transport-Security"), secure["Content-Security-Policy"]],
    "csrf_cookie_secure": bool(login.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
}))
"""


def test_behind_a_tls_proxy_cookies_are_secure_and_plain_http_is_redirected(tmp_path):
    done = run_python(BEHIND_PROXY, tmp_path, **deploy_env(RAMANI_HTTPS="1"))
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["plain"] == [301, "https://testserver/static/web/site.css"]
    assert seen["health"] != 301  # a load balancer's plain-HTTP probe
    assert seen["sms"] != 301  # a gateway on the machine itself, over loopback
    status, hsts, csp = seen["secure"]
    assert status == 200 and hsts == "max-age=31536000; includeSubDomains"
    assert "upgrade-insecure-requests" in csp
    assert seen["csrf_cookie_secure"] and seen["session_cookie_secure"]


def test_served_directly_nothing_is_forced(tmp_path):
    done = run_python(BEHIND_PROXY, tmp_path, **deploy_env())
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["plain"][0] == 200 and seen["secure"][1] is None
    assert not seen["csrf_cookie_secure"] and not seen["session_cookie_secure"]


# ---- private files ----------------------------------------------------------------------------------------

FILES = """
import django, json, os, stat; django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    data = settings.DATA_DIR
    modes = {name: stat.S_IMODE(os.stat(data / name).st_mode) for name in sorted(os.listdir(data)) if name != "static"}
    modes["."] = stat.S_IMODE(os.stat(data).st_mode)
print(json.dumps(modes))
"""


@pytest.mark.parametrize("umask", [0, 0o022, 0o277])  # lets everyone read everything; the usual; a strange one
def test_the_data_folder_database_and_secret_key_are_private(tmp_path, umask):
    done = run_python(FILES, tmp_path, umask=umask)
    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout)
    assert modes == {
        ".": 0o700,
        "ramani.db": 0o600,
        "ramani.db-shm": 0o600,
        "ramani.db-wal": 0o600,
        "secret_key": 0o600,
    }
    # and os.stat from here, after the process ended
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "ramani.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600


def test_an_existing_world_readable_database_is_made_private(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    for name in ("ramani.db", "secret_key"):
        (data / name).write_text("" if name == "ramani.db" else "an-old-key-" * 5)
        (data / name).chmod(0o644)
    done = run_python(FILES, tmp_path)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((data / "ramani.db").stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "secret_key").stat().st_mode) == 0o600
    assert (data / "secret_key").read_text() == "an-old-key-" * 5  # kept, not replaced


# ---- gateway secrets in the admin -------------------------------------------------------------------------

SECRETS = {
    "password": "gw-pass-8Zq",
    "auth_token": "tw-token-3Kd",
    "apikey": "at-apikey-7Hs",
    "secret": "android-secret-5Yt",
    "nested": {"token": "deep-token-1Wx"},
}


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root", "r@example.org", "unused"))
    return client


@pytest.fixture
def gateway(db):
    from ramani.sms.models import Channel

    return Channel.objects.create(
        slug="voda",
        kind="kannel",
        name="Vodacom",
        settings={
            "url": "http://kannel:bulk-pass-2Rm@127.0.0.1:13013/cgi-bin/sendsms",
            # the docs have operators put the channel key in Twilio's public_url (what Twilio signs)
            "public_url": "https://ramani.example.org/sms/kannel/voda/receive?x=1&key=url-key-7Qz&access%5Ftoken=tk-3Lm",
            "username": "kannel",
            "from": "RAMANI",
            **SECRETS,
        },
    )


def all_secrets(channel) -> list[str]:
    values = [v for v in SECRETS.values() if isinstance(v, str)] + ["deep-token-1Wx", "bulk-pass-2Rm", "url-key-7Qz"]
    values.append("tk-3Lm")
    return values + [channel.settings["key"]]


def change_form(admin_client, channel) -> tuple[str, dict]:
    page = admin_client.get(f"/admin/sms/channel/{channel.pk}/change/").content.decode()
    textarea = re.search(r'<textarea name="settings"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    data = {
        "slug": channel.slug,
        "kind": channel.kind,
        "name": channel.name,
        "number": channel.number,
        "settings": html.unescape(textarea).strip(),
        "rate_per_minute": channel.rate_per_minute,
        "active": "on",
        "_save": "Save",
    }
    return page, data


def test_the_admin_never_shows_a_gateway_secret(admin_client, gateway):
    page, data = change_form(admin_client, gateway)
    listing = admin_client.get("/admin/sms/channel/").content.decode()
    for secret in all_secrets(gateway):
        assert secret not in page and secret not in listing, secret
    shown = json.loads(data["settings"])
    assert shown["password"] == shown["nested"]["token"] == shown["key"] == "•••• (set)"
    assert shown["url"] == "http://kannel:•••• (set)@127.0.0.1:13013/cgi-bin/sendsms"
    masked = "https://ramani.example.org/sms/kannel/voda/receive?x=1&key=•••• (set)&access%5Ftoken=•••• (set)"
    assert shown["public_url"] == masked
    assert shown["username"] == "kannel" and shown["from"] == "RAMANI"  # what is not secret is shown


def test_saving_the_form_keeps_the_secrets_it_did_not_change(admin_client, gateway):
    stored = dict(gateway.settings)
    _, data = change_form(admin_client, gateway)
    edited = json.loads(data["settings"])
    edited["from"] = "RAMANI2"
    edited["apikey"] = "a-new-apikey-9Pp"  # typed anew: replaced
    data["settings"] = json.dumps(edited, ensure_ascii=False)
    data["name"] = "Vodacom RDC"
    answer = admin_client.post(f"/admin/sms/channel/{gateway.pk}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    gateway.refresh_from_db()
    assert gateway.name == "Vodacom RDC"
    assert gateway.settings == {**stored, "from": "RAMANI2", "apikey": "a-new-apikey-9Pp"}


def test_editing_a_masked_url_keeps_its_secrets_and_a_stray_mask_is_refused(admin_client, gateway):
    stored = dict(gateway.settings)
    _, data = change_form(admin_client, gateway)
    edited = json.loads(data["settings"])
    edited["public_url"] = edited["public_url"].replace("x=1", "x=2").replace("/receive", "/receive/")
    edited["url"] = edited["url"].replace("/sendsms", "/sendsms2")
    data["settings"] = json.dumps(edited, ensure_ascii=False)
    assert admin_client.post(f"/admin/sms/channel/{gateway.pk}/change/", data).status_code == 302
    gateway.refresh_from_db()
    assert gateway.settings["public_url"] == stored["public_url"].replace("x=1", "x=2").replace("/receive", "/receive/")
    assert gateway.settings["url"] == "http://kannel:bulk-pass-2Rm@127.0.0.1:13013/cgi-bin/sendsms2"
    stored = dict(gateway.settings)
    # a secret never goes to a URL it was not given for, nor anywhere but its own place: refused, nothing saved,
    # nothing shown (another host or port, a mask in the path, the fragment, a new parameter, no scheme)
    for name, attack in (
        ("url", "https://kannel:•••• (set)@evil.example/cgi-bin/sendsms"),
        ("url", "http://kannel:•••• (set)@127.0.0.1:9999/cgi-bin/sendsms"),
        ("url", "http://127.0.0.1:13013/cgi-bin/sendsms?note=:•••• (set)@"),
        ("url", "http://kannel:x@127.0.0.1:13013/:•••• (set)@#:•••• (set)@"),
        ("public_url", "ramani.example.org/sms/kannel/voda/receive?key=•••• (set)"),
        ("public_url", "https://ramani.example.org/sms/kannel/voda/receive/?x=2&key=•••• (set)&token=•••• (set)"),
        ("public_url", "https://evil.example/receive?x=1&key=•••• (set)"),
    ):
        _, data = change_form(admin_client, gateway)
        edited = json.loads(data["settings"])
        edited[name] = attack
        data["settings"] = json.dumps(edited, ensure_ascii=False)
        answer = admin_client.post(f"/admin/sms/channel/{gateway.pk}/change/", data)
        page = answer.content.decode()
        assert answer.status_code == 200 and ("again" in page or "de nouveau" in page), attack
        for secret in all_secrets(gateway):
            assert secret not in answer.content.decode(), (attack, secret)
        gateway.refresh_from_db()
        assert gateway.settings == stored, attack


def test_saving_unchanged_settings_changes_nothing(admin_client, gateway):
    from django.contrib.admin.models import LogEntry

    stored = dict(gateway.settings)
    _, data = change_form(admin_client, gateway)
    assert admin_client.post(f"/admin/sms/channel/{gateway.pk}/change/", data).status_code == 302
    gateway.refresh_from_db()
    assert gateway.settings == stored
    assert "settings" not in LogEntry.objects.get().get_change_message().lower()


def test_a_form_shown_again_on_an_error_does_not_reveal_the_secrets(admin_client, gateway):
    _, data = change_form(admin_client, gateway)
    data["rate_per_minute"] = "-5"
    answer = admin_client.post(f"/admin/sms/channel/{gateway.pk}/change/", data)
    assert answer.status_code == 200 and "errornote" in answer.content.decode()
    for secret in all_secrets(gateway):
        assert secret not in answer.content.decode()
    stored = dict(gateway.settings)
    gateway.refresh_from_db()
    assert gateway.settings == stored


def test_settings_that_are_not_json_are_a_form_error(admin_client, gateway):
    _, data = change_form(admin_client, gateway)
    data["settings"] = "{not json"
    answer = admin_client.post(f"/admin/sms/channel/{gateway.pk}/change/", data)
    assert answer.status_code == 200 and "errornote" in answer.content.decode()
