"""The page's shape on a phone and a desktop, in a real Chromium: a header on one line, every block in
the column, panels edge to edge, and the Give button where a reader finishes an episode."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from flask import Flask

from comics.demo.loader import DEMO_DONATION_LINKS
from tests.browser import chromium_page, live_server, new_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

EPISODE = "/series/the-lantern-road/1/"
PAGES = ("/", "/series/the-lantern-road/", EPISODE, "/give/")

# Each visible content box inside main, outside the strip of panels, that leaves the column's inner
# edges (the column is at most 800 px wide and centred, with 1rem of padding on either side). Content
# boxes, so that the column's own blocks, whose padding reaches its outer edges, count by their text.
OUTSIDE_THE_COLUMN = """() => {
    const column = Math.min(800, document.documentElement.clientWidth);
    const left = (document.documentElement.clientWidth - column) / 2 + 16;
    const right = left + column - 32;
    return [...document.querySelectorAll("main *")]
        // the strip runs edge to edge, and so do the blocks that hold it
        .filter(element => !element.closest(".strip") && !element.querySelector(".strip"))
        .map(element => {
            const box = element.getBoundingClientRect(), style = getComputedStyle(element);
            const inside = [box.left + parseFloat(style.paddingLeft), box.right - parseFloat(style.paddingRight)];
            return [element, box, inside];
        })
        .filter(([, box]) => box.width > 0 && box.height > 0)
        .filter(([, , [from, to]]) => from < left - 0.5 || to > right + 0.5)
        .map(([element, , [from, to]]) => `${element.tagName}.${element.className} ${from}-${to}`);
}"""


def header_lines(page: Page) -> dict[str, float]:
    """Return the header's height and each of its links' heights over its line height."""
    lines: dict[str, float] = page.evaluate(
        """() => {
            const header = document.querySelector(".site-header");
            const lines = {header: header.getBoundingClientRect().height};
            for (const link of header.querySelectorAll("a")) {
                if (link.getClientRects().length === 0) continue;  // not shown at this width
                const lineHeight = parseFloat(getComputedStyle(link).lineHeight);
                lines[link.textContent.trim()] = link.getClientRects().length === 1
                    ? Math.round(link.getBoundingClientRect().height / lineHeight) : link.getClientRects().length;
            }
            lines.overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
            return lines;
        }"""
    )
    return lines


@pytest.mark.parametrize("width", [320, 360, 390, 414])
def test_the_header_fits_one_line_in_both_languages(demo_app: Flask, width: int) -> None:
    with live_server(demo_app) as base_url, chromium_page() as first:
        page = new_page(first, viewport={"width": width, "height": 800})
        heights = []
        for prefix in ("", "/ko"):
            page.goto(f"{base_url}{prefix}/")
            lines = header_lines(page)
            heights.append(lines.pop("header"))
            assert lines.pop("overflow") == 0, (prefix, width)
            assert set(lines.values()) == {1}, (prefix, width, lines)
        # One line of links: the same height as a desktop's header, in both languages.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{base_url}/")
        assert heights == [header_lines(page)["header"]] * 2


@pytest.mark.parametrize("width", [390, 1280])
def test_every_block_sits_in_the_column_and_panels_run_edge_to_edge(demo_app: Flask, width: int) -> None:
    with live_server(demo_app) as base_url, chromium_page() as first:
        page = new_page(first, viewport={"width": width, "height": 800})
        for prefix in ("", "/ko"):
            for path in PAGES:
                page.goto(f"{base_url}{prefix}{path}")
                assert page.evaluate(OUTSIDE_THE_COLUMN) == [], f"{prefix}{path} at {width} px"
            page.goto(f"{base_url}{prefix}{EPISODE}")
            strip = page.locator(".strip img").first.bounding_box()
            assert strip is not None
            column = min(800, width)
            assert (strip["x"], strip["width"]) == ((width - column) / 2, column)


def test_the_give_button_leads_to_the_donation_link_in_each_language(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.route("https://example.org/**", lambda route: route.fulfill(status=200, body="thank you"))
        for prefix, language in (("", "en"), ("/ko", "ko")):
            for path, where in (("/give/", ".give-link"), (EPISODE, ".give-episode")):
                page.goto(f"{base_url}{prefix}{path}")
                button = page.locator(f"{where} a.button")
                assert button.get_attribute("href") == DEMO_DONATION_LINKS[language]
                button.click()
                page.wait_for_url(DEMO_DONATION_LINKS[language])
