"""What a reader sees of a page, and the interface's English words, to find English left on a Korean page."""
from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[1] / "web" / "translations" / "ko" / "LC_MESSAGES" / "messages.po"


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, scripts or styles, and nothing marked as in another language
    (the language switch, an original shown untranslated), which is data and not the interface."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # for each open element: is its text hidden from this check?
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        hidden = (self.stack and self.stack[-1]) or tag in ("script", "style") or bool(
            lang and tag != "html" and not lang.startswith(self.language)
        )
        self.stack.append(bool(hidden))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)

    @classmethod
    def of(cls, page: str, language: str = "ko") -> str:
        parser = cls(language)
        parser.feed(page)
        return " ".join(" ".join(parser.parts).split())


@cache
def interface_words() -> frozenset[str]:
    """Return the English words of every message of the catalogue: each piece of text between its
    placeholders and markup, longer than 3 characters."""
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    words: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        for form in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]*>", str(form)):
                piece = " ".join(piece.split()).strip(" .,:;·()")
                if len(piece) > 3 and re.search(r"[A-Za-z]{2}", piece):
                    words.add(piece)
    return frozenset(words)


def english_left(text: str, words: AbstractSet[str]) -> list[str]:
    """Return the interface's English words found in the text (web and email addresses and paths such as
    /series/, which are no words, left out)."""
    text = re.sub(r"\w+://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w/])/[\w./-]+/", " ", text)
    return sorted(word for word in words if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text))
