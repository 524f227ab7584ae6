"""What runs beside the listeners in one process: the scheduler (unless `--no-scheduler`)."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from jobs import JobEnv
from jobs.scheduler import build_scheduler

log = logging.getLogger(__name__)


class Background:
    def __init__(self, deps: Deps, client: AsyncWebClient, *, scheduler: bool) -> None:
        self.env = JobEnv(deps=deps, client=client)
        self._scheduler = build_scheduler(self.env) if scheduler else None

    async def start(self) -> None:
        if self._scheduler is not None:
            self._scheduler.start()
            log.info("scheduler started with %d jobs", len(self._scheduler.get_jobs()))

    async def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=True)
            log.info("scheduler stopped")
