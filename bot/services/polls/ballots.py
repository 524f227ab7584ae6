"""Casting a ballot, changing it, and reading it back.

One ballot per voter is the primary key of `poll_receipts`, claimed with `INSERT … ON CONFLICT DO
NOTHING RETURNING` (success read from RETURNING). The poll row is read `FOR SHARE` in the vote
transaction and closed by a conditional `UPDATE … WHERE status='open' RETURNING`, so on PostgreSQL
a close waits for ballots in flight and no ballot lands after the count; on SQLite every write
transaction is `BEGIN IMMEDIATE`, which serialises them outright.

A secret poll's choices go to `poll_sealed_ballots`, sealed (bot.services.polls.secrecy), in the
same transaction as the receipt. A secret ballot cannot be changed: changing it would need a link
from voter to ballot, so we refuse and say so on the ballot.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.ballot_seal import BallotKeys
from bot.services.errors import Conflict, Invalid, NotAllowed
from bot.services.members import Member
from bot.services.polls.electorates import Voter, require_manager, require_voter
from bot.services.polls.records import PollView, _poll, _view, get_poll
from bot.services.sql import insert_if_absent
from models import Organisation
from models.polls import PollKind, PollOpenBallot, PollReceipt, PollSealedBallot, PollStatus

# Words accepted for yes/no/abstain in `/nls vote N <word>`, in both languages.
YES_NO_WORDS = {"yes": 0, "oui": 0, "y": 0, "no": 1, "non": 1, "n": 1, "abstain": 2, "abstention": 2, "abs": 2}


@dataclass(frozen=True)
class VoteRecorded:
    """What was committed, to tell the voter exactly: `status` is recorded, changed or unchanged."""

    poll: PollView
    voter: Voter
    choices: tuple[int, ...]
    status: str


@dataclass(frozen=True)
class OpenBallot:
    """One voter's choices in an open (non-secret) poll, for its creator and the export."""

    voter_key: str
    cast_by: str
    org_name: str | None
    choices: tuple[int, ...]
    cast_at: datetime


def parse_choices(poll: PollView, words: Sequence[str]) -> tuple[int, ...]:
    """`/nls vote 12 3 1 2` → option positions (numbers are 1-based on screen; yes/no words too)."""
    positions = []
    for word in words:
        token = word.strip().strip(",.;").lower()
        if poll.kind is PollKind.YES_NO and token in YES_NO_WORDS:
            positions.append(YES_NO_WORDS[token])
        elif token.isdigit():
            positions.append(int(token) - 1)
        else:
            raise Invalid("polls.error.not_a_number", word=word[:20])
    return tuple(positions)


def check_choices(poll: PollView, choices: Sequence[int]) -> tuple[int, ...]:
    """The ballot's choices if they are valid for this poll, else an `Invalid` that says why."""
    n = len(poll.options)
    if not choices:
        raise Invalid("polls.error.no_choice")
    for position in choices:
        if not 0 <= position < n:
            raise Invalid("polls.error.out_of_range", number=position + 1, count=n)
    repeated = next((c for i, c in enumerate(choices) if c in choices[:i]), None)
    if repeated is not None:
        key = "polls.error.ranked_repeat" if poll.ranked else "polls.error.repeated"
        raise Invalid(key, number=repeated + 1)
    if poll.kind in (PollKind.SINGLE, PollKind.YES_NO) and len(choices) != 1:
        raise Invalid("polls.error.one_choice")
    if poll.max_choices is not None and len(choices) > poll.max_choices:
        raise Invalid("polls.error.too_many_choices", count=poll.max_choices)
    return tuple(choices)


async def cast_vote(
    session: AsyncSession,
    *,
    poll_id: int,
    choices: Sequence[int],
    user_id: str,
    actor: Member | None,
    now: datetime,
    today: date,
    keys: BallotKeys,
) -> VoteRecorded:
    """Record one ballot for the voter this person votes as, or change it (open polls only).
    `keys` seal a secret poll's ballot (bot.services.ballot_seal).

    The receipt's primary key decides who wins a race: a concurrent or repeated ballot for the
    same voter finds the receipt and becomes a change (open poll) or a refusal (secret poll)."""
    poll = _view(await _poll(session, poll_id, share_lock=True))
    if poll.status is PollStatus.CANCELLED:
        raise Conflict("polls.error.cancelled", number=poll.id)
    if not poll.accepts_ballots(now):
        raise Conflict("polls.error.closed", number=poll.id)
    voter = await require_voter(session, poll, user_id=user_id, actor=actor, today=today)
    chosen = check_choices(poll, choices)
    claimed = await insert_if_absent(
        session,
        PollReceipt,
        {"poll_id": poll.id, "voter_key": voter.key, "organisation_id": voter.organisation_id, "cast_by": user_id},
        ["poll_id", "voter_key"],
        returning="voter_key",
    )
    if claimed is not None:
        await _store_ballot(session, poll, voter, chosen, now, keys)
        return VoteRecorded(poll, voter, chosen, "recorded")
    return await _change_vote(session, poll, voter, chosen, user_id=user_id, now=now)


