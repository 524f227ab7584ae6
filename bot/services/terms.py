"""Executive Committee seats and their terms: who sits, seating a winner, passing a seat to a
colleague, and the warnings before a term ends.

A seat is the organisation's, not the person's ("Executive Committee Members serve as representatives
of their LIP/ZIP, and their membership is transferrable in the event of staffing changes within their
organization"): it is the one `exec` role grant of an organisation (`uq_role_grants_one_seat_per_org`),
with the term's first and last day. Seating and transferring only move that row between people of
the organisation, so a seat keeps its poll receipts (`seat:<org>`) and no second seat can appear.
Voting rights follow the grant at once: the next request from the former holder finds no seat.

Messages the bot owes about seats and nominations are `Notice`s: the service decides who is owed
what under which ledger key, a builder renders it in the recipient's language, and `queue` records it
in the outbound ledger in the caller's transaction — each occasion once, whoever runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, members, outbox, prefs
from bot.services.errors import Conflict, NotAllowed, NotFound, NotInDirectory
from bot.services.members import Member, OrgInfo
from models import Role, RoleGrant

DEFAULT_TERM_YEARS = 2
WARN_BEFORE_DAYS = (90, 30)  # term-end warnings, each sent once


# --- messages owed ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """A message the bot owes, to a person (`channel` is their user id: a DM) or a channel; the
    `occasion` chooses the builder's wording and, with the subject, makes the ledger `key` unique."""

    key: str
    channel: str
    locale: str
    occasion: str
    subject: Any  # what the message is about: a seat warning, a transfer, a nomination, a round
    thread_ts: str | None = None


Render = Callable[[Notice], tuple[str, list[dict[str, Any]]]]


async def queue(session: AsyncSession, notices: Iterable[Notice], *, render: Render, now: datetime) -> list[str]:
    """Record each notice in the outbound ledger (in the caller's transaction); the keys recorded
    now, to deliver after the commit. A key recorded before is never sent again."""
    keys = []
    for notice in notices:
        text, blocks = render(notice)
        recorded = await outbox.enqueue(
            session, key=notice.key, channel=notice.channel, text=text, blocks=blocks, thread_ts=notice.thread_ts,
            now=now,
        )  # fmt: skip
        if recorded:
            keys.append(notice.key)
    return keys


async def committee_ids(session: AsyncSession) -> list[str]:
    """The Nominations Committee: who is told about rounds and ending terms."""
    return [m.slack_user_id for m in await members.members_with_role(session, Role.NOMINATIONS)]


async def notices_to(
    session: AsyncSession, user_ids: Sequence[str], *, key: Callable[[str], str], occasion: str, subject: Any,
    default_locale: str,
) -> list[Notice]:  # fmt: skip
    """One DM each to these people (once each, in their own language) about `subject`."""
    wanted = list(dict.fromkeys(user_ids))
    locales = await prefs.languages(session, wanted, default_locale)
    return [Notice(key(uid), uid, locales[uid], occasion, subject) for uid in wanted]


# --- who sits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """An organisation's seat and the person holding it, as of one read."""

    holder: Member
    org: OrgInfo | None
    term_start: date | None
    term_end: date | None

    def voting(self, on: date) -> bool:
        return self.holder.is_voting_exec(on)


@dataclass(frozen=True)
class Roster:
    """The committee for `/nls exec`: seats (voting or not on the day) and ex-officio members."""

    seats: tuple[Seat, ...]
    ex_officio: tuple[Member, ...]


def seat_of(member: Member) -> Seat | None:
    grant = member.grant(Role.EXEC)
    if grant is None:
        return None
    return Seat(holder=member, org=member.org, term_start=grant.term_start, term_end=grant.term_end)


async def roster(session: AsyncSession) -> Roster:
    """Every seat, soonest-ending term first, and the ex-officio (non-voting) members."""
    seats = [s for m in await members.members_with_role(session, Role.EXEC) if (s := seat_of(m))]
    seats.sort(key=lambda s: (s.term_end or date.max, s.holder.name))
    ex_officio = await members.members_with_role(session, Role.EX_OFFICIO)
    return Roster(seats=tuple(seats), ex_officio=tuple(ex_officio))


