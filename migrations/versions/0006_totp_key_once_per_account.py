"""An authenticator app's key once per account: second_factor.totp_key_digest, unique with the account.

A form posted twice had enrolled one key as two factors, whose codes then worked once for each. Each
stored key's digest is computed here (the key is unsealed with the running site's SECRET_KEY); of a
key enrolled twice, the oldest factor stays, with the later of the two last-used steps, and the
others go: they were the same app, so nothing that signs in is lost. A key that cannot be unsealed
(SECRET_KEY changed since) keeps no digest and works no more than before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 22:55:00.000000

"""
import sqlalchemy as sa
from alembic import op

from artists.accounts.services.factors import totp_key_digest, unseal

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('second_factor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_key_digest', sa.String(length=64), nullable=True))

    connection = op.get_bind()
    factor = sa.table(
        'second_factor',
        sa.column('id', sa.Integer()),
        sa.column('user_id', sa.Integer()),
        sa.column('totp_secret_sealed', sa.String()),
        sa.column('totp_last_step', sa.Integer()),
        sa.column('totp_key_digest', sa.String()),
    )
    kept: dict[tuple[int, str], tuple[int, int | None]] = {}
    rows = connection.execute(
        sa.select(factor.c.id, factor.c.user_id, factor.c.totp_secret_sealed, factor.c.totp_last_step)
        .where(factor.c.totp_secret_sealed.is_not(None))
        .order_by(factor.c.id)
    ).all()
    for factor_id, user_id, sealed, last_step in rows:
        secret = unseal(sealed)
        if secret is None:
            continue
        digest = totp_key_digest(secret)
        if (user_id, digest) not in kept:
            kept[(user_id, digest)] = (factor_id, last_step)
            connection.execute(sa.update(factor).where(factor.c.id == factor_id).values(totp_key_digest=digest))
            continue
        first_id, first_step = kept[(user_id, digest)]
        steps = [step for step in (first_step, last_step) if step is not None]
        kept[(user_id, digest)] = (first_id, max(steps) if steps else None)
        connection.execute(sa.update(factor).where(factor.c.id == first_id).values(totp_last_step=kept[(user_id, digest)][1]))
        connection.execute(sa.delete(factor).where(factor.c.id == factor_id))

    with op.batch_alter_table('second_factor', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_second_factor_user_id_totp_key_digest'), ['user_id', 'totp_key_digest'])


def downgrade() -> None:
    with op.batch_alter_table('second_factor', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_second_factor_user_id_totp_key_digest'), type_='unique')
        batch_op.drop_column('totp_key_digest')
