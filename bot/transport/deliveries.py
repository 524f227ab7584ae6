"""Each Slack delivery is handled once: checked before its listener runs, recorded just after.

Slack retries an event it thinks failed (same `event_id`, with `X-Slack-Retry-Num`): at once after
an error, or after its 3 seconds ran out, then a minute and five minutes later, to whichever
replica the load balancer picks. Every interaction carries a fresh `trigger_id`, so the same one
twice is a replay. `bot.services.requester` asks the database whether a key was seen, in the same
statement that reads who is asking; this log remembers the keys this process accepted and writes
them to `processed_deliveries` in batches, a few times a second, in one transaction each.

Why not one INSERT per request before its listener: that made every request, a search included,
a write transaction. On SQLite, where there is one writer at a time, every acknowledgement then
queued behind the votes and submissions being written, and the writes were most of a request's
database cost. Recorded in batches, a key reaches the table within `FLUSH_SECONDS`; Slack's
retries come later than that (they follow our failed or late answer), and a second delivery to
this same process meanwhile is caught here, from memory. A process that dies before its batch is
written loses only the knowledge that the deliveries it was handling were handled; a request
that changed something wrote its key in the same transaction as the change (bot.transport.claims), so
what such a replay can repeat is only a read.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from datetime import datetime

from bot.infra.db import Database
from bot.services import deliveries

log = logging.getLogger(__name__)
FLUSH_SECONDS = 0.2
MAX_PENDING = 50_000  # beyond this (the database down for long), the oldest keys are forgotten
WRITTEN_SECONDS = 900.0  # how long a key is known as this process's own (longer than any listener runs)


class DeliveryLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: dict[str, datetime] = {}  # accepted, not yet written
        self._writing: dict[str, datetime] = {}  # in the batch being written
        self._flusher: asyncio.Task[None] | None = None
        self._written: dict[str, float] = {}  # key -> time.monotonic() a batch of ours inserted it

    def accept(self, key: str, now: datetime) -> bool:
        """True the first time this process sees `key` (whose absence from the table the caller
        has checked); False for a second delivery not yet written."""
        if key in self._pending or key in self._writing:
            return False
        self._pending[key] = now
        if len(self._pending) > MAX_PENDING:
            self._pending.pop(next(iter(self._pending)))
        if self._flusher is None or self._flusher.done():
            # In a context of its own: the flusher writes for every request, so it must not inherit
            # the one that started it (that request's acknowledgement deadline, bot.transport.deadline).
            self._flusher = asyncio.create_task(self._flush_while_pending(), context=contextvars.Context())
        return True

    def written_here(self, key: str) -> bool:
        """Whether `key`'s row in the table is this process's own batch (bot.transport.claims: then a slow
        listener's claim that finds it is no replay). Having accepted the key is not enough: the
        same delivery may have reached another process too, and its claim or batch may be the
        row. A key is marked as soon as the batch's INSERT returns it, before the commit, because
        a claim waiting on that row can only find it once the commit is done."""
        return key in self._written

    def _remember(self, keys: set[str]) -> None:
        at = time.monotonic()
        self._written.update(dict.fromkeys(keys, at))
        while self._written and (
            len(self._written) > MAX_PENDING or next(iter(self._written.values())) < at - WRITTEN_SECONDS
        ):
            self._written.pop(next(iter(self._written)))

    async def _flush_while_pending(self) -> None:
        pause = FLUSH_SECONDS
        while self._pending:
            await asyncio.sleep(pause)
            pause = FLUSH_SECONDS if await self.flush() else min(pause * 2, 5.0)  # back off while it fails

    async def flush(self) -> bool:
        """Write what was accepted so far; on a database error keep it for the next batch (False).
        Cancelled mid-write (a stop), the batch is kept too: `close` writes it again, and keys
        already written are left as they are."""
        if not self._pending:
            return True
        self._writing, self._pending = self._pending, {}
        written = False
        inserted: set[str] = set()
        try:
            async with self.db.transaction() as session:
                inserted = await deliveries.record(session, self._writing)
                self._remember(inserted)  # before the commit: see written_here
            written = True
        except Exception:
            for key in inserted:  # rolled back: those rows are not ours after all
                self._written.pop(key, None)
            log.warning("could not record %d deliveries; will retry", len(self._writing), exc_info=True)
        finally:
            if not written:
                self._pending = {**self._writing, **self._pending}
            self._writing = {}
        return written

    async def close(self) -> None:
        """At shutdown, after in-flight listeners and before the database is released: stop the
        flusher (a task left behind would write to a disposed engine, or hang the loop's end)
        and write the last batch."""
        flusher, self._flusher = self._flusher, None
        if flusher is not None and not flusher.done():
            flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await flusher
        await self.flush()
