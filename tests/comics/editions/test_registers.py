"""The offline edition's Korean speaks to a reader in North Korea by default (화일, 콤퓨터, 제3편), and
`export-offline --register south` gives the South's words (issue 21, point 6)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from comics.editions.html_reader import ReaderPages
from comics.editions.readme import readme_text
from comics.editions.records import EditionContent, EditionRefused, EpisodeContent, SeriesContent
from tests.conftest import SiteBuilder

DOCS = Path(__file__).resolve().parents[3] / "docs" / "translating.md"

# The South's word and the North's, as the glossary in docs/translating.md has them.
NORTH_FOR_SOUTH = {
    "파일": "화일",
    "컴퓨터": "콤퓨터",
    "텔레비전": "텔레비죤",
    "폴더": "등록부",
    "브라우저": "열람기",
    "앱": "프로그람",
    "인터넷": "인터네트",
    "전화기": "손전화",
}


def episode(number: int) -> EpisodeContent:
    return EpisodeContent("sea", "바다", "", number, f"{number}번째 이야기", "ko", "미나", "", ())


def content() -> EditionContent:
    korean = SeriesContent("sea", "바다", "바다 이야기.", "ko", "미나", "", (episode(1), episode(2), episode(3)))
    english = SeriesContent("sea", "Sea", "", "en", "Mina", "", ())
    return EditionContent((("ko", (korean,)), ("en", (english,))))


def korean_half(register: str) -> str:
    text = readme_text(content(), has_video=True, register=register).decode("utf-8-sig").replace("\r\n", "\n")
    return text.split("-" * 60)[0]


def test_the_readme_speaks_the_norths_words_by_default() -> None:
    text = readme_text(content(), has_video=True).decode("utf-8-sig").replace("\r\n", "\n").split("-" * 60)[0]
    assert text == korean_half("north")
    for south, north in NORTH_FOR_SOUTH.items():
        assert north in text, north
        assert not re.search(rf"(?<![가-힣]){south}", text), f"{south} in the North's README"
    assert "USB기억기" in text and "바다 (미나): 3편" in text and "[조선어]" in text
    assert "회차" not in text and "3화" not in text


def test_the_readme_attaches_particles_to_file_names() -> None:
    for register in ("north", "south"):
        text = korean_half(register)
        assert "index.html을 두 번 누르십시오" in text and "0001.jpg부터" in text and "SHA256SUMS.txt에" in text
        assert not re.search(r"\.(html|jpg|mp4|txt) [을를에부]", text), text


def test_the_readme_is_in_hasipsio_che_in_both_registers() -> None:
    for register in ("north", "south"):
        endings = re.findall(r"([가-힣]+)\.(?:\s|$)", korean_half(register))
        assert len(endings) > 5 and all(word.endswith(("니다", "십시오")) for word in endings), endings


def test_the_readme_speaks_the_souths_words_when_asked() -> None:
    text = korean_half("south")
    for south, north in NORTH_FOR_SOUTH.items():
        assert south in text, south
        assert north not in text, f"{north} in the South's README"
    assert "바다 (미나): 3화" in text and "[한국어]" in text


def test_the_english_half_is_the_same_in_both_registers() -> None:
    north, south = (readme_text(content(), True, register=r).decode("utf-8-sig").split("-" * 60)[1] for r in ("north", "south"))
    assert north == south and "How to open it" in north


def reader_pages(register: str | None) -> dict[str, str]:
    reader = ReaderPages() if register is None else ReaderPages(register=register)
    edition = content()
    pages = dict([reader.index(edition)])
    korean = edition.shelves[0][1][0]
    pages.update([reader.series(korean), reader.episode(korean, 1, [])])
    return {path: page.decode() for path, page in pages.items()}


def test_the_reader_speaks_the_norths_words_by_default() -> None:
    pages = reader_pages(None)
    assert pages == reader_pages("north")
    episode_page, series_page = pages["ko/sea/002.html"], pages["ko/sea/index.html"]
    assert "<h1>제2편: 2번째 이야기</h1>" in episode_page
    assert "앞 편" in episode_page and "다음 편" in episode_page and "이 편은 여기까지입니다." in episode_page
    assert "<h2>차례</h2>" in series_page and "제3편: 3번째 이야기" in series_page
    for page in (episode_page, series_page):
        assert "화" not in re.sub(r"<[^>]+>", "", page) and "회차" not in page


def test_the_reader_speaks_the_souths_words_when_asked() -> None:
    pages = reader_pages("south")
    episode_page, series_page = pages["ko/sea/002.html"], pages["ko/sea/index.html"]
    assert "<h1>2화: 2번째 이야기</h1>" in episode_page and "이전 화" in episode_page and "다음 화" in episode_page
    assert "<h2>회차 목록</h2>" in series_page
    assert "편" not in re.sub(r"<[^>]+>", "", episode_page)


def test_the_readme_names_languages_as_the_site_does_and_korean_in_the_registers_word() -> None:
    japanese = SeriesContent("umi", "海", "", "ja", "ミナ", "", (EpisodeContent("umi", "海", "", 1, "一", "ja", "ミナ", "", ()),))
    shelves = EditionContent((*content().shelves, ("ja", (japanese,))))
    for register, korean in (("north", "조선어"), ("south", "한국어")):
        text = readme_text(shelves, has_video=False, register=register).decode("utf-8-sig").replace("\r\n", "\n")
        korean_half, english_half = text.split("-" * 60)[:2]
        # Babel's names, as web.languages.language_name gives the site's (영어 원작): Korean's own by register.
        assert [line for line in korean_half.splitlines() if line.startswith("[")] == [f"[{korean}]", "[영어]", "[일본어]"]
        assert [line for line in english_half.splitlines() if line.startswith("[")] == ["[Korean]", "[English]", "[Japanese]"]


def test_the_language_link_names_korean_in_each_registers_word() -> None:
    english = SeriesContent(
        "sea", "Sea", "", "en", "Mina", "", (EpisodeContent("sea", "Sea", "", 1, "One", "en", "Mina", "", ()),)
    )
    korean = SeriesContent("sea", "바다", "", "ko", "미나", "", (episode(1),))
    for register, name in (("north", "조선어"), ("south", "한국어")):
        reader = ReaderPages(register=register)
        reader.index(EditionContent((("en", (english,)), ("ko", (korean,)))))
        assert f'lang="ko" rel="alternate">{name}</a>' in reader.episode(english, 0, [])[1].decode()


@pytest.mark.parametrize("register", ["west", "", "North"])
def test_an_unknown_register_is_refused(register: str) -> None:
    with pytest.raises(EditionRefused, match="No Korean register"):
        ReaderPages(register=register)
    with pytest.raises(EditionRefused, match="No Korean register"):
        readme_text(content(), True, register=register)


def test_the_cli_writes_either_register_and_refuses_another(app: Flask, site: SiteBuilder, tmp_path: Path) -> None:
    site.episode(site.series())
    runner = app.test_cli_runner()
    base = ["--no-video", "--no-slides"]
    north = runner.invoke(args=["export-offline", str(tmp_path / "north"), *base])
    south = runner.invoke(args=["export-offline", str(tmp_path / "south"), "--register", "south", *base])
    assert north.exit_code == 0 and south.exit_code == 0, north.output + south.output
    assert "이 등록부에 있는 것" in (tmp_path / "north" / "README.txt").read_text(encoding="utf-8-sig")
    assert "이 폴더에 있는 것" in (tmp_path / "south" / "README.txt").read_text(encoding="utf-8-sig")
    refused = runner.invoke(args=["export-offline", str(tmp_path / "west"), "--register", "west", *base])
    assert refused.exit_code == 2 and "'west' is not one of 'north', 'south'" in refused.output
    assert not (tmp_path / "west").exists()


def test_the_glossary_lists_every_north_word() -> None:
    glossary = DOCS.read_text(encoding="utf-8").split("## Words for a reader in North Korea", 1)[1]
    for south, north in {**NORTH_FOR_SOUTH, "USB": "USB기억기", "3화": "제3편", "한국어": "조선어"}.items():
        assert re.search(rf"\|[^|\n]*{re.escape(south)}[^|\n]*\|[^|\n]*{re.escape(north)}", glossary), (south, north)
