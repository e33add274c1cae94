"""Following a series without an account, in a real Chromium (static/js/follow.js): follow on the
series page, the home page showing it first, the "new" mark across a publication and gone once the
series or its latest episode (static/js/reader.js) is opened, and the one Forget button; in English
and Korean, with the page cache on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from extensions import db
from tests.browser import chromium_page, live_server, policy_violations
from tests.conftest import SiteBuilder, make_test_app
from tests.page_text import VisibleText, english_left, interface_words
from tests.web.page_cache.test_page_cache import real_cache

pytestmark = pytest.mark.browser

WORDS = {
    "": {"follow": "Follow", "unfollow": "Stop following", "new": "New episodes", "forget": "Forget my reading history"},
    "/ko": {
        "follow": "관심 작품에 담기",
        "unfollow": "관심 작품에서 빼기",
        "new": "새 회차",
        "forget": "읽은 기록과 관심 작품 지우기",
    },
}
FOLLOWED = "() => JSON.parse(localStorage.getItem('followed-series'))"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(tmp_path, **real_cache(tmp_path))
    with app.app_context():
        yield app


def series_cards(page: object, selector: str) -> list[str]:
    return list(page.eval_on_selector_all(f"{selector} > li", "cards => cards.map(card => card.dataset.series)"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_follow_mark_new_episodes_and_forget(app: Flask, site: SiteBuilder, prefix: str) -> None:
    words = WORDS[prefix]
    artist = site.artist()
    river = site.series(artist)
    site.episode(river, panels=1)
    for slug in ("amber", "stream"):
        site.episode(site.series(artist, slug=slug, title=slug.title()), panels=1)

    with live_server(app) as base_url, chromium_page() as page:
        home = f"{base_url}{prefix}/"
        page.goto(home)
        assert page.locator(".following").is_hidden()
        assert page.locator(".kept-here").is_hidden()
        assert series_cards(page, "#series .series-grid") == ["amber", "river", "stream"]

        page.goto(f"{base_url}{prefix}/series/river/")
        follow = page.get_by_role("button", name=words["follow"], exact=True)
        follow.click()
        page.get_by_role("button", name=words["unfollow"], exact=True).wait_for()
        assert page.evaluate(FOLLOWED)["river"]["seen"] == 1

        # Followed series come first, out of the list of every series; nothing new yet.
        page.goto(home)
        page.locator(".following").wait_for(state="visible")
        assert series_cards(page, ".following-list") == ["river"]
        assert series_cards(page, "#series .series-grid") == ["amber", "stream"]
        page.wait_for_load_state("networkidle")  # the latest numbers have been asked for and read
        assert page.locator(".new-mark").count() == 0

        # An episode is published between two visits: the home page marks the series.
        site.episode(river, panels=1)
        page.reload()
        mark = page.locator(".following-list .new-mark")
        mark.wait_for()
        assert mark.inner_text() == words["new"]
        assert words["new"] in page.locator(".following-list a").inner_text()
        if prefix:
            text = VisibleText.of(page.content(), "ko")
            assert english_left(text, interface_words() - {"River", "Amber", "Stream"}) == []

        # Opening the series marks it seen; the mark is gone on the next visit.
        page.locator(".following-list a").click()
        page.wait_for_url(f"{base_url}{prefix}/series/river/")
        page.get_by_role("button", name=words["unfollow"], exact=True).wait_for()
        page.goto(home)
        page.locator(".following").wait_for(state="visible")
        page.wait_for_load_state("networkidle")
        assert page.locator(".new-mark").count() == 0
        assert page.evaluate(FOLLOWED)["river"]["seen"] == 2

        # The one Forget button forgets the series followed too; the list is whole again.
        page.get_by_role("button", name=words["forget"]).click()
        assert page.locator(".following").is_hidden()
        assert page.locator(".kept-here").is_hidden()
        assert series_cards(page, "#series .series-grid") == ["amber", "river", "stream"]
        assert page.evaluate("localStorage.getItem('followed-series')") is None
        page.goto(f"{base_url}{prefix}/series/river/")
        page.get_by_role("button", name=words["follow"], exact=True).wait_for()
        assert policy_violations(page) == []


@pytest.mark.parametrize("prefix", ["", "/ko"])
def test_opening_an_episode_marks_its_series_seen_up_to_it(app: Flask, site: SiteBuilder, prefix: str) -> None:
    words = WORDS[prefix]
    river = site.series(site.artist())
    site.episode(river, panels=1)

    with live_server(app) as base_url, chromium_page() as page:
        home = f"{base_url}{prefix}/"
        page.goto(f"{base_url}{prefix}/series/river/")
        page.get_by_role("button", name=words["follow"], exact=True).click()
        page.get_by_role("button", name=words["unfollow"], exact=True).wait_for()
        site.episode(river, panels=1)
        site.episode(river, panels=1)

        # Episode 2 opened from "Latest episodes", not from the series page: seen up to 2, so the
        # series is still marked for episode 3.
        page.goto(home)
        page.locator(".following-list .new-mark").wait_for()
        page.locator(".episode-list a[href$='/series/river/2/']").click()
        page.wait_for_url(f"{base_url}{prefix}/series/river/2/")
        page.wait_for_function("() => JSON.parse(localStorage.getItem('followed-series')).river.seen === 2")
        page.goto(home)
        page.locator(".following-list .new-mark").wait_for()

        # Episode 3 opened from a shared link (typed in): seen up to 3, the mark is gone.
        page.goto(f"{base_url}{prefix}/series/river/3/")
        page.wait_for_function("() => JSON.parse(localStorage.getItem('followed-series')).river.seen === 3")
        page.goto(home)
        page.locator(".following").wait_for(state="visible")
        page.wait_for_load_state("networkidle")
        assert page.locator(".new-mark").count() == 0

        # An earlier episode lowers nothing; a series not followed is not added.
        page.goto(f"{base_url}{prefix}/series/river/1/")
        page.locator(".strip img").first.wait_for()
        page.wait_for_load_state("load")
        followed = page.evaluate(FOLLOWED)
        assert list(followed) == ["river"] and followed["river"]["seen"] == 3
        page.evaluate("localStorage.removeItem('followed-series')")
        page.goto(f"{base_url}{prefix}/series/river/2/")
        page.wait_for_load_state("load")
        assert page.evaluate(FOLLOWED) is None
        assert policy_violations(page) == []


def test_without_javascript_there_is_no_follow_button(app: Flask, site: SiteBuilder) -> None:
    site.episode(site.series(), panels=1)
    db.session.commit()
    with live_server(app) as base_url, chromium_page() as page:
        browser = page.context.browser
        assert browser is not None
        context = browser.new_context(java_script_enabled=False)
        quiet = context.new_page()
        quiet.goto(f"{base_url}/series/river/")
        assert quiet.get_by_role("button", name="Follow").count() == 0
        assert quiet.locator(".follow-series").is_hidden()
        # The feeds stay the way to follow.
        assert quiet.locator("link[rel=alternate][type='application/rss+xml']").count() >= 1
        context.close()
