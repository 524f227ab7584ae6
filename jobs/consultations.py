"""Consultations on a clock: close the ones whose deadline has passed (once each), and send the
reminders due three days and one day before the deadline to organisations that have not answered
(each round once). Everything is decided by the database, so running this late, twice, or from
two schedulers sends nothing twice and skips nothing."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.interval import IntervalTrigger

from bot.blocks import consultations as consult_blocks
from bot.services import consultations
from bot.slack.sender import deliver_due
from jobs import JobEnv, job


@job(
    "consultations",
    trigger=lambda tz: IntervalTrigger(minutes=5, timezone=tz),
    description="consultation reminders (3 and 1 days before) and closing at the deadline",
)
async def run(env: JobEnv, now: datetime) -> str:
    deps, tz = env.deps, env.deps.settings.timezone
    locale = deps.settings.nls_locale
    async with deps.db.transaction() as session:
        closed = await consultations.close_due(session, now=now, default_locale=locale)
        reminders = await consultations.due_reminders(session, now=now, default_locale=locale)
        keys = await consultations.queue(
            session, [*closed, *reminders], render=lambda n: consult_blocks.notice_message(n, tz), now=now
        )
    delivery = await deliver_due(deps, env.client, keys=keys) if keys else None
    return (
        f"closed {len(closed)}, reminders due {len(reminders)}, newly queued {len(keys)}; {delivery or 'nothing sent'}"
    )
