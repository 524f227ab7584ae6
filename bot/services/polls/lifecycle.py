"""A poll's life once open: where its message is, closing (early, or at its deadline, exactly
once), cancelling, and keeping its channel message in step.

The close is one conditional `UPDATE … WHERE status='open' RETURNING`; a poll read `FOR SHARE` by
a ballot in flight makes it wait on PostgreSQL (bot.services.polls.ballots), so no ballot lands
after the count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.ballot_seal import BallotKeys, BallotSealError
from bot.services.counting import count
from bot.services.errors import Conflict
from bot.services.members import Member
from bot.services.polls.ballots import _receipt_count
from bot.services.polls.electorates import _electorate_size, require_manager
from bot.services.polls.origins import _origin_counted, _origin_json
from bot.services.polls.records import PollView, _view, get_poll
from bot.services.polls.secrecy import _unseal
from bot.services.polls.tallies import Results, _ballots
from models.polls import Poll, PollOpenBallot, PollSealedBallot, PollSecretBallot, PollStatus


async def set_message(session: AsyncSession, poll_id: int, *, message_ts: str) -> None:
    """Remember where the poll was posted, so its message can be updated at close."""
    await session.execute(update(Poll).where(Poll.id == poll_id).values(message_ts=message_ts))


async def withdraw_unposted(session: AsyncSession, poll_id: int, *, now: datetime) -> None:
    """A poll that could not be posted is cancelled at once (nobody could have voted)."""
    await session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status == PollStatus.OPEN, Poll.message_ts.is_(None))
        .values(status=PollStatus.CANCELLED, closed_at=now)
    )
    await audit.record(
        session, at=now, actor=None, action="poll.cancelled", subject_type="poll", subject_id=poll_id,
        reason="could not be posted",
    )  # fmt: skip


async def close_poll(
    session: AsyncSession,
    *,
    poll_id: int,
    user_id: str,
    actor: Member | None,
    now: datetime,
    today: date,
    keys: BallotKeys,
) -> Results:
    """Close a poll early (its creator or an admin) and count it. A secret poll whose ballots a
    missing key cannot open raises `BallotSealError`, and the caller's transaction, rolled
    back, leaves it open: nothing is counted or published half-made."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    closed = await _close(session, poll_id, now=now, today=today, closed_by=user_id, keys=keys)
    if closed is None:
        raise Conflict("polls.error.not_open", number=poll_id)
    return closed


@dataclass(frozen=True)
class Closing:
    """What one run of the deadline job did: the polls it closed, and those it had to leave open
    because their sealed ballots could not be opened or counted (a key this process was not
    given, a ballot altered, lost or copied): retried on the next run, never published half-made."""

    closed: list[Results]
    held: list[BallotSealError]


async def close_due(session: AsyncSession, *, now: datetime, today: date, keys: BallotKeys | None) -> Closing:
    """Close every open poll whose deadline has passed. Safe to run any number of times, in any
    number of processes at once: each poll is closed by exactly one conditional UPDATE. Each poll
    closes in a savepoint, so one whose ballots cannot be opened stays open (and is reported)
    without holding back the others."""
    due = (
        await session.execute(
            select(Poll.id)
            .where(Poll.status == PollStatus.OPEN, Poll.closes_at <= now)
            .order_by(Poll.closes_at, Poll.id)  # one order for every closer: no lock-order deadlocks
        )
    ).scalars()
    results, held = [], []
    for poll_id in list(due):
        try:
            async with session.begin_nested():
                closed = await _close(session, poll_id, now=now, today=today, closed_by=None, keys=keys)
        except BallotSealError as missing:
            held.append(missing)
            continue
        if closed is not None:
            results.append(closed)
    return Closing(results, held)


async def _close(
    session: AsyncSession, poll_id: int, *, now: datetime, today: date, closed_by: str | None, keys: BallotKeys | None
) -> Results | None:
    """The one place a poll closes: None if it was not open (someone else closed it first)."""
    won = (
        await session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == PollStatus.OPEN)
            .values(status=PollStatus.CLOSED, closed_at=now, closed_by=closed_by, message_stale=True)
            .returning(Poll.closes_at)
        )
    ).first()
    if won is None:
        return None
    # Closed by the deadline job, however late it ran: the poll closed at its deadline (no ballot
    # was accepted after it).
    closed_at = now if closed_by is not None else min(now, won.closes_at)
    view = replace(await get_poll(session, poll_id), status=PollStatus.CLOSED, closed_at=closed_at)
    if view.secret:
        await _unseal(session, view, keys)
    ballots = await _ballots(session, view)
    tally = count(view.kind, len(view.options), ballots, seats=view.seats, tie_order=view.tie_order)
    tally, by_origin = await _origin_counted(session, view, ballots, tally)
    electorate = await _electorate_size(session, view, today)
    voted = await _receipt_count(session, poll_id)
    frozen: dict[str, Any] = {"count": tally.to_json(), "electorate": electorate, "voted": voted}
    if by_origin is not None:
        frozen["origin"] = _origin_json(by_origin)
    await session.execute(update(Poll).where(Poll.id == poll_id).values(closed_at=closed_at, result=frozen))
    results = Results(view, tally, electorate, voted, final=True, by_origin=by_origin)
    await audit.record(
        session, at=now, actor=closed_by, action="poll.closed", subject_type="poll", subject_id=poll_id,
        early=closed_by is not None, ballots=tally.ballots, voted=voted, electorate=electorate,
        quorum_met=results.quorum_met, winners=list(tally.winners), outcome=tally.outcome,
        counted_by=view.origin if by_origin is not None else None,
    )  # fmt: skip
    return results


async def cancel_poll(
    session: AsyncSession, *, poll_id: int, user_id: str, actor: Member | None, now: datetime
) -> PollView:
    """Cancel a poll (its creator or an admin): nothing is counted or published. Its ballots are
    deleted, because a ballot that will never be counted has no reason to be kept."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    won = (
        await session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == PollStatus.OPEN)
            .values(status=PollStatus.CANCELLED, closed_at=now, closed_by=user_id, message_stale=True)
            .returning(Poll.id)
        )
    ).first()
    if won is None:
        raise Conflict("polls.error.not_open", number=poll_id)
    for table in (PollSealedBallot, PollSecretBallot, PollOpenBallot):
        await session.execute(delete(table).where(table.poll_id == poll_id))
    await audit.record(session, at=now, actor=user_id, action="poll.cancelled", subject_type="poll", subject_id=poll_id)
    return await get_poll(session, poll_id)


async def mark_message_current(session: AsyncSession, poll_id: int) -> None:
    await session.execute(update(Poll).where(Poll.id == poll_id).values(message_stale=False))


async def stale_messages(session: AsyncSession) -> list[PollView]:
    """Closed or cancelled polls whose channel message still shows them open (retried by the job)."""
    rows = (
        await session.execute(
            select(Poll).where(Poll.message_stale.is_(True), Poll.message_ts.is_not(None)).order_by(Poll.id).limit(50)
        )
    ).scalars()
    return [_view(p) for p in rows]
