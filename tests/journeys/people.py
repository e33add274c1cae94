"""A person in Chromium on the production stack, and everything the journeys fail on.

Each person has a browser context of their own (their own cookies and storage) at 390×844, as on a
phone. Whatever they do, these are collected, and the next step that looks at the page fails on any of
them: a 4xx or 5xx answer the step did not expect, an error in the console or a script, a policy
violation, a message the project did not write (WTForms', Flask-WTF's or Flask-Login's), an English
interface string on a Korean page, and a form that posts a hidden field empty.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.support import Translations

from tests.browser import CHROMIUM, CHROMIUM_ARGS, PolicyWatch
from tests.journeys.stack import HOST, Stack
from tests.page_text import VisibleText, english_left, interface_words

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright, Response

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"
# Step through a form or a page at a person's pace; these guard against hangs only (a loaded machine
# needs seconds), so they are never what a step waits for.
HANG_GUARD_MS = 120_000

# Runs before the page's own scripts: a form sent with a hidden field empty is reported, whether the
# browser sends it or the studio's script does (it listens to the same submit event, later).
REPORT_EMPTY_HIDDEN_FIELDS = """
document.addEventListener("submit", (event) => {
    const form = event.target;
    for (const element of form.elements) {
        if (element.type === "hidden" && element.name && element.value === "") {
            window.reportEmptyHiddenField(`${form.getAttribute("action") || document.location.pathname}: ${element.name}`);
        }
    }
}, true);
"""


def launch(playwright: Playwright, stack: Stack) -> Browser:
    """Start Debian's Chromium, resolving the stack's host to loopback and trusting its certificate."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
            f"--ignore-certificate-errors-spki-list={stack.certificate.spki_sha256}",
        ],
    )


@cache
def catalogue(language: str) -> Translations:
    locale = {"ko": "ko_KR"}.get(language, language)
    return Translations.load(str(TRANSLATIONS), [locale])


class Person:
    """Someone using the site in one language, in a browser context of their own."""

    def __init__(self, browser: Browser, stack: Stack, language: str, name: str) -> None:
        self.stack = stack
        self.language = language
        self.name = name
        self.problems: list[str] = []
        self.expected: list[tuple[int, str]] = []
        self.context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
            locale="ko-KR" if language == "ko" else "en-GB",
        )
        self.context.set_default_timeout(HANG_GUARD_MS)
        self.context.set_default_navigation_timeout(HANG_GUARD_MS)
        self.policies = PolicyWatch()
        self.policies.attach(self.context)
        self.context.expose_function("reportEmptyHiddenField", lambda field: self.problems.append(f"empty hidden field posted: {field}"))
        self.context.add_init_script(REPORT_EMPTY_HIDDEN_FIELDS)
        self.page = self.context.new_page()
        self.watch(self.page)

    # --- what the person is told, in their language -------------------------------------------------

    def _(self, message: str, **values: object) -> str:
        """Return an interface message as this person's page shows it (the catalogue's own translation)."""
        text = catalogue(self.language).gettext(message) if self.language != "en" else message
        return text % values if values else text

    def url(self, path: str) -> str:
        """Return the address of a path of the site in this person's language."""
        prefix = "" if self.language == "en" else f"/{self.language}"
        return f"{self.stack.base_url}{prefix}{path}"

    # --- watching ----------------------------------------------------------------------------------

    def watch(self, page: Page) -> None:
        page.on("response", self._note_response)
        page.on("console", self._note_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error on {page.url}: {error}"))

    def _note_response(self, response: Response) -> None:
        if response.status < 400 or not response.url.startswith(self.stack.base_url):
            return
        path = response.url[len(self.stack.base_url) :]
        for index, (status, part) in enumerate(self.expected):
            if status == response.status and part in path:
                del self.expected[index]
                return
        self.problems.append(f"{response.status} for {response.request.method} {path}")

    def _note_console(self, message: ConsoleMessage) -> None:
        # A failed load is reported by its response above, with the status the step may expect.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    @contextmanager
    def expecting(self, status: int, path_part: str) -> Iterator[None]:
        """Let one answer with this status, for a path holding this text, happen in the block."""
        self.expected.append((status, path_part))
        yield
        assert (status, path_part) not in self.expected, f"{self.name} expected a {status} for {path_part}, and got none"

    def check(self) -> None:
        """Fail on whatever went wrong so far, and on what the page now shows that it must not."""
        self.stack.check_running()
        html = self.page.content()
        from tests.framework_texts import framework_texts_in

        problems = [*self.problems, *self.policies.violations]
        problems += [f"framework text on {self.page.url}: {text!r}" for text in framework_texts_in(html)]
        if self.language == "ko":
            left = english_left(VisibleText.of(html, "ko"), interface_words())
            problems += [f"English on the Korean page {self.page.url}: {left}"] if left else []
        self.problems.clear()
        self.policies.violations.clear()
        assert problems == [], f"{self.name} ({self.language}) met: {problems}"

    # --- acting ------------------------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.page.goto(self.url(path))

    def sees(self, heading: str | re.Pattern[str], flash: str | re.Pattern[str] | None = None) -> None:
        """Check the page's main heading and its flash message, then everything check() looks for."""
        self.page.get_by_role("heading", level=1).filter(has_text=heading).first.wait_for()
        if flash is not None:
            self.flash(flash).wait_for()
        self.check()

    def flash(self, text: str | re.Pattern[str]) -> Locator:
        return self.page.locator(".flash, .flashes li, [role=status], [role=alert]").filter(has_text=text).first

    def button(self, name: str, exact: bool = True) -> Locator:
        return self.page.get_by_role("button", name=name, exact=exact)

    def link(self, name: str, exact: bool = True) -> Locator:
        return self.page.get_by_role("link", name=name, exact=exact)

    def field(self, label: str, exact: bool = True) -> Locator:
        return self.page.get_by_label(label, exact=exact)

    def close(self) -> None:
        self.context.close()
