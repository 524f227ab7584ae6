"""The strategic plan and its annual action plans.

A strategic plan (e.g. 2022-2025) has numbered strategic directions, each with numbered
objectives; both are bilingual data, imported from YAML. Action items serve one objective, belong
to one annual action plan (`year`, e.g. "2024-25"), have owners from the directory, dates, a
status, a progress percentage and a dated log of progress notes.

Rules the database keeps whatever the caller: numbers are unique within their parent, an item's
due date is not before its start date, the percentage stays within 0-100, an imported item's
`ref` is unique (so re-importing a file updates instead of duplicating), and a person owns an
item at most once.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, str_enum
from models.members import Person


class ItemStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    DROPPED = "dropped"


OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED)


class PlanDirection(Base):
    __tablename__ = "plan_directions"
    __table_args__ = (UniqueConstraint("plan", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(16))  # the strategic plan, e.g. "2022-2025"
    number: Mapped[int]
    title_en: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str] = mapped_column(String(300))

    objectives: Mapped[list[PlanObjective]] = relationship(
        back_populates="direction", order_by="PlanObjective.number", cascade="all, delete-orphan"
    )


class PlanObjective(Base):
    __tablename__ = "plan_objectives"
    __table_args__ = (UniqueConstraint("direction_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    direction_id: Mapped[int] = mapped_column(ForeignKey("plan_directions.id", ondelete="CASCADE"))
    number: Mapped[int]
    text_en: Mapped[str] = mapped_column(String(1000))
    text_fr: Mapped[str] = mapped_column(String(1000))

    direction: Mapped[PlanDirection] = relationship(back_populates="objectives")


class ActionItem(Base):
    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        CheckConstraint("due_date >= start_date", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)  # stable id of an imported item
    objective_id: Mapped[int] = mapped_column(ForeignKey("plan_objectives.id", ondelete="RESTRICT"), index=True)
    year: Mapped[str] = mapped_column(String(7), index=True)  # the annual action plan, "2024-25"
    title: Mapped[str] = mapped_column(String(300))
    working_group: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date]
    due_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, "item_status"), index=True)
    percent: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str | None] = mapped_column(String(32))  # Slack user id; None when imported
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    objective: Mapped[PlanObjective] = relationship()
    owners: Mapped[list[ActionItemOwner]] = relationship(back_populates="item", cascade="all, delete-orphan")
    notes: Mapped[list[ActionItemNote]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ActionItemNote.at"
    )


class ActionItemOwner(Base):
    """A person responsible for an item. `added_at` keeps reminders for occasions before the
    person was given the item from being sent; `snoozed_until` is their own pause."""

    __tablename__ = "action_item_owners"

    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime]
    snoozed_until: Mapped[datetime | None]

    item: Mapped[ActionItem] = relationship(back_populates="owners")
    person: Mapped[Person] = relationship()


class ActionItemNote(Base):
    """One entry of an item's progress log: who set which status and percentage, when, and why."""

    __tablename__ = "action_item_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("action_items.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
    author: Mapped[str | None] = mapped_column(String(32))  # Slack user id
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, "item_status"))
    percent: Mapped[int]
    text: Mapped[str | None] = mapped_column(Text)

    item: Mapped[ActionItem] = relationship(back_populates="notes")
