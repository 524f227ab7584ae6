"""Writes of one kind that wait for their turn together are saved in one transaction.

A modal submission saves before it is acknowledged (docs/deployment.md, "Bursts"): the person is
told it is saved only once it is, so a `kill -9` after the answer loses nothing. But each save was
a transaction of its own, and on SQLite writers take turns: a turn was four trips to the driver's
thread (the claim, a read, the insert, the commit), each waiting behind whatever else the event
loop had to do. Under a burst on a busy machine a turn took 10 to 80 ms, so about 60 submissions
a second could be saved, and every one past that waited until Slack's 3 seconds were gone. On
PostgreSQL each save took a pooled connection and its own round trips, the pool ran dry first.

Here the saves of one kind that are waiting when the turn comes share it: one transaction writes
each one's claim (bot.transport.claims, one multi-row INSERT per kind), then all of them through
the feature's `write` (for feedback one multi-row INSERT), and commits once. Each is answered
when that commit has succeeded, never before, exactly as its own transaction would have been.
The busier the process, the more saves share a turn, so the turns keep up.

For each save, what its own transaction guaranteed still holds:
- its request's acknowledgement deadline (bot.transport.deadline): one whose turn comes too late
  is refused with `Busy` and left out, nothing of it written;
- its claim: one whose view or delivery was claimed before (or twice in the batch) gets
  `AlreadySubmitted`/`Replayed` and is left out;
- its failure: when a batch's write fails for a reason other than the database being out of
  reach, each of its saves is tried again alone, so a row the database refuses fails only itself.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import Busy
from bot.transport import claims, deadline

if TYPE_CHECKING:
    from bot.infra.db import Database

T = TypeVar("T")
R = TypeVar("R")
Write = Callable[[AsyncSession, list[T]], Awaitable[Sequence[R]]]
LIMIT = 200  # saves per transaction: a turn stays short, and one statement's parameters stay few
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout, OSError)  # trying each alone would not help


@dataclass(eq=False)
class _Save(Generic[T, R]):
    item: T
    claim: claims.Claim | None
    clock: deadline.AckClock | None
    answer: asyncio.Future[R] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def settle(self, result: R | None = None, error: BaseException | None = None) -> None:
        if self.answer.done():  # its request was cancelled meanwhile
            return
        if error is not None:
            self.answer.set_exception(error)
        else:
            self.answer.set_result(result)  # type: ignore[arg-type]


class WriteBatch(Generic[T, R]):
    """The saves of one `write(session, items) -> results` (one result per item, in order)."""

    def __init__(self, db: Database, write: Write[T, R], *, limit: int = LIMIT) -> None:
        self._db = db
        self._write = write
        self._limit = limit
        self._waiting: list[_Save[T, R]] = []
        self._turns: asyncio.Task[None] | None = None

    async def save(self, item: T) -> R:
        """Save `item` with whatever else is waiting; returns once committed, or raises what its
        own transaction would have (`Busy`, `AlreadySubmitted`, a database error)."""
        waiting = _Save[T, R](item, claims.current(), deadline.clock())
        self._waiting.append(waiting)
        if self._turns is None or self._turns.done():
            # A context of its own: the turns run for many requests, none of whose claim or clock
            # the transaction may take for its own (Database.transaction would claim it).
            self._turns = asyncio.create_task(self._take_turns(), context=contextvars.Context())
        return await asyncio.shield(waiting.answer)

    async def _take_turns(self) -> None:
        try:
            while self._waiting:
                await self._turn(None)
        except BaseException:  # stopped (the process is ending): none of those waiting is left hanging
            waiting, self._waiting = self._waiting, []
            for save in waiting:
                save.settle(error=Interrupted())
            raise

    async def _turn(self, only: _Save[T, R] | None) -> None:
        """One transaction: the saves waiting once it has begun (or `only`), each answered after it."""
        saves: list[_Save[T, R]] = [] if only is None else [only]
        outcomes: dict[_Save[T, R], BaseException] = {}
        try:
            async with self._db.transaction(turn=True) as session:
                if only is None:  # taken now, not before: those that came while it began join in
                    saves, self._waiting = self._waiting[: self._limit], self._waiting[self._limit :]
                on_time = [s for s in saves if not (s.clock is not None and s.clock.overdue())]
                outcomes.update((s, Busy()) for s in saves if s not in on_time)
                refused = await claims.claim_together(session, [s.claim for s in on_time])
                outcomes.update((s, r) for s, r in zip(on_time, refused, strict=True) if r is not None)
                applied = [s for s in on_time if s not in outcomes]
                results = list(await self._write(session, [s.item for s in applied])) if applied else []
                if len(results) != len(applied):  # before the commit: a write that answers wrong saves nothing
                    raise RuntimeError(f"{self._write.__qualname__} gave {len(results)} results for {len(applied)}")
        except Exception as error:
            if only is None and not saves:  # it failed as it began: the first waiting share its failure
                saves, self._waiting = self._waiting[: self._limit], self._waiting[self._limit :]
            left = [s for s in saves if s not in outcomes]
            if len(left) > 1 and not isinstance(error, UNREACHABLE):
                for save in left:
                    await self._turn(save)
            else:
                for save in left:
                    save.settle(error=error)
        else:
            for save, result in zip(applied, results, strict=True):
                if save.claim is not None:
                    save.claim.claimed = True
                save.settle(result)
        finally:
            for save, refusal in outcomes.items():
                save.settle(error=refusal)
            for save in saves:  # stopped midway (cancelled at the process's end): none left hanging
                save.settle(error=Interrupted())


class Interrupted(Exception):
    """The save's turn was stopped before it could say whether it was saved (the process ending)."""


def batch_of(batches: dict[Any, WriteBatch[Any, Any]], db: Database, write: Write[T, R]) -> WriteBatch[T, R]:
    """The process's one batch for `write` (kept by its Database)."""
    batch = batches.get(write)
    if batch is None:
        batch = batches[write] = WriteBatch(db, write)
    return batch
