"""The offline reader's pages: each series and episode page links to itself in the edition's other languages."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from comics.editions.html_reader import ReaderPages
from comics.editions.records import EditionContent, EpisodeContent, SeriesContent
from tests.comics.editions.conftest import Exported


class LanguageLinks(HTMLParser):
    """Collect the (hreflang, href, text) of the links in a page's language switch."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "nav" and values.get("class") == "languages":
            self.inside = True
        elif tag == "a" and self.inside:
            self.links.append((values["hreflang"] or "", values["href"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self.inside = False


def language_links(html: str) -> list[tuple[str, str]]:
    parser = LanguageLinks()
    parser.feed(html)
    return parser.links


def test_every_page_that_has_the_other_language_links_to_it(exported: Exported) -> None:
    root = exported.first
    pages = sorted(path for path in root.glob("*/*/*.html") if path.parts[-3] in ("en", "ko"))
    assert len(pages) == 6  # a series page and two episodes, in each language
    for path in pages:
        language, within = path.relative_to(root).parts[0], "/".join(path.relative_to(root).parts[1:])
        other = "ko" if language == "en" else "en"
        links = language_links(path.read_text())
        assert links == [(other, f"../../{other}/{within}")], path
        target = (path.parent / links[0][1]).resolve()
        assert target == (root / other / within).resolve() and target.is_file()
    assert '<a href="../../ko/lantern/001.html" hreflang="ko" lang="ko" rel="alternate">조선어</a>' in (root / "en/lantern/001.html").read_text()
    assert '<nav class="languages" aria-label="다른 언어">' in (root / "ko/lantern/index.html").read_text()
    assert ">English</a>" in (root / "ko/lantern/002.html").read_text()


def episode(language: str, number: int) -> EpisodeContent:
    return EpisodeContent("sea", "Sea", "", number, f"Part {number}", language, "Mina", "", ())


def test_a_page_without_the_other_language_offers_none() -> None:
    english = SeriesContent("sea", "Sea", "", "en", "Mina", "", (episode("en", 1), episode("en", 2)))
    korean = SeriesContent("sea", "바다", "", "ko", "미나", "", (episode("ko", 1),))
    only_english = SeriesContent("lake", "Lake", "", "en", "Mina", "", ())
    reader = ReaderPages()
    reader.index(EditionContent((("en", (english, only_english)), ("ko", (korean,)))))

    def links(path_and_page: tuple[str, bytes]) -> list[tuple[str, str]]:
        return language_links(path_and_page[1].decode())

    assert links(reader.episode(english, 0, [])) == [("ko", "../../ko/sea/001.html")]
    assert links(reader.episode(english, 1, [])) == []  # episode 2 has no Korean version
    assert links(reader.episode(korean, 0, [])) == [("en", "../../en/sea/001.html")]
    assert links(reader.series(english)) == [("ko", "../../ko/sea/index.html")]
    assert links(reader.series(only_english)) == []
    assert not re.search(r'class="languages"', reader.series(only_english)[1].decode())


def test_the_switch_needs_no_script(exported: Exported) -> None:
    """A plain relative link inside the page: nothing for reader.js to do, so file:// without script works."""
    assert "languages" not in Path(exported.first / "assets/reader.js").read_text()
