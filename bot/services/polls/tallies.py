"""Counts: the count so far of a live poll, the frozen count of a closed one, and turnout
(which reveals nothing about choices, so anyone may see it)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.counting import Count, count
from bot.services.errors import Conflict, NotAllowed
from bot.services.members import Member
from bot.services.polls.ballots import _receipt_count
from bot.services.polls.electorates import _electorate_size
from bot.services.polls.origins import OriginCount, _origin_from
from bot.services.polls.records import PollView, _poll, _view, get_poll
from models.polls import PollOpenBallot, PollSecretBallot, PollStatus, ResultsShown


@dataclass(frozen=True)
class Results:
    """A count with its context: turnout against the electorate and the quorum. When the poll's
    origin counted it (`origin_count`), `count.winners` are the origin's and `by_origin` says how
    each seat was filled."""

    poll: PollView
    count: Count
    electorate: int
    voted: int
    final: bool
    by_origin: OriginCount | None = None

    @property
    def quorum_met(self) -> bool | None:
        return None if self.poll.quorum is None else self.voted >= self.poll.quorum

    @property
    def turnout(self) -> float:
        return self.voted / self.electorate if self.electorate else 0.0


async def _ballots(session: AsyncSession, poll: PollView) -> list[list[int]]:
    """Every ballot's choices, in random order (never insertion order). A secret poll has plain
    ballots only once closed (`_unseal`); before, there is nothing here to count, by design."""
    if poll.secret:
        query = select(PollSecretBallot.choices).where(PollSecretBallot.poll_id == poll.id)
    else:
        query = select(PollOpenBallot.choices).where(PollOpenBallot.poll_id == poll.id)
    if poll.secret and poll.status is PollStatus.OPEN:
        raise NotAllowed("polls.refuse.results_at_close", number=poll.id)
    ballots = [list(c) for c in (await session.execute(query)).scalars()]
    random.SystemRandom().shuffle(ballots)
    return ballots


async def closed_ballots(session: AsyncSession, poll: PollView) -> list[list[int]]:
    """The stored ballots of a closed poll, choices only, for a recount by another rule (an
    election's reserved seats); refused for a secret poll still open."""
    return await _ballots(session, poll)


async def _count(session: AsyncSession, poll: PollView) -> Count:
    return count(
        poll.kind, len(poll.options), await _ballots(session, poll), seats=poll.seats, tie_order=poll.tie_order
    )


async def results(
    session: AsyncSession, *, poll_id: int, user_id: str, actor: Member | None, now: datetime, today: date
) -> Results:
    """The count so far (live polls) or the final count (closed polls). Polls that show results
    only at close — all secret polls — refuse until then, and say when."""
    final = await final_results(session, poll_id)
    if final is not None:
        return final
    poll = await get_poll(session, poll_id)
    if poll.status is PollStatus.CANCELLED:
        raise Conflict("polls.error.cancelled", number=poll.id)
    if poll.results is not ResultsShown.LIVE:
        raise NotAllowed("polls.refuse.results_at_close", number=poll.id)
    tally = await _count(session, poll)
    return Results(
        poll, tally, await _electorate_size(session, poll, today), await _receipt_count(session, poll.id), final=False
    )


async def final_results(session: AsyncSession, poll_id: int) -> Results | None:
    """The frozen count of a closed poll (public once closed), or None if it is not closed."""
    poll_row = await _poll(session, poll_id)
    if poll_row.status is not PollStatus.CLOSED or not poll_row.result:
        return None
    frozen = poll_row.result
    return Results(
        _view(poll_row), Count.from_json(frozen["count"]), frozen["electorate"], frozen["voted"], final=True,
        by_origin=_origin_from(frozen.get("origin")),
    )  # fmt: skip


async def turnout(session: AsyncSession, poll: PollView, *, today: date) -> tuple[int, int]:
    """(voted, electorate) — shown to anyone, since it reveals nothing about choices."""
    return await _receipt_count(session, poll.id), await _electorate_size(session, poll, today)
