"""Nomination rounds for the Executive Committee, and the nominations made in them.

The rules that must hold under concurrency live in the schema:

- one round runs at a time: `active` is True while a round is unfinished and NULL afterwards, and it
  is unique (NULLs are distinct on SQLite and PostgreSQL alike), so a second `/nls nominations open`
  racing the first cannot create a second round;
- a person is nominated at most once per round (`uq_nominations_round_id_nominee_id`);
- an organisation has at most one nominee in play per round (pending or accepted;
  `uq_nominations_one_per_org`): declined, withdrawn and ineligible nominations free the place.

The election itself is a poll (`models.polls`) linked by `poll_id`; the seats it fills are
`exec` role grants (`models.members`), which keep their own one-seat-per-organisation index.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum


class RoundStatus(enum.StrEnum):
    OPEN = "open"  # taking nominations until the nomination deadline (or the committee closes it)
    VOTING = "voting"  # the election poll is open
    ACCLAMATION = "acclamation"  # nominations closed with no more accepted nominees than seats
    DONE = "done"  # seats filled, by election or acclamation
    FAILED = "failed"  # finished without seating anyone (no nominees, no ballots, election withdrawn)


class RoundOutcome(enum.StrEnum):
    ELECTED = "elected"
    ACCLAIMED = "acclaimed"
    NO_NOMINEES = "no_nominees"
    NO_BALLOTS = "no_ballots"
    WITHDRAWN = "withdrawn"  # the announcement or the election poll could not be posted, or was cancelled


class ElectionMethod(enum.StrEnum):
    STV = "stv"  # ranked ballots, single transferable vote
    APPROVAL = "approval"  # approve any number; the most approved win


class NominationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the nominee to accept or decline
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    INELIGIBLE = "ineligible"  # marked by the Nominations Committee, with a reason


IN_PLAY = (NominationStatus.PENDING, NominationStatus.ACCEPTED)


class NominationRound(Base):
    __tablename__ = "nomination_rounds"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("term_years >= 1", name="term_positive"),
        CheckConstraint("election_closes_at > nominations_close_at", name="election_after_nominations"),
        Index("ix_nomination_rounds_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seats: Mapped[int]
    # Seats reserved ahead of the general count, one per entry: {"by": "region"|"kind", "value": ...}
    reserved: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    method: Mapped[ElectionMethod] = mapped_column(str_enum(ElectionMethod, "election_method"))
    term_years: Mapped[int] = mapped_column(default=2, server_default=text("2"))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(5))  # language of the channel messages
    status: Mapped[RoundStatus] = mapped_column(str_enum(RoundStatus, "round_status"))
    outcome: Mapped[RoundOutcome | None] = mapped_column(str_enum(RoundOutcome, "round_outcome"))
    active: Mapped[bool | None] = mapped_column(unique=True)  # True while unfinished, else NULL
    opened_by: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime]
    nominations_close_at: Mapped[datetime]
    election_closes_at: Mapped[datetime]
    nominations_closed_at: Mapped[datetime | None]  # set once, by whoever closed nominations
    closed_by: Mapped[str | None] = mapped_column(String(32))  # None: the deadline job
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id", ondelete="SET NULL"))
    ballot: Mapped[list[int] | None] = mapped_column(JSON)  # nomination ids in the election poll's option order
    finished_at: Mapped[datetime | None]


class Nomination(Base):
    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("round_id", "nominee_id"),
        Index(
            "uq_nominations_one_per_org",
            "round_id",
            "organisation_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'accepted')"),
            postgresql_where=text("status IN ('pending', 'accepted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("nomination_rounds.id", ondelete="CASCADE"))
    nominee_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The nominee's organisation when nominated: the seat it would fill.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    nominated_by: Mapped[str] = mapped_column(String(32))  # Slack user id
    statement: Mapped[str] = mapped_column(String(1500))
    status: Mapped[NominationStatus] = mapped_column(str_enum(NominationStatus, "nomination_status"))
    reason: Mapped[str | None] = mapped_column(String(500))  # why it was marked ineligible
    decided_by: Mapped[str | None] = mapped_column(String(32))  # who marked it ineligible
    created_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
