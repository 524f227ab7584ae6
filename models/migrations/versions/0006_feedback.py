"""feedback: newcomer and LIP/ZIP feedback, consultations, their questions, invitees and responses

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("ref", sa.String(length=12), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("voice", sa.Enum("newcomer", "organisation", name="feedback_voice", native_enum=False, create_constraint=True, length=20), nullable=False),
        sa.Column("topic", sa.Enum("housing", "employment", "health", "language", "education", "anti-racism", "settlement-services", "other", name="feedback_topic", native_enum=False, create_constraint=True, length=27), nullable=False),
        sa.Column("urgency", sa.Enum("routine", "soon", "urgent", name="feedback_urgency", native_enum=False, create_constraint=True, length=15), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column("region", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("submitted_by", sa.String(length=32), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.CheckConstraint("anonymous = false OR (submitted_by IS NULL AND organisation_id IS NULL AND contact IS NULL)", name=op.f("ck_feedback_anonymous_has_no_identity")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_feedback_organisation_id_organisations"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("ref", name=op.f("pk_feedback")),
        sqlite_with_rowid=False,  # storage order = the random key, not the order of submission
    )
    op.create_index(op.f("ix_feedback_received_on"), "feedback", ["received_on"], unique=False)

    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("status", sa.Enum("open", "closed", name="consultation_status", native_enum=False, create_constraint=True, length=14), nullable=False),
        sa.Column("audience", sa.Enum("reps", "channel", name="consultation_audience", native_enum=False, create_constraint=True, length=15), nullable=False),
        sa.Column("audience_channel", sa.String(length=32), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultations")),
    )
    op.create_index(op.f("ix_consultations_deadline"), "consultations", ["deadline"], unique=False)
    op.create_index(op.f("ix_consultations_status"), "consultations", ["status"], unique=False)

    op.create_table(
        "consultation_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("short", "long", "choice", "scale", name="question_kind", native_enum=False, create_constraint=True, length=14), nullable=False),
        sa.Column("prompt", sa.String(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"], name=op.f("fk_consultation_questions_consultation_id_consultations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_questions")),
        sa.UniqueConstraint("consultation_id", "position", name=op.f("uq_consultation_questions_consultation_id_position")),
    )

    op.create_table(
        "consultation_invitees",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"], name=op.f("fk_consultation_invitees_consultation_id_consultations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_consultation_invitees_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("consultation_id", "slack_user_id", name=op.f("pk_consultation_invitees")),
    )
    op.create_index("ix_consultation_invitees_org", "consultation_invitees", ["consultation_id", "organisation_id"], unique=False)

    op.create_table(
        "consultation_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("first_by", sa.String(length=32), nullable=False),
        sa.Column("last_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"], name=op.f("fk_consultation_responses_consultation_id_consultations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_consultation_responses_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_responses")),
        sa.UniqueConstraint("consultation_id", "organisation_id", name=op.f("uq_consultation_responses_consultation_id_organisation_id")),
    )


def downgrade() -> None:
    op.drop_table("consultation_responses")
    op.drop_index("ix_consultation_invitees_org", table_name="consultation_invitees")
    op.drop_table("consultation_invitees")
    op.drop_table("consultation_questions")
    op.drop_index(op.f("ix_consultations_status"), table_name="consultations")
    op.drop_index(op.f("ix_consultations_deadline"), table_name="consultations")
    op.drop_table("consultations")
    op.drop_index(op.f("ix_feedback_received_on"), table_name="feedback")
    op.drop_table("feedback")
