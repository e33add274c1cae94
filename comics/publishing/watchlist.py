"""The watch list: words an editor must see wherever they appear, in a panel's lettering or the artist's words.

The organisation keeps its own list (REVIEW_WATCHLIST: real people's and places' names, border towns and
routes, brokers' names); built-in patterns add phone numbers, street addresses and dates, in Korean and
English. Matching ignores case, width and accents' composition (NFKC), and spaces inside a Korean name;
a Korean word matches followed by any particle or ending (혜산에서, 혜산으로), an English word only as a
whole word. Plain values in, plain values out: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# The built-in patterns, by kind. Each is deliberately broad: a false alarm costs the editor a
# dismissal, a miss may cost a person.
PATTERNS: dict[str, re.Pattern[str]] = {
    # +82 10-1234-5678, 010 1234 5678, (02) 123-4567, +86 139 1234 5678, 0211234567: eight digits and more.
    "phone": re.compile(r"(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{3,4}){1,2}(?!\w|\.\d)"),
    # 세종대로 110, 평양시 중구역 ..동 12, 3반; 12 Baker Street, 221B Main Rd.
    "address": re.compile(
        r"[가-힣0-9]+(?:로|길|번지)\s?\d+(?:-\d+)?|[가-힣]+(?:동|리)\s?\d+\s?(?:반|호|번지)"
        r"|\b\d+[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr)\b\.?",
    ),
    # 2019년 3월 14일, 3월 14일, 2019-03-14, 14/03/2019, 14 March 2019, March 14.
    "date": re.compile(
        r"(?:\d{2,4}\s?년\s?)?\d{1,2}\s?월\s?\d{1,2}\s?일|\d{4}\s?년\s?\d{1,2}\s?월"
        r"|\b\d{4}[-./]\d{1,2}[-./]\d{1,2}\b|\b\d{1,2}[-./]\d{1,2}[-./]\d{2,4}\b"
        r"|\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?(?:\s+\d{4})?\b"
        r"|\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?\b",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Match:
    """One watch-list hit: its kind ("watchlist", "phone", "address" or "date") and the words matched."""

    kind: str
    words: str


def folded(text: str) -> str:
    """Return text as it is compared: NFKC (full-width letters and digits as plain ones), case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def _has_hangul(word: str) -> bool:
    return any("\uac00" <= character <= "\ud7a3" or "\u3131" <= character <= "\u318e" for character in word)


def _term_pattern(term: str) -> re.Pattern[str]:
    """Return the pattern of one watch-list term (spaces inside it match any spacing, or none in Korean)."""
    words = [re.escape(word) for word in folded(term).split()]
    if _has_hangul(term):
        # Korean writes particles and endings onto the word, and a name is spaced either way.
        return re.compile(r"\s*".join(words))
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def watch_matches(text: str, watchlist: Iterable[str]) -> list[Match]:
    """Return each watch-list term and built-in pattern found in the text, once each, in a stable order."""
    if not text.strip():
        return []
    plain = folded(text)
    found: list[Match] = []
    for term in watchlist:
        if term.strip() and _term_pattern(term).search(plain):
            found.append(Match("watchlist", term.strip()))
    normal = unicodedata.normalize("NFKC", text)
    for kind, pattern in PATTERNS.items():
        for hit in pattern.finditer(normal):
            if kind == "phone" and sum(character.isdigit() for character in hit.group(0)) < 8:
                continue
            match = Match(kind, hit.group(0).strip())
            if match not in found:
                found.append(match)
    return found
