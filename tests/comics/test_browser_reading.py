"""Reading on the reader's own device, in a real Chromium: resume, data saver, next episode ready,
save for offline (static/js/reader.js, offline.js, offline-sw.js)."""
from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from comics.models import Episode, Series
from extensions import db
from tests.browser import chromium_page, live_server, new_page, policy_violations
from tests.comics.test_browser_reader import scroll_to_end

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

EPISODE = "/series/the-lantern-road/1/"
NEXT = "/series/the-lantern-road/2/"
ALL_PANELS_LOADED = "() => [...document.querySelectorAll('.strip img')].every(img => img.complete && img.naturalWidth > 0)"
# Whether one of the last three panels is on screen, answered only once reader.js's observer of them
# (the one that prefetches) has been told too: observers of one frame are told in one task, and the
# answer comes in a task after it. Seeing nothing prefetched then means the page chose not to, where a
# wait for a while would only hope it had had time to. (At the very bottom of the page the panels are
# above the screen: the episode's end matter follows them.)
END_IN_VIEW = """() => new Promise(resolve => {
    const observer = new IntersectionObserver(entries => {
        observer.disconnect();
        const seen = entries.some(entry => entry.isIntersecting);
        setTimeout(() => resolve(seen));
    });
    for (const panel of [...document.querySelectorAll('.strip .panel[id]')].slice(-3)) observer.observe(panel);
})"""
# The place reader.js keeps for resuming, once the scroll has settled.
PLACE_KEPT = "panel => Object.values(JSON.parse(localStorage.getItem('reading-places')) || {}).some(place => place.panel === panel)"


def panel_top(page: Page, number: int) -> float:
    return float(page.evaluate(f"document.getElementById('panel-{number}').getBoundingClientRect().top"))


def narrowest_avifs(app: Flask, number: int = 1) -> list[str]:
    """Return the file name of each panel's narrowest AVIF, in order."""
    with app.app_context():
        series = db.session.scalar(db.select(Series).where(Series.slug == "the-lantern-road"))
        assert series is not None
        episode = db.session.scalar(Episode.public().where(Episode.series_id == series.id, Episode.number == number))
        assert episode is not None
        return [panel.image.sources("avif")[0].file for panel in episode.panels]


def prefetched(page: Page) -> list[str]:
    """Return the addresses reader.js has asked the browser to prefetch."""
    return list(page.eval_on_selector_all("link[rel=prefetch]", "links => links.map(link => link.href)"))


def chosen_sources(page: Page) -> list[str]:
    scroll_to_end(page)
    page.wait_for_function(ALL_PANELS_LOADED)
    return list(page.eval_on_selector_all(".strip img", "images => images.map(img => img.currentSrc)"))


def assert_narrowest(chosen: list[str], narrowest: list[str]) -> None:
    assert len(chosen) == len(narrowest) >= 10
    for src, name in zip(chosen, narrowest, strict=True):
        assert src.endswith(name), (src, name)


def test_reading_resumes_at_the_same_place_and_can_be_forgotten(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.goto(base_url + EPISODE)
        page.evaluate("document.getElementById('panel-7').scrollIntoView()")
        page.wait_for_function(PLACE_KEPT, arg="panel-7")
        page.locator("a.site-name").click()
        page.wait_for_url(f"{base_url}/")

        shelf = page.locator(".continue-reading")
        shelf.wait_for(state="visible")
        entry = shelf.get_by_role("link")
        assert entry.count() == 1
        assert "The Lantern Road · Episode 1:" in entry.inner_text()
        entry.click()
        page.wait_for_url(base_url + EPISODE)
        assert abs(panel_top(page, 7)) <= 3

        # A reload keeps it too; an address naming a panel wins over the stored place.
        page.reload()
        assert abs(panel_top(page, 7)) <= 3
        page.goto(f"{base_url}{EPISODE}#panel-3")
        assert abs(panel_top(page, 3)) <= 3

        page.goto(f"{base_url}/series/the-lantern-road/")
        page.locator(".continue-reading").wait_for(state="visible")
        page.get_by_role("button", name="Forget my reading history").click()
        assert page.locator(".continue-reading").is_hidden()
        page.goto(f"{base_url}/")
        assert page.locator(".continue-reading").is_hidden()
        assert page.evaluate("localStorage.getItem('reading-places')") is None
        assert policy_violations(page) == []


def test_save_data_header_gets_the_narrowest_panels(demo_app: Flask) -> None:
    narrowest = narrowest_avifs(demo_app)
    with live_server(demo_app) as base_url, chromium_page() as first:
        page = new_page(
            first, viewport={"width": 390, "height": 844}, device_scale_factor=3, extra_http_headers={"Save-Data": "on"}
        )
        page.goto(base_url + EPISODE)
        assert_narrowest(chosen_sources(page), narrowest)
        assert policy_violations(page) == []


def test_the_readers_own_switch_gets_the_narrowest_panels_and_no_prefetch(demo_app: Flask) -> None:
    narrowest = narrowest_avifs(demo_app)
    with live_server(demo_app) as base_url, chromium_page() as first:
        page = new_page(first, viewport={"width": 390, "height": 844}, device_scale_factor=3)
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base_url + EPISODE)
        page.get_by_role("link", name=re.compile("Use the data saver")).click()
        page.wait_for_url(re.compile(r"saver=on"))
        assert_narrowest(chosen_sources(page), narrowest)
        page.locator(".strip .panel[id]").last.scroll_into_view_if_needed()
        assert page.evaluate(END_IN_VIEW) is True
        assert prefetched(page) == []
        assert not [url for url in requested if NEXT in url]

        # The switch is kept: an episode opened by its plain address comes in data-saver mode.
        page.goto(base_url + NEXT)
        page.wait_for_url(re.compile(r"/2/\?saver=on"))
        assert_narrowest(chosen_sources(page), narrowest_avifs(demo_app, 2))
        page.get_by_role("link", name="Turn the data saver off").click()
        page.wait_for_url(base_url + NEXT)
        assert page.evaluate("localStorage.getItem('data-saver')") is None
        assert policy_violations(page) == []


