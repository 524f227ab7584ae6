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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.sql import insert_many_if_absent
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
    refused = (await claim_together(session, [claim]))[0]
    if refused is not None:
        raise refused
    claim.claimed = True
    made.append(claim)


async def claim_together(session: AsyncSession, pending: Sequence[Claim | None]) -> list[Replayed | None]:
    """Write the claims of several requests in this transaction, one multi-row INSERT per kind
    (a batch of submissions saved together, bot.infra.write_batches). For each: None if its effect
    is this transaction's to apply (nothing to claim counts too), else the `Replayed` (or
    `AlreadySubmitted`) to raise for it. A key twice in one call is claimed by its first only.
    Marking them `claimed` is the caller's, once the transaction has committed."""
    refused: list[Replayed | None] = [None] * len(pending)
    views: dict[str, tuple[int, Claim]] = {}  # key -> the position that claims it, and its claim
    deliveries: dict[str, tuple[int, Claim]] = {}
    for at, claim in enumerate(pending):
        if claim is None or claim.claimed:
            continue
        if claim.view_key is not None:
            if claim.view_key in views:
                refused[at] = AlreadySubmitted(claim.view_key)
            views.setdefault(claim.view_key, (at, claim))
        elif claim.delivery_key is not None:
            if claim.delivery_key in deliveries:
                refused[at] = Replayed(claim.delivery_key)
            deliveries.setdefault(claim.delivery_key, (at, claim))
    # A modal's view key names the submission whatever its trigger id, so a replay meets it: the
    # delivery key is not written beside it. Its exact time would sit in the transaction of an
    # anonymous entry, which keeps only the day (docs/feedback.md, "What anonymous guarantees").
    rows = [{"view_id": key, "received_on": claim.today} for key, (_, claim) in views.items()]
    inserted = await insert_many_if_absent(session, SubmittedView, rows, ["view_id"], returning="view_id")
    for key, (at, _) in views.items():
        if key not in inserted:
            refused[at] = AlreadySubmitted(key)
    rows = [{"key": key, "received_at": claim.received_at} for key, (_, claim) in deliveries.items()]
    inserted = await insert_many_if_absent(session, ProcessedDelivery, rows, ["key"], returning="key")
    for key, (at, claim) in deliveries.items():
        if key not in inserted and not claim.written_here(key):
            refused[at] = Replayed(key)
    return refused


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
