"""Language names inside sentences are in the page's language ("영어 원작"); the language switch keeps
each language's own name ("English" on a Korean page, "한국어" on an English one)."""

from __future__ import annotations

from flask import Flask

from tests.conftest import SiteBuilder
from web.languages import language_name, native_name


def test_a_language_is_named_in_the_page_language(app: Flask) -> None:
    with app.test_request_context("/"):
        assert language_name("ko") == "Korean"
        assert language_name("en") == "English"
        assert language_name("ja") == "Japanese"
        assert language_name("ko", in_language="ko") == "한국어"
    with app.test_request_context("/", environ_overrides={"freelines.language": "ko"}):
        assert language_name("en") == "영어"
        assert language_name("ko") == "한국어"
        # A tag the site does not serve is still named in words, and one nobody knows stays a tag.
        assert language_name("ja") == "일본어"
        assert language_name("zz-unknown") == "zz-unknown"
        assert language_name("en", in_language="en") == "English"


def test_the_native_name_is_the_language_in_itself(app: Flask) -> None:
    assert (native_name("en"), native_name("ko"), native_name("ja")) == ("English", "한국어", "ja")


def test_an_english_original_on_a_korean_page_is_called_yeongeo(app: Flask, site: SiteBuilder) -> None:
    series = site.series()  # an English series: its episode has no Korean version
    site.episode(series)
    client = app.test_client()
    korean = client.get("/ko/series/river/1/").get_data(as_text=True)
    assert "영어 원작" in korean and "English 원작" not in korean
    english = client.get("/series/river/1/").get_data(as_text=True)
    assert "한국어" in english  # the language switch, in its own name
