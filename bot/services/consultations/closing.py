"""Closing at the deadline, exactly once, with a notice to the creator on the turnout; after it no
answer is taken."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import audit, prefs
from bot.services.consultations.overview import turnout
from bot.services.consultations.records import info_of
from bot.services.consultations.shapes import Info, Notice
from models.feedback import Consultation, ConsultationStatus


async def close_due(session: AsyncSession, *, now: datetime, default_locale: str) -> list[Notice]:
    """Close every open consultation whose deadline has passed — each once, whoever runs this
    (the guarded UPDATE decides) — and owe its creator a closing notice with the turnout."""
    closed = (
        await session.execute(
            update(Consultation)
            .where(Consultation.status == ConsultationStatus.OPEN, Consultation.deadline <= now)
            .values(status=ConsultationStatus.CLOSED, closed_at=now)
            .returning(Consultation.id)
        )
    ).scalars()
    ids_closed = list(closed)
    if not ids_closed:
        return []
    infos = await _infos(session, ids_closed)
    invited, responded = await turnout(session, ids_closed)
    locales = await prefs.languages(session, (i.created_by for i in infos.values()), default_locale)
    for cid in ids_closed:
        await audit.record(
            session,
            at=now,
            actor=None,
            action="consultation.closed",
            subject_type="consultation",
            subject_id=cid,
            responded=responded.get(cid, 0),
            invited=invited.get(cid, 0),
        )
    return [
        Notice(
            key=f"consult-closed:{cid}",
            user_id=infos[cid].created_by,
            locale=locales[infos[cid].created_by],
            occasion="closed",
            info=infos[cid],
            responded=responded.get(cid, 0),
            invited=invited.get(cid, 0),
        )
        for cid in ids_closed
    ]


async def _infos(session: AsyncSession, consultation_ids: Sequence[int]) -> dict[int, Info]:
    rows = (
        await session.execute(
            select(Consultation)
            .options(selectinload(Consultation.questions))
            .where(Consultation.id.in_(consultation_ids))
            .execution_options(populate_existing=True)
        )
    ).scalars()
    return {c.id: info_of(c) for c in rows}
