"""Search: finds series, episodes and artists by title and text, never anything readers cannot see."""
from __future__ import annotations

import re
from datetime import timedelta

import flask_babel
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, event, func, select

from artists.models import Artist
from comics import models
from comics.clock import utcnow
from comics.discovery.models import SearchDocument
from comics.discovery.search import MAX_QUERY_LENGTH, search, search_terms, snippet
from comics.models import Episode, EpisodeStatus, Series, SeriesTranslation
from extensions import db
from tests.conftest import SiteBuilder


def found(query: str, page: int = 1) -> list[str]:
    """Return what a search finds, as 'kind:name' strings in result order."""
    names = []
    for hit in search(query, page=page, per_page=50).hits:
        name = {"series": lambda item: item.title, "episode": lambda item: f"{item.series.slug}/{item.number}", "artist": lambda item: item.slug}[hit.kind](hit.item)
        names.append(f"{hit.kind}:{name}")
    return names


def build(site: SiteBuilder) -> tuple[Artist, Series, Episode, Episode]:
    artist = site.artist(bio="I grew up in **Hyesan** and now draw in Seoul.")
    series = site.series(artist, slug="lantern", title="The Lantern Road")
    series.summary = "Grandmother keeps a lantern burning in her window beside the border river."
    first = site.episode(series, panels=1, title="The crossing")
    first.author_note = "Thank you for reading about the winter crossing."
    first.panels[0].transcript = "GUARD: Who goes there at this hour?"
    second = site.episode(series, panels=1, title="Market day")
    db.session.commit()
    return artist, series, first, second


# --- what is found ---------------------------------------------------------------------------------


