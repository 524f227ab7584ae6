"""The monthly freshness review: each owner gets one DM listing their resources due for review
(overdue, or due before the next run) with Still current / Update / Retire buttons.

The DM is recorded in the outbound ledger under `resource-review:<YYYY-MM>:<owner>` before it is
sent, so running the job twice in a month, on two schedulers or by hand, sends it once."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from bot.blocks import resources as blocks
from bot.infra.i18n import Translator
from bot.services import outbox, prefs, resources
from bot.slack.sender import deliver_due
from jobs import JobEnv, job


@job(
    "resource-reviews",
    trigger=lambda tz: CronTrigger(day=1, hour=9, minute=30, timezone=tz),
    description="monthly DM to owners of resources due for review",
)
async def run(env: JobEnv, now: datetime) -> str:
    deps = env.deps
    local = now.astimezone(deps.settings.timezone)
    today = local.date()
    keys: list[str] = []
    async with deps.db.transaction() as session:
        due = await resources.due_for_review(session, until=today + resources.REVIEW_NOTICE)
        locales = await prefs.languages(session, due, deps.settings.nls_locale)
        for owner, items in due.items():
            reply = blocks.review_reply(items, Translator(locales[owner]), today)
            key = f"resource-review:{local:%Y-%m}:{owner}"
            if await outbox.enqueue(
                session, key=key, channel=owner, text=reply.text, blocks=reply.blocks_dicts(), now=now
            ):
                keys.append(key)
    delivery = await deliver_due(deps, env.client, keys=keys) if keys else "nothing new to send"
    return f"{len(due)} owner(s) with resources due, {len(keys)} new DM(s); {delivery}"
