"""What runs beside the listeners in one process: the scheduler (unless `--no-scheduler`), and
the orderly stop that lets in-flight work finish."""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.slack.http_session import attach_session, close_session
from bot.transport import submissions
from jobs import JobEnv
from jobs.scheduler import build_scheduler

log = logging.getLogger(__name__)
DRAIN_SECONDS = 20.0
# Bolt runs each listener after its acknowledgement in a task of this coroutine; our own
# post-ack tasks are named below. Those are what a stop waits for.
IN_FLIGHT = ("run_ack_function_asynchronously", "_refresh_profile", "deliver_due")


class Background:
    def __init__(self, deps: Deps, client: AsyncWebClient, *, scheduler: bool) -> None:
        self.env = JobEnv(deps=deps, client=client)
        self._scheduler = build_scheduler(self.env) if scheduler else None

    async def start(self) -> None:
        attach_session(self.env.client, traces=[self.env.deps.work.trace_config()])
        await self.env.deps.db.warm_up(submissions.rehearse)  # before the first request, not during its burst
        if self._scheduler is not None:
            self._scheduler.start()
            log.info("scheduler started with %d jobs", len(self._scheduler.get_jobs()))

    async def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)  # no new runs; running jobs are drained below
            log.info("scheduler stopped")
        await drain_in_flight(DRAIN_SECONDS)
        await self.env.deps.deliveries.close()
        await close_session(self.env.client)


def _in_flight() -> list[asyncio.Task[object]]:
    current = asyncio.current_task()
    return [
        task
        for task in asyncio.all_tasks()
        if task is not current and not task.done() and task.get_coro().__qualname__.split(".")[-1] in IN_FLIGHT
    ]


async def drain_in_flight(timeout: float) -> int:
    """Wait (up to `timeout`) for listeners still working after their acknowledgement, so a
    deploy or SIGTERM never cuts a vote or a submission in half; returns how many were left."""
    pending = _in_flight()
    if pending:
        log.info("waiting for %d in-flight listeners", len(pending))
        _, still = await asyncio.wait(pending, timeout=timeout)
        if still:
            log.warning("%d listeners still running at shutdown", len(still))
        return len(still)
    return 0
