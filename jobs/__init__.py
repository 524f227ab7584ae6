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


@dataclass(frozen=True)
class JobEnv:
    deps: Deps
    client: AsyncWebClient


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


def load_jobs() -> dict[str, JobSpec]:
    package = sys.modules[__name__]
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_") and info.name != "scheduler":
            importlib.import_module(f"{__name__}.{info.name}")
    return dict(sorted(JOBS.items()))
