"""The reader's journey through the production stack, once in English and once in Korean.

A reader on a phone opens the home page, the demo series and its first episode; switches language and
back, landing on the same panel each time; comes back from the home page's "Continue reading" to where
they were; turns on the data saver and gets narrower pictures; saves the episode and reads it with no
network, in their language; downloads it for a comic app; and follows the Give page's donation link.
Each step checks what they see (the heading, the status line, in their language), and everything that
Person.check() fails on.
"""
from __future__ import annotations

import re
import time
import zipfile
from typing import TYPE_CHECKING
from xml.etree import ElementTree

import pytest

from comics.demo.art import DEMO_SERIES
from comics.demo.loader import DEMO_DONATION_LINKS
from comics.demo.script_ko import series_in_korean
from tests.comics.test_browser_reader import scroll_to_end
from tests.journeys.people import HANG_GUARD_MS, Person, catalogue
from web.languages import native_name

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

    from tests.journeys.stack import Stack

pytestmark = [pytest.mark.journey, pytest.mark.browser]

SITE_NAME = "Free Lines"  # settings' default, which the stack keeps
DEMO = {"en": DEMO_SERIES, "ko": series_in_korean()}
SERIES = f"/series/{DEMO_SERIES.slug}/"
EPISODE = f"{SERIES}1/"
EVERY_PANEL_SHOWN = "() => [...document.querySelectorAll('.strip img')].every(img => img.complete && img.naturalWidth > 0)"
# What a panel offers and what the browser chose: the AVIF widths of its <picture>, and the file shown.
PANEL_SOURCES = """() => [...document.querySelectorAll('.strip picture')].map(picture => ({
    offered: (picture.querySelector('source[type="image/avif"]')?.srcset || '').split(',').filter(Boolean)
        .map(candidate => { const [url, width] = candidate.trim().split(/\\s+/); return [new URL(url, location.href).href, parseInt(width)]; }),
    shown: picture.querySelector('img').currentSrc,
}))"""


def said(language: str, message: str, **values: object) -> str:
    """Return an interface message as a page in this language shows it (the catalogue's translation)."""
    text = catalogue(language).gettext(message) if language != "en" else message
    return text % values if values else text


def other_language(language: str) -> str:
    return "ko" if language == "en" else "en"


def episode_heading(language: str, number: int = 1) -> str:
    return f"{said(language, 'Episode %(number)s:', number=number)} {DEMO[language].episodes[number - 1].title}"


def address(person: Person, language: str, path: str) -> str:
    return f"{person.stack.base_url}{'' if language == 'en' else '/' + language}{path}"


def wait_for_renditions(person: Person) -> None:
    """Reload the episode, as an impatient reader does, until the render worker has made every panel's
    renditions (until then the page shows the masters); fail after the hang guard."""
    deadline = time.monotonic() + HANG_GUARD_MS / 1000
    ready = "() => [...document.querySelectorAll('.strip picture')].every(picture => picture.querySelector('source'))"
    while not person.page.evaluate(ready):
        assert time.monotonic() < deadline, "the panels' renditions were never made"
        person.page.wait_for_load_state("networkidle")
        person.page.reload()


def read_to(page: Page, number: int) -> None:
    """Scroll until a panel is at the top of the screen, and wait until the page has noted the place."""
    page.evaluate(f"window.scrollTo(0, document.getElementById('panel-{number}').getBoundingClientRect().top + window.scrollY)")
    page.wait_for_function("number => document.documentElement.dataset.panel === `panel-${number}`", arg=number)


def read_to_the_end(page: Page) -> None:
    """Scroll down to the end, as a reader does, and wait until every panel is shown."""
    scroll_to_end(page)
    page.wait_for_function(EVERY_PANEL_SHOWN)


def wait_at_panel(page: Page, number: int) -> None:
    """Wait until the panel is at the top of the screen (to the pixel, give or take rounding)."""
    page.wait_for_function(
        "number => Math.abs(document.getElementById(`panel-${number}`).getBoundingClientRect().top) < 3", arg=number
    )


