"""What the digest, the leads' Home numbers and everyone's "needs you" show of consultations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.consultations.overview import Progress, open_for, progress
from bot.services.contributions import Fact, HomeAction, NeedsYou, Section, digest_section, lead_stats, needs_you
from bot.services.members import Member
from models.feedback import ConsultationStatus


def _progress_fact(p: Progress) -> Fact:
    key = "consult.fact.progress" if p.info.status is ConsultationStatus.OPEN else "consult.fact.closed"
    return Fact(
        key,
        {
            "number": p.info.id,
            "title": p.info.title,
            "responded": p.responded,
            "invited": p.invited,
            "deadline": p.info.deadline.date().isoformat(),
        },
    )


@digest_section
async def digest(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """Consultation progress: open ones, and the ones that closed since the last digest."""
    items = await progress(session, now=now, closed_since=since)
    if not items:
        return None
    return Section(
        order=61,
        title=Fact("consult.digest.title"),
        details=tuple(_progress_fact(p) for p in items),
        more=Fact("consult.digest.more"),
    )


@lead_stats
async def stats(session: AsyncSession, now: datetime) -> Section | None:
    items = await progress(session, now=now)
    if not items:
        return None
    return Section(order=61, title=Fact("consult.digest.title"), headline=tuple(_progress_fact(p) for p in items[:3]))


@needs_you
async def unanswered(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """Consultations the person's organisation has not answered yet, with the Respond button."""
    return [
        NeedsYou(
            fact=Fact("consult.needs_you", {"title": o.info.title, "org": member.org.name if member.org else ""}),
            due=o.info.deadline,
            action=HomeAction.ANSWER_CONSULTATION,
            action_label=Fact("consult.respond"),
            value=str(o.info.id),
        )
        for o in await open_for(session, member, now)
        if not o.answered
    ]
