"""The demo content: loaded through the real pipeline, once, and readable end to end."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from comics.demo.art import DEMO_SERIES
from comics.demo.loader import load_demo
from comics.models import Episode, Panel, Series
from extensions import db


def test_demo_has_a_series_of_three_episodes_of_tall_panels(demo_app: Flask) -> None:
    with demo_app.app_context():
        series = db.session.scalar(select(Series))
        assert series is not None
        assert len(series.episodes) >= 3
        for episode in series.episodes:
            assert episode.is_public
            # Each drawn panel fits the slice height, so it stays one panel with its own alt text.
            script = DEMO_SERIES.episodes[episode.number - 1]
            assert len(episode.panels) == len(script.panels) >= 10
            assert all(panel.height > panel.width for panel in episode.panels)
            assert [panel.alt_text for panel in episode.panels] == [alt for alt, _ in script.panels]
        assert series.artist.primary_link is not None
        assert len(series.artist.links) >= 3


def test_demo_is_idempotent(demo_app: Flask) -> None:
    with demo_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Panel))
        assert load_demo() is False
        assert db.session.scalar(select(func.count()).select_from(Panel)) == before
        assert db.session.execute(select(func.count()).select_from(Episode)).scalar_one() >= 3


def found_path(pattern: str, page: str) -> str:
    """Return the path the pattern's group captures at its first match in the page; fail if none."""
    match = re.search(pattern, page)
    assert match is not None, pattern
    return match.group(1)


def test_reader_reaches_series_episode_and_profile_from_home(demo_app: Flask) -> None:
    client = demo_app.test_client()
    home = client.get("/").get_data(as_text=True)
    series_path = found_path(r'href="(/series/[^/"]+/)"', home)
    series_page = client.get(series_path).get_data(as_text=True)
    episode_path = found_path(r'href="(/series/[^/"]+/1/)">Read the first episode', series_page)
    episode_page = client.get(episode_path).get_data(as_text=True)
    panels = re.findall(r"<img [^>]*>", episode_page.split('class="strip"')[1].split("</div>")[0])
    assert len(panels) >= 10
    for img in panels:
        assert re.search(r'width="\d+"', img) and re.search(r'height="\d+"', img)
        assert re.search(r'alt="[^"]+"', img), img
    profile_path = found_path(r'href="(/artists/[^/"]+/)"', episode_page)
    profile = client.get(profile_path).get_data(as_text=True)
    assert "button-primary" in profile and "Support" in profile


def test_every_demo_episode_has_a_korean_version_lettered_and_described_in_korean(demo_app: Flask) -> None:
    from comics.demo import script_ko

    korean = script_ko.series_in_korean()
    with demo_app.app_context():
        series = db.session.scalar(select(Series))
        assert series is not None and series.title_in("ko") == korean.title
        assert series.artist.name_in("ko") == korean.artist_name
        for original in series.episodes:
            version = original.version_in("ko")
            assert version is not original and version.is_public and version.language == "ko"
            words = korean.episodes[original.number - 1]
            assert version.title == words.title
            assert [panel.alt_text for panel in version.panels] == [alt for alt, _ in words.panels]
            assert [panel.transcript for panel in version.panels] == [transcript for _, transcript in words.panels]
            # Lettered anew: the Korean panels are other pictures than the English ones.
            assert {panel.image.master for panel in version.panels}.isdisjoint(panel.image.master for panel in original.panels)
    page = demo_app.test_client().get("/ko/series/the-lantern-road/1/").get_data(as_text=True)
    assert korean.episodes[0].title in page and 'class="language-notice"' not in page
    assert f'alt="{korean.episodes[0].panels[0][0]}"' in page


def test_demo_gives_the_give_page_an_example_donation_link_in_each_language(demo_app: Flask) -> None:
    from comics.demo.loader import DEMO_DONATION_LINKS

    client = demo_app.test_client()
    for path, language in (("/give/", "en"), ("/ko/give/", "ko")):
        page = client.get(path).get_data(as_text=True)
        assert f'href="{DEMO_DONATION_LINKS[language]}" rel="noopener noreferrer"' in page, path


def test_demo_leaves_the_give_page_words_an_admin_wrote(app: Flask) -> None:
    from comics.demo.loader import DEMO_DONATION_LINKS, load_give_links
    from comics.giving.models import GiveText, give_texts

    with app.app_context():
        db.session.add(GiveText(language="en", heading="Help us", donation_url="https://give.example.net/"))
        db.session.commit()
        load_give_links()
        texts = give_texts()
        assert (texts["en"].heading, texts["en"].donation_url) == ("Help us", "https://give.example.net/")
        assert texts["ko"].donation_url == DEMO_DONATION_LINKS["ko"]


def test_the_demo_loads_without_reading_its_lettering_and_leaves_the_setting_as_it_was(app: Flask) -> None:
    from comics.demo.loader import lettering_left_unread

    app.config["REVIEW_READ_LETTERING"] = True
    seen = []
    with pytest.raises(RuntimeError), lettering_left_unread():
        seen.append(app.config["REVIEW_READ_LETTERING"])
        raise RuntimeError("a demo that fails half way")
    assert seen == [False] and app.config["REVIEW_READ_LETTERING"] is True
