"""Full-text search over series, episodes and artists: SQLite FTS5 by default, PostgreSQL's own when used.

One table, search_document, holds the searchable text of every series (title, summary), episode
(title, author's note, panels' alt text and transcripts) and artist (name, bio), kept in step with
them by session events on every flush. Each engine indexes it its own way:

- SQLite: an FTS5 table, search_fts, over search_document's rows, maintained by triggers;
- PostgreSQL: a GIN index on to_tsvector('simple', title_terms || ' ' || body_terms).

Matching uses title_terms and body_terms: the text folded by fold() (compatibility forms unified,
accents removed, case folded), the same on both engines and for the query, so "cafe" finds "Café"
everywhere. title and body keep the text as written, for the excerpts shown with each result.

Both are made by create_search_index(), which runs after search_document is created (so create_all
makes them) and which a migration calls the same way. 'simple' (no stemming, no stop words) because
series are written in Korean as well as English: no single language's rules fit them all.

Whether something is public is never stored in the index: every search joins the live tables, so a
draft is never found and a scheduled episode is found from the moment it goes public.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import (
    DDL,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    column,
    delete,
    event,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, selectinload

from artists.models import Artist
from comics.markup import render_markdown
from comics.models import Episode, Panel, Series, StoredImage
from extensions import db

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_LENGTH = 180
SNIPPET_SCAN = 20_000  # an excerpt is looked for in the first this many characters of a text
KINDS = ("series", "artist", "episode")  # the order equally good matches are listed in


class SearchDocument(db.Model):
    """The searchable text of one series, episode or artist."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    title_terms: Mapped[str] = mapped_column(Text, default="")
    body_terms: Mapped[str] = mapped_column(Text, default="")


# --- the engine's index ----------------------------------------------------------------------------

SEARCH_INDEX_DDL: dict[str, list[str]] = {
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title_terms, body_terms, content='search_document', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        "CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON search_document BEGIN "
        "INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms); END",
        "CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON search_document BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) "
        "VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
        "CREATE TRIGGER IF NOT EXISTS search_document_au AFTER UPDATE ON search_document BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) "
        "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
        "INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms); END",
        # Index whatever search_document already holds (nothing after create_all; rows after a migration).
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ],
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS ix_search_document_fulltext ON search_document "
        "USING gin (to_tsvector('simple'::regconfig, title_terms || ' ' || body_terms))",
    ],
}
DROP_SEARCH_INDEX_DDL: dict[str, list[str]] = {
    "sqlite": ["DROP TABLE IF EXISTS search_fts"],  # its triggers go with search_document
    "postgresql": ["DROP INDEX IF EXISTS ix_search_document_fulltext"],
}
# What the SQLite index adds to the schema beside the models: for migrations' autogenerate to ignore.
SQLITE_INDEX_TABLES = ("search_fts", "search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config")


def create_search_index(connection: Connection) -> None:
    """Create the engine's full-text index over search_document (for create_all and migrations)."""
    for statement in SEARCH_INDEX_DDL.get(connection.dialect.name, []):
        connection.execute(DDL(statement))


def drop_search_index(connection: Connection) -> None:
    """Drop the engine's full-text index (before search_document itself is dropped)."""
    for statement in DROP_SEARCH_INDEX_DDL.get(connection.dialect.name, []):
        connection.execute(DDL(statement))


@event.listens_for(SearchDocument.__table__, "after_create")
def _create_index_with_table(target: Any, connection: Connection, **kw: Any) -> None:
    create_search_index(connection)


@event.listens_for(SearchDocument.__table__, "before_drop")
def _drop_index_with_table(target: Any, connection: Connection, **kw: Any) -> None:
    drop_search_index(connection)


# --- keeping the documents in step -----------------------------------------------------------------


def plain_text(markdown: str | None) -> str:
    """Return Markdown as plain words, as readers see them."""
    return " ".join(Markup(str(render_markdown(markdown))).striptags().split())


def _documents(connection: Connection, kind: str, ids: set[int]) -> list[dict[str, Any]]:
    """Return the search_document rows of these ids of one kind, read from the live tables."""
    if kind == "series":
        rows = connection.execute(select(Series.id, Series.title, Series.summary).where(Series.id.in_(ids)))
        return [{"kind": kind, "ref_id": id, "title": title, "body": summary or ""} for id, title, summary in rows]
    if kind == "artist":
        rows = connection.execute(select(Artist.id, Artist.display_name, Artist.bio_markdown).where(Artist.id.in_(ids)))
        return [{"kind": kind, "ref_id": id, "title": name, "body": plain_text(bio)} for id, name, bio in rows]
    episodes = connection.execute(select(Episode.id, Episode.title, Episode.author_note).where(Episode.id.in_(ids))).all()
    words: dict[int, list[str]] = {}
    for episode_id, alt_text, transcript in connection.execute(
        select(Panel.episode_id, Panel.alt_text, Panel.transcript)
        .where(Panel.episode_id.in_(ids))
        .order_by(Panel.episode_id, Panel.position)
    ):
        words.setdefault(episode_id, []).extend(text for text in (transcript, alt_text) if text)
    return [
        {"kind": kind, "ref_id": id, "title": title, "body": " ".join([plain_text(note), *words.get(id, [])])}
        for id, title, note in episodes
    ]


