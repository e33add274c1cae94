"""What the review found in each stored image (the kinds of metadata its upload held, photographs, faces,
the words read in it) and the editors' dismissals of review flags, with their reasons (issue 25).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stored_image", schema=None) as batch_op:
        batch_op.add_column(sa.Column("findings", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("lettering", sa.Text(), nullable=True))
    op.create_table(
        "flag_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("flag_key", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episode.id"], name=op.f("fk_flag_dismissal_episode_id_episode"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_flag_dismissal_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_dismissal")),
        sa.UniqueConstraint("episode_id", "flag_key", name=op.f("uq_flag_dismissal_episode_id_flag_key")),
    )
    with op.batch_alter_table("flag_dismissal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flag_dismissal_episode_id"), ["episode_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("flag_dismissal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_dismissal_episode_id"))
    op.drop_table("flag_dismissal")
    with op.batch_alter_table("stored_image", schema=None) as batch_op:
        batch_op.drop_column("lettering")
        batch_op.drop_column("findings")
