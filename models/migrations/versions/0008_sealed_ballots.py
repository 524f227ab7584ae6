"""sealed secret ballots: open secret polls' ballots sealed with NLS_BALLOT_KEY until close

Until now a secret ballot was stored in plain choices in the receipt's own transaction, so a
database reader could pair the two (PostgreSQL's xmin, heap order). This creates
`poll_sealed_ballots` and converts every *open* secret poll in place: its plain ballots are sealed
under the configured key, shuffled and rewritten under fresh ids, and its receipts rewritten in
random order, all in this migration's transaction; then the two tables are compacted (VACUUM) so
the deleted plain rows leave no bytes behind in the database files. Closed polls were already
rewritten at their close and keep their plain ballots. Nothing cast is lost: every ballot is
sealed again, and a poll counts the same after this as before.

Sealing uses bot.services.ballot_seal's version-1 format, which that module keeps able to open.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import random
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from models.migration_hooks import UpgradeRefused

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

polls = sa.table(
    "polls", sa.column("id", sa.Integer), sa.column("options", sa.JSON), sa.column("secret", sa.Boolean),
    sa.column("status", sa.String),
)  # fmt: skip
receipts = sa.table(
    "poll_receipts", sa.column("poll_id", sa.Integer), sa.column("voter_key", sa.String),
    sa.column("organisation_id", sa.Integer), sa.column("cast_by", sa.String),
)  # fmt: skip
plain = sa.table("poll_secret_ballots", sa.column("id", sa.String), sa.column("poll_id", sa.Integer), sa.column("choices", sa.JSON))
sealed = sa.table("poll_sealed_ballots", sa.column("id", sa.String), sa.column("poll_id", sa.Integer), sa.column("sealed", sa.LargeBinary))


def upgrade() -> None:
    op.create_table('poll_sealed_ballots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_sealed_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_sealed_ballots')),
    sqlite_with_rowid=False
    )
    op.create_index(op.f('ix_poll_sealed_ballots_poll_id'), 'poll_sealed_ballots', ['poll_id'], unique=False)
    _seal_open_secret_polls()


def _seal_open_secret_polls() -> None:
    bind = op.get_bind()
    open_secret = bind.execute(
        sa.select(polls.c.id, polls.c.options).where(polls.c.secret == sa.true(), polls.c.status == "open")
    ).all()
    with_ballots = [
        (poll_id, options) for poll_id, options in open_secret
        if bind.execute(sa.select(sa.func.count()).select_from(plain).where(plain.c.poll_id == poll_id)).scalar()
    ]  # fmt: skip
    # Always compact afterwards: polls closed under the old code deleted plain ballots whose bytes
    # (and, on PostgreSQL, whose receipts' transaction ids) may still lie in the files.
    context.config.attributes.setdefault("compact", []).extend(["poll_secret_ballots", "poll_receipts"])
    if not with_ballots:
        return
    keys = context.config.attributes.get("ballot_keys")
    if keys is None:
        numbers = ", ".join(f"#{poll_id}" for poll_id, _ in with_ballots)
        raise UpgradeRefused(
            f"NLS_BALLOT_KEY must be set to upgrade: open secret poll(s) {numbers} hold ballots to seal "
            "(make a key with `nlsbot ballot-key new`)"
        )
    rng = random.SystemRandom()
    if bind.dialect.name == "postgresql":  # replicas still on the old code wait: their vote reads the poll FOR SHARE
        bind.execute(sa.select(polls.c.id).where(polls.c.id.in_([p for p, _ in with_ballots])).with_for_update())
    for poll_id, options in with_ballots:
        choices = [list(c) for c in bind.execute(sa.select(plain.c.choices).where(plain.c.poll_id == poll_id)).scalars()]
        rows = [{"id": str(uuid.uuid4()), "poll_id": poll_id, "sealed": keys.seal(poll_id, c, option_count=len(options))} for c in choices]
        voters = [dict(r._mapping) for r in bind.execute(sa.select(receipts).where(receipts.c.poll_id == poll_id))]
        rng.shuffle(rows)
        rng.shuffle(voters)
        bind.execute(plain.delete().where(plain.c.poll_id == poll_id))
        bind.execute(receipts.delete().where(receipts.c.poll_id == poll_id))
        bind.execute(receipts.insert(), voters)
        bind.execute(sealed.insert(), rows)


def downgrade() -> None:
    if op.get_bind().execute(sa.select(sa.func.count()).select_from(sealed)).scalar():
        raise RuntimeError("open secret polls hold sealed ballots: close them before downgrading past 0008")
    op.drop_index(op.f('ix_poll_sealed_ballots_poll_id'), table_name='poll_sealed_ballots')
    op.drop_table('poll_sealed_ballots')