def with_terms(document: dict[str, Any]) -> dict[str, Any]:
    """Return a document with its folded copies for matching."""
    return {**document, "title_terms": fold(document["title"]), "body_terms": fold(document["body"])}


def refresh_documents(connection: Connection, keys: Iterable[tuple[str, int]]) -> None:
    """Rewrite the documents of these (kind, id) pairs; those whose row is gone are removed."""
    by_kind: dict[str, set[int]] = {}
    for kind, ref_id in keys:
        if ref_id is not None:
            by_kind.setdefault(kind, set()).add(ref_id)
    for kind, ids in by_kind.items():
        for chunk in _chunks(sorted(ids), 500):
            connection.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id.in_(chunk)))
            documents = [with_terms(document) for document in _documents(connection, kind, set(chunk))]
            if documents:
                connection.execute(insert(SearchDocument), documents)


def rebuild_search_documents(connection: Connection) -> int:
    """Rewrite every document from the live tables; return how many there are."""
    connection.execute(delete(SearchDocument))
    keys = chain(
        (("series", id) for id in connection.scalars(select(Series.id))),
        (("episode", id) for id in connection.scalars(select(Episode.id))),
        (("artist", id) for id in connection.scalars(select(Artist.id))),
    )
    refresh_documents(connection, list(keys))
    return connection.scalar(select(func.count()).select_from(SearchDocument)) or 0


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _note_changes(session: Session, flush_context: Any) -> None:
    """Remember which documents this flush made stale (ids are known after the flush)."""
    stale: set[tuple[str, int]] = session.info.setdefault("search_stale", set())
    for instance in chain(session.new, session.dirty, session.deleted):
        if isinstance(instance, Series):
            stale.add(("series", instance.id))
        elif isinstance(instance, Episode):
            stale.add(("episode", instance.id))
        elif isinstance(instance, Panel):
            stale.add(("episode", instance.episode_id))
        elif isinstance(instance, Artist):
            stale.add(("artist", instance.id))


def _refresh_after_flush(session: Session, flush_context: Any) -> None:
    """Rewrite the stale documents in the same transaction as the change, so both commit or neither."""
    stale = session.info.pop("search_stale", None)
    if stale:
        refresh_documents(session.connection(), stale)


event.listen(Session, "after_flush", _note_changes)
event.listen(Session, "after_flush_postexec", _refresh_after_flush)


# --- searching -------------------------------------------------------------------------------------


class SearchQueryError(ValueError):
    """A query refused with a message the reader can act on."""


@dataclass
class SearchHit:
    """One thing found: a series, an episode or an artist, and the words around the match."""

    kind: str
    item: Series | Episode | Artist
    snippet: Markup


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


def fold(text: str) -> str:
    """Return text as search compares it: compatibility forms unified, accents removed, case folded.

    Hangul syllables decompose into jamo, which are not combining marks, and recompose unchanged.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare).casefold()


def search_terms(query: str) -> list[str]:
    """Return the words of a query: letters and digits only, so no engine's query syntax gets through."""
    terms: list[str] = []
    for term in _TERM.findall(fold(query)):
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def check_query(query: str) -> None:
    """Raise SearchQueryError for a query too long to be a search."""
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchQueryError(f"Search for at most {MAX_QUERY_LENGTH} characters; that search had {len(query)}.")


def _visible() -> Any:
    """Return the condition that a document's thing is public now (checked on live rows every time)."""
    public_series = Series.public().with_only_columns(Series.id)
    return or_(
        and_(SearchDocument.kind == "episode", SearchDocument.ref_id.in_(Episode.public().with_only_columns(Episode.id))),
        and_(SearchDocument.kind == "series", SearchDocument.ref_id.in_(public_series)),
        # An artist is found once they have a series readers can see, like the rest of their work.
        and_(SearchDocument.kind == "artist", SearchDocument.ref_id.in_(select(Series.artist_id).where(Series.id.in_(public_series)))),
    )


_FTS = table("search_fts", column("rowid"))


