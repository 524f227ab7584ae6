"""workspace state: the bot's workspace marked inactive on uninstall or a revoked bot token

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workspace_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('inactive_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('inactive_reason', sa.String(length=32), nullable=True),
    sa.Column('team_id', sa.String(length=32), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_workspace_state_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workspace_state'))
    )


def downgrade() -> None:
    op.drop_table('workspace_state')
