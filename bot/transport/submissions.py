"""A modal submission is applied once per Slack view (its id and hash), whatever its trigger id,
and a second Submit of it is answered as the first was.

A double click on Submit, or a replay, sends the same `view.id` with a fresh `trigger_id`, so the
delivery log (bot.transport.deliveries) does not see a repeat, and two feedback rows or two identical polls
were saved. Now, while a `view_submission` is handled, the first write transaction it opens also
claims its view's key (id and hash, bot.app) in `submitted_views` (bot.transport.claims): in the same
transaction as the effect, so no crash between the two lets a replay through.

The second Submit gets the first one's answer (the same confirmation, the same next step) from
`RecentAnswers`: kept in this process's memory for `KEEP_SECONDS`, never in the database, because
the answer to a secret ballot's modal is the ballot's receipt, and a row holding it written just
after the ballot would be exactly the link bot.services.ballot_seal exists to deny. Two Submits
at once in one process: the second waits for the first and gives its answer; one that has waited
until its own deadline and still has no answer is judged on its own (the claim decides which of
the two saves), never closed with an empty acknowledgement while the first may yet save nothing.
A Submit that reaches another process, or comes after a restart or after `KEEP_SECONDS`, finds only
the claim and gets an empty acknowledgement (Slack closes the modal; the first answer was shown).
An answer is dropped when its `KEEP_SECONDS` are up, by a timer: not only when a later Submit looks.

A submission refused with inline errors claims nothing and keeps no answer, so the person can
correct and submit the same view again; a view that answered `response_action: update` has a new
hash, so its next Submit is a new submission.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import feedback, requester
from bot.transport import claims
from models.ops import SubmittedView

RETENTION = timedelta(days=2)
KEEP_SECONDS = 120.0  # a double click or a retry comes within seconds; this bounds what memory holds
KEEP_LIMIT = 5_000
REHEARSAL = "warm-up"  # the ids of what `rehearse` runs and rolls back

T = TypeVar("T")


@dataclass(frozen=True)
class Turn(Generic[T]):
    """`first`: run the submission, then call `RecentAnswers.done`. Otherwise `answer` is the
    first one's answer, or None when the wait ran out before the first finished (the caller then
    runs the submission itself, without keeping its answer)."""

    first: bool
    answer: T | None = None


class RecentAnswers(Generic[T]):
    """The answers of the modal submissions this process applied, by view key, for a short while."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS, limit: int = KEEP_LIMIT) -> None:
        self.keep_seconds = keep_seconds
        self.limit = limit
        self._kept: OrderedDict[str, tuple[float, T]] = OrderedDict()  # key -> (expires, answer)
        self._running: dict[str, asyncio.Future[None]] = {}

    async def turn(self, key: str, *, wait_seconds: float) -> Turn[T]:
        """Whose turn it is to answer a submission of `key`: the first arrival runs it; one that
        arrives while it runs waits for it (up to `wait_seconds`) and takes its answer."""
        deadline = time.monotonic() + wait_seconds
        while True:
            self._expire()
            kept = self._kept.get(key)
            if kept is not None:
                return Turn(first=False, answer=kept[1])
            running = self._running.get(key)
            if running is None:  # checked and taken with no await between: one first per key
                self._running[key] = asyncio.get_running_loop().create_future()
                return Turn(first=True)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Turn(first=False)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(running), remaining)

    def done(self, key: str, answer: T | None) -> None:
        """The first arrival finished: keep its answer if it applied the submission (None if it
        did not, e.g. inline errors: the next arrival then runs the submission itself)."""
        if answer is not None:
            expires = time.monotonic() + self.keep_seconds
            self._kept[key] = (expires, answer)
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)
            # A ballot's receipt holds its choices: it leaves memory when its time is up, even if
            # no other modal is ever submitted to look (docs/polls.md, "What we do not promise").
            asyncio.get_running_loop().call_later(self.keep_seconds, self._forget, key, expires)
        running = self._running.pop(key, None)
        if running is not None and not running.done():
            running.set_result(None)

    def _forget(self, key: str, expires: float) -> None:
        kept = self._kept.get(key)
        if kept is not None and kept[0] == expires:
            del self._kept[key]

    def _expire(self) -> None:
        now = time.monotonic()
        while self._kept and next(iter(self._kept.values()))[0] < now:
            self._kept.popitem(last=False)


async def rehearse(session: AsyncSession) -> None:
    """What every request and a modal submission's save run, once on each pooled connection before
    the first request (bot.infra.db.Database.warm_up, which rolls it back): who is asking, whether
    the view was applied, the claims, and a feedback entry. On PostgreSQL each statement is then
    prepared on every connection, and SQLAlchemy has each compiled, before a burst needs them."""
    now = datetime.now(UTC)
    await requester.identify(session, REHEARSAL, f"{REHEARSAL}:delivery")
    await requester.identify(session, REHEARSAL, None)
    await was_applied(session, REHEARSAL)
    view = claims.Claim(None, now, lambda _: False, view_key=REHEARSAL, today=now.date())
    await claims.claim_together(session, [view, claims.Claim(REHEARSAL, now, lambda _: False)])
    form = feedback.FeedbackForm(voice=feedback.Voice.NEWCOMER, topic=feedback.Topic.HOUSING, province="CA", text="-")
    await feedback.submit_many(session, [feedback.Submission(form, None, "", now, now.date())])


async def was_applied(session: AsyncSession, view_id: str) -> bool:
    """Whether a submission of this view was applied (by this process or another). Asked before
    every modal's listener, so a Core statement built once: none of the ORM's execution steps."""
    connection = await session.connection()
    return (await connection.execute(_APPLIED, {"view_id": view_id})).first() is not None


_APPLIED = select(SubmittedView.view_id).where(SubmittedView.view_id == bindparam("view_id"))


async def prune(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(SubmittedView).where(SubmittedView.received_on < (now - RETENTION).date()))
    return result.rowcount or 0
