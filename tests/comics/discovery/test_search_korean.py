"""Korean search: a word is found whatever particle or ending follows it, with or without spaces.

Korean writes particles and endings onto the word they follow (할머니가, 할머니의, 건넜다); search
matches the beginnings of the spaced words, and the content morphemes mecab-ko finds in them
(comics.discovery.korean), in the text and in the query alike. These run on SQLite, and on
PostgreSQL when TEST_DATABASE_URL is set (tests/engines.py).
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from comics.discovery.korean import index_words, query_words
from comics.discovery.models import SearchDocument
from comics.discovery.search import search, snippet
from comics.discovery.search_index import fold
from comics.models import Episode, Series
from extensions import db
from tests.conftest import SiteBuilder


def found(query: str) -> list[str]:
    """Return what a search finds, as 'kind:slug' strings in result order."""
    names = []
    for hit in search(query, per_page=50).hits:
        item = hit.item
        slug = item.series.slug if isinstance(item, Episode) else item.slug
        names.append(f"{hit.kind}:{slug}")
    return names


def build(site: SiteBuilder) -> Series:
    """A Korean series (title and summary) with a Korean episode, beside an English one."""
    artist = site.artist(slug="jun", name="Jun", bio="혜산에서 자랐고 지금은 서울에서 그린다.")
    series = site.series(artist, slug="deungbul", title="할머니의 등불")
    series.summary = "할머니가 창가에 등불을 켜 둔다. 엄마는 강을 건넜다."
    episode = site.episode(series, panels=1, title="첫 번째 밤")
    episode.panels[0].transcript = "할머니: 얘야, lantern을 들고 가거라."
    english = site.series(site.artist(slug="mina", name="Mina"), slug="lantern", title="The Lantern Road")
    english.summary = "Grandmother keeps a lantern burning in her window."
    site.episode(english, panels=1, title="The crossing")
    db.session.commit()
    return series


def test_a_word_is_found_without_the_particles_after_it(app: Flask, site: SiteBuilder) -> None:
    build(site)
    # 할머니의 (title), 할머니가 (summary) and 할머니: (transcript) all begin with the word typed.
    assert set(found("할머니")) == {"series:deungbul", "episode:deungbul"}
    assert found("할머니")[0] == "series:deungbul"  # in the title: ranked first
    assert found("등불") == ["series:deungbul"]  # 등불을 in the summary, 등불 in the title


def test_a_two_syllable_word_is_found_before_its_particle(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("엄마") == ["series:deungbul"]  # 엄마는
    assert found("서울") == ["artist:jun"]  # 서울에서, in the bio


def test_a_mixed_korean_and_english_query_needs_both(app: Flask, site: SiteBuilder) -> None:
    build(site)
    # "lantern을": the particle is written onto the English word, and the tokenizers keep it one token.
    assert found("할머니 lantern") == ["episode:deungbul"]
    assert found("LANTERN 할머니") == ["episode:deungbul"]
    assert found("할머니 zebra") == []


def test_what_a_korean_query_does_not_find(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("할아버지") == []  # shares only its first syllable with 할머니
    # 머니 is neither the beginning of a word of the text nor one of its morphemes: only the end of 할머니.
    assert found("머니") == []
    assert found("할머니는 zebra") == []


def test_another_particle_or_ending_finds_the_word(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert set(found("할머니는")) == {"series:deungbul", "episode:deungbul"}  # 할머니가, 할머니의, 할머니:
    assert found("엄마가") == ["series:deungbul"]  # 엄마는
    assert found("서울로") == ["artist:jun"]  # 서울에서
    assert found("건너다") == ["series:deungbul"]  # 건넜다: the stem 건너
    assert found("등불로") == ["series:deungbul"]


def test_words_typed_without_spaces_are_found(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("할머니의등불") == ["series:deungbul"]  # the title, 할머니의 등불
    assert found("창가에등불을") == ["series:deungbul"]
    assert found("첫번째밤") == ["episode:deungbul"]


def test_a_compound_is_found_by_its_parts(app: Flask, site: SiteBuilder) -> None:
    build(site)
    maternal = site.series(site.artist(slug="ara", name="Ara"), slug="oe", title="여름")
    maternal.summary = "외할머니도 왔다."
    site.episode(maternal, panels=1, title="마당")
    db.session.commit()
    # mecab-ko-dic knows 외할머니 as 외 + 할머니: indexed whole and in its parts.
    assert "series:oe" in found("할머니") and found("외할머니") == ["series:oe"]
    # Where the word is written whole, it ranks above the compound holding it.
    assert found("할머니").index("series:deungbul") < found("할머니").index("series:oe")


def test_whole_words_rank_above_longer_words_they_begin(app: Flask, site: SiteBuilder) -> None:
    puppy = site.series(site.artist(slug="ara", name="Ara"), slug="puppy", title="작은 집")
    puppy.summary = "강아지가 마당에서 논다."
    site.episode(puppy, panels=1, title="마당")
    river = site.series(site.artist(slug="jun", name="Jun"), slug="river", title="작은 배")
    river.summary = "강을 따라 배가 간다."
    site.episode(river, panels=1, title="물")
    db.session.commit()
    assert found("강") == ["series:river", "series:puppy"]  # 강 + 을 before 강아지
    assert found("강에서") == ["series:river"]


def test_english_matches_word_beginnings_as_before(app: Flask, site: SiteBuilder) -> None:
    build(site)
    assert found("lantern")[0] == "series:lantern"
    assert found("grandmother window") == ["series:lantern"]
    assert found("cross") == ["episode:lantern"]  # crossing
    assert found("LANT")[0] == "series:lantern"
    # No stemming: a query word longer than the text's word does not find it.
    assert found("crossings") == []


def test_snippets_mark_the_words_found_by_their_morphemes(app: Flask, site: SiteBuilder) -> None:
    build(site)
    (hit,) = search("엄마가").hits
    assert str(hit.snippet) == "할머니가 창가에 등불을 켜 둔다. <mark>엄마</mark>는 강을 건넜다."
    (hit,) = search("강에서").hits
    assert "<mark>강</mark>을 건넜다" in str(hit.snippet)
    assert "<mark>할머니</mark>가 창가에 <mark>등불</mark>을" in str(search("할머니의등불").hits[0].snippet)


def test_snippets_mark_the_word_as_written_before_its_particle(app: Flask, site: SiteBuilder) -> None:
    build(site)
    (hit,) = search("엄마").hits
    assert str(hit.snippet) == "할머니가 창가에 등불을 켜 둔다. <mark>엄마</mark>는 강을 건넜다."
    assert str(snippet("할머니의 등불, 할머니가 켠다", ["할머니"])) == "<mark>할머니</mark>의 등불, <mark>할머니</mark>가 켠다"
    assert (
        str(snippet("Ｌａｎｔｅｒｎ을 든 할머니", ["lantern", "할머니"]))
        == "<mark>Ｌａｎｔｅｒｎ</mark>을 든 <mark>할머니</mark>"
    )


def test_search_page_finds_and_marks_a_korean_word(client: FlaskClient, site: SiteBuilder) -> None:
    build(site)
    response = client.get("/search", query_string={"q": "할머니"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<mark>할머니</mark>가 창가에" in page  # the series' summary
    assert "<mark>할머니</mark>: 얘야" in page  # the episode's transcript
    assert "2 results for “할머니”" in page


def test_words_in_other_languages_are_found(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    """A series' and an artist's translations and an approved version's words find the original."""
    from artists.models import ArtistTranslation
    from comics.models import SeriesTranslation
    from tests.comics.test_reader_languages import add_version

    series = site.series(title="The Lantern Road")
    original = site.episode(series, title="The river")
    add_version(original, title="할머니의 강")
    series.translations.append(SeriesTranslation(language="ko", title="등불 길", summary="할머니가 준 등불"))
    series.artist.translations.append(ArtistTranslation(language="ko", display_name="김하늘", bio_markdown="그림을 그려요"))
    db.session.commit()
    assert client.get("/ko/search?q=등불").status_code == 200
    assert "/ko/series/river/" in client.get("/ko/search?q=등불").get_data(as_text=True)
    assert "/ko/series/river/1/" in client.get("/ko/search?q=할머니의").get_data(as_text=True)
    assert "/ko/series/river/1/" in client.get("/ko/search?q=대사").get_data(as_text=True)
    assert "/ko/artists/mina/" in client.get("/ko/search?q=김하늘").get_data(as_text=True)


