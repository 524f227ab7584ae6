"""Prune what is only kept for a while (processed Slack delivery ids, submitted views)."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.interval import IntervalTrigger

from bot import submissions
from bot.services import deliveries
from jobs import JobEnv, job


@job("housekeeping", trigger=lambda tz: IntervalTrigger(hours=1, timezone=tz), description="prune old delivery ids and submitted views")
async def run(env: JobEnv, now: datetime) -> str:
    async with env.deps.db.transaction() as session:
        pruned = await deliveries.prune(session, now)
        views = await submissions.prune(session, now)
    return f"pruned {pruned} delivery ids, {views} submitted views"
