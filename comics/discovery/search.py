"""Searching: one page of public series, episodes and artists matching a query, with excerpts.

Whether something is public is never stored in the index: every search joins the live tables
(Series.is_public, Episode.is_public), so a draft is never found and a scheduled episode is found
from the moment it goes public. The index itself is comics.discovery.search_index.

How words match, the same on SQLite (FTS5) and PostgreSQL (tsquery), in English and in Korean: every
word of the query must be found, and a word is found where

- it begins a word of the document (a prefix query, "term"* or term:*): "lant" finds "lantern",
  "cross" finds "crossing", 할머니 finds 할머니가; or
- in Korean, the content morphemes mecab-ko finds in it are all words of the document's index, which
  holds the Korean text's morphemes beside the text (comics.discovery.korean): 도시로 (도시 + 로)
  finds 도시의 and 도시까지, 강을건너는밤 (강 + 건너 + 밤) finds 강을 건너는 밤 and 강을 건넜다 … 밤,
  빵집주인 finds 빵집 주인, 할머니 finds 외할머니 (a compound indexed in its parts too).

A document holding the word whole ranks above one where it only begins a longer word, and a match in
the title counts ten times one in the text.

What that costs, on purpose:
- No stemming in English (neither engine stems the same way as the other, and no stemmer is
  installed), so "crossings" does not find "crossing": a query word longer than the text's word never
  matches.
- Nothing is found inside a word that is not a morpheme of it: 머니 does not find 할머니.
- A one-syllable query is broad: 강 (river) finds 강을 and also 강아지 (puppy), which begins with it.
- The analyser can be wrong about a word it does not know (a rare name typed without spaces); the
  word's beginning still matches as before.

Snippets are cut from the text in the page's language where the thing has it (a Korean page shows
the Korean summary, never the English one beside it), with the words and morphemes found marked.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnClause,
    and_,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import joinedload, selectinload

from artists.models import Artist
from comics.discovery.korean import query_words
from comics.discovery.models import SearchDocument
from comics.discovery.search_index import VECTOR_COLUMN, fold, plain_text
from comics.images.models import StoredImage
from comics.models import Episode, Panel, Series, SeriesTranslation
from extensions import db

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_LENGTH = 180
SNIPPET_SCAN = 20_000  # an excerpt is looked for in the first this many characters of a text
KINDS = ("series", "artist", "episode")  # the order equally good matches are listed in
# --- searching -------------------------------------------------------------------------------------


class SearchQueryError(ValueError):
    """A query refused with a message the reader can act on."""


@dataclass
class SearchHit:
    """One thing found: a series, an episode or an artist, and the words around the match."""

    kind: str
    item: Series | Episode | Artist
    snippet: Markup


@dataclass(frozen=True)
class QueryWord:
    """One word of a query, and the Korean content morphemes that also find it (none for English)."""

    word: str
    morphemes: tuple[str, ...] = ()


@dataclass
class SearchResults:
    """One page of results for a query."""

    query: str
    terms: list[str]
    page: int
    per_page: int
    total: int
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


_TERM = re.compile(r"[^\W_]+")


def search_terms(query: str) -> list[str]:
    """Return the words of a query: letters and digits only, so no engine's query syntax gets through."""
    terms: list[str] = []
    for term in _TERM.findall(fold(query)):
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def query_analysis(terms: Sequence[str]) -> list[QueryWord]:
    """Return each query word with its Korean content morphemes (comics.discovery.korean)."""
    return [QueryWord(term, query_words(term)) for term in terms]


def marked_terms(words: Sequence[QueryWord]) -> list[str]:
    """Return what a snippet marks: the words as typed and the morphemes they were found by."""
    marked: list[str] = []
    for word in words:
        for term in (word.word, *word.morphemes):
            if term not in marked:
                marked.append(term)
    return marked


def check_query(query: str) -> None:
    """Raise SearchQueryError for a query too long to be a search."""
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            _("Search for at most %(most)s characters; that search had %(length)s.", most=MAX_QUERY_LENGTH, length=len(query))
        )


@cache
def _visible() -> Any:
    """Return the condition that a document's thing is public now (checked on live rows every time).

    Built once per process: its "now" is a parameter read when the statement runs
    (comics.models.now_when_run), and building it from the models' rules took longer than a search.
    """
    public_series = Series.public().with_only_columns(Series.id)
    return or_(
        and_(SearchDocument.kind == "episode", SearchDocument.ref_id.in_(Episode.public().with_only_columns(Episode.id))),
        and_(SearchDocument.kind == "series", SearchDocument.ref_id.in_(public_series)),
        # An artist is found once they have a series readers can see, like the rest of their work.
        and_(
            SearchDocument.kind == "artist",
            SearchDocument.ref_id.in_(select(Series.artist_id).where(Series.id.in_(public_series))),
        ),
    )