def test_a_draft_version_is_never_found(app: Flask, site: SiteBuilder, client: FlaskClient) -> None:
    from tests.comics.test_reader_languages import add_version

    original = site.episode(site.series(), title="The river")
    add_version(original, title="비밀 번역", publish=False)
    assert "/series/river/1/" not in client.get("/ko/search?q=비밀").get_data(as_text=True)


# --- the analysis ----------------------------------------------------------------------------------


def test_a_query_word_gives_its_content_morphemes() -> None:
    assert query_words("도시로") == ("도시",)  # the particle dropped
    assert query_words("강을건너는밤") == ("강", "건너", "밤")  # particle and ending dropped
    assert query_words("건넜다") == ("건너",)  # the stem as the dictionary writes it
    assert query_words("빵집주인") == ("빵집", "주인")  # a compound kept whole in a query
    assert query_words("할머니") == ()  # a word that is its own morpheme needs nothing more
    assert query_words("lantern") == () and query_words("3") == ()  # no Hangul: as before
    assert query_words("하는") == ()  # a light verb says nothing


def test_two_forms_mecab_reads_apart_give_one_stem() -> None:
    # 올려다봤다 is read 올리 + 어다 + 보 (an auxiliary), 올려다본다 the verb 올려다보: the dictionary
    # holds 올려다보다, so the whole is the verb, and 올리 only a part of it in a text.
    assert query_words("올려다봤다") == query_words("올려다본다") == ("올려다보",)
    assert {"올려다보", "올리"} <= set(index_words("올려다봤다"))
    assert query_words("먹어봤다") == ("먹",)  # "tried eating": no verb 먹어보다 in the dictionary
    # mecab-ko-dic writes the stem of 가팔랐 with the ㄹ of its contraction (가팔르); the dictionary's
    # 가파르 is the stem. A stem that truly has it keeps it: 들르 (드르 is no word).
    assert query_words("가팔랐지만") == query_words("가파른") == ("가파르",)
    assert query_words("들렀다") == query_words("들르는") == ("들르",)
    assert query_words("몰랐다") == query_words("모르는") == ("모르",)


