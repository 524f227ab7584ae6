"""Who may do what with a poll, decided from the directory, never from the request:
who may create one, who votes and as whom, who manages it, and how many could vote.

- `channel` polls: the channel's members when the poll opened (`poll_electors`), one vote each;
- `network` polls: one vote per member organisation, cast by the person holding its `rep` role
  (the organisation comes from that role's grant); other staff are told who holds it;
- `executive` polls: one vote per Executive Committee seat, cast by its holder whose term covers
  the voting moment (`Member.is_voting_exec`); ex-officio members see but cannot vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import DomainError, NotAllowed, NotInDirectory
from bot.services.members import Member, directory_contacts, rep_of
from bot.services.polls.records import PollView
from models import Organisation, Person, Role, RoleGrant
from models.polls import Electorate, PollElector, PollReceipt


@dataclass(frozen=True)
class Voter:
    """Whose ballot this is: a person (`user:`), an organisation (`org:`) or a seat (`seat:`)."""

    key: str
    organisation_id: int | None = None
    org_name: str | None = None

    @property
    def for_organisation(self) -> bool:
        return self.key.startswith(("org:", "seat:"))


def may_create(actor: Member | None, electorate: Electorate, today: date) -> bool:
    """Anyone may poll a channel; network and executive polls are for leads, admins and voting
    Executive Committee members."""
    if electorate is Electorate.CHANNEL:
        return True
    return actor is not None and (actor.is_lead_or_admin or actor.is_voting_exec(today))


def voter_for(
    electorate: Electorate, user_id: str, actor: Member | None, today: date, *, is_elector: bool
) -> Voter | None:
    """The voter this person votes as in a poll of this electorate, or None if they may not vote.
    Pure, so lists of polls can be checked without a query per poll."""
    if electorate is Electorate.CHANNEL:
        if not is_elector:
            return None
        org = actor.org if actor else None
        return Voter(f"user:{user_id}", org.id if org else None, org.name if org else None)
    if actor is None:
        return None
    if electorate is Electorate.NETWORK:
        grant = actor.grant(Role.REP)
        if grant is None or grant.organisation_id is None:
            return None
        name = actor.org.name if actor.org and actor.org.id == grant.organisation_id else None
        return Voter(f"org:{grant.organisation_id}", grant.organisation_id, name)
    if not actor.is_voting_exec(today):
        return None
    seat = actor.grant(Role.EXEC)
    org_id = seat.organisation_id if seat else None
    key = f"seat:{org_id}" if org_id is not None else f"user:{user_id}"
    return Voter(key, org_id, actor.org.name if actor.org else None)


_IS_ELECTOR = select(PollElector.poll_id).where(
    PollElector.poll_id == bindparam("poll_id"), PollElector.slack_user_id == bindparam("user_id")
)


async def _is_elector(session: AsyncSession, poll_id: int, user_id: str) -> bool:
    found = await (await session.connection()).execute(_IS_ELECTOR, {"poll_id": poll_id, "user_id": user_id})
    return found.first() is not None


async def require_voter(
    session: AsyncSession, poll: PollView, *, user_id: str, actor: Member | None, today: date
) -> Voter:
    """The voter this person votes as, or a refusal that explains why and who can vote instead."""
    is_elector = poll.electorate is Electorate.CHANNEL and await _is_elector(session, poll.id, user_id)
    voter = voter_for(poll.electorate, user_id, actor, today, is_elector=is_elector)
    if voter is not None:
        return voter
    raise await _refusal(session, poll, actor, today)


async def _refusal(session: AsyncSession, poll: PollView, actor: Member | None, today: date) -> DomainError:
    if poll.electorate is Electorate.CHANNEL:
        return NotAllowed("polls.refuse.not_in_channel", channel=poll.channel_id)
    if actor is None:
        return NotInDirectory(contacts=await directory_contacts(session))
    if poll.electorate is Electorate.NETWORK:
        if actor.org is None:
            return NotAllowed("polls.refuse.no_organisation", contacts=await directory_contacts(session))
        rep = await rep_of(session, actor.org.id)
        if rep is None:
            return NotAllowed("polls.refuse.no_rep", org=actor.org.name, contacts=await directory_contacts(session))
        return NotAllowed("polls.refuse.rep_holds_vote", org=actor.org.name, rep=rep.slack_user_id)
    if actor.has(Role.EX_OFFICIO):
        return NotAllowed("polls.refuse.ex_officio")
    seat = actor.grant(Role.EXEC)
    if seat is not None and seat.term_end is not None and seat.term_end < today:
        return NotAllowed("polls.refuse.term_ended", end=seat.term_end.isoformat())
    if seat is not None and seat.term_start is not None and today < seat.term_start:
        return NotAllowed("polls.refuse.term_not_started", start=seat.term_start.isoformat())
    return NotAllowed("polls.refuse.executive_only")


def _may_manage(poll: PollView, user_id: str, actor: Member | None) -> bool:
    """Only the creator or an admin closes early, cancels, reminds or sees who voted what."""
    return (poll.created_by is not None and poll.created_by == user_id) or bool(actor and actor.has(Role.ADMIN))


def require_manager(poll: PollView, user_id: str, actor: Member | None) -> None:
    if not _may_manage(poll, user_id, actor):
        raise NotAllowed("polls.refuse.not_creator", number=poll.id)


async def _electorate_size(session: AsyncSession, poll: PollView, today: date) -> int:
    """How many could vote: the channel snapshot; every member organisation; or every seat whose
    holder can vote today, plus seats that voted earlier in the poll (a term may end mid-poll)."""
    if poll.electorate is Electorate.CHANNEL:
        return (
            await session.execute(select(func.count()).select_from(PollElector).where(PollElector.poll_id == poll.id))
        ).scalar_one()
    if poll.electorate is Electorate.NETWORK:
        return (await session.execute(select(func.count()).select_from(Organisation))).scalar_one()
    seats = {f"seat:{org_id}" for org_id, _ in await _voting_seats(session, today)}
    voted = (await session.execute(select(PollReceipt.voter_key).where(PollReceipt.poll_id == poll.id))).scalars()
    return len(seats | set(voted))


async def _voting_seats(session: AsyncSession, today: date) -> list[tuple[int, str]]:
    """(organisation, holder's Slack id) of every Executive Committee seat whose term covers today."""
    rows = await session.execute(
        select(RoleGrant.organisation_id, RoleGrant.term_start, RoleGrant.term_end, Person.slack_user_id)
        .join(Person)
        .where(RoleGrant.role == Role.EXEC, Person.active, RoleGrant.organisation_id.is_not(None))
    )
    return [
        (org_id, uid)
        for org_id, start, end, uid in rows.all()
        if (start is None or start <= today) and (end is None or today <= end)
    ]
