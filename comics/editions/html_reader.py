"""The offline reader: plain HTML pages with relative links, opened by double-clicking index.html.

No server, no network, no JavaScript needed: every page is a file linking to files beside it, images
carry their width and height, and the one script (templates/editions/reader.js, ES5) only adds arrow
keys and keeps the panel in view in the address's #. Rendered by a Jinja environment of its own, so
an edition is the same whichever app or request builds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from comics.editions.jpeg import EncodedPage, page_name
from comics.editions.records import NEUTRAL, EditionContent, EpisodeContent, Imprint, SeriesContent
from comics.editions.registers import NORTH, SOUTH, check_register

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "editions"
ASSETS = ("reader.css", "reader.js")

# The reader's own words, in each language an edition can be made in; Korean in each register
# (comics/editions/registers.py): the North's words by default, the South's on request.
ENGLISH_WORDS = {
    "stories": "Stories",
    "episodes": "Episodes",
    "episode_number": "Episode {}",
    "previous": "Previous",
    "next": "Next",
    "transcript": "Transcript",
    "translated_by": "translated by",
    "warning": "Content warning",
    "end": "The end of this episode.",
    "language": "English",
    "languages": "Other languages",
}
KOREAN_WORDS: dict[str, dict[str, str]] = {
    NORTH: {
        "stories": "이야기",
        "episodes": "차례",
        "episode_number": "제{}편",
        "previous": "앞 편",
        "next": "다음 편",
        "transcript": "대사",
        "translated_by": "번역",
        "warning": "주의",
        "end": "이 편은 여기까지입니다.",
        "language": "조선어",
        "languages": "다른 언어",
    },
    SOUTH: {
        "stories": "이야기",
        "episodes": "회차 목록",
        "episode_number": "{}화",
        "previous": "이전 화",
        "next": "다음 화",
        "transcript": "대사",
        "translated_by": "번역",
        "warning": "주의",
        "end": "이번 화는 여기까지입니다.",
        "language": "한국어",
        "languages": "다른 언어",
    },
}


def reader_words(register: str = NORTH) -> dict[str, dict[str, str]]:
    """Return the reader's words in each language, with Korean in the register asked for."""
    return {"en": ENGLISH_WORDS, "ko": KOREAN_WORDS[check_register(register)]}


@dataclass(frozen=True)
class LanguageLink:
    """A link from a page to the same page in another language of the edition, named in that language."""

    language: str
    name: str
    href: str


@dataclass(frozen=True)
class ReaderPanel:
    """A panel as the episode page draws it."""

    number: int
    src: str
    width: int
    height: int
    alt_text: str
    transcript: str


def environment() -> Environment:
    """Return the Jinja environment of the offline templates: autoescaped, strict about missing names."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def series_folder(series: SeriesContent | EpisodeContent) -> str:
    """Return the folder of a series' pages in one language, e.g. en/the-lantern-road."""
    if isinstance(series, SeriesContent):
        return f"{series.language}/{series.slug}"
    return f"{series.language}/{series.series_slug}"


def episode_page(episode: EpisodeContent) -> str:
    """Return the path of an episode's page, e.g. en/the-lantern-road/001.html."""
    return f"{series_folder(episode)}/{episode.number:03d}.html"


def edition_pages(content: EditionContent) -> frozenset[str]:
    """Return the path of every series and episode page an edition holds, in every language."""
    paths: set[str] = set()
    for _, shelf in content.shelves:
        for series in shelf:
            paths.add(f"{series_folder(series)}/index.html")
            paths.update(episode_page(episode) for episode in series.episodes)
    return frozenset(paths)


def panel_path(episode: EpisodeContent, index: int) -> str:
    """Return the path of a panel's JPEG, e.g. en/the-lantern-road/001/0001.jpg."""
    return f"{series_folder(episode)}/{episode.number:03d}/{page_name(index)}"


class ReaderPages:
    """Renders the reader's pages, each as (path in the edition, UTF-8 bytes).

    index() comes first: it learns which pages the edition holds, so each series and episode page can
    link to itself in the edition's other languages (a plain relative link: file://, no JavaScript).
    """

    def __init__(self, imprint: Imprint = NEUTRAL, register: str = NORTH) -> None:
        self.imprint = imprint
        self.words = reader_words(register)
        self.env = environment()
        self.pages: frozenset[str] = frozenset()

    def other_languages(self, path: str, language: str) -> list[LanguageLink]:
        """Return links to the page at path (in language) in each other language the edition holds it in."""
        within = path.split("/", 1)[1]
        return [
            LanguageLink(code, words["language"], f"../../{code}/{within}")
            for code, words in self.words.items()
            if code != language and f"{code}/{within}" in self.pages
        ]

    def _render(self, template: str, **context: object) -> bytes:
        return self.env.get_template(template).render(imprint=self.imprint, **context).encode()

    def assets(self) -> list[tuple[str, bytes]]:
        """Return the stylesheet and the script, as they are."""
        return [(f"assets/{name}", (TEMPLATES / name).read_bytes()) for name in ASSETS]

    def index(self, content: EditionContent) -> tuple[str, bytes]:
        """Return the top page: every series, by language."""
        lang = content.shelves[0][0]
        self.pages = edition_pages(content)
        return "index.html", self._render("index.html", lang=lang, root="", shelves=content.shelves, words=self.words)

    def series(self, series: SeriesContent) -> tuple[str, bytes]:
        """Return a series' page: its summary and its episodes."""
        path = f"{series_folder(series)}/index.html"
        page = self._render(
            "series.html",
            lang=series.language,
            root="../../",
            series=series,
            words=self.words[series.language],
            languages=self.other_languages(path, series.language),
        )
        return path, page

    def episode(
        self, series: SeriesContent, position: int, pages: Sequence[EncodedPage]
    ) -> tuple[str, bytes]:
        """Return an episode's page: its panels in one column, previous and next, and the transcript."""
        episode = series.episodes[position]
        panels = [
            ReaderPanel(
                number=index + 1,
                src=f"{episode.number:03d}/{page_name(index)}",
                width=page.width,
                height=page.height,
                alt_text=panel.alt_text,
                transcript=panel.transcript,
            )
            for index, (panel, page) in enumerate(zip(episode.panels, pages, strict=True))
        ]
        page = self._render(
            "episode.html",
            lang=episode.language,
            root="../../",
            episode=episode,
            panels=panels,
            previous=series.episodes[position - 1] if position > 0 else None,
            next=series.episodes[position + 1] if position + 1 < len(series.episodes) else None,
            words=self.words[episode.language],
            languages=self.other_languages(episode_page(episode), episode.language),
        )
        return episode_page(episode), page
