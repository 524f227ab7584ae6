"""The outbound-message ledger: every message the bot owes someone is recorded under a unique
key before it is sent, so an occasion (a reminder, a digest, a ballot reminder) happens once.

The sender (`bot.slack.sender`) claims due rows, sends them, and records the outcome. A failure is
retried with backoff and, after `MAX_ATTEMPTS`, kept as `failed` for operators, never dropped.
A channel's messages go in the order they were recorded: none is claimed past an earlier one to
the same channel that is still unfinished (waiting for its retry, or being sent). A row left
`sending` by a process that died mid-send is retried after `IN_DOUBT_AFTER`: Slack offers no
idempotency key, so in that rare window we prefer a possible duplicate to a loss. What a sender
claimed and never tried (it stopped, or the channel's earlier message failed) it `release`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.sql import chunks, insert_if_absent
from models import OutboundMessage, SendStatus

MAX_ATTEMPTS = 8
IN_DOUBT_AFTER = timedelta(minutes=10)
UNFINISHED = (SendStatus.PENDING, SendStatus.SENDING)


@dataclass(frozen=True)
class Outgoing:
    id: int
    key: str
    channel: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    attempts: int


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    channel: str,
    text: str,
    now: datetime,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Record a message to send; False if one with this key was already recorded (sent or not)."""
    inserted = await insert_if_absent(
        session,
        OutboundMessage,
        {
            "key": key[:255],
            "channel": channel,
            "text": text,
            "blocks": blocks,
            "thread_ts": thread_ts,
            "status": SendStatus.PENDING,
            "attempts": 0,
            "not_before": not_before or now,
            "created_at": now,
        },
        ["key"],
    )
    return inserted is not None


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int = 200,
    keys: list[str] | None = None,
    held_back: set[str] | None = None,
) -> list[Outgoing]:
    """Mark up to `limit` due messages as being sent by this caller and return them, in the order
    they were recorded (so each channel's are in its order).

    A message is claimed only together with every earlier unfinished message to its channel, so a
    later one never overtakes an earlier one that waits for its retry or that another sender has
    (or is claiming right now); the channels of the due messages held back so are added to
    `held_back`. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets two senders share the work without
    overlap; on SQLite the write transaction (BEGIN IMMEDIATE) serialises claimers.
    """
    # Only messages whose channel's earlier unfinished ones are all due too, ordered by the latest
    # `not_before` among those and their own (then by id): each channel's run sorts in its order and
    # a later message never comes before the earlier ones it needs, so what `limit` takes is
    # claimable (bar rows another sender locks). Ordering by a row's own `not_before` let the later
    # messages of channels waiting on a retry fill every claim and claim nothing, for good.
    earlier = aliased(OutboundMessage)
    same_channel_before = (
        (earlier.channel == OutboundMessage.channel)
        & (earlier.id < OutboundMessage.id)
        & earlier.status.in_(UNFINISHED)
    )
    due_from = (
        select(func.max(earlier.not_before))
        .where(same_channel_before | (earlier.id == OutboundMessage.id))
        .correlate(OutboundMessage)
        .scalar_subquery()
    )
    query = (
        select(OutboundMessage.id, OutboundMessage.channel)
        .where(_due(OutboundMessage, now), ~select(earlier.id).where(same_channel_before, ~_due(earlier, now)).exists())
        .order_by(due_from, OutboundMessage.id)
    )
    if keys is not None:
        query = query.where(OutboundMessage.key.in_(keys))
    found = await session.execute(query.limit(limit).with_for_update(skip_locked=True))
    candidates = [(row.id, row.channel) for row in found]
    ids = await _first_in_their_channels(session, candidates)
    if held_back is not None and len(ids) < len(candidates):
        kept = set(ids)
        held_back.update(channel for message_id, channel in candidates if message_id not in kept)
    if not ids:
        return []
    rows = (
        await session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids))
            .values(status=SendStatus.SENDING, claimed_at=now, attempts=OutboundMessage.attempts + 1)
            .returning(OutboundMessage)
        )
    ).scalars()
    claimed = [Outgoing(r.id, r.key, r.channel, r.text, r.blocks, r.thread_ts, r.attempts) for r in rows]
    return sorted(claimed, key=lambda o: o.id)


