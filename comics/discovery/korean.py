"""Korean words as search sees them: the content morphemes mecab-ko finds in a text or a query word.

Korean writes particles and endings onto the word they follow (도시로, 강에서, 건넜다) and often leaves
spaces out (강을건너는밤), so one spaced word of the text is rarely the word a reader types. mecab-ko
with mecab-ko-dic (the dictionary behind Elasticsearch's Nori analyser) splits a text into morphemes;
search keeps the ones that carry meaning and drops the rest:

- kept: nouns and names (NNG, NNP), numerals (NR, SN), pronouns (NP), verb and adjective stems (VV, VA:
  건넜다 gives 건너, 부칠 gives 부치), roots (XR: 따뜻한 gives 따뜻), adverbs (MAG), and Latin or Chinese
  letters written onto Korean (SL, SH: lantern을 gives lantern);
- dropped: particles (J*), endings (E*), suffixes and prefixes (XS*, XP*), auxiliaries and the copula
  (VX, VCP, VCN), dependent nouns (NNB: 수, 것), determiners, interjections and punctuation, and the
  light verbs 하, 되, 있 (a verb stem of one syllable every other sentence holds).

A verb stem is the dictionary's: a compound verb that mecab-ko splits before an auxiliary is taken
whole where the dictionary holds it (올려다봤다 gives 올려다보, as 올려다본다 does), and a 르 stem
written with its contraction's ㄹ is the dictionary's stem without it (가팔랐 gives 가파르, not 가팔르).

A compound of the dictionary (빵집 = 빵 + 집, 외할머니 = 외 + 할머니) is indexed whole and in its parts,
as Nori's "mixed" mode does, so 할머니 finds 외할머니; a query keeps the compound whole (빵집주인 asks
for 빵집 and 주인, not for every 빵 and 집).

Each spaced word is analysed alone, in a text as in a query (analysis() says why), and its analysis
is remembered: words repeat, in a catalogue and in what readers search for.

Pure code: no Flask, no database. One analyser per process, made on first use and shared by threads
(each parse has its own lattice).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import mecab

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff]")
WORD = re.compile(r"[^\W_]+")  # a word as search_terms cuts a query: letters and digits only
CONTENT_TAGS = frozenset({"NNG", "NNP", "NR", "NP", "SN", "VV", "VA", "XR", "MAG", "SL", "SH"})
LIGHT_VERBS = frozenset({"하", "되", "있"})
FOLLOWING = " 것"  # a word to read each word before (analysis() says why); never part of an answer
WORD_CACHE = 8192  # words whose analysis each process remembers (about 2 MB)
HANGUL_FIRST, HANGUL_COUNT, RIEUL_FINAL = 0xAC00, 11172, 8  # 가, the syllables, ㄹ as a final (가 + 8 = 갈)


@cache
def analyser() -> mecab.MeCab:
    """Return this process's mecab-ko tagger (about 15 MB, loaded once)."""
    import mecab

    return mecab.MeCab()


def _pieces(surface: str, pos: str, kind: str | None, expression: str | None, *, parts: bool) -> list[str]:
    """Return the content words of one morpheme of mecab's answer, by its type."""
    if kind in ("Inflect", "Preanalysis") and expression:
        # 건넜 = 건너/VV + 었/EP: the stem as written in the dictionary, not the contracted surface.
        pieces = [piece.split("/") for piece in expression.split("+")]
        return [_stem(piece[0], piece[1]) for piece in pieces if len(piece) >= 2 and _content(piece[0], piece[1])]
    tag = pos.split("+")[0]
    if not _content(surface, tag):
        return []
    words = [_stem(surface, tag)]
    if parts and kind == "Compound" and expression:
        words += [
            piece[0]
            for piece in (p.split("/") for p in expression.split("+"))
            if len(piece) >= 2 and _content(piece[0], piece[1])
        ]
    return words


def _content(word: str, tag: str) -> bool:
    return tag in CONTENT_TAGS and word not in LIGHT_VERBS and WORD.fullmatch(word) is not None


def _stem(word: str, tag: str) -> str:
    """Return a verb or adjective stem as the dictionary's entry for it writes it.

    A 르-irregular stem loses its 으 and doubles its ㄹ before 아/어 (가파르 + 았 → 가팔랐), and for
    some words mecab-ko-dic gives the stem with that ㄹ (가팔랐 = 가팔르/VA + 았/EP) or holds the
    colloquial spelling (빨르 beside 빠르). Where the dictionary knows the stem without the ㄹ, that is
    the stem: 가팔르 → 가파르, 몰르 → 모르; 들르 stays (드르 is no word).
    """
    if tag not in ("VV", "VA") or len(word) < 2 or word[-1] != "르":
        return word
    before = ord(word[-2]) - HANGUL_FIRST
    if not 0 <= before < HANGUL_COUNT or before % 28 != RIEUL_FINAL:
        return word
    plain = word[:-2] + chr(HANGUL_FIRST + before - RIEUL_FINAL) + "르"
    return plain if _is_stem(plain) else word


