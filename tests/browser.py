"""A live server in a thread and Debian's Chromium driven by Playwright, for the browser tests.

Every page is watched for policy violations (the Content-Security-Policy and the other headers of
web.security_headers): a browser test fails if Chromium reports one, whatever it was testing.

Every wait (a URL, an element, a function of the page) has tests.waiting.HANG_GUARD, not Playwright's
30 s: a step waits for its condition, and only one that never comes fails, however loaded the machine.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.waiting import HANG_GUARD_MS

if TYPE_CHECKING:
    # imported when used: only the browser tests need Playwright
    from playwright.sync_api import Browser, BrowserContext, CDPSession, ConsoleMessage, Page, Playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Chromium's own background traffic would be refused by a closed network; none of it is the site's.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def require_chromium() -> None:
    """Skip when no browser is installed, except in CI, where a missing browser is a failure."""
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    reason = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (or set CHROMIUM_PATH)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def launch(playwright: Playwright) -> Browser:
    """Start Debian's Chromium with the arguments above; every wait in it gets the hang guard."""
    from playwright.sync_api import expect

    expect.set_options(timeout=HANG_GUARD_MS)  # expect()'s own default is 5 s
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=HANG_GUARD_MS)


def unhurried(context: BrowserContext) -> BrowserContext:
    """Give every wait of this context's pages (and its page.request) the hang guard: a loaded machine
    can take longer than Playwright's default 30 s for a step that does come."""
    context.set_default_timeout(HANG_GUARD_MS)
    context.set_default_navigation_timeout(HANG_GUARD_MS)
    return context


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port for the duration of the block; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


# Runs in every document before its own scripts: the event is how a page learns of a blocked load,
# inline script or style, or a Trusted Types refusal, whether or not Chromium also logs it. Once the
# watch has it, the page counts it, so a test can wait until the watch has heard of n violations.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", async (event) => {
    await window.reportPolicyViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}` +
        (event.sample ? ` (${event.sample})` : "")
    );
    window.reportedPolicyViolations = (window.reportedPolicyViolations || 0) + 1;
});
"""
# What Chromium logs when a policy refuses something or a policy header does not parse.
POLICY_MESSAGES = ("Content Security Policy", "Content-Security-Policy", "Trusted Type", "Permissions-Policy", "Refused to")


class PolicyWatch:
    """The policy violations reported in the pages of some browser contexts, collected as text."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        """Collect the violations of every page this context opens from now on."""
        context.expose_function("reportPolicyViolation", self._note_report)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._note_console)

    def _note_report(self, text: str) -> None:
        self.violations.append(text)

    def _note_console(self, message: ConsoleMessage) -> None:
        if any(marker in message.text for marker in POLICY_MESSAGES):
            self.violations.append(f"console {message.type}: {message.text}")


_watches: WeakKeyDictionary[Browser, PolicyWatch] = WeakKeyDictionary()


def policy_violations(page: Page) -> list[str]:
    """Return the policy violations reported so far by the pages of this test's browser."""
    browser = page.context.browser
    assert browser is not None
    return list(_watches[browser].violations)


def new_page(page: Page, **context_options: Any) -> Page:
    """Open a page in a new context of the same browser (another person), watched like the first.

    context_options go to Browser.new_context: device_scale_factor, extra_http_headers, viewport...
    """
    browser = page.context.browser
    assert browser is not None
    context = unhurried(browser.new_context(**context_options))
    _watches[browser].attach(context)
    return context.new_page()


@contextmanager
def chromium_page(fail_on_violations: bool = True) -> Iterator[Page]:
    """Yield a fresh Playwright page in headless Chromium; fail at the end if a policy was violated."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        watch = _watches[browser] = PolicyWatch()
        try:
            context = unhurried(browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2))
            watch.attach(context)
            yield context.new_page()
            # Reached only when the test's own steps passed: their failure is the one to report.
            assert not fail_on_violations or watch.violations == [], f"Chromium reported policy violations: {watch.violations}"
        finally:
            browser.close()


def add_virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    """Give the page's browser a platform authenticator that says yes at once (Chromium's DevTools WebAuthn)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    answer = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, answer["authenticatorId"]
