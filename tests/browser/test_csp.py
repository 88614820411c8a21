"""The Content-Security-Policy in a real Chromium: our pages, the Django admin and Swagger UI (/api/docs) run
under it with no violation. Violations are recorded in the page (`securitypolicyviolation` events) as well as
failing the test as console errors (see conftest)."""

from __future__ import annotations

import subprocess
import sys

import pytest

RECORD = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' '
                    + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""
PASSWORD = "pw-for-browser-tests-only"


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


@pytest.fixture
def csp_page(page):
    page.add_init_script(RECORD)
    return page


@pytest.fixture(scope="module")
def admin_user(live_server_process):
    env = {**live_server_process.env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ramani.cli",
            "manage",
            "createsuperuser",
            "--noinput",
            "--username",
            "csp-admin",
            "--email",
            "csp@example.org",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    return "csp-admin"


def test_the_policy_is_sent_and_enforced(browser, live_server_process):
    context = browser.new_context()  # not the watched page: this test makes a violation on purpose
    try:
        page = context.new_page()
        page.add_init_script(RECORD)
        answer = page.goto(live_server_process.url + "/about/")
        policy = answer.header_value("content-security-policy")  # .headers leaves security headers out
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        assert directives["script-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
        assert page.evaluate("window.__csp") == []
        page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                                 document.body.appendChild(s); }""")
        page.wait_for_function("() => window.__csp.length > 0")
        assert page.evaluate("window.__ran") is None
        assert page.evaluate("window.__csp")[0].startswith("script-src")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/about/", "/sites/", "/dashboard/"])
def test_our_pages_run_under_the_policy(csp_page, live_server_process, path):
    csp_page.goto(live_server_process.url + path)
    csp_page.wait_for_load_state("networkidle")
    assert violations(csp_page) == []


def test_the_map_runs_under_the_policy(csp_page, live_server_process):
    csp_page.goto(live_server_process.url + "/")
    csp_page.wait_for_function("() => window.ramani && window.ramani.drawnAt", timeout=30_000)
    csp_page.click("#legend .infob")  # the legend's explanation box draws a coloured dot
    csp_page.wait_for_selector("#info svg.dot circle")
    assert violations(csp_page) == []


def test_swagger_ui_runs_under_the_policy(csp_page, live_server_process):
    csp_page.goto(live_server_process.url + "/api/docs")
    csp_page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)  # drawn from /api/openapi.json
    csp_page.click(".swagger-ui .opblock-summary")  # opens an operation
    csp_page.wait_for_selector(".swagger-ui .opblock-body")
    assert violations(csp_page) == []


def test_the_admin_runs_under_the_policy(csp_page, live_server_process, admin_user):
    csp_page.goto(live_server_process.url + "/admin/login/")
    assert violations(csp_page) == []
    csp_page.fill("#id_username", admin_user)
    csp_page.fill("#id_password", PASSWORD)
    csp_page.click("input[type=submit]")
    csp_page.wait_for_url(live_server_process.url + "/admin/")
    for path in ("/admin/sms/channel/add/", "/admin/sites/site/", "/admin/auth/user/"):
        csp_page.goto(live_server_process.url + path)
        csp_page.wait_for_load_state("networkidle")
        assert violations(csp_page) == [], path
