"""A consultation's rows read into the shapes the service hands out (one loader, one mapping each),
so every concern reads a consultation the same way."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services.consultations.questions import Question
from bot.services.consultations.shapes import Info
from bot.services.errors import NotFound
from bot.services.members import OrgInfo
from models import Organisation
from models.feedback import Consultation


async def get_consultation(session: AsyncSession, consultation_id: int) -> Consultation:
    """The consultation with its questions; a number nobody started is NotFound, saying so."""
    consultation = (
        await session.execute(
            select(Consultation).options(selectinload(Consultation.questions)).where(Consultation.id == consultation_id)
        )
    ).scalar_one_or_none()
    if consultation is None:
        raise NotFound("consult.not_found", number=consultation_id)
    return consultation


def questions_of(consultation: Consultation) -> tuple[Question, ...]:
    """In the order the lead wrote them (the relationship is ordered by position)."""
    return tuple(
        Question(kind=q.kind, prompt=q.prompt, options=tuple(q.options or ()), id=q.id, position=q.position)
        for q in consultation.questions
    )


def org_of(o: Organisation) -> OrgInfo:
    return OrgInfo(id=o.id, name=o.name, kind=o.kind, province=o.province, region=o.region)


def info_of(c: Consultation) -> Info:
    return Info(c.id, c.title, c.status, c.deadline, c.created_by, len(c.questions))
