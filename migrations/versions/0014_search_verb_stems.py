"""Search reads two forms of a verb as one: every search document is rebuilt with the stems as
comics.discovery.korean now gives them. A compound verb that mecab-ko splits before an auxiliary is
indexed whole (올려다봤다 gives 올려다보, as 올려다본다 does, and 올리 as its part), and a 르-irregular
stem that mecab-ko-dic writes with its contraction's ㄹ is indexed as the dictionary's stem (가팔랐지만
gives 가파르, as 가파른 does). A database upgraded from before finds them as a new one does.

Downgrading leaves the documents as they are: the search of 0013 reads them as its own (the stems it
does not give only let more queries find them), and `flask search-reindex` rewrites them at any time.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 05:20:00.000000

"""

from alembic import op

from comics.discovery.search_index import rebuild_search_documents

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild_search_documents(op.get_bind())


def downgrade() -> None:
    pass  # nothing to undo: see the docstring