def _due(message: type[OutboundMessage], now: datetime) -> ColumnElement[bool]:
    """Pending and past its `not_before`, or left `sending` so long that its sender is presumed dead."""
    return or_(
        (message.status == SendStatus.PENDING) & (message.not_before <= now),
        (message.status == SendStatus.SENDING) & (message.claimed_at < now - IN_DOUBT_AFTER),
    )


async def _first_in_their_channels(session: AsyncSession, candidates: Sequence[tuple[int, str]]) -> list[int]:
    """The candidates that no unfinished message outside them precedes in its channel: per
    channel, the unbroken run of candidates from the channel's earliest unfinished message."""
    if not candidates:
        return []
    taken = {message_id for message_id, _ in candidates}
    channels = sorted({channel for _, channel in candidates})
    blocked: set[str] = set()
    keep: set[int] = set()
    for chunk in chunks(channels):
        rows = await session.execute(
            select(OutboundMessage.channel, OutboundMessage.id)
            .where(OutboundMessage.channel.in_(chunk), OutboundMessage.status.in_(UNFINISHED))
            .order_by(OutboundMessage.id)
        )
        for channel, message_id in rows:
            if channel in blocked:
                continue
            if message_id in taken:
                keep.add(message_id)
            else:
                blocked.add(channel)
    return [message_id for message_id, _ in candidates if message_id in keep]


async def release(session: AsyncSession, message_ids: Sequence[int]) -> None:
    """Give back messages this sender claimed and never tried: pending again, as due as they were,
    and the claim's attempt not counted."""
    for chunk in chunks(message_ids):
        await session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(chunk), OutboundMessage.status == SendStatus.SENDING)
            .values(status=SendStatus.PENDING, claimed_at=None, attempts=OutboundMessage.attempts - 1)
        )


async def mark_sent(session: AsyncSession, message_id: int, *, slack_ts: str | None, now: datetime) -> None:
    await session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id)
        .values(status=SendStatus.SENT, sent_at=now, slack_ts=slack_ts, last_error=None)
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


async def mark_failed_attempt(
    session: AsyncSession, message: Outgoing, *, error: str, now: datetime, retry_after: float | None = None
) -> SendStatus:
    """Put a message back for a later try (or give up after MAX_ATTEMPTS, visibly)."""
    final = message.attempts >= MAX_ATTEMPTS
    delay = timedelta(seconds=retry_after) if retry_after else backoff(message.attempts)
    status = SendStatus.FAILED if final else SendStatus.PENDING
    await session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message.id)
        .values(status=status, last_error=error[:200], not_before=now + delay)
    )
    return status


async def counts_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status))
    return {status.value: n for status, n in rows.all()}


async def was_recorded(session: AsyncSession, key: str) -> bool:
    return (await session.execute(select(OutboundMessage.id).where(OutboundMessage.key == key))).first() is not None


async def statuses(session: AsyncSession, keys: Sequence[str]) -> dict[str, SendStatus]:
    """The ledger status of each of `keys` that was recorded (absent keys are not in the result)."""
    found: dict[str, SendStatus] = {}
    for chunk in chunks(keys):
        rows = await session.execute(
            select(OutboundMessage.key, OutboundMessage.status).where(OutboundMessage.key.in_(chunk))
        )
        found.update((key, status) for key, status in rows.all())
    return found


async def last_recorded(session: AsyncSession, key_prefix: str) -> dict[str, datetime]:
    """When a message whose key starts with `key_prefix:` was last recorded, per recipient."""
    rows = await session.execute(
        select(OutboundMessage.channel, func.max(OutboundMessage.created_at))
        .where(OutboundMessage.key.like(f"{key_prefix}:%"))
        .group_by(OutboundMessage.channel)
    )
    return {channel: at for channel, at in rows.all()}


async def waiting(session: AsyncSession) -> dict[int, str]:
    """Every message not yet through (pending, or left mid-send), id -> key: what an uninstall
    parked and a reinstall must judge."""
    rows = await session.execute(
        select(OutboundMessage.id, OutboundMessage.key).where(OutboundMessage.status.in_(UNFINISHED))
    )
    return dict(rows.all())


async def drop(session: AsyncSession, message_ids: Sequence[int], *, why: str) -> None:
    """Give up messages that no longer mean anything (a reminder for a poll that closed while the
    app was uninstalled): kept as `failed` with the reason, so the key stays taken and no job
    records the occasion again, and an operator can see what was not sent and why."""
    for chunk in chunks(message_ids):
        await session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(chunk))
            .values(status=SendStatus.FAILED, last_error=f"dropped: {why}"[:200])
        )
