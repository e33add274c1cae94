"""What a reader sees, in a real Chromium: the demo episode scrolled to its end."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.browser import chromium_page, live_server, policy_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def scroll_to_end(page: Page) -> None:
    """Scroll down half a screen at a time, as a reader does, letting the browser draw each place, so
    every lazy panel starts loading.

    A lazy image starts loading only when a frame the browser draws finds it near the screen: a place
    scrolled past between two frames is never seen, and its panels never load (img.complete stays false
    for good). On a loaded machine frames come late while timers still run, so each step waits for the
    frame itself, not for a time: the second animation frame begins once the first, with its lazy-loading
    checks, is drawn.
    """
    page.evaluate(
        """async () => {
            const drawn = () => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
            for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
                window.scrollTo(0, y);
                await drawn();
            }
            window.scrollTo(0, document.body.scrollHeight);
            await drawn();
        }"""
    )


def test_demo_episode_loads_every_panel_from_the_site_only(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        requested_hosts: set[str] = set()
        errors: list[str] = []
        page.on("request", lambda request: requested_hosts.add(urlsplit(request.url).netloc))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(f"{base_url}/")
        page.locator("#series").get_by_role("link", name="The Lantern Road").click()
        page.get_by_role("link", name="Read the first episode").click()
        page.wait_for_load_state("load")
        scroll_to_end(page)
        page.wait_for_function("() => [...document.querySelectorAll('.strip img')].every(img => img.complete)")
        widths = page.eval_on_selector_all(".strip img", "images => images.map(img => img.naturalWidth)")
        chosen = page.eval_on_selector_all(".strip img", "images => images.map(img => img.currentSrc)")

        assert len(widths) >= 10
        assert all(width > 0 for width in widths), widths
        assert all(src.endswith(".avif") for src in chosen), chosen
        assert errors == []
        assert requested_hosts == {urlsplit(base_url).netloc}
        assert policy_violations(page) == []


def test_arrow_key_moves_to_the_next_episode(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.goto(f"{base_url}/series/the-lantern-road/1/")
        page.keyboard.press("ArrowRight")
        page.wait_for_url(f"{base_url}/series/the-lantern-road/2/")
        page.keyboard.press("ArrowLeft")
        page.wait_for_url(f"{base_url}/series/the-lantern-road/1/")
        assert policy_violations(page) == []
