"""A poll as callers see it (`PollView`, read once and safe after the session closed), and the
reads of the poll row every other part of the package starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import NotFound
from models.polls import Electorate, Poll, PollKind, PollStatus, ResultsShown

RANKED_KINDS = frozenset({PollKind.RANKED, PollKind.STV})


@dataclass(frozen=True)
class PollView:
    """A poll as read once; safe to render after the session closed."""

    id: int
    question: str
    options: tuple[str, ...]
    kind: PollKind
    electorate: Electorate
    status: PollStatus
    secret: bool
    results: ResultsShown
    max_choices: int | None
    seats: int
    quorum: int | None
    tie_order: tuple[int, ...]
    locale: str
    channel_id: str
    message_ts: str | None
    created_by: str | None
    origin: str | None
    created_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    closed_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status is PollStatus.OPEN

    @property
    def ranked(self) -> bool:
        return self.kind in RANKED_KINDS

    def accepts_ballots(self, now: datetime) -> bool:
        return self.is_open and now < self.closes_at


def _view(poll: Poll) -> PollView:
    return PollView(
        id=poll.id,
        question=poll.question,
        options=tuple(poll.options),
        kind=poll.kind,
        electorate=poll.electorate,
        status=poll.status,
        secret=poll.secret,
        results=poll.results,
        max_choices=poll.max_choices,
        seats=poll.seats,
        quorum=poll.quorum,
        tie_order=tuple(poll.tie_order),
        locale=poll.locale,
        channel_id=poll.channel_id,
        message_ts=poll.message_ts,
        created_by=poll.created_by,
        origin=poll.origin,
        created_at=poll.created_at,
        closes_at=poll.closes_at,
        closed_at=poll.closed_at,
        closed_by=poll.closed_by,
    )


async def get_poll(session: AsyncSession, poll_id: int) -> PollView:
    return _view(await _poll(session, poll_id))


# populate_existing: a poll read earlier in this unit of work may have been closed since. Built
# once: every ballot reads its poll (see members' directory lookup for why that matters).
_POLL = select(Poll).where(Poll.id == bindparam("poll_id")).execution_options(populate_existing=True)
_POLL_SHARED = _POLL.with_for_update(read=True)  # FOR SHARE on PostgreSQL; SQLite serialises writes anyway


async def _poll(session: AsyncSession, poll_id: int, *, share_lock: bool = False) -> Poll:
    query = _POLL_SHARED if share_lock else _POLL
    poll = (await session.execute(query, {"poll_id": poll_id})).scalar_one_or_none()
    if poll is None:
        raise NotFound("polls.error.unknown", number=poll_id)
    return poll


async def polls_by_origin(session: AsyncSession, origin: str) -> list[PollView]:
    """Polls another feature opened under a reference of its own (e.g. a nomination round)."""
    rows = (await session.execute(select(Poll).where(Poll.origin == origin).order_by(Poll.id))).scalars()
    return [_view(p) for p in rows]
