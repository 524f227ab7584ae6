"""submitted views: a modal submission is applied once per Slack view id

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('submitted_views',
    sa.Column('view_id', sa.String(length=64), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('view_id', name=op.f('pk_submitted_views'))
    )
    op.create_index(op.f('ix_submitted_views_received_on'), 'submitted_views', ['received_on'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_submitted_views_received_on'), table_name='submitted_views')
    op.drop_table('submitted_views')