def test_finds_a_series_by_title_and_by_summary(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("lantern road")[0] == "series:The Lantern Road"
    assert "series:The Lantern Road" in found("grandmother window")


def test_finds_an_episode_by_title_note_and_transcript(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("market") == ["episode:lantern/2"]
    assert found("winter") == ["episode:lantern/1"]
    assert found("who goes there") == ["episode:lantern/1"]


def test_finds_an_artist_by_name_and_bio(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("mina") == ["artist:mina"]
    assert found("hyesan") == ["artist:mina"]  # the Markdown's ** are not part of the word


def test_matches_word_beginnings_case_and_accents(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("LANT")[0] == "series:The Lantern Road"
    assert found("cross") == ["episode:lantern/1"]
    artist = site.artist(slug="jun", name="Jun")
    series = site.series(artist, slug="cafe", title="Café Nights")
    site.episode(series, panels=1, title="강을 건너던 밤")
    assert found("cafe") == ["series:Café Nights"]
    assert found("강을") == ["episode:cafe/1"]
    assert found("건너") == ["episode:cafe/1"]


def test_titles_rank_above_passing_mentions(app: Flask, site: SiteBuilder) -> None:
    build(site)
    other = site.series(site.artist(slug="jun", name="Jun"), slug="river", title="River")
    other.summary = "Not about lanterns, except one."
    site.episode(other, panels=1)
    db.session.commit()
    assert found("lantern")[0] == "series:The Lantern Road"
    assert "series:River" in found("lantern")


def test_every_word_must_match(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("lantern zebra") == []


# --- what is never found ---------------------------------------------------------------------------


def test_never_lists_an_unpublished_episode(app: Flask, site: SiteBuilder) -> None:
    _, series, _, _ = build(site)
    site.episode(series, panels=1, title="Secret draft", publish=False)
    returned = site.episode(series, panels=1, title="Secret returned")
    returned.status = EpisodeStatus.RETURNED
    submitted = site.episode(series, panels=1, title="Secret submitted", publish=False)
    submitted.status = EpisodeStatus.SUBMITTED
    scheduled = site.episode(series, panels=1, title="Secret scheduled")
    scheduled.published_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert found("secret") == []
    # A scheduled episode is found the moment it goes public: nothing is reindexed.
    scheduled.published_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert found("secret") == ["episode:lantern/6"]


def test_a_scheduled_episode_is_found_when_its_time_comes_with_no_change(
    app: Flask, site: SiteBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The visibility condition is built once per process (search._visible): its "now" is read at each run.
    _, series, _, _ = build(site)
    scheduled = site.episode(series, panels=1, title="Secret scheduled")
    scheduled.published_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert found("secret") == []
    moment = utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(models, "utcnow", lambda: moment)
    assert found("secret") == [f"episode:lantern/{scheduled.number}"]


def test_never_lists_a_series_or_artist_with_no_public_episode(app: Flask, site: SiteBuilder) -> None:
    hidden = site.artist(slug="hidden", name="Hidden Hand", bio="Unpublished so far.")
    series = site.series(hidden, slug="unseen", title="Unseen Waters")
    site.episode(series, panels=1, title="Unseen draft", publish=False)
    assert found("unseen") == [] and found("hidden") == [] and found("unpublished") == []
    series.episodes[0].status = EpisodeStatus.PUBLISHED
    series.episodes[0].published_at = utcnow()
    db.session.commit()
    assert set(found("unseen")) == {"series:Unseen Waters", "episode:unseen/1"}
    assert found("hidden") == ["artist:hidden"]


def test_the_index_follows_edits_and_deletions(app: Flask, site: SiteBuilder) -> None:
    _, series, first, second = build(site)
    first.title = "The thaw"
    db.session.commit()
    assert found("thaw") == ["episode:lantern/1"]
    assert db.session.scalar(select(SearchDocument.title).where(SearchDocument.kind == "episode", SearchDocument.ref_id == first.id)) == "The thaw"
    first.panels[0].transcript = "SOLDIER: Halt!"
    db.session.commit()
    assert found("halt") == ["episode:lantern/1"] and found("guard") == []
    db.session.delete(second)
    db.session.commit()
    assert found("market") == []
    series.title = "The Long Road"
    db.session.commit()
    assert found("long road") == ["series:The Long Road"]
    assert db.session.scalar(select(func.count()).select_from(SearchDocument).where(SearchDocument.kind == "episode")) == 1


def test_reindex_command_rebuilds_the_documents(app: Flask, runner: FlaskCliRunner, site: SiteBuilder) -> None:
    build(site)
    db.session.execute(delete(SearchDocument))
    db.session.commit()
    assert found("lantern") == []
    result = runner.invoke(args=["search-reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 4 series, episodes and artists." in result.output
    assert found("lantern")[0] == "series:The Lantern Road"


# --- the page --------------------------------------------------------------------------------------


def test_search_page_lists_results_with_links_and_highlights(client: FlaskClient, site: SiteBuilder) -> None:
    build(site)
    response = client.get("/search?q=crossing")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'href="/series/lantern/1/"' in page
    assert "<mark>crossing</mark>" in page
    assert "1 result for “crossing”" in page
    assert 'value="crossing"' in page


def test_search_page_shows_each_series_cover_in_the_pages_language(app: Flask, client: FlaskClient, site: SiteBuilder) -> None:
    artist = site.artist()

    def covered_series(slug: str) -> tuple[set[str], set[str]]:
        """A series whose Korean translation has a cover of its own: (the original's files, the Korean's)."""
        series = site.series(artist, slug=slug, title=f"Harbour {slug}")
        panels = site.episode(series, panels=2).panels
        series.cover = panels[0].image
        series.translations.append(SeriesTranslation(language="ko", title=f"항구 {slug}", summary="", cover=panels[1].image))
        db.session.commit()
        return set(panels[0].image.file_names()), set(panels[1].image.file_names())

    def statements(path: str) -> tuple[str, int]:
        count = [0]

        def counted(*_args: object) -> None:
            count[0] += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            page = client.get(path).get_data(as_text=True)
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return page, count[0]

    original, korean = covered_series("first")
    flask_babel.refresh()
    korean_page, one = statements("/ko/search?q=harbour")
    assert any(name in korean_page for name in korean) and not any(name in korean_page for name in original)
    flask_babel.refresh()
    english_page, _ = statements("/search?q=harbour")
    assert any(name in english_page for name in original) and not any(name in english_page for name in korean)
    # The translations' covers are loaded with the page of results, not one series at a time.
    covered_series("second")
    covered_series("third")
    flask_babel.refresh()
    korean_page, three = statements("/ko/search?q=harbour")
    assert korean_page.count('class="search-hit search-hit-series"') == 3 and three == one


def test_search_page_with_no_query_shows_the_form(client: FlaskClient) -> None:
    for path in ("/search", "/search?q=", "/search?q=+++"):
        response = client.get(path)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert 'role="search"' in page and "result" not in page.lower()


def test_search_page_says_kindly_when_nothing_matches(client: FlaskClient, site: SiteBuilder) -> None:
    build(site)
    page = client.get("/search?q=zebra").get_data(as_text=True)
    assert "Nothing matches “zebra” yet." in page
    assert 'href="/#series"' in page


def test_search_page_paginates(app: Flask, client: FlaskClient, site: SiteBuilder) -> None:
    app.config["SEARCH_RESULTS_PER_PAGE"] = 2
    series = site.series()
    for number in range(5):
        site.episode(series, panels=1, title=f"Echo {number}")
    first = client.get("/search?q=echo").get_data(as_text=True)
    assert "5 results" in first and "page 1 of 3" in first
    assert 'href="/search?q=echo&amp;page=2"' in first
    last = client.get("/search?q=echo&page=3").get_data(as_text=True)
    assert len(re.findall(r'class="search-hit ', last)) == 1 and 'rel="prev"' in last and 'rel="next"' not in last
    seen = [re.findall(r'href="(/series/river/\d/)"', client.get(f"/search?q=echo&page={page}").get_data(as_text=True)) for page in (1, 2, 3)]
    assert sorted(sum(seen, [])) == [f"/series/river/{number}/" for number in range(1, 6)]
    for page in ("4", "0", "-1", "abc", "1.5", "99999999999999999999"):
        assert client.get(f"/search?q=echo&page={page}").status_code == 404, page


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "lant*",
        "NEAR(",
        "NEAR(lantern road, 2)",
        "lantern OR",
        "AND",
        "NOT lantern",
        "-lantern",
        "^lantern",
        "title:lantern",
        "{title body}: lantern",
        "lantern:*",
        "!lantern & road | (x",
        "'; DROP TABLE episode; --",
        "\\",
        "%",
        "_",
        "%_%",
        "\x00",
        "lantern\x00road",
        "🏮 lantern",
        "(((((((",
        "a " * 99,
        "x" * MAX_QUERY_LENGTH,
        "\u202e\u200b",
    ],
)
def test_awkward_queries_never_fail(client: FlaskClient, site: SiteBuilder, query: str) -> None:
    build(site)
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200, query
    assert "Search" in response.get_data(as_text=True)


def test_a_query_too_long_is_refused_with_a_reason(client: FlaskClient, site: SiteBuilder) -> None:
    build(site)
    response = client.get("/search", query_string={"q": "lantern " * 40})
    assert response.status_code == 400
    assert f"Search for at most {MAX_QUERY_LENGTH} characters" in response.get_data(as_text=True)


def test_search_terms_keep_only_words() -> None:
    assert search_terms('NEAR("lantern" * road) OR title:x') == ["near", "lantern", "road", "or", "title", "x"]
    assert search_terms("Ｌａｎｔｅｒｎ lantern") == ["lantern"]  # full-width letters are letters
    assert search_terms("a_b") == ["a", "b"]
    assert len(search_terms(" ".join(f"w{number}" for number in range(50)))) == 12


def test_snippets_are_escaped_and_centred_on_the_match() -> None:
    text = "<b>" + "filler " * 60 + "the lantern <script> burns " + "filler " * 60
    result = str(snippet(text, ["lantern"]))
    assert "<mark>lantern</mark>" in result
    assert "<script>" not in result and "&lt;script&gt;" in result
    assert result.startswith("…") and result.endswith("…")
    assert len(result) < 260


def test_snippets_mark_words_found_without_their_accents() -> None:
    assert str(snippet("Nights at the Café Lumière", ["cafe", "lumiere"])) == "Nights at the <mark>Café</mark> <mark>Lumière</mark>"
    assert str(snippet("강을 건너던 밤", ["건너"])) == "강을 <mark>건너</mark>던 밤"


def test_snippets_mark_the_word_after_characters_that_fold_to_more_or_fewer() -> None:
    # … folds to "...", ﬁ to "fi", a lone combining accent to nothing: the marks stay on the words as written.
    assert str(snippet("Wait… the ﬁnal café", ["final", "cafe"])) == "Wait… the <mark>ﬁnal</mark> <mark>café</mark>"
    assert str(snippet("e\u0301\u0301 강을… 건너던 밤", ["건너"])) == "e\u0301\u0301 강을… <mark>건너</mark>던 밤"
    assert str(snippet("Maße … Straße", ["strasse"])) == "Maße … <mark>Straße</mark>"
