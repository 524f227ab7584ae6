"""Reminding those who have not voted: by the creator's button or, once, in a poll's last day;
each reminder recorded in the outbound ledger once per poll and person."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, outbox, prefs
from bot.services.errors import Conflict
from bot.services.members import Member
from bot.services.polls.electorates import _voting_seats, require_manager
from bot.services.polls.records import PollView, get_poll
from models import Organisation, Person, Role, RoleGrant
from models.polls import Electorate, Poll, PollElector, PollReceipt, PollStatus

REMIND_BEFORE = timedelta(hours=24)


@dataclass(frozen=True)
class Recipient:
    """Someone owed a reminder: an eligible non-voter, or the rep of an organisation that has not voted."""

    user_id: str
    locale: str
    org_name: str | None = None


Render = Callable[[PollView, Recipient], tuple[str, list[dict[str, Any]]]]


def reminder_key(poll_id: int, user_id: str) -> str:
    """One reminder per poll and person, whoever triggers it (the creator's button or the job)."""
    return f"poll-reminder:{poll_id}:{user_id}"


async def non_voters(session: AsyncSession, poll: PollView, *, today: date, default_locale: str) -> list[Recipient]:
    """Eligible people who have not voted, or for a network poll the reps of organisations that
    have not voted (an organisation without a rep cannot be reminded)."""
    voted = set((await session.execute(select(PollReceipt.voter_key).where(PollReceipt.poll_id == poll.id))).scalars())
    people: list[tuple[str, str | None]]
    if poll.electorate is Electorate.CHANNEL:
        electors = (
            await session.execute(select(PollElector.slack_user_id).where(PollElector.poll_id == poll.id))
        ).scalars()
        people = [(uid, None) for uid in electors if f"user:{uid}" not in voted]
    elif poll.electorate is Electorate.NETWORK:
        reps = await session.execute(
            select(RoleGrant.organisation_id, Person.slack_user_id, Organisation.name)
            .join(Person, Person.id == RoleGrant.person_id)
            .join(Organisation, Organisation.id == RoleGrant.organisation_id)
            .where(RoleGrant.role == Role.REP, Person.active)
            .order_by(Organisation.name)
        )
        people = [(uid, name) for org_id, uid, name in reps.all() if f"org:{org_id}" not in voted]
    else:
        people = [(uid, None) for org_id, uid in await _voting_seats(session, today) if f"seat:{org_id}" not in voted]
    return await _with_locales(session, people, default_locale)


async def _with_locales(
    session: AsyncSession, people: Sequence[tuple[str, str | None]], default_locale: str
) -> list[Recipient]:
    locales = await prefs.languages(session, [uid for uid, _ in people], default_locale)
    return [Recipient(uid, locales[uid], org) for uid, org in people]


async def queue_reminders(
    session: AsyncSession,
    poll: PollView,
    *,
    render: Render,
    now: datetime,
    today: date,
    default_locale: str,
    actor_id: str | None,
) -> list[str]:
    """Record a reminder in the outbound ledger for every non-voter not reminded before; returns
    the keys newly recorded (to deliver after commit). Run twice, it records nothing new."""
    keys = []
    for recipient in await non_voters(session, poll, today=today, default_locale=default_locale):
        key = reminder_key(poll.id, recipient.user_id)
        text, blocks = render(poll, recipient)
        if await outbox.enqueue(session, key=key, channel=recipient.user_id, text=text, blocks=blocks, now=now):
            keys.append(key)
    if keys:
        await audit.record(
            session, at=now, actor=actor_id, action="poll.reminders_sent", subject_type="poll", subject_id=poll.id,
            count=len(keys), trigger="manual" if actor_id else "24h-before",
        )  # fmt: skip
    return keys


async def remind_now(
    session: AsyncSession,
    *,
    poll_id: int,
    user_id: str,
    actor: Member | None,
    render: Render,
    now: datetime,
    today: date,
    default_locale: str,
) -> list[str]:
    """The creator's "remind non-voters" button: only for open polls, by the creator or an admin."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    if not poll.accepts_ballots(now):
        raise Conflict("polls.error.not_open", number=poll_id)
    return await queue_reminders(
        session, poll, render=render, now=now, today=today, default_locale=default_locale, actor_id=user_id
    )


async def claim_auto_reminders(session: AsyncSession, *, now: datetime) -> list[PollView]:
    """Open polls entering their last 24 hours, each claimed once (a conditional UPDATE) so a
    second scheduler or a re-run does not even look again. Polls opened with less than 24 hours
    to go get no automatic reminder: they were announced moments ago."""
    candidates = (
        await session.execute(
            select(Poll.id, Poll.created_at, Poll.closes_at).where(
                Poll.status == PollStatus.OPEN,
                Poll.reminded_at.is_(None),
                Poll.closes_at <= now + REMIND_BEFORE,
                Poll.closes_at > now,
            )
        )
    ).all()
    claimed = []
    for poll_id, created_at, closes_at in candidates:
        won = (
            await session.execute(
                update(Poll)
                .where(Poll.id == poll_id, Poll.reminded_at.is_(None), Poll.status == PollStatus.OPEN)
                .values(reminded_at=now)
                .returning(Poll.id)
            )
        ).first()
        if won is not None and created_at <= closes_at - REMIND_BEFORE:
            claimed.append(await get_poll(session, poll_id))
    return claimed
