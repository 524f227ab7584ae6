"""Send due messages from the outbound ledger (every feature's reminders and digests)."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.interval import IntervalTrigger

from bot.slack.sender import deliver_due
from jobs import JobEnv, job


@job("deliver-messages", trigger=lambda tz: IntervalTrigger(seconds=30, timezone=tz), description="send due messages")
async def run(env: JobEnv, now: datetime) -> str:
    return str(await deliver_due(env.deps, env.client))