def term_dates(start: date, years: int) -> tuple[date, date]:
    """A term of `years` from `start`, last day included: 2026-06-01 → 2028-05-31."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28)
    return start, anniversary - timedelta(days=1)


async def take_seat(
    session: AsyncSession, *, person_id: int, organisation_id: int, start: date, end: date, now: datetime,
    reason: str, actor: str | None,
) -> None:  # fmt: skip
    """Give the organisation's seat to this person for this term. The organisation's existing seat
    row (an ending term, or the winner's own) is moved rather than replaced, so the one-seat index
    never sees two rows; a seat the person still held for another organisation they have left ends."""
    await session.execute(
        delete(RoleGrant).where(
            RoleGrant.person_id == person_id, RoleGrant.role == Role.EXEC, RoleGrant.organisation_id != organisation_id
        )
    )
    moved = (
        await session.execute(
            update(RoleGrant)
            .where(RoleGrant.role == Role.EXEC, RoleGrant.organisation_id == organisation_id)
            .values(person_id=person_id, term_start=start, term_end=end)
            .returning(RoleGrant.id)
        )
    ).first()
    if moved is None:
        await session.execute(
            insert(RoleGrant).values(
                person_id=person_id, role=Role.EXEC, organisation_id=organisation_id, term_start=start, term_end=end
            )
        )
    await audit.record(
        session, at=now, actor=actor, action="exec.seated", subject_type="organisation", subject_id=organisation_id,
        person_id=person_id, term_start=start.isoformat(), term_end=end.isoformat(), reason=reason,
    )  # fmt: skip


# --- transfer ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    old: Member
    new: Member
    seat: Seat


async def check_transfer(session: AsyncSession, *, old_user: str, new_user: str, actor: Member | None) -> Transfer:
    """What `/nls exec transfer @old @new` would do, or why not: only an admin or the holder may,
    and only to another person of the seat's organisation who holds no seat."""
    if actor is None:
        raise NotInDirectory(contacts=await members.directory_contacts(session))
    old = await members.get_member(session, old_user)
    seat = seat_of(old) if old else None
    if old is None or seat is None:
        raise NotFound("exec.error.no_seat", user=old_user)
    if not (actor.has(Role.ADMIN) or actor.slack_user_id == old_user):
        raise NotAllowed("exec.error.transfer_not_allowed", user=old_user)
    new = await members.get_member(session, new_user)
    if new is None:
        raise NotFound("exec.error.not_in_directory", user=new_user)
    if new.person_id == old.person_id:
        raise Conflict("exec.error.same_person")
    seat_org = old.grant(Role.EXEC).organisation_id  # type: ignore[union-attr]
    if new.org is None or new.org.id != seat_org:
        raise NotAllowed(
            "exec.error.other_organisation", user=new_user, org=seat.org.name if seat.org else "—",
            other=new.org.name if new.org else "—",
        )  # fmt: skip
    if new.has(Role.EXEC):
        raise Conflict("exec.error.already_seated", user=new_user)
    if new.has(Role.EX_OFFICIO):
        raise NotAllowed("exec.error.ex_officio", user=new_user)
    return Transfer(old=old, new=new, seat=seat)


async def transfer_seat(
    session: AsyncSession, *, old_user: str, new_user: str, actor: Member | None, now: datetime, default_locale: str
) -> tuple[Transfer, list[Notice]]:
    """Pass the seat and its term to the new person, now. The old holder's voting rights end with
    this commit: the move is a conditional UPDATE of the seat row, so two confirmations (or a race
    with another transfer) move it once and the loser is told."""
    transfer = await check_transfer(session, old_user=old_user, new_user=new_user, actor=actor)
    moved = (
        await session.execute(
            update(RoleGrant)
            .where(RoleGrant.role == Role.EXEC, RoleGrant.person_id == transfer.old.person_id)
            .values(person_id=transfer.new.person_id)
            .returning(RoleGrant.organisation_id)
        )
    ).first()
    if moved is None:
        raise Conflict("exec.error.already_transferred", user=old_user)
    await audit.record(
        session, at=now, actor=actor.slack_user_id if actor else None, action="exec.transferred",
        subject_type="organisation", subject_id=moved.organisation_id, from_user=old_user, to_user=new_user,
        term_end=transfer.seat.term_end.isoformat() if transfer.seat.term_end else None,
    )  # fmt: skip
    stamp = now.strftime("%Y%m%dT%H%M%S")
    notices = await notices_to(
        session, [new_user, old_user], key=lambda uid: f"exec-transfer:{moved.organisation_id}:{stamp}:{uid}",
        occasion="transfer", subject=transfer, default_locale=default_locale,
    )  # fmt: skip
    return transfer, notices


# --- term-end warnings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermWarning:
    seat: Seat
    days_left: int
    stage: int  # 90 or 30: which warning this is
    to_holder: bool


def warning_stage(days_left: int) -> int | None:
    """The warning due with this many days left: the latest threshold passed, so a seat taken with
    60 days to go gets the 90-day warning now and the 30-day one later, and nothing twice."""
    passed = [d for d in WARN_BEFORE_DAYS if 0 <= days_left <= d]
    return min(passed) if passed else None


async def term_warnings(session: AsyncSession, *, today: date, default_locale: str) -> list[Notice]:
    """The 90- and 30-day warnings due today, to the holder and to each Nominations Committee
    member. The ledger key names the seat, the term's end, the stage and the person, so each is
    sent once, and a renewed term (a new end) is warned afresh."""
    committee = await committee_ids(session)
    notices: list[Notice] = []
    for seat in (await roster(session)).seats:
        if seat.term_end is None or seat.org is None:
            continue
        days_left = (seat.term_end - today).days
        stage = warning_stage(days_left)
        if stage is None:
            continue
        holder = seat.holder.slack_user_id
        for to_holder, people in ((True, [holder]), (False, [c for c in committee if c != holder])):
            notices += await notices_to(
                session, people,
                key=lambda uid, s=seat, st=stage: f"exec-term:{s.org.id}:{s.term_end}:{st}d:{uid}",  # type: ignore[union-attr]
                occasion="term_holder" if to_holder else "term_committee",
                subject=TermWarning(seat, days_left, stage, to_holder), default_locale=default_locale,
            )  # fmt: skip
    return notices
