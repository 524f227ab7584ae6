"""What the plan adds to the leads' digest, a lead's Home and each owner's "needs you" list,
registered with `bot.services.contributions` when the package is imported. The digest's own
listing of items and the scheduled messages are in `bot.services.digest`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.contributions import Fact, HomeAction, NeedsYou, Section, digest_section, lead_stats, needs_you
from bot.services.members import Member
from bot.services.plans.reporting import DUE_SOON_DAYS, attention, completed_since, progress
from models.plans import OPEN_STATUSES, ActionItem, ActionItemNote, ActionItemOwner


async def _has_items(session: AsyncSession) -> bool:
    return (await session.execute(select(ActionItem.id).limit(1))).first() is not None


@digest_section
async def digest_facts(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """The plan's headline numbers for the leads' digest (the digest itself lists the items,
    each with its Update button, and the progress by direction)."""
    if not await _has_items(session):
        return None
    found = await attention(session, today=now.date(), limit=0)
    completed, _ = await completed_since(session, since, limit=0)
    notes = (await session.execute(select(func.count()).where(ActionItemNote.at >= since))).scalar_one()
    return Section(
        order=10,
        title=Fact("plans.section.title"),
        headline=(
            Fact("plans.section.overdue", {"count": found.overdue}),
            Fact("plans.section.due_soon", {"count": found.due_soon, "days": DUE_SOON_DAYS}),
            Fact("plans.section.blocked", {"count": found.blocked}),
        ),
        details=(
            Fact("plans.section.completed", {"count": completed}),
            Fact("plans.section.updates", {"count": int(notes)}),
        ),
        more=Fact("plans.section.more"),
    )


@lead_stats
async def lead_numbers(session: AsyncSession, now: datetime) -> Section | None:
    """The plan at a glance on a lead's Home: overall progress, overdue, and each direction."""
    today = now.date()
    found = await progress(session, today=today)
    total = found.tally
    if total.total == 0:
        return None
    return Section(
        order=10,
        title=Fact("plans.section.title"),
        headline=(
            Fact(
                "plans.stats.overall", {"percent": round(100 * total.ratio), "done": total.done, "count": total.total}
            ),
            Fact("plans.section.overdue", {"count": total.overdue}),
            Fact("plans.section.blocked", {"count": total.blocked}),
        ),
        details=tuple(
            Fact(
                "plans.stats.direction",
                {
                    "number": d.number,
                    "percent": round(100 * d.tally.ratio),
                    "done": d.tally.done,
                    "count": d.tally.total,
                },
            )
            for d in found.directions
        ),
        more=Fact("plans.section.more"),
    )


@needs_you
async def my_due_items(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """A person's own items that are overdue or due within a week, each with its Update button.
    `due` is the end of the due day in UTC (the same calendar day everywhere in Canada)."""
    horizon = now.date() + timedelta(days=7)
    rows = await session.execute(
        select(ActionItem.id, ActionItem.title, ActionItem.due_date)
        .join(ActionItemOwner)
        .where(
            ActionItemOwner.person_id == member.person_id,
            ActionItem.status.in_(OPEN_STATUSES),
            ActionItem.due_date <= horizon,
        )
        .order_by(ActionItem.due_date)
        .limit(20)
    )
    return [
        NeedsYou(
            fact=Fact("plans.needs_you", {"title": title}),
            due_day=due,
            action=HomeAction.UPDATE_ITEM,
            action_label=Fact("plans.button.update"),
            value=str(item_id),
        )
        for item_id, title, due in rows.all()
    ]
