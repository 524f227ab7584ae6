"""What polls a person can vote in now (for `/nls polls` and their Home's "needs you"), and the
leads' digest of polls closing soon. The contributors register when the package is imported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.contributions import Fact, HomeAction, NeedsYou, Section, digest_section, needs_you
from bot.services.members import Member
from bot.services.polls.electorates import Voter, voter_for
from bot.services.polls.records import PollView, _view
from models.polls import Poll, PollElector, PollReceipt, PollStatus


@dataclass(frozen=True)
class Votable:
    """An open poll a person can vote in now, and whether they (or their organisation) have."""

    poll: PollView
    voter: Voter
    voted: bool


async def votable(
    session: AsyncSession, *, user_id: str, actor: Member | None, now: datetime, today: date
) -> list[Votable]:
    """Open polls this person can vote in now (as themselves, their organisation or their seat),
    soonest closing first, in three queries whatever the number of polls."""
    open_polls = [
        _view(p)
        for p in (
            await session.execute(
                select(Poll).where(Poll.status == PollStatus.OPEN, Poll.closes_at > now).order_by(Poll.closes_at)
            )
        ).scalars()
    ]
    if not open_polls:
        return []
    ids = [p.id for p in open_polls]
    channel_polls = set(
        (
            await session.execute(
                select(PollElector.poll_id).where(PollElector.poll_id.in_(ids), PollElector.slack_user_id == user_id)
            )
        ).scalars()
    )
    items = [
        (poll, voter)
        for poll in open_polls
        if (voter := voter_for(poll.electorate, user_id, actor, today, is_elector=poll.id in channel_polls))
    ]
    keys = {voter.key for _, voter in items}
    voted = set(
        (
            await session.execute(
                select(PollReceipt.poll_id, PollReceipt.voter_key).where(
                    PollReceipt.poll_id.in_(ids), PollReceipt.voter_key.in_(keys or {""})
                )
            )
        ).all()
    )
    return [Votable(poll, voter, (poll.id, voter.key) in voted) for poll, voter in items]


# --- the Home and the leads' digest -------------------------------------------------------------------


@needs_you
async def polls_to_vote_in(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """Open polls the person (or their organisation, or their seat) has not voted in yet."""
    items = await votable(session, user_id=member.slack_user_id, actor=member, now=now, today=now.date())
    return [
        NeedsYou(
            fact=Fact(
                "polls.home.needs_org_vote"
                if item.voter.org_name and item.voter.for_organisation
                else "polls.home.needs_vote",
                {"number": item.poll.id, "question": item.poll.question, "org": item.voter.org_name or ""},
            ),
            due=item.poll.closes_at,
            action=HomeAction.VOTE,
            action_label=Fact("polls.home.vote_button"),
            value=str(item.poll.id),
        )
        for item in items
        if not item.voted
    ]


@digest_section
async def polls_closing_soon(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """For the leads: polls closing in the next three days with their turnout, and how many closed."""
    soon = [
        _view(p)
        for p in (
            await session.execute(
                select(Poll)
                .where(Poll.status == PollStatus.OPEN, Poll.closes_at > now, Poll.closes_at <= now + timedelta(days=3))
                .order_by(Poll.closes_at)
                .limit(10)
            )
        ).scalars()
    ]
    closed = (
        await session.execute(
            select(func.count()).select_from(Poll).where(Poll.status == PollStatus.CLOSED, Poll.closed_at > since)
        )
    ).scalar_one()
    if not soon and not closed:
        return None
    counts = dict(
        (
            await session.execute(
                select(PollReceipt.poll_id, func.count())
                .where(PollReceipt.poll_id.in_([p.id for p in soon] or [0]))
                .group_by(PollReceipt.poll_id)
            )
        ).all()
    )
    details = tuple(
        Fact(
            "polls.digest.closing",
            {
                "number": p.id,
                "question": p.question,
                "hours": max(1, int((p.closes_at - now).total_seconds() // 3600)),
                "voted": counts.get(p.id, 0),
            },
        )
        for p in soon
    )
    headline = (
        Fact("polls.digest.closing_count", {"count": len(soon)}),
        Fact("polls.digest.closed_count", {"count": closed}),
    )
    return Section(order=30, title=Fact("polls.digest.title"), headline=headline, details=details)
