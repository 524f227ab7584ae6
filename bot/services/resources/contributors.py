"""What the repository adds to the surfaces that gather every feature (bot.services.contributions):
the leads' digest and Home numbers, a person's reviews due on their Home, the newest resources in
the Home's Find area. Registered when the package is imported."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.contributions import (
    Fact,
    HomeAction,
    HomeLink,
    NeedsYou,
    Section,
    digest_section,
    home_area,
    lead_stats,
    needs_you,
)
from bot.services.members import Member
from bot.services.resources.freshness import REVIEW_NOTICE, stale_count
from models.resources import Resource


@digest_section
async def digest(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """Leads' digest: resources added since the last digest, and how many are past review."""
    added = await session.scalar(
        select(func.count()).select_from(Resource).where(Resource.created_at >= since, Resource.retired == false())
    )
    stale = await stale_count(session, now.date())
    if not added and not stale:
        return None
    return Section(
        order=20,
        title=Fact("resources.digest.title"),
        headline=(
            Fact("resources.digest.new", {"count": added or 0}),
            Fact("resources.digest.stale", {"count": stale}),
        ),
    )


@lead_stats
async def stats(session: AsyncSession, now: datetime) -> Section | None:
    live = await session.scalar(select(func.count()).select_from(Resource).where(Resource.retired == false()))
    stale = await stale_count(session, now.date())
    return Section(
        order=20,
        title=Fact("resources.digest.title"),
        headline=(Fact("resources.stats.live", {"count": live or 0}), Fact("resources.digest.stale", {"count": stale})),
    )


@needs_you
async def reviews_for(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """A person's Home: their resources due for review within the month."""
    until = now.date() + REVIEW_NOTICE
    row = (
        await session.execute(
            select(func.count(), func.min(Resource.review_by)).where(
                Resource.owner_id == member.slack_user_id, Resource.retired == false(), Resource.review_by <= until
            )
        )
    ).one()
    count, first_due = row
    if not count:
        return []
    return [
        NeedsYou(
            fact=Fact("resources.needs_review", {"count": count}),
            due_day=first_due,
            action=HomeAction.MY_RESOURCES,
            action_label=Fact("resources.button.review"),
        )
    ]


@home_area("find")
async def newest(session: AsyncSession, member: Member | None, now: datetime) -> list[HomeLink]:
    """The Home's Find area: the three newest resources, as links."""
    rows = await session.execute(
        select(Resource.title, Resource.url)
        .where(Resource.retired == false())
        .order_by(Resource.created_at.desc(), Resource.id.desc())
        .limit(3)
    )
    return [
        HomeLink(fact=Fact("resources.home.newest_link", {"title": title, "url": url}))
        if url
        else HomeLink(fact=Fact("resources.home.newest", {"title": title}))
        for title, url in rows.all()
    ]
