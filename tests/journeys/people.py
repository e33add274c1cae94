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
from tests.framework_texts import framework_texts_in
from tests.journeys.stack import HOST, Stack
from tests.page_text import VisibleText, english_left, interface_words
from tests.waiting import HANG_GUARD_MS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright, Response

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"
# An artist's link labels are their own words, with one label for every language (per-language labels
# are issue 21's), so what they say is data, not interface: left out of the English check.
ARTIST_LINK_LABELS = re.compile(r"<a\b[^>]*\bdata-kind=[^>]*>.*?</a>", re.S)

# Runs before the page's own scripts. A form the browser sends is looked at when its submit event
# reaches the window, after every script has had its say; one a script took over (the passkey forms)
# is looked at when the script sends it with submit().
REPORT_EMPTY_HIDDEN_FIELDS = """
(() => {
    // The hidden fields that are empty by design: the id of a profile link not saved yet.
    const emptyByDesign = /^links-\\d+-id$/;
    const report = (form) => {
        for (const element of form.elements) {
            if (element.type === "hidden" && element.name && element.value === "" && !emptyByDesign.test(element.name)) {
                window.reportEmptyHiddenField(`${form.getAttribute("action") || document.location.pathname}: ${element.name}`);
            }
        }
    };
    window.addEventListener("submit", (event) => { if (!event.defaultPrevented) report(event.target); });
    const submit = HTMLFormElement.prototype.submit;
    HTMLFormElement.prototype.submit = function () { report(this); return submit.call(this); };
})();
"""

def launch(playwright: Playwright, stack: Stack) -> Browser:
    """Start Debian's Chromium, resolving the stack's host to loopback and trusting its certificate."""
    from playwright.sync_api import expect

    expect.set_options(timeout=HANG_GUARD_MS)
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        timeout=HANG_GUARD_MS,
        args=[
            *CHROMIUM_ARGS,
            f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
            f"--ignore-certificate-errors-spki-list={stack.certificate.spki_sha256}",
        ],
    )


@cache
def catalogue(language: str) -> Translations:
    locale = {"ko": "ko_KR"}.get(language, language)
    translations = Translations.load(str(TRANSLATIONS), [locale])
    assert isinstance(translations, Translations), f"no compiled catalogue for {locale}: run make translations"
    return translations


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

        problems = [*self.problems, *self.policies.violations]
        problems += [f"framework text on {self.page.url}: {text!r}" for text in framework_texts_in(html)]
        # Judged by the page's own language: a Korean reader may open an English page on purpose.
        if self.page.locator("html").get_attribute("lang") == "ko":
            left = english_left(VisibleText.of(ARTIST_LINK_LABELS.sub(" ", html), "ko"), interface_words())
            problems += [f"English on the Korean page {self.page.url}: {left}"] if left else []
        self.problems.clear()
        self.policies.violations.clear()
        assert problems == [], f"{self.name} ({self.language}) met: {problems}"

    # --- acting ------------------------------------------------------------------------------------

    def go(self, path: str) -> None:
        self.page.goto(self.url(path))

    def sees(self, heading: str | re.Pattern[str], flash: str | re.Pattern[str] | None = None) -> None:
        """Check the page's main heading and its flash message, then everything check() looks for.

        The page is looked at once it has loaded (its headings are in its HTML), so a wrong page fails
        at once, naming what it shows, rather than after a wait that load could stretch.
        """
        self.page.wait_for_load_state("load")
        headings = self.page.get_by_role("heading", level=1)
        headings.first.wait_for()
        shown = [text.strip() for text in headings.all_inner_texts()]
        matches = heading.search if isinstance(heading, re.Pattern) else (lambda text: heading in text)
        if not any(matches(text) for text in shown):
            self.page.screenshot(path=str(self.stack.folder / f"failed-{self.name}-{self.language}.png"), full_page=True)
            raise AssertionError(
                f"{self.name} ({self.language}) expected the heading {heading!r} at {self.page.url}, and sees {shown}, "
                f"saying {self.page.locator('.notice, .error-message').all_inner_texts()}; "
                f"problems so far: {self.problems + self.policies.violations}"
            )
        if flash is not None:
            assert self.flash(flash).count(), (
                f"{self.name} ({self.language}) expected the message {flash!r} at {self.page.url}; the page says: "
                f"{self.page.locator('.notice').all_inner_texts()}"
            )
        self.check()

    def submits(self, control: Locator) -> None:
        """Click what sends a form (or follows a link) and wait for the page it leads to, whether the
        browser sends it or the studio's script does and then goes where the answer says."""
        with self.page.expect_navigation(wait_until="load"):
            control.click()

    def flash(self, text: str | re.Pattern[str]) -> Locator:
        return self.page.locator(".notice, [role=status], [role=alert]").filter(has_text=text)

    def button(self, name: str, exact: bool = True) -> Locator:
        return self.page.get_by_role("button", name=name, exact=exact)

    def link(self, name: str, exact: bool = True) -> Locator:
        return self.page.get_by_role("link", name=name, exact=exact)

    def field(self, label: str, exact: bool = True) -> Locator:
        return self.page.get_by_label(label, exact=exact)

    def close(self) -> None:
        self.context.close()
