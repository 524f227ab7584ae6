"""APScheduler's asyncio scheduler in the app's event loop.

Triggers live in memory (rebuilt from code at start; no pickled job store). Misfires run however
late (`misfire_grace_time=None`) and coalesce into one run, because every job asks the database
what is due rather than trusting that it ran on time.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

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
    async def run() -> None:
        try:
            summary = await spec.run(env, env.deps.now())
            log.info("job %s: %s", spec.name, summary)
        except Exception:
            log.exception("job %s failed; it will run again at its next time", spec.name)

    run.__name__ = spec.name
    return run
