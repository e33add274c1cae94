"""A database upgraded from before Korean analysis finds Korean words as a new one does (migrations 0010, 0014).

Downgrading to 0009 (the revision before) leaves each document's folded text alone, as the search before indexed it, and
upgrading again rebuilds the documents with their morphemes. On SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (tests/engines.py).
"""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, update

from app import create_app
from comics.discovery.models import SearchDocument
from comics.discovery.search import search
from comics.discovery.search_index import fold
from extensions import db
from tests.conftest import SiteBuilder
from tests.engines import own_database_url


def test_an_upgraded_database_finds_korean_words(tmp_path: Path) -> None:
    database = own_database_url("search_upgrade") or {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'upgraded.sqlite'}"}
    app = create_app({"SECRET_KEY": "x", "MEDIA_ROOT": str(tmp_path / "media"), "RENDITION_WIDTHS": (320,), **database})
    with app.app_context():
        upgrade()
        site = SiteBuilder()
        series = site.series(title="밤기차")
        series.summary = "미래는 기차를 타고 도시에 닿았다."
        site.episode(series, panels=1, title="강을 건너는 밤")
        db.session.commit()
        assert len(search("도시로").hits) == 1 and len(search("강을건너는밤").hits) == 1
        db.session.remove()

        downgrade(revision="0009")
        documents = db.session.execute(
            select(SearchDocument.title, SearchDocument.body, SearchDocument.title_terms, SearchDocument.body_terms)
        ).all()
        assert documents and all(
            (title_terms, body_terms) == (fold(title), fold(body)) for title, body, title_terms, body_terms in documents
        )
        db.session.remove()

        upgrade()
        assert [hit.kind for hit in search("도시로").hits] == ["series"]
        assert [hit.kind for hit in search("강을건너는밤").hits] == ["episode"]
        assert [hit.kind for hit in search("mina").hits] == ["artist"]  # English as before
        db.engine.dispose()


def test_an_upgraded_database_finds_both_forms_of_a_verb(tmp_path: Path) -> None:
    """0014 rebuilds the documents with the stems that make 올려다봤다 meet 올려다본다, 가파른 meet 가팔랐지만."""
    database = own_database_url("search_stems") or {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'stems.sqlite'}"}
    app = create_app({"SECRET_KEY": "x", "MEDIA_ROOT": str(tmp_path / "media"), "RENDITION_WIDTHS": (320,), **database})
    with app.app_context():
        upgrade()
        site = SiteBuilder()
        series = site.series(title="산길")
        series.summary = "아이가 하늘을 올려다봤다. 길은 가팔랐지만 끝이 보였다."
        site.episode(series, panels=1, title="마당")
        db.session.commit()
        assert [hit.kind for hit in search("올려다본다").hits] == ["series"]
        db.session.remove()

        downgrade(revision="0013")
        # Documents as an older analysis left them: without the stems it did not give.
        db.session.execute(update(SearchDocument).values(title_terms=SearchDocument.title, body_terms=SearchDocument.body))
        db.session.commit()
        assert search("올려다본다").hits == [] and search("가파른").hits == []
        db.session.remove()

        upgrade()
        assert [hit.kind for hit in search("올려다본다").hits] == ["series"]
        assert [hit.kind for hit in search("가파른").hits] == ["series"]
        db.engine.dispose()
