"""Keeping resources current: each is due for review a year after it was added or last
confirmed, and its owner is asked a month ahead (the monthly DM, their Home, `/nls resource mine`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.resources.results import ResourceView, view_of
from models.resources import Resource

REVIEW_PERIOD = timedelta(days=365)
REVIEW_NOTICE = timedelta(days=31)  # the monthly DM lists what falls due before the next one


async def due_for_review(session: AsyncSession, *, until: date) -> dict[str, list[ResourceView]]:
    """Live resources whose review date is on or before `until`, by owner, oldest first."""
    rows = (
        await session.execute(
            select(Resource)
            .where(Resource.retired == false(), Resource.review_by <= until)
            .order_by(Resource.owner_id, Resource.review_by, Resource.id)
        )
    ).scalars()
    by_owner: dict[str, list[ResourceView]] = {}
    for resource in rows:
        by_owner.setdefault(resource.owner_id, []).append(view_of(resource))
    return by_owner


async def owned_by(session: AsyncSession, owner_id: str, *, limit: int = 50) -> list[ResourceView]:
    rows = await session.execute(
        select(Resource)
        .where(Resource.owner_id == owner_id, Resource.retired == false())
        .order_by(Resource.review_by, Resource.id)
        .limit(limit)
    )
    return [view_of(r) for r in rows.scalars()]


async def stale_count(session: AsyncSession, today: date) -> int:
    return (
        await session.scalar(
            select(func.count()).select_from(Resource).where(Resource.retired == false(), Resource.review_by < today)
        )
        or 0
    )
