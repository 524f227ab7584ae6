"""What a person's App Home shows: what needs them today, their place in the network, the
Executive Committee, ways to find things, and for leads the headline numbers.

Every part comes from a fixed number of queries (each feature's contributor is bounded), so
publishing a Home costs the same whatever the size of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import members
from bot.services.contributions import (
    HomeLink,
    NeedsYou,
    Section,
    collect_home_area,
    collect_lead_stats,
    collect_needs_you,
)
from bot.services.errors import Mentions
from bot.services.members import Member
from models import Role


@dataclass(frozen=True)
class Committee:
    voting: tuple[Member, ...]
    ex_officio: tuple[Member, ...]


@dataclass(frozen=True)
class HomeData:
    slack_user_id: str
    member: Member | None
    needs_you: tuple[NeedsYou, ...]
    committee: Committee
    network: tuple[HomeLink, ...]
    find: tuple[HomeLink, ...]
    lead_stats: tuple[Section, ...]
    contacts: Mentions | str


async def executive_committee(session: AsyncSession, on: date) -> Committee:
    """Voting members are `exec` seats whose term covers `on`; co-leads sit ex officio."""
    voting = [m for m in await members.members_with_role(session, Role.EXEC) if m.is_voting_exec(on)]
    ex_officio = await members.members_with_role(session, Role.EX_OFFICIO)
    return Committee(voting=tuple(voting), ex_officio=tuple(ex_officio))


async def load_home(session: AsyncSession, slack_user_id: str, now: datetime, today: date) -> HomeData:
    member = await members.get_member(session, slack_user_id)
    needs = await collect_needs_you(session, member, now) if member else []
    stats = await collect_lead_stats(session, now) if member and member.is_lead_or_admin else []
    return HomeData(
        slack_user_id=slack_user_id,
        member=member,
        needs_you=tuple(needs),
        committee=await executive_committee(session, today),
        network=tuple(await collect_home_area(session, "network", member, now)),
        find=tuple(await collect_home_area(session, "find", member, now)),
        lead_stats=tuple(stats),
        contacts="" if member else await members.directory_contacts(session),
    )