def test_the_next_episode_is_prefetched_near_the_end(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base_url + EPISODE)
        plan = json.loads(page.get_attribute("article[data-place]", "data-next-panels") or "[]")
        # A 390-CSS-px screen at 2x wants 780 pixels: the 800 px AVIF of each of the first two panels.
        expected = [next(url for width, url in panel["avif"] if width >= 780) for panel in plan]
        assert len(expected) == 2
        assert page.evaluate(END_IN_VIEW) is False
        assert prefetched(page) == [], "prefetched before the end"
        assert not [url for url in requested if NEXT in url], "prefetched before the end"

        scroll_to_end(page)
        page.wait_for_function(
            "urls => urls.every(url => performance.getEntriesByName(new URL(url, location.href).href).length)",
            arg=[NEXT, *expected],
        )
        assert base_url + NEXT in requested
        assert all(base_url + url in requested for url in expected)
        assert policy_violations(page) == []


def test_a_saved_episode_reads_offline_and_can_be_removed(demo_app: Flask) -> None:
    with chromium_page() as page:
        with live_server(demo_app) as base_url:
            page.goto(base_url + EPISODE)
            page.get_by_role("button", name="Save for offline").click()
            page.get_by_role("status").filter(has_text="Saved on this device.").wait_for()
        # The server is gone and the browser is offline: only the saved copy can answer.
        page.context.set_offline(True)
        page.reload()
        page.wait_for_selector(".strip img")
        chosen_sources(page)
        assert page.evaluate("navigator.serviceWorker.controller !== null")

        page.goto(base_url + NEXT)
        assert page.get_by_role("heading", name="You are offline").is_visible()

        page.goto(f"{base_url}/saved/")
        item = page.locator(".saved-list li")
        item.wait_for()
        assert "The Lantern Road · Episode 1:" in item.inner_text()
        assert re.search(r"\d+(\.\d)? (kB|MB)", page.locator(".saved-size").inner_text())
        item.get_by_role("button", name="Remove").click()
        page.locator(".saved-empty").wait_for(state="visible")
        assert page.locator(".saved-list li").count() == 0
        assert page.evaluate("caches.keys()") == []
        assert policy_violations(page) == []


def test_a_copy_saved_before_the_data_saver_was_turned_on_reads_offline_without_reloading(demo_app: Flask) -> None:
    with chromium_page() as page:
        loads: list[str] = []
        page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
        with live_server(demo_app) as base_url:
            page.goto(base_url + EPISODE)
            page.get_by_role("button", name="Save for offline").click()
            page.get_by_role("status").filter(has_text="Saved on this device.").wait_for()
            page.get_by_role("link", name=re.compile("Use the data saver")).click()
            page.wait_for_url(re.compile(r"saver=on"))
        # Offline, the saved copy is the full one: the page asks for data-saver mode once, gets the same
        # copy, and is read as it is (it used to reload itself again and again).
        page.context.set_offline(True)
        loads.clear()
        page.goto(base_url + EPISODE, wait_until="commit")
        page.wait_for_url(base_url + EPISODE + "?saver=on", wait_until="commit")
        page.evaluate("window.sameDocument = true")
        chosen_sources(page)
        assert page.evaluate("window.sameDocument === true")
        assert loads == [base_url + EPISODE, base_url + EPISODE + "?saver=on"]
        assert policy_violations(page) == []
