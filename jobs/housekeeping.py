"""Prune what is only kept for a while (processed Slack delivery ids, submitted views), and compact
the sealed-ballot tables again.

Why again: a secret poll's close compacts them at once (jobs.polls), but PostgreSQL's VACUUM FULL
keeps a deleted row that a snapshot older than the delete could still see, so a transaction open
elsewhere at that moment (a long report, an autoanalyze) leaves the deleted ciphertexts in the
file. The hourly run removes them once such snapshots have ended; the tables hold only open polls'
ballots, so the rewrite takes milliseconds."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.interval import IntervalTrigger

from bot.services import deliveries, polls
from bot.transport import submissions
from jobs import JobEnv, job


@job(
    "housekeeping",
    trigger=lambda tz: IntervalTrigger(hours=1, timezone=tz),
    description="prune old delivery ids and submitted views; compact the sealed-ballot tables",
)
async def run(env: JobEnv, now: datetime) -> str:
    async with env.deps.db.transaction() as session:
        pruned = await deliveries.prune(session, now)
        views = await submissions.prune(session, now)
    await env.deps.db.compact(polls.SEALED_TABLES)
    return f"pruned {pruned} delivery ids, {views} submitted views"
