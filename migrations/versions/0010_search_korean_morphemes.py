"""Search understands Korean: every search document is rebuilt with the content morphemes mecab-ko finds
in its Korean words, written after the folded text (comics.discovery.korean), so a database upgraded from
before finds 도시로, 강을건너는밤 and the like as a new one does. Nothing in the schema changes.

Downgrading leaves the folded text alone in each document, as the search before this one indexed it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 01:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

from comics.discovery.search_index import fold, rebuild_search_documents

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild_search_documents(op.get_bind())


def downgrade() -> None:
    connection = op.get_bind()
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