def _matching(terms: list[str], dialect: str) -> tuple[Any, Any, Any]:
    """Return (from clause, match condition, rank ordering) for the engine in use."""
    if dialect == "sqlite":
        # Each term quoted (so it is a word, never an operator) and a prefix: "lant" finds "lantern".
        expression = " ".join(f'"{term}"*' for term in terms)
        source = SearchDocument.__table__.join(_FTS, _FTS.c.rowid == SearchDocument.id)
        condition = literal_column("search_fts").op("MATCH")(expression)
        # bm25: lower is better; a match in the title counts ten times one in the text.
        return source, condition, literal_column("bm25(search_fts, 10.0, 1.0)").asc()
    if dialect == "postgresql":
        query = func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(f"{term}:*" for term in terms))
        # The same expression as the GIN index, so the index serves the match.
        document = literal_column(
            "to_tsvector('simple'::regconfig, search_document.title_terms || ' ' || search_document.body_terms)"
        )
        weighted = literal_column(
            "setweight(to_tsvector('simple'::regconfig, search_document.title_terms), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, search_document.body_terms), 'B')"
        )
        return SearchDocument.__table__, document.op("@@")(query), func.ts_rank(weighted, query).desc()
    raise RuntimeError(f"search supports SQLite and PostgreSQL, not {dialect}")


def search(query: str, page: int = 1, per_page: int = 20) -> SearchResults:
    """Return one page of the public series, episodes and artists matching the query, best first.

    Raises SearchQueryError for a query that is too long; a page past the last has no hits.
    """
    check_query(query)
    terms = search_terms(query)
    results = SearchResults(query=query, terms=terms, page=page, per_page=per_page, total=0)
    if not terms:
        return results
    dialect = db.session.get_bind().dialect.name
    source, condition, ranking = _matching(terms, dialect)
    where = and_(condition, _visible())
    results.total = db.session.scalar(select(func.count()).select_from(source).where(where)) or 0
    if results.total == 0 or page > results.pages:
        return results
    kind_order = case({kind: index for index, kind in enumerate(KINDS)}, value=SearchDocument.kind)
    rows = db.session.execute(
        select(SearchDocument.kind, SearchDocument.ref_id, SearchDocument.title, SearchDocument.body)
        .select_from(source)
        .where(where)
        .order_by(ranking, kind_order, SearchDocument.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = _load_items(rows)
    for kind, ref_id, title, body in rows:
        item = items.get((kind, ref_id))
        if item is not None:
            results.hits.append(SearchHit(kind, item, snippet(body, terms)))
    return results


def _load_items(rows: Sequence[Any]) -> dict[tuple[str, int], Series | Episode | Artist]:
    """Load the things a page of results names, with what the results page shows of them."""
    ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for kind, ref_id, *_ in rows:
        ids[kind].append(ref_id)
    items: dict[tuple[str, int], Series | Episode | Artist] = {}
    if ids["series"]:
        for series in db.session.scalars(
            select(Series)
            .where(Series.id.in_(ids["series"]))
            .options(joinedload(Series.artist), joinedload(Series.cover).selectinload(StoredImage.renditions))
        ).unique():
            items[("series", series.id)] = series
    if ids["episode"]:
        for episode in db.session.scalars(
            select(Episode)
            .where(Episode.id.in_(ids["episode"]))
            .options(
                joinedload(Episode.series).joinedload(Series.artist),
                joinedload(Episode.thumbnail).selectinload(StoredImage.renditions),
            )
        ).unique():
            items[("episode", episode.id)] = episode
    if ids["artist"]:
        for artist in db.session.scalars(
            select(Artist).where(Artist.id.in_(ids["artist"])).options(selectinload(Artist.series))
        ):
            items[("artist", artist.id)] = artist
    return items


def _folded_with_origins(text: str) -> tuple[str, list[int]]:
    """Return fold(text) and, for each folded character, the index of the character it came from."""
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = char.lower() if char.isascii() else fold(char)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return "".join(pieces), origins


def snippet(text: str, terms: Sequence[str], length: int = SNIPPET_LENGTH) -> Markup:
    """Return a short, escaped excerpt of the text around the first match, the matching words in <mark>."""
    if not text:
        return Markup("")
    text = text[:SNIPPET_SCAN]
    folded, origins = _folded_with_origins(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for match in re.finditer(re.escape(term), folded):
            spans.append((origins[match.start()], origins[match.end() - 1] + 1))
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


def include_in_autogenerate(name: str | None, type_: str, parent_names: Any) -> bool:
    """Tell Alembic's autogenerate to leave the engine's search index alone (it is not a model).

    Pass as include_name= to context.configure (migrations/env.py) and to compare_metadata.
    """
    if type_ == "table":
        return name not in SQLITE_INDEX_TABLES
    if type_ == "index":
        return name != "ix_search_document_fulltext"
    return True
