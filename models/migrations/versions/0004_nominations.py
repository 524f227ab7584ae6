"""nominations: nomination rounds and nominations for the Executive Committee

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

One unfinished round at a time (`active` unique, NULL once finished); a person nominated once per
round; one nominee in play per organisation per round (a partial unique index on pending and
accepted nominations). Depends on the foundation's `people`/`organisations` and the polls' `polls`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('nomination_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.JSON(), nullable=False),
    sa.Column('method', sa.Enum('stv', 'approval', name='election_method', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('term_years', sa.Integer(), server_default=sa.text('2'), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('status', sa.Enum('open', 'voting', 'acclamation', 'done', 'failed', name='round_status', native_enum=False, create_constraint=True, length=19), nullable=False),
    sa.Column('outcome', sa.Enum('elected', 'acclaimed', 'no_nominees', 'no_ballots', 'withdrawn', name='round_outcome', native_enum=False, create_constraint=True, length=19), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=True),
    sa.Column('opened_by', sa.String(length=32), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nominations_close_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('election_closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nominations_closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=32), nullable=True),
    sa.Column('poll_id', sa.Integer(), nullable=True),
    sa.Column('ballot', sa.JSON(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('election_closes_at > nominations_close_at', name=op.f('ck_nomination_rounds_election_after_nominations')),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_nomination_rounds_seats_positive')),
    sa.CheckConstraint('term_years >= 1', name=op.f('ck_nomination_rounds_term_positive')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_nomination_rounds_poll_id_polls'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination_rounds')),
    sa.UniqueConstraint('active', name=op.f('uq_nomination_rounds_active'))
    )
    op.create_index('ix_nomination_rounds_status', 'nomination_rounds', ['status'], unique=False)
    op.create_table('nominations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('nominee_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('nominated_by', sa.String(length=32), nullable=False),
    sa.Column('statement', sa.String(length=1500), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'withdrawn', 'ineligible', name='nomination_status', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['nominee_id'], ['people.id'], name=op.f('fk_nominations_nominee_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_nominations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['nomination_rounds.id'], name=op.f('fk_nominations_round_id_nomination_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nominations')),
    sa.UniqueConstraint('round_id', 'nominee_id', name=op.f('uq_nominations_round_id_nominee_id'))
    )
    op.create_index(op.f('ix_nominations_nominee_id'), 'nominations', ['nominee_id'], unique=False)
    op.create_index('uq_nominations_one_per_org', 'nominations', ['round_id', 'organisation_id'], unique=True, sqlite_where=sa.text("status IN ('pending', 'accepted')"), postgresql_where=sa.text("status IN ('pending', 'accepted')"))


def downgrade() -> None:
    op.drop_index('uq_nominations_one_per_org', table_name='nominations', sqlite_where=sa.text("status IN ('pending', 'accepted')"), postgresql_where=sa.text("status IN ('pending', 'accepted')"))
    op.drop_index(op.f('ix_nominations_nominee_id'), table_name='nominations')
    op.drop_table('nominations')
    op.drop_index('ix_nomination_rounds_status', table_name='nomination_rounds')
    op.drop_table('nomination_rounds')
