"""What nominations add to the Home and to the leads' digest: nominations waiting for the nominee's
answer, a round the committee can acclaim, the unfinished round with its Nominate button, and the
week's rounds for the leads. Registered with `bot.services.contributions` when the package loads."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.contributions import (
    Fact,
    HomeAction,
    HomeLink,
    NeedsYou,
    Section,
    digest_section,
    home_area,
    needs_you,
)
from bot.services.members import Member
from bot.services.nominations.permissions import may_run
from bot.services.nominations.reading import active_round, nominations_in
from models.nominations import Nomination, NominationRound, NominationStatus, RoundStatus


@needs_you
async def nominations_to_answer(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """Nominations waiting for this person to accept or decline, while the round takes them."""
    rows = await session.execute(
        select(Nomination.id, Nomination.nominated_by, NominationRound.id, NominationRound.nominations_close_at)
        .join(NominationRound, NominationRound.id == Nomination.round_id)
        .where(
            Nomination.nominee_id == member.person_id,
            Nomination.status == NominationStatus.PENDING,
            NominationRound.status == RoundStatus.OPEN,
            NominationRound.nominations_closed_at.is_(None),
            NominationRound.nominations_close_at > now,
        )
    )
    return [
        NeedsYou(
            fact=Fact("nominations.home.needs_answer", {"number": round_id, "nominator": nominator}),
            due=closes_at,
            action=HomeAction.SHOW_NOMINATION,
            action_label=Fact("nominations.home.answer_button"),
            value=str(nomination_id),
        )
        for nomination_id, nominator, round_id, closes_at in rows.all()
    ]


@needs_you
async def rounds_to_acclaim(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """For the committee: a round whose nominees can be acclaimed."""
    if not may_run(member):
        return []
    found = await active_round(session)
    if found is None or found.status is not RoundStatus.ACCLAMATION:
        return []
    return [
        NeedsYou(
            fact=Fact("nominations.home.needs_acclaim", {"number": found.id}),
            action=HomeAction.REVIEW_NOMINATIONS,
            action_label=Fact("nominations.home.review_button"),
            value=str(found.id),
        )
    ]


@home_area("network")
async def open_round_link(session: AsyncSession, member: Member | None, now: datetime) -> list[HomeLink]:
    """The unfinished round: a Nominate button while it takes nominations."""
    found = await active_round(session)
    if found is None:
        return []
    params = {"number": found.id, "count": found.seats}
    if found.taking_nominations(now):
        return [
            HomeLink(
                fact=Fact("nominations.home.round_open", params),
                action=HomeAction.NOMINATE,
                action_label=Fact("nominations.home.nominate_button"),
                value=str(found.id),
            )
        ]
    return [HomeLink(fact=Fact(f"nominations.home.round_{found.status.value}", {**params, "poll": found.poll_id}))]


@digest_section
async def rounds_digest(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """For the leads: the unfinished round with its slate, and rounds finished this week."""
    found = await active_round(session)
    finished = (
        await session.execute(
            select(func.count()).select_from(NominationRound).where(NominationRound.finished_at > since)
        )
    ).scalar_one()
    if found is None and not finished:
        return None
    headline = [Fact("nominations.digest.finished", {"count": finished})]
    details: list[Fact] = []
    if found is not None:
        counts = Counter(n.status for n in await nominations_in(session, found.id))
        headline.insert(0, Fact(f"nominations.digest.round_{found.status.value}", {"number": found.id}))
        details.append(
            Fact(
                "nominations.digest.slate",
                {
                    "accepted": counts[NominationStatus.ACCEPTED],
                    "pending": counts[NominationStatus.PENDING],
                    "count": found.seats,
                },
            )
        )
    return Section(order=40, title=Fact("nominations.digest.title"), headline=tuple(headline), details=tuple(details))
