"""What a person's organisation can answer, and the leads' overview of every open consultation's
turnout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.consultations.permissions import may_answer
from bot.services.consultations.records import info_of
from bot.services.consultations.shapes import Info
from bot.services.members import Member
from models.feedback import Consultation, ConsultationInvitee, ConsultationResponse, ConsultationStatus


async def turnout(session: AsyncSession, consultation_ids: Sequence[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Organisations invited and organisations that answered, per consultation (two queries)."""
    invited = dict(
        (
            await session.execute(
                select(
                    ConsultationInvitee.consultation_id, func.count(func.distinct(ConsultationInvitee.organisation_id))
                )
                .where(ConsultationInvitee.consultation_id.in_(consultation_ids))
                .group_by(ConsultationInvitee.consultation_id)
            )
        ).all()
    )
    responded = dict(
        (
            await session.execute(
                select(ConsultationResponse.consultation_id, func.count())
                .where(ConsultationResponse.consultation_id.in_(consultation_ids))
                .group_by(ConsultationResponse.consultation_id)
            )
        ).all()
    )
    return invited, responded


@dataclass(frozen=True)
class Open:
    info: Info
    answered: bool


async def open_for(session: AsyncSession, member: Member | None, now: datetime) -> list[Open]:
    """Open consultations the member's organisation was asked, and whether it has answered."""
    if member is None or not may_answer(member):
        return []
    org_id = member.org.id  # type: ignore[union-attr]
    asked = select(ConsultationInvitee.consultation_id).where(ConsultationInvitee.organisation_id == org_id)
    rows = (
        await session.execute(
            select(Consultation, ConsultationResponse.id)
            .options(selectinload(Consultation.questions))
            .join(
                ConsultationResponse,
                (ConsultationResponse.consultation_id == Consultation.id)
                & (ConsultationResponse.organisation_id == org_id),
                isouter=True,
            )
            .where(
                Consultation.status == ConsultationStatus.OPEN, Consultation.deadline > now, Consultation.id.in_(asked)
            )
            .order_by(Consultation.deadline)
        )
    ).all()
    return [Open(info_of(c), response_id is not None) for c, response_id in rows]


@dataclass(frozen=True)
class Progress:
    info: Info
    responded: int
    invited: int


async def progress(session: AsyncSession, *, now: datetime, closed_since: datetime | None = None) -> list[Progress]:
    """Open consultations (and those closed since a moment) with their turnout; three queries."""
    status_ok = Consultation.status == ConsultationStatus.OPEN
    if closed_since is not None:
        status_ok = status_ok | (Consultation.closed_at >= closed_since)
    consultations = list(
        (
            await session.execute(
                select(Consultation)
                .options(selectinload(Consultation.questions))
                .where(status_ok)
                .order_by(Consultation.deadline)
            )
        ).scalars()
    )
    if not consultations:
        return []
    invited, responded = await turnout(session, [c.id for c in consultations])
    return [Progress(info_of(c), responded.get(c.id, 0), invited.get(c.id, 0)) for c in consultations]
