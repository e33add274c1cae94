"""Switching language in a real Chromium: the reader lands on the same panel of the other version."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from flask import Flask

from tests.browser import chromium_page, live_server, policy_violations
from tests.comics.test_reader_languages import add_version
from tests.conftest import SiteBuilder

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def read_to(page: Page, number: int) -> None:
    """Scroll so a panel is at the top of the screen, and wait until the page has noted the place."""
    page.evaluate(f"() => window.scrollTo(0, document.getElementById('panel-{number}').getBoundingClientRect().top + window.scrollY)")
    page.wait_for_function(f"() => document.documentElement.dataset.panel === 'panel-{number}'")


def test_switching_language_keeps_the_panel(app: Flask, site: SiteBuilder) -> None:
    with app.app_context():
        original = site.episode(site.series(), panels=8, title="The first night")
        add_version(original, panels=8)
    with live_server(app) as base_url, chromium_page() as page:
        page.set_viewport_size({"width": 390, "height": 700})
        page.goto(f"{base_url}/series/river/1/")
        read_to(page, 5)
        # The switch is in the header: the reader scrolls back up to it, and the place is kept.
        page.locator("a.language-switch").click()
        page.wait_for_load_state("load")
        assert page.url == f"{base_url}/ko/series/river/1/#panel-5"
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.locator("h1").inner_text().endswith("첫 번째 밤")
        top = page.evaluate("() => document.getElementById('panel-5').getBoundingClientRect().top")
        assert abs(top) < 5, top
        # And back: the English page at the same panel.
        read_to(page, 7)
        page.locator("a.language-switch").click()
        page.wait_for_load_state("load")
        assert page.url == f"{base_url}/series/river/1/#panel-7"
        assert policy_violations(page) == []


def test_a_shorter_version_opens_at_its_last_panel(app: Flask, site: SiteBuilder) -> None:
    with app.app_context():
        original = site.episode(site.series(), panels=6, title="The first night")
        add_version(original, panels=3)
    with live_server(app) as base_url, chromium_page() as page:
        page.set_viewport_size({"width": 390, "height": 700})
        page.goto(f"{base_url}/ko/series/river/1/#panel-6")
        page.wait_for_load_state("load")
        page.wait_for_function("() => window.scrollY > 0")
        top = page.evaluate("() => document.getElementById('panel-3').getBoundingClientRect().top")
        assert top < 700


# The characters on either side of each line break of an element's text, read from the layout itself.
LINE_BREAKS = """element => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const breaks = [];
    let previous = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let index = 0; index < node.length; index++) {
            const range = document.createRange();
            range.setStart(node, index);
            range.setEnd(node, index + 1);
            const box = range.getClientRects()[0];
            if (!box || node.data[index].trim() === "") continue;
            if (previous && box.top > previous.top + 2) breaks.push(previous.text + "|" + node.data.slice(Math.max(0, index - 1), index + 1));
            previous = {top: box.top, text: node.data.slice(index, index + 1)};
        }
    }
    return breaks;
}"""


def test_korean_lines_break_between_words_on_a_narrow_phone(app: Flask, site: SiteBuilder) -> None:
    """연재해/요 or 후/원하기 is how a Korean line must never break: only at the spaces between words."""
    summary = "북쪽 바다가 보이는 작은 마을에서 자란 아이가 가족과 헤어져 강을 건너는 이야기를 연재해요. " * 3
    with app.app_context():
        series = site.series(slug="gang", title="강")
        series.language = "ko"
        series.summary = summary.strip()
        site.episode(series, title="첫 번째 밤")
    with live_server(app) as base_url, chromium_page() as page:
        page.set_viewport_size({"width": 320, "height": 700})
        for path, text in (("/ko/series/gang/", "북쪽 바다가"), ("/ko/account/login", "계정")):
            page.goto(base_url + path)
            paragraph = page.locator("main p").filter(has_text=text).first
            breaks = paragraph.evaluate(LINE_BREAKS)
            assert breaks, f"{path}: the paragraph fits one line at 320 px, so this checks nothing"
            # Each new line starts after a space: the character before the break point is a space.
            assert all(pair.split("|")[1][:1] == " " for pair in breaks), (path, breaks)
