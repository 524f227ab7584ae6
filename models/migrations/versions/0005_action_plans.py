"""action_plans: strategic directions and objectives, annual action items, owners and progress log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = sa.Enum(
    "not_started",
    "in_progress",
    "blocked",
    "done",
    "dropped",
    name="item_status",
    native_enum=False,
    create_constraint=True,
    length=19,
)


def upgrade() -> None:
    op.create_table(
        "plan_directions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("title_fr", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_directions")),
        sa.UniqueConstraint("plan", "number", name=op.f("uq_plan_directions_plan_number")),
    )
    op.create_table(
        "plan_objectives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text_en", sa.String(length=1000), nullable=False),
        sa.Column("text_fr", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["direction_id"],
            ["plan_directions.id"],
            name=op.f("fk_plan_objectives_direction_id_plan_directions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_objectives")),
        sa.UniqueConstraint("direction_id", "number", name=op.f("uq_plan_objectives_direction_id_number")),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("working_group", sa.String(length=200), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("due_date >= start_date", name=op.f("ck_action_items_dates_in_order")),
        sa.CheckConstraint("percent >= 0 AND percent <= 100", name=op.f("ck_action_items_percent_range")),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["plan_objectives.id"],
            name=op.f("fk_action_items_objective_id_plan_objectives"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
        sa.UniqueConstraint("ref", name=op.f("uq_action_items_ref")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_items_due_date"), ["due_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_objective_id"), ["objective_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_items_year"), ["year"], unique=False)

    op.create_table(
        "action_item_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=True),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["action_items.id"], name=op.f("fk_action_item_notes_item_id_action_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_item_notes")),
    )
    with op.batch_alter_table("action_item_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_notes_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_item_notes_item_id"), ["item_id"], unique=False)

    op.create_table(
        "action_item_owners",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["action_items.id"],
            name=op.f("fk_action_item_owners_item_id_action_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_action_item_owners_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", "person_id", name=op.f("pk_action_item_owners")),
    )
    with op.batch_alter_table("action_item_owners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_item_owners_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_item_owners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_owners_person_id"))
    op.drop_table("action_item_owners")
    with op.batch_alter_table("action_item_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_item_notes_item_id"))
        batch_op.drop_index(batch_op.f("ix_action_item_notes_at"))
    op.drop_table("action_item_notes")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_year"))
        batch_op.drop_index(batch_op.f("ix_action_items_status"))
        batch_op.drop_index(batch_op.f("ix_action_items_objective_id"))
        batch_op.drop_index(batch_op.f("ix_action_items_due_date"))
    op.drop_table("action_items")
    op.drop_table("plan_objectives")
    op.drop_table("plan_directions")
