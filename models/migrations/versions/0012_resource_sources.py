"""resource sources: the message a resource was saved from, to follow its edits and deletion

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('resource_sources',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=False),
    sa.Column('title_print', sa.String(length=64), nullable=True),
    sa.Column('url_print', sa.String(length=64), nullable=True),
    sa.Column('description_print', sa.String(length=64), nullable=True),
    sa.Column('edited_ts', sa.String(length=32), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], name=op.f('fk_resource_sources_resource_id_resources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', name=op.f('pk_resource_sources'))
    )
    op.create_index('ix_resource_sources_message', 'resource_sources', ['channel_id', 'message_ts'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_resource_sources_message', table_name='resource_sources')
    op.drop_table('resource_sources')