@lru_cache(maxsize=1024)
def _is_stem(word: str) -> bool:
    """Tell whether the dictionary reads word + 다 as one verb or adjective, word its stem (올려다보다, 가파르다)."""
    morphemes = analyser().parse(word + "다")
    return len(morphemes) == 2 and morphemes[0].surface == word and morphemes[0].feature.pos in ("VV", "VA")


def _compound_verb(word: str, morphemes: list[mecab.Morpheme], index: int) -> tuple[int, str] | None:
    """Return (where the verb begins, the verb) when the auxiliary at index and the verb before it are one verb.

    mecab-ko reads 올려다본다 as the verb 올려다보, but 올려다봤다 as 올리 + 어다 + 보 (an auxiliary,
    as in 먹어 봤다, "tried eating"). Where the dictionary holds the whole as a verb (올려다보다,
    내려다보다; not 먹어보다), the whole is the verb, so both forms meet.
    """
    feature = morphemes[index].feature
    if not feature.pos.startswith("VX") or index == 0:
        return None
    ending = morphemes[index - 1]
    if ending.feature.pos.startswith(("VV", "VA")) and ending.feature.pos.endswith("+EC"):
        verb = index - 1  # 올려다 = 올리/VV + 어다/EC
    elif ending.feature.pos == "EC" and index >= 2 and morphemes[index - 2].feature.pos.startswith(("VV", "VA")):
        verb = index - 2  # 올리/VV, 어다/EC
    else:
        return None
    auxiliary = morphemes[index].surface
    if feature.type == "Inflect" and feature.expression:
        auxiliary = feature.expression.split("+")[0].split("/")[0]  # 봤 = 보/VX + 았/EP
    whole = word[morphemes[verb].span.start : ending.span.end] + auxiliary
    return (verb, whole) if _is_stem(whole) else None


@lru_cache(maxsize=WORD_CACHE)
def analysis(word: str) -> tuple[tuple[str, bool], ...]:
    """Return the content morphemes of one spaced word, each with whether it is only a compound's part.

    A word is analysed on its own, in the text as in a query: mecab-ko reads a word differently by
    what follows it, so the same word analysed the same way on both sides is what makes them meet.
    It is analysed as if another word followed (FOLLOWING): alone, mecab-ko takes a word for a
    whole sentence and misreads one that cannot end it (엄마의 alone is 엄 + 마의; before another
    word it is 엄마 + 의, as in any text).
    """
    if not HANGUL.search(word):
        return ()
    morphemes = [morpheme for morpheme in analyser().parse(word + FOLLOWING) if morpheme.span.end <= len(word)]
    found: list[tuple[str, bool]] = []
    begins: list[int] = []  # where each morpheme's words begin in found
    for index, morpheme in enumerate(morphemes):
        begins.append(len(found))
        compound = _compound_verb(word, morphemes, index)
        if compound is not None:
            # The verb before is a part of the compound now: 올려다봤다 is 올려다보, and 올리 in a text.
            verb, whole = compound
            found[begins[verb] :] = [(whole, False), *((piece, True) for piece, _part in found[begins[verb] :])]
            continue
        feature = morpheme.feature
        pieces = _pieces(morpheme.surface, feature.pos, feature.type, feature.expression, parts=True)
        whole_words = _pieces(morpheme.surface, feature.pos, feature.type, feature.expression, parts=False)
        found += [(piece, index_ >= len(whole_words)) for index_, piece in enumerate(pieces)]
    return tuple(found)


def index_words(text: str) -> list[str]:
    """Return the content morphemes of a (folded) text's words that are not already one of its words as written.

    Written beside the text in the index, so a stem or a noun matches wherever its particle or ending
    put it. A text without Hangul gives nothing: English is indexed as it always was.
    """
    if not HANGUL.search(text):
        return []
    return [morpheme for word in WORD.findall(text) for morpheme, _part in analysis(word) if morpheme != word]


def query_words(word: str) -> tuple[str, ...]:
    """Return the content morphemes of one (folded) query word, when they say more than the word itself.

    도시로 → (도시,); 강을건너는밤 → (강, 건너, 밤); 빵집주인 → (빵집, 주인); 할머니 → () (the word is its
    own morpheme); lantern → () (no Hangul).
    """
    words: list[str] = []
    for morpheme, part in analysis(word):
        if not part and morpheme not in words:
            words.append(morpheme)
    return () if words == [word] else tuple(words)
