"""Acknowledgements first: work after an `ack()` waits for one of a fixed number of slots.

Slack gives a request 3 seconds to be acknowledged; what a listener does after its `ack()` (the
search and its reply, the ballot and the poll message, the receipt) may take longer. In one event
loop both kinds of work share the CPU in arrival order, so when requests arrive faster than their
follow-up work can be done, every new request's acknowledgement queues behind the whole backlog
and soon misses the deadline: the user sees an error although the work would have been done.

Here a listener that has acknowledged waits for a slot before it goes on, and holds the slot until
it ends, except while it waits for Slack. Only `limit` follow-ups compete for the CPU at a time;
the rest wait without costing anything, and the loop keeps time for new requests to be
acknowledged. Under a burst the answers come later instead of the acknowledgements. Nothing is
dropped: a waiting follow-up is an ordinary task, drained at shutdown like the others.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import aiohttp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse

from bot.transport import deadline

DEFAULT_SLOTS = 8


class WorkSlots:
    """At most `limit` listeners working after their acknowledgement at once.

    A follow-up that waits for Slack (an HTTP call through the pooled session, see
    `trace_config`) gives its slot back for the wait and takes one again to go on: the slots
    bound the work competing for the CPU, not the answers Slack is still sending back."""

    def __init__(self, limit: int = DEFAULT_SLOTS) -> None:
        self.limit = limit
        self._free = asyncio.Semaphore(limit)
        self._holders: set[asyncio.Task[Any]] = set()
        self.waiting = 0  # follow-ups queued for a slot

    @property
    def running(self) -> int:
        return len(self._holders)

    async def hold_for_current_task(self) -> None:
        """Wait for a slot, held until the calling task ends (however it ends)."""
        task = asyncio.current_task()
        if task is None:  # not inside a task: nothing to tie the slot to
            return
        await self._take(task)
        task.add_done_callback(self._give_back)

    async def _take(self, task: asyncio.Task[Any]) -> None:
        self.waiting += 1
        try:
            await self._free.acquire()
        finally:
            self.waiting -= 1
        self._holders.add(task)

    def _give_back(self, task: asyncio.Task[Any]) -> None:
        if task in self._holders:
            self._holders.discard(task)
            self._free.release()

    def step_aside(self) -> bool:
        """Give the current task's slot back while it waits on I/O; True if it held one."""
        task = asyncio.current_task()
        if task is None or task not in self._holders:
            return False
        self._give_back(task)
        return True

    async def step_back(self) -> None:
        task = asyncio.current_task()
        if task is not None:
            await self._take(task)

    def trace_config(self) -> aiohttp.TraceConfig:
        """aiohttp hooks for the pooled session: step aside for each request to Slack."""

        async def started(_: aiohttp.ClientSession, request: SimpleNamespace, __: Any) -> None:
            request.stepped_aside = self.step_aside()

        async def ended(_: aiohttp.ClientSession, request: SimpleNamespace, params: Any) -> None:
            if getattr(request, "stepped_aside", False):
                request.stepped_aside = False
                if not isinstance(getattr(params, "exception", None), asyncio.CancelledError):
                    await self.step_back()

        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(started)
        trace.on_request_end.append(ended)
        trace.on_request_exception.append(ended)
        return trace


class QueuedAck(AsyncAck):
    """Bolt's `ack`, after which the listener waits its turn (see the module docstring).

    Bolt acknowledges events itself, in the request's own task, before their listener starts:
    an `ack()` from that task returns at once, since the HTTP response is still to be sent."""

    def __init__(self, slots: WorkSlots) -> None:
        super().__init__()
        self._slots = slots
        self._request_task = asyncio.current_task()
        self._queued = False

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = await super().__call__(*args, **kwargs)
        deadline.acknowledged()
        await self.take_turn()
        return response

    async def take_turn(self) -> None:
        """Wait for a slot (once per listener). Event listeners call this first thing: Bolt has
        acknowledged their event already, from the request's task."""
        if not self._queued and asyncio.current_task() is not self._request_task:
            self._queued = True
            await self._slots.hold_for_current_task()
