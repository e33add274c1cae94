"""Korean particles chosen by the word they follow (web/particles.py): Hangul, digits and Latin words."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from web.particles import MARKER, Final, fill_particles, final_of, particle, with_particle


@pytest.mark.parametrize(
    ("word", "final"),
    [
        ("바다", Final.VOWEL),
        ("강", Final.CONSONANT),
        ("길", Final.RIEUL),
        ("“등불길”", Final.RIEUL),  # closing quotes are passed over
        ("작품 (연재 중)", Final.CONSONANT),
        ("ㅋ", Final.CONSONANT),
        # Digits as read in Korean: 1 일, 2 이, 3 삼, 10 십, 100 백, 1000 천, 20000 이만, 10⁸ 억.
        ("1", Final.RIEUL),
        ("2", Final.VOWEL),
        ("3", Final.CONSONANT),
        ("500", Final.CONSONANT),
        ("1,000", Final.CONSONANT),
        ("20000", Final.CONSONANT),
        ("1000000000000", Final.VOWEL),  # 일조
        ("0", Final.CONSONANT),  # 영
        ("2.5", Final.VOWEL),  # 이 점 오
        ("MP4", Final.VOWEL),
        # Capitals read letter by letter: 피디에프, 유에스비, 에이치티엠엘, 유알엘, 에스엠에스.
        ("PDF", Final.VOWEL),
        ("USB", Final.VOWEL),
        ("HTML", Final.RIEUL),
        ("URL", Final.RIEUL),
        ("OPDS", Final.VOWEL),
        ("EPUB", Final.CONSONANT),  # read as a word: 이펍
        # Words by their last letters as read in Korean.
        ("Free Lines", Final.VOWEL),  # 프리 라인스
        ("Kim", Final.CONSONANT),  # 김
        ("Haneul", Final.RIEUL),  # 하늘
        ("Lantern", Final.CONSONANT),  # 랜턴
        ("Jung", Final.CONSONANT),  # 정
        ("index.html", Final.RIEUL),
        ("0001.jpg", Final.VOWEL),  # 제이피지
        ("episode.srt", Final.VOWEL),  # 에스알티
        ("the-lantern-road-001.cbz", Final.VOWEL),
        ("archive.zip", Final.CONSONANT),  # 집
        ("Google", Final.RIEUL),  # 구글
        ("line", Final.CONSONANT),  # 라인
        ("Kate", Final.VOWEL),  # 케이트
        ("Store", Final.VOWEL),  # 스토어
        ("web", Final.CONSONANT),  # 웹
        ("chat", Final.CONSONANT),  # 챗
        ("desk", Final.VOWEL),  # 데스크
        ("336kB", Final.VOWEL),  # 킬로바이트
        ("lantern-road", Final.VOWEL),  # 로드
        ("kim@example.org", Final.VOWEL),  # 오알지
        ("Why?", Final.VOWEL),
        ("", Final.VOWEL),
        ("★", Final.VOWEL),
    ],
)
def test_the_final_sound_of_a_word(word: str, final: Final) -> None:
    assert final_of(word) is final


@pytest.mark.parametrize(
    ("word", "pair", "form"),
    [
        ("바다", "은/는", "는"),
        ("강", "은/는", "은"),
        ("길", "은/는", "은"),
        ("바다", "이/가", "가"),
        ("강", "이/가", "이"),
        ("바다", "을/를", "를"),
        ("강", "를/을", "을"),  # either order
        ("바다", "과/와", "와"),
        ("강", "과/와", "과"),
        ("바다", "으로/로", "로"),
        ("강", "으로/로", "으로"),
        ("길", "으로/로", "로"),  # ㄹ takes 로
        ("길", "으로는/로는", "로는"),
        ("3", "으로/로", "으로"),
        ("1", "으로/로", "로"),
        ("바다", "이에요/예요", "예요"),
        ("강", "이에요/예요", "이에요"),
        ("길", "이에요/예요", "이에요"),
        ("Free Lines", "은/는", "는"),
        ("PDF", "을/를", "를"),
        ("Kim", "이/가", "이"),
    ],
)
def test_the_form_that_fits(word: str, pair: str, form: str) -> None:
    assert particle(word, pair) == form


def test_with_particle_attaches_the_form() -> None:
    assert with_particle("index.html", "을/를") == "index.html을"
    assert with_particle("3화", "으로/로") == "3화로"


def test_markup_is_read_as_its_text() -> None:
    assert particle(Markup("Tom&#39;s"), "이/가") == "가"  # ends in s, not in the entity's 9


@pytest.mark.parametrize("pair", ["은/을", "는", "을/를/이", "foo/bar", ""])
def test_an_unknown_pair_is_refused(pair: str) -> None:
    with pytest.raises(ValueError, match="Not a Korean particle pair"):
        particle("강", pair)


def test_a_marker_takes_the_placeholder_value_before_it() -> None:
    message = "“%(title)s”{을/를} 임시 저장했어요."
    assert fill_particles(message, {"title": "바다"}) % {"title": "바다"} == "“바다”를 임시 저장했어요."
    assert fill_particles(message, {"title": "강"}) == "“%(title)s”을 임시 저장했어요."


def test_a_marker_passes_over_closing_tags_and_reads_markup_as_text() -> None:
    message = '<a href="%(href)s">“%(title)s”</a>{이/가} 다시 공개돼요.'
    filled = fill_particles(message, {"href": "/x", "title": Markup("<em>Kim</em>")})
    assert filled == '<a href="%(href)s">“%(title)s”</a>이 다시 공개돼요.'
    # An escaped value is read as the reader sees it: "Tom &amp; Jerry" ends in y.
    assert fill_particles("%(t)s{을/를}", {"t": Markup("Tom &amp; Jerry")}) == "%(t)s를"


def test_a_marker_after_text_takes_that_text() -> None:
    assert fill_particles("3화{으로/로} 가기", {}) == "3화로 가기"


def test_several_markers_in_one_message() -> None:
    message = "파일 크기가 %(size)s{이에요/예요}. 한도는 %(limit)s{이에요/예요}"
    values = {"size": "12.3MB", "limit": "10MB"}
    assert fill_particles(message, values) % values == "파일 크기가 12.3MB예요. 한도는 10MB예요"


def test_a_message_without_markers_is_left_alone() -> None:
    message = "{count} items, {a/b} and 100%% sure"
    assert fill_particles(message, {"count": 1}) == message
    assert not MARKER.search(message)
