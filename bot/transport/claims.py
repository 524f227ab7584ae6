"""What a request's first write transaction claims, so that no crash and no second delivery applies
it twice: its delivery (the replay key, bot.app), or for a modal its view (bot.transport.submissions).

The delivery log (bot.transport.deliveries) writes keys in batches a fraction of a second after the
acknowledgement, so a process killed in that window forgot that it handled the request, and a
replay after the restart ran it again: a second feedback row, a second snooze. Now the claim is
written in the same transaction as the effect (Database.transaction calls `claim_pending` as it
begins): either both are committed or neither is. A listener whose effect is not in the database
(a message posted to a channel) claims before that effect with `claim_now`.

A row already in `processed_deliveries` when the claim is written is either this process's own
batch (which may flush before a slow listener writes; the log says whether its batch inserted
the row) or another delivery's: then the request is a replay and `Replayed` rolls back its
transaction. That holds for the same delivery reaching two processes at once too (a signed
request replayed to two replicas, an event Slack retried to another replica while the first was
still at work): both accepted it, but only one of them wrote the row, so only one applies it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.sql import insert_if_absent
from models.ops import ProcessedDelivery, SubmittedView

if TYPE_CHECKING:
    from bot.infra.db import Database


class Replayed(Exception):
    """This delivery was applied already (before a restart, or by another process): nothing more is written."""


class AlreadySubmitted(Replayed):
    """This modal was submitted and applied already: nothing more is written."""


@dataclass
class Claim:
    """What the current request will claim; `claimed` once a transaction has written it."""

    delivery_key: str | None
    received_at: datetime
    written_here: Callable[[str], bool]  # the key's row is this process's own batch (bot.transport.deliveries)
    view_key: str | None = None
    today: date | None = None
    claimed: bool = False


_current: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("nls_claim", default=None)


@contextmanager
def expecting(claim: Claim) -> Iterator[Claim]:
    """Around a request's dispatch: its first write claims. The listener's tasks copy the context
    as they start, so they share this object and see each other's claim."""
    token = _current.set(claim)
    try:
        yield claim
    finally:
        _current.reset(token)


def current() -> Claim | None:
    return _current.get()


async def claim_pending(session: AsyncSession, made: list[Claim]) -> None:
    """Called at the start of every write transaction; does something only in a request's first
    (the first that commits: `made` collects the claim, undone by `kept_if_committed`).
    Raises `Replayed` (or `AlreadySubmitted`) if what it claims was claimed before."""
    claim = _current.get()
    if claim is None or claim.claimed:
        return
    if claim.view_key is not None:
        # A modal's view key names the submission whatever its trigger id, so a replay meets it: the
        # delivery key is not written beside it. Its exact time would sit in the transaction of an
        # anonymous entry, which keeps only the day (docs/feedback.md, "What anonymous guarantees").
        row = {"view_id": claim.view_key, "received_on": claim.today}
        if await insert_if_absent(session, SubmittedView, row, ["view_id"], returning="view_id") is None:
            raise AlreadySubmitted(claim.view_key)
    elif claim.delivery_key is not None:
        row = {"key": claim.delivery_key, "received_at": claim.received_at}
        inserted = await insert_if_absent(session, ProcessedDelivery, row, ["key"], returning="key")
        if inserted is None and not claim.written_here(claim.delivery_key):
            raise Replayed(claim.delivery_key)
    claim.claimed = True
    made.append(claim)


@contextmanager
def kept_if_committed() -> Iterator[list[Claim]]:
    """Around a write transaction: a claim it made and then rolled back (a refusal raised inside
    it, a failed commit) is not a claim, so the request's next write transaction claims instead."""
    made: list[Claim] = []
    try:
        yield made
    except BaseException:
        for claim in made:
            claim.claimed = False
        raise


async def claim_now(db: Database) -> None:
    """Claim the current request before an effect outside the database (a message others see):
    a replay after a crash then finds the claim instead of posting it again."""
    claim = _current.get()
    if claim is not None and not claim.claimed:
        async with db.transaction():
            pass
