"""Search understands Korean: every search document is rebuilt with the content morphemes mecab-ko finds
in its Korean words, written after the folded text (comics.discovery.korean), so a database upgraded from
before finds 도시로, 강을건너는밤 and the like as a new one does. On PostgreSQL the weighted tsvector is
stored in a generated column with its GIN index (search_index.VECTOR_COLUMN), instead of an index over
the expression that the match and the ranking rebuilt for every row.

Downgrading leaves the folded text alone in each document, as the search before this one indexed it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

from comics.discovery.search_index import (
    VECTOR_COLUMN,
    VECTOR_INDEX,
    create_search_index,
    fold,
    rebuild_search_documents,
)

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostgreSQL: the stored vector and its index replace the index over the expression
    # (create_search_index drops that one first); SQLite's FTS5 table is there already.
    create_search_index(op.get_bind())
    rebuild_search_documents(op.get_bind())


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {VECTOR_INDEX}")
        op.execute(f"ALTER TABLE search_document DROP COLUMN IF EXISTS {VECTOR_COLUMN}")
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_search_document_fulltext ON search_document "
            "USING gin (to_tsvector('simple'::regconfig, title_terms || ' ' || body_terms))"
        )
    document = sa.table(
        "search_document",
        sa.column("id", sa.Integer()),
        sa.column("title", sa.Text()),
        sa.column("body", sa.Text()),
        sa.column("title_terms", sa.Text()),
        sa.column("body_terms", sa.Text()),
    )
    for id, title, body in connection.execute(sa.select(document.c.id, document.c.title, document.c.body)).all():
        connection.execute(
            document.update().where(document.c.id == id).values(title_terms=fold(title or ""), body_terms=fold(body or ""))
        )
