"""Deduplication of Slack deliveries: an event retried by Slack (same `event_id`) or an
interaction replayed is processed once (the serving side is bot.transport.deliveries). Keys are kept for a
day, then pruned."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.sql import insert_many_if_absent
from models import ProcessedDelivery

RETENTION = timedelta(days=1)
KEY_LENGTH = 128  # processed_deliveries.key; longer keys arrive here already hashed (bot.app)


async def record(session: AsyncSession, received: Mapping[str, datetime]) -> set[str]:
    """Record many keys at once (see bot.transport.deliveries); keys already there are left as they are.
    Returns the keys this call inserted: a key someone else wrote first is not this batch's
    (bot.transport.claims tells an own batch from another delivery by it). One statement, executed for all
    rows (SQLAlchemy batches them into multi-row INSERTs), so it is compiled once whatever the
    batch size."""
    rows = [{"key": key, "received_at": at} for key, at in received.items()]
    return await insert_many_if_absent(session, ProcessedDelivery, rows, ["key"], returning="key")


async def prune(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(ProcessedDelivery).where(ProcessedDelivery.received_at < now - RETENTION))
    return result.rowcount or 0
