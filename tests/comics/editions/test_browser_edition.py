"""The offline reader in a real Chromium, from file:// with every other request refused, script on and off."""
from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pytest

from tests.browser import launch, require_chromium, unhurried
from tests.comics.editions.conftest import Exported
from tests.waiting import wait_until

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

pytestmark = pytest.mark.browser


# Whether the page has scrolled on from `y`, or can go no further. Asked from here, not waited for in
# the page (wait_for_function): with its scripts off, a page runs none of Playwright's either.
MOVED_ON = "y => window.scrollY > y || window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1"


def read_to_the_end(page: Page) -> None:
    """Scroll down as a reader does, then check every panel was decoded and the end was reached."""
    page.wait_for_load_state("load")  # a click returns once the next page begins, not when it is all there
    height = page.evaluate("document.body.scrollHeight")
    for _ in range(0, height + 400, 400):
        y = page.evaluate("window.scrollY")
        page.mouse.wheel(0, 400)
        wait_until(partial(page.evaluate, MOVED_ON, y), "the wheel to scroll the page")  # it lands before the next turn
    page.wait_for_function("Array.prototype.every.call(document.images, i => i.complete)")
    images = page.evaluate("Array.from(document.images, i => [i.naturalWidth, i.alt])")
    assert images and all(width > 0 and alt for width, alt in images), images
    assert page.locator(".end").is_visible() or page.locator(".end").count() == 1


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_an_episode_is_reached_and_read_from_file_with_no_network(exported: Exported, javascript: bool) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    refused: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = unhurried(browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript))

            def only_files(route: Route) -> None:
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            context.route("**/*", only_files)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))

            page.goto((exported.first / "index.html").as_uri())
            page.locator("div[lang=en]").get_by_role("link", name="The Lantern").click()
            page.get_by_role("link", name="Episode 1: The River").click()
            assert page.url.endswith("/en/lantern/001.html")
            read_to_the_end(page)
            assert "Grandmother: Take the lantern." in page.locator(".transcript").inner_text()

            if javascript:
                page.keyboard.press("ArrowRight")  # the script's key for the next episode
                page.wait_for_url("**/en/lantern/002.html")
                read_to_the_end(page)
                page.wait_for_function("location.hash.indexOf('#p') === 0")  # the place, remembered
                page.keyboard.press("ArrowLeft")
                page.wait_for_url("**/en/lantern/001.html")
            else:
                page.locator("#next").click()
                page.wait_for_url("**/en/lantern/002.html")
                read_to_the_end(page)

            # The Korean shelf, from the top page.
            page.goto((exported.first / "index.html").as_uri())
            page.locator("div[lang=ko]").get_by_role("link", name="등불").click()
            page.get_by_role("link", name="제1편: 강").click()  # the North's words, the default
            read_to_the_end(page)
            assert page.locator("html").get_attribute("lang") == "ko"

            # The same page in the other language, from an episode and from a series page.
            page.locator("nav.languages").get_by_role("link", name="English").click()
            page.wait_for_url("**/en/lantern/001.html")
            assert page.locator("html").get_attribute("lang") == "en"
            page.locator(".crumbs").get_by_role("link", name="The Lantern").click()
            page.wait_for_url("**/en/lantern/index.html")
            page.locator("nav.languages").get_by_role("link", name="조선어").click()
            page.wait_for_url("**/ko/lantern/index.html")
            assert page.locator("h1").inner_text() == "등불"
        finally:
            browser.close()
    assert refused == [] and errors == [], (refused, errors)
