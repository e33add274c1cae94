"""Korean particles chosen by the word they follow: 작품은 but 회차는, 길로 but 강으로, PDF를, 3화로.

A Korean particle has two forms, one after a final consonant (은, 이, 을, 과, 으로, 이에요) and one after a
vowel (는, 가, 를, 와, 로, 예요); 으로/로 takes 로 after ㄹ too. A translation names both forms in braces
right after the word, consonant form first, and the one that fits is chosen when the message is filled
in: "“%(title)s”{을/를} 임시 저장했어요" reads "“바다”를 임시 저장했어요" or "“강”을 임시 저장했어요".
docs/translating.md says how to write them; the rules for Latin letters and digits are below.

Pure: no Flask, only text. web/particle_messages.py hands these rules to gettext and the templates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum

from markupsafe import Markup


class Final(Enum):
    """How a word ends, for a particle: on a vowel, on a consonant, or on ㄹ (a consonant, but 로)."""

    VOWEL = "vowel"
    CONSONANT = "consonant"
    RIEUL = "rieul"


# Each pair: (the form after a consonant, the form after a vowel). After ㄹ every pair takes its consonant
# form but 으로/로 (and the forms built on it), which takes 로: 길로, 길로서, 길로써.
PAIRS: dict[frozenset[str], tuple[str, str]] = {
    frozenset(pair): pair
    for pair in (
        ("은", "는"),
        ("이", "가"),
        ("을", "를"),
        ("과", "와"),
        ("아", "야"),
        ("으로", "로"),
        ("으로는", "로는"),
        ("으로도", "로도"),
        ("으로서", "로서"),
        ("으로써", "로써"),
        ("이에요", "예요"),
        ("이었어요", "였어요"),
        ("이라", "라"),
        ("이라는", "라는"),
        ("이라고", "라고"),
        ("이나", "나"),
        ("이랑", "랑"),
        ("이든", "든"),
        ("이며", "며"),
        ("이고", "고"),
        ("이면", "면"),
    )
}
_TAKES_RO_AFTER_RIEUL = frozenset(
    after_vowel for after_consonant, after_vowel in PAIRS.values() if after_consonant.startswith("으로")
)

# A marker in a translation: both forms of one particle in braces, {을/를}.
MARKER = re.compile(r"\{([\uac00-\ud7a3]+)/([\uac00-\ud7a3]+)\}")
# What may stand between a word and its particle: closing quotes and brackets, and closing HTML tags.
_CLOSING = re.compile(r"(?:</[a-zA-Z][a-zA-Z0-9]*\s*>|[\"'”’」』》〉»›)\]])+$")
# A printf placeholder of gettext's messages, at the end of the text before a marker.
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]$")

# Digits as they are read in Korean (Sino-Korean numerals): 1 일, 2 이, 3 삼, …, 0 영.
_DIGITS = {
    "0": Final.CONSONANT,  # 영
    "1": Final.RIEUL,  # 일
    "2": Final.VOWEL,  # 이
    "3": Final.CONSONANT,  # 삼
    "4": Final.VOWEL,  # 사
    "5": Final.VOWEL,  # 오
    "6": Final.CONSONANT,  # 육
    "7": Final.RIEUL,  # 칠
    "8": Final.RIEUL,  # 팔
    "9": Final.VOWEL,  # 구
}
# A whole number ending in zeros is read by its last unit: 10 십, 100 백, 1000 천, 10000 만, 10⁸ 억, 10¹² 조.
_UNITS = [
    (16, Final.CONSONANT),  # 경
    (12, Final.VOWEL),  # 조
    (8, Final.CONSONANT),  # 억
    (4, Final.CONSONANT),  # 만
    (3, Final.CONSONANT),  # 천
    (2, Final.CONSONANT),  # 백
    (1, Final.CONSONANT),  # 십
]
# Capital letters read one by one, by their Korean names: 엘 and 알 end on ㄹ, 엠 and 엔 on a consonant,
# every other name on a vowel (에이, 비, 씨, 디, …, 엑스, 와이, 제트).
_LETTER_NAMES = {"L": Final.RIEUL, "R": Final.RIEUL, "M": Final.CONSONANT, "N": Final.CONSONANT}
# Capitals read as a word rather than letter by letter: 이펍, 제이펙, 집.
_READ_AS_WORDS = {"EPUB": Final.CONSONANT, "JPEG": Final.CONSONANT, "ZIP": Final.CONSONANT}
_LATIN_VOWELS = frozenset("aeiou")
_NUMBER = re.compile(r"(?:(\d[\d,]*)\.)?(\d[\d,]*)$")
_WORD = re.compile(r"[A-Za-z]+$")


def final_of(text: str) -> Final:
    """Return how text ends as it is read in Korean (see docs/translating.md for Latin words).

    Closing quotes, brackets and spaces at the end are passed over. Text that ends in no Hangul, digit or
    Latin letter (another script, a symbol, nothing) counts as ending on a vowel.
    """
    text = _CLOSING.sub("", text.rstrip()).rstrip(" .,!?…:;")
    if not text:
        return Final.VOWEL
    last = text[-1]
    if "\uac00" <= last <= "\ud7a3":
        coda = (ord(last) - 0xAC00) % 28
        return Final.VOWEL if coda == 0 else Final.RIEUL if coda == 8 else Final.CONSONANT
    if "\u3131" <= last <= "\u314e":  # a consonant letter alone (ㅋ, ㄹ): read by its name, 키읔, 리을
        return Final.RIEUL if last == "ㄹ" else Final.CONSONANT
    if number := _NUMBER.search(text):
        return _final_of_number(number.group(1) is not None, number.group(2).replace(",", ""))
    if word := _WORD.search(text):
        return _final_of_latin(word.group())
    return Final.VOWEL


def _final_of_number(has_decimals: bool, digits: str) -> Final:
    """Return how a number ends read in Korean: digits after a point one by one, a whole one by its unit."""
    if has_decimals or digits.strip("0") == "":
        return _DIGITS[digits[-1]]
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == 0:
        return _DIGITS[digits[-1]]
    return next(final for at_least, final in _UNITS if zeros >= at_least)


def _final_of_latin(word: str) -> Final:
    """Return how a Latin word ends as read in Korean (the rule is in docs/translating.md)."""
    if word.upper() in _READ_AS_WORDS and (word.isupper() or word.islower()):
        return _READ_AS_WORDS[word.upper()]
    if len(word) == 1 or word.isupper():
        return _LETTER_NAMES.get(word[-1].upper(), Final.VOWEL)
    word = word.lower()
    if word.endswith(("le", "l")):  # file 파일, Haneul 하늘, Google 구글
        return Final.RIEUL
    if word.endswith(("m", "n", "ng")):  # Kim 김, Lantern 랜턴, song 송
        return Final.CONSONANT
    if len(word) > 2 and word[-1] == "e" and word[-2] not in _LATIN_VOWELS and word[-2] != "r":
        # A silent e: line 라인 and home 홈 end on their consonant; Kate 케이트 and code 코드 on a vowel.
        return Final.CONSONANT if word[-2] in "mn" else Final.VOWEL
    if word.endswith("ck") or (len(word) > 1 and word[-1] in "bkpt" and word[-2] in _LATIN_VOWELS):
        # A stop after a vowel letter closes the syllable: web 웹, book 북, app 앱, chat 챗, Baek 백.
        return Final.CONSONANT
    # Everything else ends on a vowel as read: Lines 라인스, pdf 피디에프, desk 데스크, Park 파크, reader 리더.
    return Final.VOWEL


def particle(word: str, pair: str) -> str:
    """Return the form of a particle that follows word: particle("길", "으로/로") is "로".

    pair names both forms, either way round ("을/를" or "를/을"); an unknown pair is a mistake in the
    code or a translation, and raises ValueError.
    """
    forms = PAIRS.get(frozenset(pair.split("/")))
    if forms is None or pair.count("/") != 1:
        raise ValueError(f"Not a Korean particle pair: {pair!r}. Write both forms, e.g. 을/를 or 으로/로.")
    after_consonant, after_vowel = forms
    final = final_of(_plain(word))
    if final is Final.VOWEL or (final is Final.RIEUL and after_vowel in _TAKES_RO_AFTER_RIEUL):
        return after_vowel
    return after_consonant


def with_particle(word: str, pair: str) -> str:
    """Return word followed by the form of the particle that fits it: with_particle("index.html", "을/를").

    Templates have it as a filter: {{ series_title | with_particle("을/를") }}.
    """
    return word + particle(word, pair)


def fill_particles(message: str, values: Mapping[str, object]) -> str:
    """Replace every {을/를} marker of a message (before it is filled in) with the form that fits the word before it.

    The word is the placeholder's value when a placeholder stands before the marker (closing quotes and
    tags between them are passed over: “%(title)s”{을/를}, <a …>%(title)s</a>{이/가}); otherwise the
    message's own text before it. A message without markers is returned as it is.
    """
    if "{" not in message:
        return message
    parts: list[str] = []
    done = 0
    for marker in MARKER.finditer(message):
        before = message[: marker.start()]
        word = before
        placeholder = _PLACEHOLDER.search(_CLOSING.sub("", before))
        if placeholder and placeholder.group(1) in values:
            word = _plain(values[placeholder.group(1)])
        parts += [message[done : marker.start()], particle(word, f"{marker.group(1)}/{marker.group(2)}")]
        done = marker.end()
    return "".join(parts) + message[done:]


def _plain(value: object) -> str:
    """Return a value as a reader sees it: markup without its tags and with its entities read."""
    if isinstance(value, Markup):
        return value.striptags()
    return str(value)
