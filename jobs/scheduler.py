"""APScheduler's asyncio scheduler in the app's event loop.

Triggers live in memory (rebuilt from code at start; no pickled job store). Misfires run however
late (`misfire_grace_time=None`) and coalesce into one run, because every job asks the database
what is due rather than trusting that it ran on time.

While the workspace is inactive (the app uninstalled, its bot token revoked: bot.services.workspace)
every job skips: each would only fail against Slack, or record what cannot be sent. Each job says
so in one INFO line when it first skips, not at every run (the sweep runs every 30 seconds).
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.slack import standing
from jobs import JobEnv, JobSpec, load_jobs

log = logging.getLogger(__name__)


def build_scheduler(env: JobEnv) -> AsyncIOScheduler:
    tz = env.deps.settings.timezone
    scheduler = AsyncIOScheduler(
        timezone=tz, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    )
    for spec in load_jobs().values():
        scheduler.add_job(_runner(env, spec), spec.trigger(tz), id=spec.name, name=spec.description)
    return scheduler


def _runner(env: JobEnv, spec: JobSpec):
    told_since: datetime | None = None  # the inactive spell this job already said it skips

    async def run() -> None:
        nonlocal told_since
        try:
            state = await standing.current(env.deps)
            if state is not None:
                if state.since != told_since:
                    told_since = state.since
                    log.info(
                        "job %s: %s", spec.name, env.t("workspace.job_skipped", **standing.why(state, env.t, env.deps))
                    )
                return
            told_since = None
            summary = await spec.run(env, env.deps.now())
            log.info("job %s: %s", spec.name, summary)
        except Exception:
            log.exception("job %s failed; it will run again at its next time", spec.name)

    run.__name__ = spec.name
    return run


def timetable(tz: ZoneInfo, now: datetime) -> list[str]:
    """`jobs list`, in the CLI and the shell: each job, its next run in the network's zone, and
    what it does."""
    lines = []
    for spec in load_jobs().values():
        trigger = spec.trigger(tz)
        if isinstance(trigger, IntervalTrigger):  # counted from the start, which would be the machine's now
            next_run = now.astimezone(tz) + trigger.interval
        else:
            next_run = trigger.get_next_fire_time(None, now.astimezone(tz))
        when = next_run.isoformat(timespec="minutes") if next_run else "never"
        lines.append(f"{spec.name:<22} next {when}  {spec.description}")
    return lines