_SEALED_BALLOT = insert(PollSealedBallot.__table__)
_OPEN_BALLOT = insert(PollOpenBallot.__table__)


async def _store_ballot(
    session: AsyncSession, poll: PollView, voter: Voter, chosen: tuple[int, ...], now: datetime, keys: BallotKeys
) -> None:
    connection = await session.connection()
    if poll.secret:
        sealed = keys.seal(poll.id, chosen, option_count=len(poll.options))
        await connection.execute(_SEALED_BALLOT, {"id": str(uuid.uuid4()), "poll_id": poll.id, "sealed": sealed})
    else:
        ballot = {"poll_id": poll.id, "voter_key": voter.key, "choices": list(chosen), "cast_at": now, "changes": 0}
        await connection.execute(_OPEN_BALLOT, ballot)


async def _change_vote(
    session: AsyncSession, poll: PollView, voter: Voter, chosen: tuple[int, ...], *, user_id: str, now: datetime
) -> VoteRecorded:
    """A second ballot for a voter who already voted: a change on an open poll, never on a secret one."""
    if poll.secret:
        cast_by = (
            await session.execute(
                select(PollReceipt.cast_by).where(PollReceipt.poll_id == poll.id, PollReceipt.voter_key == voter.key)
            )
        ).scalar_one()
        if voter.for_organisation and cast_by != user_id:
            raise Conflict("polls.error.secret_cast_by_other", number=poll.id, voter=cast_by)
        raise Conflict("polls.error.secret_already_voted", number=poll.id)
    ballot = (
        await session.execute(
            select(PollOpenBallot).where(PollOpenBallot.poll_id == poll.id, PollOpenBallot.voter_key == voter.key)
        )
    ).scalar_one()
    if tuple(ballot.choices) == chosen:
        return VoteRecorded(poll, voter, chosen, "unchanged")
    ballot.choices, ballot.cast_at, ballot.changes = list(chosen), now, ballot.changes + 1
    await session.execute(
        update(PollReceipt)
        .where(PollReceipt.poll_id == poll.id, PollReceipt.voter_key == voter.key)
        .values(cast_by=user_id)
    )
    return VoteRecorded(poll, voter, chosen, "changed")


async def my_vote(
    session: AsyncSession, poll: PollView, *, user_id: str, actor: Member | None, today: date
) -> tuple[Voter, tuple[int, ...] | None, bool]:
    """For the ballot modal: the voter, their current choices (open polls), and whether they voted."""
    voter = await require_voter(session, poll, user_id=user_id, actor=actor, today=today)
    voted = (
        await session.execute(
            select(PollReceipt.voter_key).where(PollReceipt.poll_id == poll.id, PollReceipt.voter_key == voter.key)
        )
    ).first() is not None
    choices = None
    if voted and not poll.secret:
        row = await session.get(PollOpenBallot, (poll.id, voter.key))
        choices = tuple(row.choices) if row else None
    return voter, choices, voted


async def _receipt_count(session: AsyncSession, poll_id: int) -> int:
    return (
        await session.execute(select(func.count()).select_from(PollReceipt).where(PollReceipt.poll_id == poll_id))
    ).scalar_one()


async def open_ballots(session: AsyncSession, poll: PollView) -> list[OpenBallot]:
    """Who voted what in an open poll (never a secret one), oldest first."""
    if poll.secret:
        raise NotAllowed("polls.refuse.secret_ballots", number=poll.id)
    rows = await session.execute(
        select(PollOpenBallot, PollReceipt.cast_by, Organisation.name)
        .join(
            PollReceipt,
            (PollReceipt.poll_id == PollOpenBallot.poll_id) & (PollReceipt.voter_key == PollOpenBallot.voter_key),
        )
        .outerjoin(Organisation, Organisation.id == PollReceipt.organisation_id)
        .where(PollOpenBallot.poll_id == poll.id)
        .order_by(PollOpenBallot.cast_at, PollOpenBallot.voter_key)
    )
    return [OpenBallot(b.voter_key, cast_by, org, tuple(b.choices), b.cast_at) for b, cast_by, org in rows.all()]


async def who_voted_what(
    session: AsyncSession, *, poll_id: int, user_id: str, actor: Member | None
) -> tuple[PollView, list[OpenBallot]]:
    """For the creator (or an admin) of an open poll: every ballot with its voter."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    return poll, await open_ballots(session, poll)
