"""The full-text index over series, episodes and artists: SQLite FTS5 by default, PostgreSQL's own when used.

One table, search_document, holds the searchable text of every series (title, summary), episode
(title, author's note, panels' alt text and transcripts) and artist (name, bio), kept in step with
them by session events on every flush. Each engine indexes it its own way:

- SQLite: an FTS5 table, search_fts, over search_document's rows, maintained by triggers;
- PostgreSQL: a stored, generated tsvector column (terms_vector: title_terms weighted A, body_terms
  B) with a GIN index.

Matching uses title_terms and body_terms: the text folded by fold() (compatibility forms unified,
accents removed, case folded), the same on both engines and for the query, so "cafe" finds "Café"
everywhere. title and body keep the text as written, for the excerpts shown with each result.

Both are made by create_search_index(), which runs after search_document is created (so create_all
makes them) and which a migration calls the same way. 'simple' (no stemming, no stop words) because
series are written in Korean as well as English: no single language's rules fit them all. Korean
gets its own analysis instead, the same on both engines: after the folded text, each terms column
holds the content morphemes mecab-ko finds in its Korean words (할머니가 → 할머니, 건넜다 → 건너,
빵집 → 빵 and 집; comics.discovery.korean), so a noun, a stem or a compound's part is a token of its
own wherever its particle or ending put it. Changing what is indexed means rebuilding the documents:
a migration does it on upgrade (0010), `flask search-reindex` at any time.

Searching the index is comics.discovery.search.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    DDL,
    Select,
    and_,
    delete,
    event,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from artists.models import Artist, ArtistTranslation
from comics.discovery.korean import index_words
from comics.discovery.models import SearchDocument
from comics.models import Episode, EpisodeStatus, Panel, Series, SeriesTranslation
from web.markup import render_markdown

# --- the engine's index ----------------------------------------------------------------------------

# PostgreSQL's: a generated column holding the weighted tsvector of title_terms (A) and body_terms (B).
VECTOR_COLUMN = "terms_vector"
VECTOR_INDEX = "ix_search_document_terms_vector"
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
        # The weighted vector stored, so neither the match nor ts_rank rebuilds it for every row they
        # read (with the Korean morphemes in the terms, rebuilding took 1.8 times as long; docs/search.md).
        "DROP INDEX IF EXISTS ix_search_document_fulltext",  # over the expression, before 0010
        f"ALTER TABLE search_document ADD COLUMN IF NOT EXISTS {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, body_terms), 'B')) STORED",
        f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON search_document USING gin ({VECTOR_COLUMN})",
    ],
}
DROP_SEARCH_INDEX_DDL: dict[str, list[str]] = {
    "sqlite": ["DROP TABLE IF EXISTS search_fts"],  # its triggers go with search_document
    "postgresql": [
        f"DROP INDEX IF EXISTS {VECTOR_INDEX}",
        f"ALTER TABLE search_document DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
        "DROP INDEX IF EXISTS ix_search_document_fulltext",
    ],
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


def _create_index_with_table(target: Any, connection: Connection, **kw: Any) -> None:
    create_search_index(connection)


def _drop_index_with_table(target: Any, connection: Connection, **kw: Any) -> None:
    drop_search_index(connection)


# --- keeping the documents in step -----------------------------------------------------------------


def plain_text(markdown: str | None) -> str:
    """Return Markdown as plain words, as readers see them."""
    if not markdown:
        return ""  # most notes and bios are empty: no Markdown to render
    return " ".join(Markup(str(render_markdown(markdown))).striptags().split())


def _documents(connection: Connection, kind: str, ids: set[int]) -> list[dict[str, Any]]:
    """Return the search_document rows of these ids of one kind, read from the live tables.

    A document holds its subject's words in every language: a series' and an artist's translations,
    and an episode's versions in other languages once approved (a version has no document of its own:
    it is found through its original, whose page shows each reader their language's version).
    """
    if kind == "series":
        translations = _grouped(
            connection, select(SeriesTranslation.series_id, SeriesTranslation.title, SeriesTranslation.summary), ids
        )
        rows = connection.execute(select(Series.id, Series.title, Series.summary).where(Series.id.in_(ids)))
        return [
            _document(
                kind, id, [title, *(t for t, _ in translations.get(id, []))], [summary, *(s for _, s in translations.get(id, []))]
            )
            for id, title, summary in rows
        ]
    if kind == "artist":
        translations = _grouped(
            connection, select(ArtistTranslation.artist_id, ArtistTranslation.display_name, ArtistTranslation.bio_markdown), ids
        )
        rows = connection.execute(select(Artist.id, Artist.display_name, Artist.bio_markdown).where(Artist.id.in_(ids)))
        return [
            _document(
                kind,
                id,
                [name, *(n for n, _ in translations.get(id, []))],
                [plain_text(bio), *(plain_text(b) for _, b in translations.get(id, []))],
            )
            for id, name, bio in rows
        ]
    versions = connection.execute(
        select(Episode.id, Episode.original_id, Episode.title, Episode.author_note).where(
            or_(
                and_(Episode.id.in_(ids), Episode.original_id.is_(None)),
                and_(Episode.original_id.in_(ids), Episode.status == EpisodeStatus.PUBLISHED),
            )
        )
    ).all()
    words: dict[int, list[str]] = {}
    for episode_id, alt_text, transcript in connection.execute(
        select(Panel.episode_id, Panel.alt_text, Panel.transcript)
        .where(Panel.episode_id.in_([version.id for version in versions]))
        .order_by(Panel.episode_id, Panel.position)
    ):
        words.setdefault(episode_id, []).extend(text for text in (transcript, alt_text) if text)
    titles: dict[int, list[str]] = {}
    bodies: dict[int, list[str]] = {}
    for id, original_id, title, note in sorted(versions, key=lambda version: version.original_id is not None):
        owner = original_id or id
        titles.setdefault(owner, []).append(title)
        bodies.setdefault(owner, []).extend([plain_text(note), *words.get(id, [])])
    return [_document(kind, id, titles[id], bodies[id]) for id in titles if id in ids]


def _grouped(connection: Connection, query: Select[int, str, str], ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """Return (title, body) pairs of translation rows by the id of what they translate."""
    owner = query.selected_columns[0]
    grouped: dict[int, list[tuple[str, str]]] = {}
    for owner_id, title, body in connection.execute(query.where(owner.in_(ids))):
        grouped.setdefault(owner_id, []).append((title or "", body or ""))
    return grouped


def _document(kind: str, ref_id: int, titles: list[str], bodies: list[str]) -> dict[str, Any]:
    return {"kind": kind, "ref_id": ref_id, "title": " · ".join(t for t in titles if t), "body": " ".join(b for b in bodies if b)}


def with_terms(document: dict[str, Any]) -> dict[str, Any]:
    """Return a document with its folded copies for matching, Korean morphemes written after them."""
    return {**document, "title_terms": terms(document["title"]), "body_terms": terms(document["body"])}


def terms(text: str) -> str:
    """Return a text as the index holds it: folded, then the Korean content morphemes it writes onto its words.

    도시로 is indexed as 도시로 and 도시, 건넜다 as 건넜다 and 건너 (comics.discovery.korean); a text
    without Hangul is its folded self, as before.
    """
    folded = fold(text)
    morphemes = index_words(folded)
    return f"{folded} {' '.join(morphemes)}" if morphemes else folded


def refresh_documents(connection: Connection, keys: Iterable[tuple[str, int]]) -> None:
    """Rewrite the documents of these (kind, id) pairs; those whose row is gone are removed.

    A version of an episode stands for its original, whose document holds its words.
    """
    by_kind: dict[str, set[int]] = {}
    for kind, ref_id in keys:
        if ref_id is not None:
            by_kind.setdefault(kind, set()).add(ref_id)
    if by_kind.get("episode"):
        episode_ids = by_kind["episode"]
        originals = set(
            connection.scalars(select(Episode.original_id).where(Episode.id.in_(episode_ids), Episode.original_id.is_not(None)))
        )
        by_kind["episode"] = episode_ids | {id for id in originals if id is not None}
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
        (("episode", id) for id in connection.scalars(select(Episode.id).where(Episode.original_id.is_(None)))),
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
            if instance.original_id is not None:
                stale.add(("episode", instance.original_id))
        elif isinstance(instance, Panel):
            stale.add(("episode", instance.episode_id))
        elif isinstance(instance, Artist):
            stale.add(("artist", instance.id))
        elif isinstance(instance, SeriesTranslation):
            stale.add(("series", instance.series_id))
        elif isinstance(instance, ArtistTranslation):
            stale.add(("artist", instance.artist_id))


def _refresh_after_flush(session: Session, flush_context: Any) -> None:
    """Rewrite the stale documents in the same transaction as the change, so both commit or neither."""
    stale = session.info.pop("search_stale", None)
    if stale:
        refresh_documents(session.connection(), stale)


def listen_for_search_changes() -> None:
    """Keep the search documents and the engine's index in step with the tables they mirror."""
    if event.contains(Session, "after_flush", _note_changes):
        return
    event.listen(Session, "after_flush", _note_changes)
    event.listen(Session, "after_flush_postexec", _refresh_after_flush)
    # create_all and drop_all make and remove the engine's index with the table (migrations call the
    # same functions themselves).
    event.listen(SearchDocument.__table__, "after_create", _create_index_with_table)
    event.listen(SearchDocument.__table__, "before_drop", _drop_index_with_table)


def fold(text: str) -> str:
    """Return text as search compares it: compatibility forms unified, accents removed, case folded.

    Hangul syllables decompose into jamo, which are not combining marks, and recompose unchanged.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare).casefold()


def include_in_autogenerate(name: str | None, type_: str, parent_names: Any) -> bool:
    """Tell Alembic's autogenerate to leave the engine's search index alone (it is not a model).

    Pass as include_name= to context.configure (migrations/env.py) and to compare_metadata.
    """
    if type_ == "table":
        return name not in SQLITE_INDEX_TABLES
    if type_ == "index":
        return name not in ("ix_search_document_fulltext", VECTOR_INDEX)
    if type_ == "column":
        return name != VECTOR_COLUMN
    return True
