"""Scheduled jobs: Slack outbound on a clock.

Each job module registers `async def run(env, now) -> str` with `@job(...)`. The recurring
triggers are defined here in code; every deadline and every send lives in our own tables, so a
frequent sweep acts on whatever is due and a restart, a second scheduler or a job run by hand
(`nlsbot jobs run NAME --at …`) loses and duplicates nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.infra.i18n import Translator


@dataclass(frozen=True)
class JobEnv:
    """What a job runs with. `locale` is the language of whoever reads the summary: the operator's
    (`NLS_LOCALE`) on the scheduler and the CLI, the person's in the shell."""

    deps: Deps
    client: AsyncWebClient
    locale: str | None = None

    @property
    def t(self) -> Translator:
        return self.deps.translator(self.locale)


JobRun = Callable[[JobEnv, datetime], Awaitable[str]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: JobRun
    trigger: Callable[[ZoneInfo], BaseTrigger]
    description: str


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, trigger: Callable[[ZoneInfo], BaseTrigger], description: str) -> Callable[[JobRun], JobRun]:
    def decorate(run: JobRun) -> JobRun:
        if name in JOBS and JOBS[name].run is not run:
            raise ValueError(f"job {name} is registered twice")
        JOBS[name] = JobSpec(name, run, trigger, description)
        return run

    return decorate


def run_moment(text: str, tz: ZoneInfo) -> datetime:
    """`--at 2026-12-07T09:00` as an instant: without an offset, a wall-clock time in the
    network's zone (`NLS_TIMEZONE`), never the machine's. ValueError if it is not one."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def at_argument(moment: datetime, tz: ZoneInfo) -> str:
    """The `--at` value that `run_moment` reads back as `moment`, to the minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


def load_jobs() -> dict[str, JobSpec]:
    package = sys.modules[__name__]
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name != "scheduler":
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(JOBS.items()))
