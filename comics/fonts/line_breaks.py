"""Breaking lettering into lines, for Korean as for English.

Korean is written with spaces between words (eojeol) and, in comics as on cards, is broken at those
spaces, like English. Only a run too long for a line on its own (a long compound, a shout like
"으아아아아아", a title in a script written without spaces) is broken between characters. Then two
rules keep it readable: closing punctuation does not start a line (it takes the letter before it
along), and nothing is split inside a character: a syllable typed as separate jamo (the decomposed
form macOS produces) is composed first, and combining marks stay with their letter.

Pure functions: the caller says how wide a piece of text is, in whatever units it draws in.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Marks that close a phrase; a line starting with one looks like a mistake in Korean and English alike.
CLOSING_PUNCTUATION = frozenset(".,!?;:…)]}>」』】〉》”’~·%")


def break_lines(text: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Break text into lines no wider than max_width, at spaces where possible.

    measure(piece) returns the width of a piece of text. A single character wider than the line still
    gets a line of its own. Empty or blank text gives no lines.
    """
    lines: list[str] = []
    current = ""
    for word in unicodedata.normalize("NFC", text).split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = break_run(word, max_width, measure) if measure(word) > max_width else [word]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def break_run(run: str, max_width: float, measure: Callable[[str], float]) -> list[str]:
    """Break a run with no spaces into pieces no wider than max_width, between characters."""
    pieces: list[str] = []
    current = ""
    for char in run:
        if current and not clings_to_previous(char) and measure(current + char) > max_width:
            carried = len(current) - carried_over(current) if char in CLOSING_PUNCTUATION else len(current)
            pieces.append(current[:carried])
            current = current[carried:]
        current += char
    pieces.append(current)
    return pieces


def carried_over(piece: str) -> int:
    """Return how many characters at the end of a full piece go down with the punctuation that follows it.

    The last letter and any closing punctuation after it: "가나다!!" before "!" carries "다!!", so the
    next line opens with a letter. A piece that is one letter and its punctuation, or punctuation only,
    carries nothing: there is no better place to break it (only a line a few letters wide gets there).
    """
    start = len(piece) - 1
    while start >= 0 and piece[start] in CLOSING_PUNCTUATION:
        start -= 1
    return len(piece) - start if start > 0 else 0


def clings_to_previous(char: str) -> bool:
    """Tell whether char is part of the character before it: a combining mark, or a jamo vowel or final."""
    return unicodedata.category(char).startswith("M") or "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff"
