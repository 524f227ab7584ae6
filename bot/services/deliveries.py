"""Deduplication of Slack deliveries: an event retried by Slack (same `event_id`) or an
interaction replayed is processed once. Keys are kept for a day, then pruned."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.sql import insert_if_absent
from models import ProcessedDelivery

RETENTION = timedelta(days=1)


async def first_delivery(session: AsyncSession, key: str, now: datetime) -> bool:
    """True the first time `key` is seen (and records it); False for every repeat."""
    inserted = await insert_if_absent(
        session, ProcessedDelivery, {"key": key[:128], "received_at": now}, ["key"], returning="key"
    )
    return inserted is not None


async def prune(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(ProcessedDelivery).where(ProcessedDelivery.received_at < now - RETENTION))
    return result.rowcount or 0