_FTS = table("search_fts", column("rowid"))


def _matching(words: Sequence[QueryWord], dialect: str) -> tuple[Any, Any, Any]:
    """Return (from clause, match condition, score) for the engine in use: the lower the score, the better the match.

    Each word is one group, and every group must match: the word as the beginning of a token, or
    the word whole (which adds to the rank), or all its Korean morphemes whole. The terms are letters
    and digits only (search_terms, korean.WORD), so no engine's query syntax gets through.
    """
    if dialect == "sqlite":
        # Each term quoted (so it is a word, never an operator); "lant"* finds "lantern".
        groups = []
        for word in words:
            alternatives = [f'"{word.word}"*', f'"{word.word}"']
            if word.morphemes:
                alternatives.append("(" + " AND ".join(f'"{morpheme}"' for morpheme in word.morphemes) + ")")
            groups.append("(" + " OR ".join(alternatives) + ")")
        source = SearchDocument.__table__.join(_FTS, _FTS.c.rowid == SearchDocument.id)
        condition = literal_column("search_fts").op("MATCH")(" AND ".join(groups))
        # bm25: lower is better; a match in the title counts ten times one in the text.
        return source, condition, literal_column("bm25(search_fts, 10.0, 1.0)")
    if dialect == "postgresql":
        groups = []
        for word in words:
            alternatives = [f"{word.word}:*", word.word]
            if word.morphemes:
                alternatives.append("(" + " & ".join(word.morphemes) + ")")
            groups.append("(" + " | ".join(alternatives) + ")")
        query = func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(groups))
        # The stored, GIN-indexed vector (search_index.VECTOR_COLUMN): its weights count in ts_rank only.
        vector: ColumnClause[Any] = literal_column(f"search_document.{VECTOR_COLUMN}")
        return SearchDocument.__table__, vector.op("@@")(query), -func.ts_rank(vector, query)
    raise RuntimeError(f"search supports SQLite and PostgreSQL, not {dialect}")


