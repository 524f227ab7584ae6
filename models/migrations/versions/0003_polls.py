"""polls: polls, channel electorates, receipts, open and secret ballots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Receipts (that someone voted) and secret ballots (what was chosen) are separate tables with no
column in common but the poll; both are WITHOUT ROWID on SQLite so storage order is key order,
not insertion order. Depends only on the foundation's `organisations` table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('polls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('kind', sa.Enum('single', 'multiple', 'yes_no', 'ranked', 'stv', 'approval', name='poll_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('electorate', sa.Enum('channel', 'network', 'executive', name='poll_electorate', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', 'cancelled', name='poll_status', native_enum=False, create_constraint=True, length=17), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('results', sa.Enum('live', 'at_close', name='poll_results', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=True),
    sa.Column('seats', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('quorum', sa.Integer(), nullable=True),
    sa.Column('tie_order', sa.JSON(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('message_stale', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=True),
    sa.Column('origin', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=32), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.CheckConstraint('max_choices IS NULL OR max_choices >= 1', name=op.f('ck_polls_max_choices_positive')),
    sa.CheckConstraint('quorum IS NULL OR quorum >= 0', name=op.f('ck_polls_quorum_not_negative')),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_polls_seats_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_polls'))
    )
    op.create_index(op.f('ix_polls_origin'), 'polls', ['origin'], unique=False)
    op.create_index('ix_polls_status_closes_at', 'polls', ['status', 'closes_at'], unique=False)
    op.create_table('poll_electors',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('slack_user_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_electors_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'slack_user_id', name=op.f('pk_poll_electors'))
    )
    op.create_table('poll_receipts',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=48), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('cast_by', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_poll_receipts_organisation_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_receipts_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'voter_key', name=op.f('pk_poll_receipts')),
    sqlite_with_rowid=False
    )
    op.create_table('poll_secret_ballots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_poll_secret_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_secret_ballots')),
    sqlite_with_rowid=False
    )
    op.create_index(op.f('ix_poll_secret_ballots_poll_id'), 'poll_secret_ballots', ['poll_id'], unique=False)
    op.create_table('poll_open_ballots',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=48), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changes', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.ForeignKeyConstraint(['poll_id', 'voter_key'], ['poll_receipts.poll_id', 'poll_receipts.voter_key'], name='fk_poll_open_ballots_receipt', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'voter_key', name=op.f('pk_poll_open_ballots'))
    )


def downgrade() -> None:
    op.drop_table('poll_open_ballots')
    op.drop_index(op.f('ix_poll_secret_ballots_poll_id'), table_name='poll_secret_ballots')
    op.drop_table('poll_secret_ballots')
    op.drop_table('poll_receipts')
    op.drop_table('poll_electors')
    op.drop_index('ix_polls_status_closes_at', table_name='polls')
    op.drop_index(op.f('ix_polls_origin'), table_name='polls')
    op.drop_table('polls')
