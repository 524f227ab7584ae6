"""Reminders three days and one day before the deadline, to the invitees of organisations that have
not answered: each round claimed once, by the database, whoever runs the job."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import prefs
from bot.services.consultations.records import info_of
from bot.services.consultations.shapes import Info, Notice
from models import Organisation
from models.feedback import Consultation, ConsultationInvitee, ConsultationResponse, ConsultationStatus

# Reminder rounds: (round number, how long before the deadline, ledger occasion)
ROUNDS = ((1, timedelta(days=3), "3d"), (2, timedelta(days=1), "1d"))


async def due_reminders(session: AsyncSession, *, now: datetime, default_locale: str) -> list[Notice]:
    """Claim the reminder round that has come for each open consultation and owe a reminder to
    every invitee of each organisation that has not answered.

    A round is claimed by an UPDATE guarded on `reminders_sent`, so a second run (or scheduler)
    claims nothing; if the job was down through a whole round, only the latest round is sent; a
    round whose time came before the consultation started is skipped (the invitation is recent).
    """
    soon = (
        await session.execute(
            select(Consultation)
            .options(selectinload(Consultation.questions))
            .where(
                Consultation.status == ConsultationStatus.OPEN,
                Consultation.deadline > now,
                Consultation.deadline <= now + ROUNDS[0][1],
                Consultation.reminders_sent < len(ROUNDS),
            )
        )
    ).scalars()
    notices: list[Notice] = []
    for consultation in list(soon):
        due = [
            (n, occasion, consultation.deadline - before)
            for n, before, occasion in ROUNDS
            if consultation.deadline - before <= now
        ]
        number, occasion, round_time = due[-1]
        if number <= consultation.reminders_sent or not await _claim_round(session, consultation.id, number):
            continue
        if round_time > consultation.created_at:
            notices.extend(await _reminders(session, info_of(consultation), occasion, default_locale))
    return notices


async def _claim_round(session: AsyncSession, consultation_id: int, number: int) -> bool:
    claimed = await session.execute(
        update(Consultation)
        .where(Consultation.id == consultation_id, Consultation.reminders_sent < number)
        .values(reminders_sent=number)
        .returning(Consultation.id)
    )
    return claimed.first() is not None


async def _reminders(session: AsyncSession, info: Info, occasion: str, default_locale: str) -> list[Notice]:
    answered = select(ConsultationResponse.organisation_id).where(ConsultationResponse.consultation_id == info.id)
    rows = (
        await session.execute(
            select(ConsultationInvitee.slack_user_id, Organisation.name)
            .join(Organisation, ConsultationInvitee.organisation_id == Organisation.id)
            .where(ConsultationInvitee.consultation_id == info.id, ConsultationInvitee.organisation_id.not_in(answered))
        )
    ).all()
    locales = await prefs.languages(session, (uid for uid, _ in rows), default_locale)
    return [
        Notice(
            key=f"consult-reminder:{info.id}:{occasion}:{uid}",
            user_id=uid,
            locale=locales[uid],
            occasion=occasion,
            info=info,
            org_name=org,
        )
        for uid, org in rows
    ]