def switch_language(person: Person, to: str, panel: int) -> None:
    """Use the header's language switch and land on the same panel of the episode in that language."""
    page = person.page
    page.locator("header.site-header").get_by_role("link", name=native_name(to), exact=True).click()
    page.wait_for_url(f"{address(person, to, EPISODE)}#panel-{panel}")
    assert page.locator("html").get_attribute("lang") == to
    page.get_by_role("heading", level=1).filter(has_text=episode_heading(to)).wait_for()
    wait_at_panel(page, panel)
    person.check()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_reader_reads_saves_downloads_and_gives(stack: Stack, browser: Browser, language: str) -> None:
    person = Person(browser, stack, language, "reader")
    page = person.page
    demo = DEMO[language]
    try:
        # Home → series → the first episode.
        person.go("/")
        person.sees(SITE_NAME)
        page.locator("#series").get_by_role("link", name=demo.title).click()
        page.wait_for_url(person.url(SERIES))
        person.sees(demo.title)
        page.get_by_role("link", name=person._("Read the first episode")).click()
        page.wait_for_url(person.url(EPISODE))
        wait_for_renditions(person)
        person.sees(episode_heading(language))
        assert page.locator(".language-notice").count() == 0

        # Switch language at panel 4 and land on it; read on to panel 7 there and switch back.
        read_to(page, 4)
        switch_language(person, other_language(language), 4)
        read_to(page, 7)
        switch_language(person, language, 7)
        person.sees(episode_heading(language))

        # Home, and back to where they were from "Continue reading".
        page.get_by_role("link", name=SITE_NAME, exact=True).first.click()
        page.wait_for_url(person.url("/"))
        person.sees(SITE_NAME)
        shelf = page.locator(".continue-reading")
        shelf.get_by_role("heading", name=person._("Continue reading")).wait_for()
        entry = person._("%(series)s · Episode %(number)s: %(title)s", series=demo.title, number=1, title=demo.episodes[0].title)
        shelf.get_by_role("link", name=entry, exact=True).click()
        page.wait_for_url(person.url(EPISODE))
        wait_at_panel(page, 7)
        person.sees(episode_heading(language))

        # The data saver: the reader's own switch, and each panel in its narrowest rendition.
        read_to_the_end(page)
        full = page.evaluate(PANEL_SOURCES)
        page.get_by_role("link", name=person._("Use the data saver (smallest images)")).click()
        page.wait_for_url(f"{person.url(EPISODE)}?saver=on")
        person.link(person._("Turn the data saver off")).wait_for()
        person.sees(episode_heading(language))
        read_to_the_end(page)
        saving = page.evaluate(PANEL_SOURCES)
        assert len(saving) == len(full) >= 10
        for before, after in zip(full, saving, strict=True):
            widths = dict(before["offered"])
            narrowest = min(widths, key=widths.__getitem__)
            assert after["offered"] == [[narrowest, widths[narrowest]]], after
            assert after["shown"] == narrowest, (after, before)
            # At 390 CSS px and 2 device pixels each, the full page shows a wider one.
            assert widths.get(before["shown"], 0) > widths[narrowest], before

        # Save for offline, then read it with no network, in the reader's language.
        person.button(person._("Save for offline")).click()
        page.get_by_role("status").filter(has_text=person._("Saved on this device.")).wait_for()
        person.sees(episode_heading(language), flash=person._("Saved on this device."))
        person.context.set_offline(True)
        try:
            person.go("/saved/")
            person.sees(person._("Saved for offline"))
            page.locator(".saved-list").get_by_role("link", name=entry, exact=True).click()
            page.wait_for_url(person.url(EPISODE))
            person.sees(episode_heading(language))
            assert page.locator("html").get_attribute("lang") == language
            read_to_the_end(page)
            # The next episode was not saved: the notice says so, in the reader's language.
            page.get_by_role("navigation", name=person._("Episodes (bottom)")).get_by_role("link", name=person._("Next")).click()
            page.wait_for_url(f"{person.url(SERIES)}2/?saver=on")
            person.sees(person._("You are offline"))
        finally:
            person.context.set_offline(False)

        # Download the episode for a comic app: a CBZ of its pages with their ComicInfo.xml.
        person.go(EPISODE)
        page.wait_for_url(f"{person.url(EPISODE)}?saver=on")
        person.sees(episode_heading(language))
        with page.expect_download() as download_info:
            person.link(person._("Download for comic apps (CBZ)")).click()
        download = download_info.value
        assert download.suggested_filename == f"{DEMO_SERIES.slug}-001-{language}.cbz"
        with zipfile.ZipFile(download.path()) as cbz:
            names = cbz.namelist()
            info = ElementTree.fromstring(cbz.read("ComicInfo.xml"))
        pages = [name for name in names if re.fullmatch(r"\d{4}\.(jpg|png|webp)", name)]
        assert len(pages) == page.locator(".strip picture").count()
        assert (info.findtext("Title"), info.findtext("Series"), info.findtext("LanguageISO")) == (
            demo.episodes[0].title, demo.title, language
        )
        person.check()

        # The end of the episode gives straight to the donation link, and leads to the Give page, whose
        # donation link leaves the site.
        donation = DEMO_DONATION_LINKS[language]
        end_card = page.locator(".artist-card")
        assert end_card.get_by_role("link", name=person._("Give to %(site)s", site=SITE_NAME), exact=True).get_attribute("href") == donation
        end_card.get_by_role("link", name=person._("More about giving")).click()
        page.wait_for_url(person.url("/give/"))
        person.sees(person._("Give"))
        person.page.get_by_text(
            person._("This link leaves this site for %(host)s. This site loads nothing from it and does not see what you give.", host="example.org")
        ).wait_for()
        sent: list[dict[str, str]] = []

        def donation_page(route: Route) -> None:
            sent.append(route.request.headers)
            route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Donate</title><h1>Donate</h1>")

        person.context.route(donation, donation_page)
        page.locator("main").get_by_role("link", name=person._("Give to %(site)s", site=SITE_NAME), exact=True).click()
        page.wait_for_url(donation)
        assert len(sent) == 1 and "referer" not in sent[0], sent
    finally:
        person.close()