def search(query: str, page: int = 1, per_page: int = 20, language: str | None = None) -> SearchResults:
    """Return one page of the public series, episodes and artists matching the query, best first.

    With a language, each snippet is cut from the thing's text in that language where it has one (else
    its original's); without, from all its words. Raises SearchQueryError for a query that is too long;
    a page past the last has no hits.
    """
    check_query(query)
    terms = search_terms(query)
    results = SearchResults(query=query, terms=terms, page=page, per_page=per_page, total=0)
    if not terms:
        return results
    words = query_analysis(terms)
    dialect = db.session.get_bind().dialect.name
    source, condition, score = _matching(words, dialect)
    where = and_(condition, _visible())
    # The page's rows and the count of all matches in one statement, so the engine matches once, not
    # twice; the score is taken inside, as FTS5 allows bm25() in no query with a window function.
    matches = (
        select(SearchDocument.id, SearchDocument.kind, SearchDocument.ref_id, SearchDocument.body, score.label("score"))
        .select_from(source)
        .where(where)
        .subquery()
    )
    kind_order = case({kind: index for index, kind in enumerate(KINDS)}, value=matches.c.kind)
    rows = db.session.execute(
        select(matches.c.kind, matches.c.ref_id, matches.c.body, func.count().over())
        .order_by(matches.c.score, kind_order, matches.c.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        results.total = rows[0][3]
    elif page > 1:  # past the last page, or nothing found: say which
        results.total = db.session.scalar(select(func.count()).select_from(source).where(where)) or 0
    if not rows:
        return results
    items = _load_items(rows)
    marked = marked_terms(words)
    texts = {} if language is None else texts_in(items.values(), language)
    for kind, ref_id, body, _total in rows:
        item = items.get((kind, ref_id))
        if item is not None:
            results.hits.append(SearchHit(kind, item, snippet(texts.get((kind, ref_id), body), marked)))
    return results


def texts_in(items: Iterable[Series | Episode | Artist], language: str) -> dict[tuple[str, int], str]:
    """Return the words each snippet is cut from in this language: the thing's own there, else its original's.

    The same words its search document holds of that language: a series' summary, an episode's
    author's note, transcripts and alt texts, an artist's bio. The panels' words are read in one query,
    as text only (a Panel loads its image and renditions).
    """
    texts: dict[tuple[str, int], str] = {}
    versions: dict[int, Episode] = {}
    for item in items:
        if isinstance(item, Series):
            texts[("series", item.id)] = item.summary_in(language)
        elif isinstance(item, Artist):
            texts[("artist", item.id)] = plain_text(item.bio_in(language))
        else:
            versions[item.id] = item.version_in(language)
    panel_words: dict[int, list[str]] = {}
    if versions:
        for episode_id, transcript, alt_text in db.session.execute(
            select(Panel.episode_id, Panel.transcript, Panel.alt_text)
            .where(Panel.episode_id.in_([version.id for version in versions.values()]))
            .order_by(Panel.episode_id, Panel.position)
        ):
            panel_words.setdefault(episode_id, []).extend(text for text in (transcript, alt_text) if text)
    for id, version in versions.items():
        words = [plain_text(version.author_note), *panel_words.get(version.id, [])]
        texts[("episode", id)] = " ".join(text for text in words if text)
    return texts


def _load_items(rows: Sequence[Any]) -> dict[tuple[str, int], Series | Episode | Artist]:
    """Load the things a page of results names, with what the results page shows of them.

    The translations (one row per language, a handful) are joined into the statement that loads their
    owner; only the renditions, a dozen per image, are read by a second statement, and a series'
    translated covers (Series.cover_in, on a page in their language) by a third.
    """
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for kind, ref_id, *_rest in rows:
        ids[kind].append(ref_id)
    items: dict[tuple[str, int], Series | Episode | Artist] = {}
    if ids["series"]:
        for series in db.session.scalars(
            select(Series)
            .where(Series.id.in_(ids["series"]))
            .options(
                joinedload(Series.artist).joinedload(Artist.translations),
                joinedload(Series.cover).selectinload(StoredImage.renditions),
                joinedload(Series.translations)
                .joinedload(SeriesTranslation.cover)
                .selectinload(StoredImage.renditions),
            )
        ).unique():
            items[("series", series.id)] = series
    if ids["episode"]:
        for episode in db.session.scalars(
            select(Episode)
            .where(Episode.id.in_(ids["episode"]))
            .options(
                joinedload(Episode.series).joinedload(Series.artist).joinedload(Artist.translations),
                joinedload(Episode.series).joinedload(Series.translations),
                joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
                joinedload(Episode.translations),
            )
        ).unique():
            items[("episode", episode.id)] = episode
    if ids["artist"]:
        for artist in db.session.scalars(
            select(Artist)
            .where(Artist.id.in_(ids["artist"]))
            .options(selectinload(Artist.series), joinedload(Artist.translations))
        ).unique():
            items[("artist", artist.id)] = artist
    return items


# Characters other than ASCII and Hangul syllables: those two fold as str.lower() does, one to one.
_OTHER = re.compile(r"[^\x00-\x7f\uac00-\ud7a3]")


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    return fold(char)


def _folded_with_origins(text: str) -> tuple[str, Callable[[int], int]]:
    """Return fold(text), a character at a time, and a function from a folded index to the text's.

    Only the characters other than ASCII and Hangul are folded one by one (a few … and “ in a Korean
    text): a page of results has tens of thousands of characters, which a loop in Python would take
    longer over than the search.
    """
    pieces: list[str] = []
    starts: list[int] = []  # where each character that did not fold to one begins in the folded text
    positions: list[int] = []  # and where it is in the text
    widths: list[int] = []  # and how long it folded
    cursor = shift = 0
    for match in _OTHER.finditer(text):
        index = match.start()
        folded = _folded_char(match.group())
        pieces += [text[cursor:index].lower(), folded]
        cursor = index + 1
        if len(folded) != 1:  # … is ..., a combining accent nothing
            starts.append(index + shift)
            positions.append(index)
            widths.append(len(folded))
            shift += len(folded) - 1
    pieces.append(text[cursor:].lower())
    if not starts:
        return "".join(pieces), int

    def origin(index: int) -> int:
        uneven = bisect_right(starts, index) - 1
        if uneven < 0:
            return index
        start, width = starts[uneven], widths[uneven]
        return positions[uneven] if index < start + width else positions[uneven] + 1 + index - start - width

    return "".join(pieces), origin


def snippet(text: str, terms: Sequence[str], length: int = SNIPPET_LENGTH) -> Markup:
    """Return a short, escaped excerpt of the text around the first match, the matching words in <mark>."""
    if not text:
        return Markup("")
    text = text[:SNIPPET_SCAN]
    folded, origin = _folded_with_origins(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for match in re.finditer(re.escape(term), folded):
            spans.append((origin(match.start()), origin(match.end() - 1) + 1))
    spans.sort()
    begin = max(0, spans[0][0] - length // 3) if spans else 0
    if begin:
        # Start at a word: the space after begin, if there is one close by.
        space = text.find(" ", begin, begin + 20)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + length)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin else end
    parts: list[str] = ["…"] if begin else []
    cursor = begin
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, cursor), min(span_end, end)
        if span_start >= span_end:
            continue
        parts.append(str(escape(text[cursor:span_start])))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(str(escape(text[cursor:end])))
    if end < len(text):
        parts.append("…")
    return Markup("".join(parts))
