"""Voices: feedback from newcomers and member organisations, and the annual consultation.

Anonymity is a property of the schema, not only of the code that writes it:
- `feedback.ref` (the primary key) is random, so it reveals neither order nor count; an anonymous
  row keeps no Slack user, organisation or contact (a CHECK constraint), and no row keeps a time
  finer than its day. On SQLite the table has no rowid, so its storage order is the random key.
- Consultation answers are an organisation's institutional voice: they are attributed to the
  organisation (one response per organisation, editable until the deadline) and never anonymous.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum


class Voice(enum.StrEnum):
    NEWCOMER = "newcomer"  # a newcomer's words, relayed by LIP/ZIP staff with their consent
    ORGANISATION = "organisation"  # the LIP/ZIP's own view


class Topic(enum.StrEnum):
    HOUSING = "housing"
    EMPLOYMENT = "employment"
    HEALTH = "health"
    LANGUAGE = "language"
    EDUCATION = "education"
    ANTI_RACISM = "anti-racism"
    SETTLEMENT = "settlement-services"
    OTHER = "other"


class Urgency(enum.StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(
            "anonymous = false OR (submitted_by IS NULL AND organisation_id IS NULL AND contact IS NULL)",
            name="anonymous_has_no_identity",
        ),
        {"sqlite_with_rowid": False},
    )

    ref: Mapped[str] = mapped_column(String(12), primary_key=True)  # random, shown to the submitter
    received_on: Mapped[date] = mapped_column(index=True)  # the day only, in the network's time zone
    voice: Mapped[Voice] = mapped_column(str_enum(Voice, "feedback_voice"))
    topic: Mapped[Topic] = mapped_column(str_enum(Topic, "feedback_topic"))
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency, "feedback_urgency"))
    province: Mapped[str | None] = mapped_column(String(2))  # None: Canada-wide or several
    region: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool]
    # Only for feedback given under one's name:
    submitted_by: Mapped[str | None] = mapped_column(String(32))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    contact: Mapped[str | None] = mapped_column(String(300))


class ConsultationStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Audience(enum.StrEnum):
    REPS = "reps"  # every member organisation's designated representative
    CHANNEL = "channel"  # the members of one channel who belong to a member organisation


class QuestionKind(enum.StrEnum):
    SHORT = "short"
    LONG = "long"
    CHOICE = "choice"
    SCALE = "scale"  # 1 to 5


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    status: Mapped[ConsultationStatus] = mapped_column(str_enum(ConsultationStatus, "consultation_status"), index=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "consultation_audience"))
    audience_channel: Mapped[str | None] = mapped_column(String(32))
    deadline: Mapped[datetime] = mapped_column(index=True)
    # Reminder rounds already queued (0: none, 1: three days before, 2: one day before); a round
    # is claimed by an UPDATE guarded on this value, so it happens once whoever runs the job.
    reminders_sent: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    questions: Mapped[list[ConsultationQuestion]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="ConsultationQuestion.position"
    )


class ConsultationQuestion(Base):
    __tablename__ = "consultation_questions"
    __table_args__ = (UniqueConstraint("consultation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind"))
    prompt: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")


class ConsultationInvitee(Base):
    """Who was asked, and for which organisation: the audience as it was when the consultation
    started, so reminders go to the people who were invited."""

    __tablename__ = "consultation_invitees"
    __table_args__ = (Index("ix_consultation_invitees_org", "consultation_id", "organisation_id"),)

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))


class ConsultationResponse(Base):
    """One organisation's answers. The unique key makes a second submission for the same
    organisation an edit of the first, whoever of its people sends it."""

    __tablename__ = "consultation_responses"
    __table_args__ = (UniqueConstraint("consultation_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # question id -> answer text
    first_by: Mapped[str] = mapped_column(String(32))
    last_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    edits: Mapped[int] = mapped_column(default=0)
