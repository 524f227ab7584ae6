"""Action-plan messages on a clock: owners' reminders, the leads' weekly digest, the network's
monthly update.

Each job is a sweep every ten minutes rather than a trigger at the send time: the services work
out, in each recipient's own time zone, which occasions have come and are not yet in the outbound
ledger; the job renders those and records them under their keys in one transaction, then delivers
them (and any earlier one still waiting for a retry). So a run missed while the process was down
happens at the next sweep, a second scheduler or a run by hand (`nlsbot jobs run NAME --at …`)
finds the keys taken, and a failed send stays in the ledger until it goes through.

Times are configurable (local wall-clock times, each in the recipient's zone):
`NLS_REMINDER_TIME` (09:00), `NLS_DIGEST_DAY` (mon) and `NLS_DIGEST_TIME` (09:00).

A sweep that sends nothing says why, in the reader's language, with the `--at` that would send
something (`jobs run lead-digest` on a Thursday is a question, not a fault): the service says why
as data (`digest.Quiet`), the job words it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks.common import Reply
from bot.blocks.digest import lead_digest_reply, network_update_reply
from bot.blocks.plans import reminder_reply
from bot.infra.i18n import Translator
from bot.infra.settings import WEEKDAYS, Settings
from bot.services import digest, outbox
from bot.services.digest import Audience, Due, Quiet, QuietReason, Schedule
from bot.slack.sender import DeliveryReport, deliver_due
from jobs import JobEnv, at_argument, job

T = TypeVar("T")


def plan_schedule(settings: Settings) -> Schedule:
    """The configured times (`NLS_REMINDER_TIME`, `NLS_DIGEST_DAY`, `NLS_DIGEST_TIME`), validated
    with every other setting at start."""
    return Schedule(
        reminder_at=settings.reminder_time,
        digest_weekday=WEEKDAYS.index(settings.digest_day),
        digest_at=settings.digest_time,
    )


def _sweep_trigger(tz):  # type: ignore[no-untyped-def]
    return CronTrigger(minute="*/10", timezone=tz)


async def _sweep(
    env: JobEnv,
    now: datetime,
    find: Callable[[AsyncSession], Awaitable[Due[T]]],
    message: Callable[[T], tuple[str, str, Reply]],
    explain: Callable[[Quiet], str] | None = None,
) -> str:
    """Record what has fallen due (key, channel, message) and deliver it with what still waits;
    when nothing is, `explain` says why."""
    recorded: list[str] = []
    async with env.deps.db.transaction() as session:
        due = await find(session)
        for occasion in due.new:
            key, channel, reply = message(occasion)
            if await outbox.enqueue(
                session, key=key, channel=channel, text=reply.text, blocks=reply.blocks_dicts(), now=now
            ):
                recorded.append(key)
    keys = recorded + due.unsent
    if not keys and due.quiet is not None and explain is not None:
        return explain(due.quiet)
    report = await deliver_due(env.deps, env.client, keys=keys, limit=len(keys)) if keys else DeliveryReport()
    return env.t(
        "jobs.sweep.done", count=len(recorded), sent=report.sent, retrying=report.retrying, failed=report.failed
    )


def _audience(env: JobEnv) -> Audience:
    settings = env.deps.settings
    return Audience(plan_schedule(settings), settings.timezone, settings.nls_locale)


@job("action-reminders", trigger=_sweep_trigger, description="owners: 7 and 1 days before due, weekly while overdue")
async def action_reminders(env: JobEnv, now: datetime) -> str:
    return await _sweep(
        env,
        now,
        lambda session: digest.due_reminders(session, now=now, audience=_audience(env)),
        lambda r: (r.key, r.owner.slack_user_id, reminder_reply(r, Translator(r.owner.locale), now)),
        lambda quiet: env.t(
            "jobs.action_reminders.sent" if quiet.reason is QuietReason.SENT else "jobs.action_reminders.not_due",
            time=f"{plan_schedule(env.deps.settings).reminder_at:%H:%M}",
        ),
    )


@job("lead-digest", trigger=_sweep_trigger, description="leads: weekly digest (Monday 09:00 in their time zone)")
async def lead_digest(env: JobEnv, now: datetime) -> str:
    schedule = plan_schedule(env.deps.settings)
    return await _sweep(
        env,
        now,
        lambda session: digest.due_lead_digests(session, now=now, audience=_audience(env)),
        lambda d: (d.key, d.lead.slack_user_id, lead_digest_reply(d, Translator(d.lead.locale), now)),
        lambda quiet: _explain(
            env,
            quiet,
            "jobs.lead_digest",
            weekday=env.t.weekday(schedule.digest_weekday),
            time=f"{schedule.digest_at:%H:%M}",
        ),
    )


def _explain(env: JobEnv, quiet: Quiet, prefix: str, **schedule: object) -> str:
    """Why nothing went out: `<prefix>.none` when nothing will (nobody to write to, nothing to
    report), else `.sent` or `.not_due` with the schedule and the `--at` (network time) that would
    send something."""
    if quiet.next_at is None:
        return env.t(f"{prefix}.none")
    key = f"{prefix}.sent" if quiet.reason is QuietReason.SENT else f"{prefix}.not_due"
    return env.t(key, at=at_argument(quiet.next_at, env.deps.settings.timezone), **schedule)


@job("network-update", trigger=_sweep_trigger, description="NLS_NETWORK_CHANNEL: monthly plan update (1st, 10:00)")
async def network_update(env: JobEnv, now: datetime) -> str:
    settings = env.deps.settings
    if not settings.network_channel:
        return env.t("jobs.network_update.no_channel")
    schedule = plan_schedule(settings)
    return await _sweep(
        env,
        now,
        lambda session: digest.due_network_update(
            session, now=now, schedule=schedule, tz=settings.timezone, channel=settings.network_channel
        ),
        lambda u: (u.key, u.channel, network_update_reply(u, Translator("en"), Translator("fr"))),
        lambda quiet: _explain(
            env,
            quiet,
            "jobs.network_update",
            day=schedule.network_day,
            time=f"{schedule.network_at:%H:%M}",
            zone=settings.nls_timezone,
        ),
    )
