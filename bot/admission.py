"""Acknowledgements first: work after an `ack()` waits for one of a fixed number of slots.

Slack gives a request 3 seconds to be acknowledged; what a listener does after its `ack()` (the
search and its reply, the ballot and the poll message, the receipt) may take longer. In one event
loop both kinds of work share the CPU in arrival order, so when requests arrive faster than their
follow-up work can be done, every new request's acknowledgement queues behind the whole backlog
and soon misses the deadline: the user sees an error although the work would have been done.

Here a listener that has acknowledged waits for a slot before it goes on, and holds the slot until
it ends. Only `limit` follow-ups run at a time (their Web API calls included, so the limit is a
concurrency, not a CPU share); the rest wait without costing anything, and the loop keeps time
for new requests to be acknowledged. Under a burst the answers come later, never the errors.
Nothing is dropped: a waiting follow-up is an ordinary task, drained at shutdown like the others.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.response import BoltResponse

DEFAULT_SLOTS = 32


class WorkSlots:
    """At most `limit` listeners working after their acknowledgement at once."""

    def __init__(self, limit: int = DEFAULT_SLOTS) -> None:
        self.limit = limit
        self._free = asyncio.Semaphore(limit)
        self.waiting = 0  # follow-ups queued for a slot
        self.running = 0  # follow-ups holding one

    async def hold_for_current_task(self) -> None:
        """Wait for a slot, held until the calling task ends (however it ends)."""
        task = asyncio.current_task()
        if task is None:  # not inside a task: nothing to tie the slot to
            return
        self.waiting += 1
        try:
            await self._free.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        task.add_done_callback(self._release)

    def _release(self, _: asyncio.Task[Any]) -> None:
        self.running -= 1
        self._free.release()


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
        await self.take_turn()
        return response

    async def take_turn(self) -> None:
        """Wait for a slot (once per listener). Event listeners call this first thing: Bolt has
        acknowledged their event already, from the request's task."""
        if not self._queued and asyncio.current_task() is not self._request_task:
            self._queued = True
            await self._slots.hold_for_current_task()
