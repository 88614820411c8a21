"""Real Chromium (Debian's /usr/bin/chromium, installed by .ci/run) driven by Playwright.

Never `playwright install`: we launch the system browser. WebGL comes from SwiftShader (no GPU).
Every page a test opens fails the test on a console error, an uncaught exception or a failed
request to our own server.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("RAMANI_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-dev-shm-usage",
]
IGNORED = ("GL Driver Message", "GPU stall due to ReadPixels", "Automatic fallback to software WebGL")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (CI installs it with apt-get install chromium)"
    if os.environ.get("RAMANI_BROWSER_OPTIONAL") == "1":
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))
    else:
        raise pytest.UsageError(reason + "; set RAMANI_BROWSER_OPTIONAL=1 to skip the browser tests")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_errors(request):
    """Call with a page: its console errors, page errors and failed own requests fail the test."""
    problems: list[str] = []

    def watch(page):
        def console(message):
            if message.type in ("error", "assert") and not any(i in message.text for i in IGNORED):
                problems.append(f"console {message.type}: {message.text} ({message.location.get('url', '')})")

        def response(answer):
            if answer.status >= 400 and answer.url.startswith("http://127.0.0.1"):
                problems.append(f"HTTP {answer.status}: {answer.url}")

        page.on("console", console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "requestfailed",
            lambda req: (
                problems.append(f"request failed: {req.url} {req.failure}")
                if req.url.startswith("http://127.0.0.1") and "net::ERR_ABORTED" not in (req.failure or "")
                else None
            ),
        )
        page.on("response", response)
        return page

    yield watch
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, page_errors):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = page_errors(context.new_page())
    page.set_default_timeout(20_000)
    yield page
    context.close()
