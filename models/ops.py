"""Operational tables shared by every feature: the audit log, the outbound-message ledger,
and processed Slack deliveries (for retries)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum


class AuditEvent(Base):
    """Append-only record of who did what. Nothing updates or deletes these rows; secret
    ballot contents and anonymous submitters never reach `details`."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str | None] = mapped_column(String(32))  # Slack user id, or None for the system
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)


class SendStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up after max attempts; visible to operators, never silent


class OutboundMessage(Base):
    """A message the bot owes someone, recorded under a unique key *before* it is sent.

    The key (for example ``plan-reminder:42:due-7d:U123``) makes every occasion happen once,
    whoever enqueues it and however often: a second scheduler, a restart mid-run or an
    operator running a job by hand all hit the same unique key.
    """

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    channel: Mapped[str] = mapped_column(String(32))  # a user id (DM) or a channel id
    text: Mapped[str] = mapped_column(Text)
    blocks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[SendStatus] = mapped_column(str_enum(SendStatus, "send_status"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(200))


class ProcessedDelivery(Base):
    """Slack event ids (and interaction keys) already handled, so a retry is processed once.
    Rows older than a day are pruned by the housekeeping job."""

    __tablename__ = "processed_deliveries"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class SubmittedView(Base):
    """A modal submission that was applied (bot.transport.submissions): one row per Slack view id, written
    in the transaction that applied it, so a second Submit of the same modal — a double click, a
    replay with a fresh trigger id — is answered as the first was and saves nothing. The day only
    (an anonymous submission's time must not be kept); pruned after a day or two."""

    __tablename__ = "submitted_views"

    view_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_on: Mapped[date] = mapped_column(index=True)
