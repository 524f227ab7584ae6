"""Polls and ballots.

Integrity and secrecy live in the schema:

- `poll_receipts` records *that* a voter (a person, an organisation's vote, or an Executive
  Committee seat) has voted, with the primary key `(poll_id, voter_key)`: a second ballot for the
  same voter is impossible whatever the concurrency (`INSERT … ON CONFLICT DO NOTHING RETURNING`).
- What was chosen lives in one of two tables, never both:
  - `poll_open_ballots` for open polls, keyed by the same `(poll_id, voter_key)` (who voted what is
    visible to the creator and exportable; a vote can be changed until close);
  - for secret polls, `poll_sealed_ballots` while the poll is open: a random UUID, the poll and the
    choices *sealed* with a key the database never holds (bot.services.ballot_seal), because the
    row is written in the receipt's transaction and any database reader can pair the two; at
    close they are opened, shuffled and rewritten into `poll_secret_ballots` (a random UUID, the
    poll and the plain choices) in one transaction, and the sealed rows are deleted. Neither
    table has a voter, an organisation, a timestamp or an ordered id; on SQLite both are
    `WITHOUT ROWID`, so rows are stored in random-key order rather than insertion order.
- `poll_electors` is the electorate of a `channel` poll, snapshotted when the poll opens.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum


class PollKind(enum.StrEnum):
    SINGLE = "single"  # one option
    MULTIPLE = "multiple"  # several options, optionally at most `max_choices`
    YES_NO = "yes_no"  # a proposal: yes / no / abstain
    RANKED = "ranked"  # preferences, counted by instant runoff
    STV = "stv"  # preferences, `seats` winners by single transferable vote (elections)
    APPROVAL = "approval"  # approve any number, `seats` winners by most approvals (elections)


class Electorate(enum.StrEnum):
    CHANNEL = "channel"  # the channel's members when the poll opened, one vote per person
    NETWORK = "network"  # one vote per member organisation, cast by its rep
    EXECUTIVE = "executive"  # voting Executive Committee members (term covering the voting moment)


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ResultsShown(enum.StrEnum):
    LIVE = "live"
    AT_CLOSE = "at_close"


class Poll(Base):
    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("quorum IS NULL OR quorum >= 0", name="quorum_not_negative"),
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        Index("ix_polls_status_closes_at", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON)  # in ballot order; yes/no polls store their keys
    kind: Mapped[PollKind] = mapped_column(str_enum(PollKind, "poll_kind"))
    electorate: Mapped[Electorate] = mapped_column(str_enum(Electorate, "poll_electorate"))
    status: Mapped[PollStatus] = mapped_column(str_enum(PollStatus, "poll_status"))
    secret: Mapped[bool]
    results: Mapped[ResultsShown] = mapped_column(str_enum(ResultsShown, "poll_results"))
    max_choices: Mapped[int | None]
    seats: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    quorum: Mapped[int | None]
    # The lot drawn when the poll opened: a permutation of option positions, earlier = wins a tie
    # that earlier rounds cannot break. Stated on the ballot, so the count is reproducible.
    tie_order: Mapped[list[int]] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(5))  # language of the channel message and results
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    message_stale: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_by: Mapped[str | None] = mapped_column(String(32))  # None: created by the system (elections)
    origin: Mapped[str | None] = mapped_column(String(64), index=True)  # e.g. "nomination-round:7"
    created_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(32))
    reminded_at: Mapped[datetime | None]  # the automatic 24-hour reminder was queued
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the count, frozen at close


class PollElector(Base):
    """A member of a `channel` poll's electorate (the channel's members when it opened)."""

    __tablename__ = "poll_electors"

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), primary_key=True)


class PollReceipt(Base):
    """That a voter has voted: `voter_key` is `user:<slack id>`, `org:<organisation id>` (network
    polls) or `seat:<organisation id>` (an Executive Committee seat, which survives a transfer).
    No time and no ordered id (and no rowid on SQLite), so receipts cannot be matched to secret
    ballots by order."""

    __tablename__ = "poll_receipts"
    __table_args__ = {"sqlite_with_rowid": False}

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(48), primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    cast_by: Mapped[str] = mapped_column(String(32))  # the Slack user who cast it (the rep, for an organisation)


class PollOpenBallot(Base):
    """The choices of one voter in an open (non-secret) poll; changed in place until close."""

    __tablename__ = "poll_open_ballots"
    __table_args__ = (
        ForeignKeyConstraint(
            ["poll_id", "voter_key"],
            ["poll_receipts.poll_id", "poll_receipts.voter_key"],
            ondelete="CASCADE",
            name="fk_poll_open_ballots_receipt",
        ),
    )

    poll_id: Mapped[int] = mapped_column(primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(48), primary_key=True)
    choices: Mapped[list[int]] = mapped_column(JSON)  # option positions; ranked: in order of preference
    cast_at: Mapped[datetime]
    changes: Mapped[int] = mapped_column(default=0, server_default=text("0"))


class PollSealedBallot(Base):
    """One secret ballot of an open poll, sealed: unreadable without NLS_BALLOT_KEY. Nothing here
    names or orders the voter; what a reader can pair with its receipt is ciphertext."""

    __tablename__ = "poll_sealed_ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random UUID4
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class PollSecretBallot(Base):
    """One secret ballot of a closed poll, opened: the choices only, rewritten in random order
    under a fresh id at close. Nothing here names or orders the voter."""

    __tablename__ = "poll_secret_ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # random UUID4
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), index=True)
    choices: Mapped[list[int]] = mapped_column(JSON)