def test_a_verb_is_found_in_its_other_form(app: Flask, site: SiteBuilder) -> None:
    series = site.series(site.artist(slug="ara", name="Ara"), slug="san", title="산길")
    series.summary = "아이가 하늘을 올려다본다. 길은 가팔랐지만 끝이 보였다."
    site.episode(series, panels=1, title="마당")
    db.session.commit()
    assert found("올려다봤다") == ["series:san"]
    assert found("가파른") == ["series:san"]


def test_a_text_gives_the_morphemes_not_already_written() -> None:
    assert index_words(fold("The Lantern Road")) == []  # English is indexed as before
    words = index_words(fold("외할머니도 빵집 주인과 강을 건넜다. Lantern을"))
    assert {"외할머니", "외", "할머니", "빵", "집", "주인", "강", "건너", "lantern"} <= set(words)
    assert "빵집" not in words  # written as such already
    assert not {"도", "과", "을", "었", "다"} & set(words)  # particles and endings


def test_the_index_holds_the_text_then_its_morphemes(app: Flask, site: SiteBuilder) -> None:
    build(site)
    english, korean = (
        db.session.scalar(select(SearchDocument).where(SearchDocument.kind == "series", SearchDocument.title == title))
        for title in ("The Lantern Road", "할머니의 등불")
    )
    assert english is not None and korean is not None
    assert (english.title_terms, english.body_terms) == (fold(english.title), fold(english.body))
    assert korean.title_terms == "할머니의 등불 할머니 등 불"  # 등불 is 등 + 불 in mecab-ko-dic
    assert korean.body_terms.startswith(fold(korean.body) + " ") and " 엄마 " in korean.body_terms


def test_the_analysis_is_pure_code() -> None:
    """comics.discovery.korean needs neither Flask nor the database (docs/architecture.md)."""
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, comics.discovery.korean as k; k.query_words('도시로'); sys.exit('flask' in sys.modules or 'sqlalchemy' in sys.modules)"
    root = Path(__file__).resolve().parents[3]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
