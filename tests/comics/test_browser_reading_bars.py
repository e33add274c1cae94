"""The reading bars and saving for offline in the page's language, in a real Chromium at 390×844
(templates/comics/_reading_bars.html, static/js/reading-bars.js, offline.js, offline-sw.js)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from comics.models import Episode, Series
from comics.stats.models import EpisodeDailyViews
from extensions import db
from tests.browser import chromium_page, live_server, new_page, policy_violations
from tests.comics.test_browser_layout import OUTSIDE_THE_COLUMN

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

SERIES = "/series/the-lantern-road/"
EPISODE = SERIES + "2/"
ROOTS = {"en": "", "ko": "/ko"}
WORDS = {
    "en": {
        "top": "Reading bar (top)",
        "bottom": "Reading bar (bottom)",
        "show": "Show the reading bars",
        "back": "Back to the series: The Lantern Road",
        "previous": "Previous",
        "list": "All episodes",
        "next": "Next",
        "saver": "Data saver: off",
        "saver on": "Data saver: on",
        "save": "Save",
        "share": "Share",
        "other": "한국어",
        "offline": "You are offline",
        "episode": "Episode 2:",
    },
    "ko": {
        "top": "읽기 도구 (위)",
        "bottom": "읽기 도구 (아래)",
        "show": "읽기 도구 보기",
        "back": "작품으로 돌아가기: 등불 길",
        "previous": "이전 화",
        "list": "전체 회차",
        "next": "다음 화",
        "saver": "데이터 절약: 꺼짐",
        "saver on": "데이터 절약: 켜짐",
        "save": "저장",
        "share": "공유",
        "other": "English",
        "offline": "오프라인 상태예요",
        "episode": "2화:",
    },
}
# Every layout shift of the page from its start, read at the end: a PerformanceObserver set up before the
# page's own scripts, its queued records taken as well as those already delivered.
WATCH_SHIFTS = """
window.layoutShifts = [];
const shiftObserver = new PerformanceObserver((list) => window.layoutShifts.push(...list.getEntries()));
shiftObserver.observe({ type: "layout-shift", buffered: true });
window.takeLayoutShifts = () => {
    window.layoutShifts.push(...shiftObserver.takeRecords());
    return window.layoutShifts.map((entry) => entry.value);
};
"""


def bars(page: Page, words: dict[str, str]) -> tuple[Locator, Locator]:
    """Return the top and bottom bars, found by their landmarks (found only while not aria-hidden)."""
    return (
        page.get_by_role("navigation", name=words["top"], exact=True),
        page.get_by_role("navigation", name=words["bottom"], exact=True),
    )


def assert_hidden(page: Page) -> None:
    """Both bars are off the screen, aria-hidden and inert, so neither focus nor a screen reader meets them."""
    for bar in page.locator(".reading-bar").all():
        bar.wait_for(state="hidden")
        assert bar.get_attribute("aria-hidden") == "true"
        assert bar.evaluate("bar => bar.inert") is True


def assert_shown(page: Page, words: dict[str, str]) -> None:
    """Both bars are on the screen at its edges, read out as landmarks, and not inert."""
    top, bottom = bars(page, words)
    top.wait_for(state="visible")
    bottom.wait_for(state="visible")
    assert top.evaluate("bar => bar.inert") is False
    top_box, bottom_box = top.bounding_box(), bottom.bounding_box()
    assert top_box is not None and bottom_box is not None
    assert top_box["y"] == 0
    size = page.viewport_size or {"width": 390, "height": 844}
    assert bottom_box["y"] + bottom_box["height"] == pytest.approx(size["height"], abs=1)


# Resolves once the page has stood still for three frames: a wheel's scroll is done, and reading-bars.js,
# which reads the scroll once a frame, has seen the last of it.
STILL = """() => new Promise(resolve => {
    let last = window.scrollY, still = 0;
    const look = () => {
        still = window.scrollY === last ? still + 1 : 0;
        last = window.scrollY;
        if (still >= 3) resolve(true); else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
})"""


def scroll(page: Page, pixels: int) -> None:
    """Scroll by a wheel, as a reader does, and wait until the page stands still."""
    page.mouse.wheel(0, pixels)
    page.evaluate(STILL)


def tap_the_panels(page: Page) -> None:
    page.evaluate(STILL)
    size = page.viewport_size or {"width": 390, "height": 844}
    page.mouse.click(size["width"] / 2, size["height"] / 2)  # the middle of the screen, on the strip


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_bars_hide_and_show_by_tap_scroll_and_keyboard(demo_app: Flask, language: str) -> None:
    words = WORDS[language]
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.emulate_media(reduced_motion="reduce")  # no slide: the bars are where they end up at once
        page.context.add_init_script(WATCH_SHIFTS)
        page.goto(base_url + ROOTS[language] + EPISODE)
        # On arrival the page's own header and navigation are on screen, and the bars are away.
        assert_hidden(page)

        # Reading down into the strip leaves them away; a tap on the panels brings them, another takes them.
        page.evaluate("document.getElementById('panel-3').scrollIntoView()")
        scroll(page, 300)
        assert_hidden(page)
        tap_the_panels(page)
        assert_shown(page, words)
        assert page.evaluate(OUTSIDE_THE_COLUMN) == []  # the bars run edge to edge, their controls in the column
        top, bottom = bars(page, words)
        assert top.get_by_role("link", name=words["back"]).get_attribute("href") == ROOTS[language] + SERIES
        assert words["episode"] in top.inner_text()
        assert top.get_by_role("link", name=words["other"]).is_visible()
        for name in ("previous", "list", "next", "saver"):
            assert bottom.get_by_role("link", name=words[name], exact=True).is_visible(), name
        for name in ("save", "share"):
            assert bottom.get_by_role("button", name=words[name], exact=True).is_visible(), name
        tap_the_panels(page)
        assert_hidden(page)

        # Scrolling down hides them, scrolling up brings them back.
        tap_the_panels(page)
        assert_shown(page, words)
        scroll(page, 400)
        assert_hidden(page)
        scroll(page, -200)
        assert_shown(page, words)
        scroll(page, 400)
        assert_hidden(page)

        # The keyboard: the button shown on focus brings them and moves focus into the top bar; Tab goes
        # on through them; Escape puts them away and focus back on the button.
        show = page.get_by_role("button", name=words["show"], exact=True)
        show.focus()
        assert show.is_visible()
        page.keyboard.press("Enter")
        assert_shown(page, words)
        assert page.evaluate("document.activeElement.classList.contains('bar-back')")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.hreflang") == ("ko" if language == "en" else "en")
        scroll(page, 400)  # a keyboard user's focus in the bars keeps them
        scroll(page, 400)
        assert_shown(page, words)
        page.keyboard.press("Escape")
        assert_hidden(page)
        assert page.evaluate("document.activeElement.classList.contains('show-bars')")

        # After the strip the end matter has its own navigation: scrolling up there leaves the bars away.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        scroll(page, -200)
        assert_hidden(page)

        # Scrolling up to the top of the page: its own header is there, and the bars stay away.
        page.evaluate("window.scrollTo(0, 0)")
        scroll(page, -100)
        assert_hidden(page)

        assert page.evaluate("window.takeLayoutShifts()") == []
        assert policy_violations(page) == []


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_bars_lead_to_the_next_episode_the_other_language_and_the_data_saver(demo_app: Flask, language: str) -> None:
    words = WORDS[language]
    root = ROOTS[language]
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.emulate_media(reduced_motion="reduce")
        page.goto(base_url + root + EPISODE)
        page.evaluate("document.getElementById('panel-4').scrollIntoView()")
        page.wait_for_function("() => document.documentElement.dataset.panel")
        panel = page.evaluate("document.documentElement.dataset.panel")
        tap_the_panels(page)
        top, bottom = bars(page, words)
        # The language switch keeps the panel being read, as the header's does.
        top.get_by_role("link", name=words["other"]).click()
        other = ROOTS["ko" if language == "en" else "en"]
        page.wait_for_url(f"{base_url}{other}{EPISODE}#{panel}")

        page.goto(base_url + root + EPISODE)
        tap_the_panels(page)
        bottom.get_by_role("link", name=words["saver"], exact=True).click()
        page.wait_for_url(f"{base_url}{root}{EPISODE}?saver=on")
        tap_the_panels(page)
        bottom.get_by_role("link", name=words["saver on"], exact=True).wait_for()
        # The next episode keeps the data saver, as every episode link does while it is on.
        bottom.get_by_role("link", name=words["next"], exact=True).click()
        page.wait_for_url(f"{base_url}{root}{SERIES}3/?saver=on")
        assert policy_violations(page) == []


def test_on_a_desktop_the_bars_keep_to_the_column_and_share_copies_the_address(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.emulate_media(reduced_motion="reduce")
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{base_url}/ko{EPISODE}?saver=on")
        page.evaluate("document.getElementById('panel-3').scrollIntoView()")
        tap_the_panels(page)
        assert_shown(page, WORDS["ko"])
        assert page.evaluate(OUTSIDE_THE_COLUMN) == []
        _top, bottom = bars(page, WORDS["ko"])
        bottom.get_by_role("button", name="공유", exact=True).click()
        bottom.get_by_role("button", name="링크 복사됨", exact=True).wait_for()
        # The page's own address, without the data-saver flag.
        assert page.evaluate("navigator.clipboard.readText()").endswith(f"/ko{EPISODE}")
        assert page.get_by_role("status").filter(has_text="링크 복사됨").count() == 1
        assert policy_violations(page) == []


def test_without_javascript_the_page_has_its_own_navigation_and_no_bars(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        plain = new_page(page, java_script_enabled=False, viewport={"width": 390, "height": 844})
        plain.goto(f"{base_url}/ko{EPISODE}")
        assert plain.locator(".reading-bars").is_hidden()
        assert plain.locator(".show-bars").is_hidden()
        for label in ("회차 이동 (위)", "회차 이동 (아래)"):
            assert plain.get_by_role("navigation", name=label).get_by_role("link", name="다음 화").count() == 1
        plain.evaluate("document.getElementById('panel-3').scrollIntoView()")
        plain.mouse.click(195, 422)
        assert plain.locator(".reading-bar").first.is_hidden()
        assert policy_violations(page) == []


def episode_views(app: Flask, number: int) -> int:
    """Return every view counted of an episode of the demo series (its versions are counted as it)."""
    query = (
        select(func.coalesce(func.sum(EpisodeDailyViews.views), 0))
        .join(Episode, Episode.id == EpisodeDailyViews.episode_id)
        .join(Series, Series.id == Episode.series_id)
        .where(Series.slug == "the-lantern-road", Episode.number == number)
    )
    with app.app_context():
        return int(db.session.scalar(query) or 0)


def test_a_saved_korean_episode_reads_offline_in_korean_and_saving_counts_no_view(demo_app: Flask) -> None:
    words = WORDS["ko"]
    with chromium_page() as page:
        page.emulate_media(reduced_motion="reduce")
        asked: list[dict[str, Any]] = []
        page.context.on(
            "request", lambda request: asked.append(request.headers) if request.url.endswith(f"/ko{EPISODE}") else None
        )
        with live_server(demo_app) as base_url:
            page.goto(f"{base_url}/ko{EPISODE}")
            before = episode_views(demo_app, 2)
            # Saved from the reading bar: its label and the reading tools' status both say so.
            page.evaluate("document.getElementById('panel-3').scrollIntoView()")
            tap_the_panels(page)
            _top, bottom = bars(page, words)
            bottom.get_by_role("button", name=words["save"], exact=True).click()
            page.get_by_role("status").filter(has_text="이 기기에 저장했어요.").wait_for()
            bottom.get_by_role("button", name="저장됨", exact=True).wait_for()
            # The page was asked for again to be kept (by the page, then by the worker on its behalf),
            # each time saying it is not a reading: no view is counted.
            purposes = [headers.get("purpose") for headers in asked]
            assert purposes[0] is None and len(purposes) > 1 and set(purposes[1:]) == {"prefetch"}, purposes
            assert episode_views(demo_app, 2) == before

        # The server is gone and the browser is offline: the saved copy is the Korean one.
        page.context.set_offline(True)
        page.reload()
        page.wait_for_selector(".strip img")
        assert page.locator("html").get_attribute("lang") == "ko"
        assert page.locator("h1").inner_text().startswith("2화:")
        # Another Korean page: the notice in Korean; an English page, though nothing was saved in English,
        # its notice in English (every language's notice is kept with the episode).
        page.goto(f"{base_url}/ko{SERIES}3/")
        page.get_by_role("heading", name=words["offline"]).wait_for()
        assert page.locator("html").get_attribute("lang") == "ko"
        page.goto(f"{base_url}{EPISODE}")
        page.get_by_role("heading", name=WORDS["en"]["offline"]).wait_for()
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto(f"{base_url}/saved/")
        page.locator(".saved-list li").wait_for()
        assert "등불 길" in page.locator(".saved-list li").inner_text()
        assert policy_violations(page) == []
