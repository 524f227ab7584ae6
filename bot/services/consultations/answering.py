"""Answering: one response per organisation, which any of its people may edit until the deadline
(a second submission replaces the first; the audit log names who saved each time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.consultations.permissions import may_answer
from bot.services.consultations.questions import ANSWER_LIMITS, SCALE, Question
from bot.services.consultations.records import get_consultation, info_of, questions_of
from bot.services.consultations.shapes import Questionnaire, Saved
from bot.services.errors import Invalid, NotAllowed
from bot.services.feedback.forms import FormInvalid, clean_text
from bot.services.members import Member, OrgInfo
from bot.services.sql import insert_if_absent
from models.feedback import Consultation, ConsultationInvitee, ConsultationResponse, ConsultationStatus, QuestionKind


def _ensure_open(consultation: Consultation, now: datetime) -> None:
    """Closed by status or by the clock: an answer at the deadline is late even if the closing
    job has not run yet."""
    if consultation.status is not ConsultationStatus.OPEN or now >= consultation.deadline:
        raise Invalid("consult.closed", title=consultation.title)


async def _answering_org(session: AsyncSession, consultation: Consultation, actor: Member | None) -> OrgInfo:
    """The organisation the actor answers for: theirs, if they may answer for it and it was
    asked."""
    if actor is None or not may_answer(actor):
        raise NotAllowed("consult.not_for_you")
    org: OrgInfo = actor.org  # type: ignore[assignment]
    invited = await session.execute(
        select(ConsultationInvitee.slack_user_id).where(
            ConsultationInvitee.consultation_id == consultation.id, ConsultationInvitee.organisation_id == org.id
        )
    )
    if invited.first() is None:
        raise NotAllowed("consult.org_not_invited", org=org.name)
    return org


async def _response(session: AsyncSession, consultation_id: int, org_id: int) -> ConsultationResponse | None:
    return (
        await session.execute(
            select(ConsultationResponse).where(
                ConsultationResponse.consultation_id == consultation_id, ConsultationResponse.organisation_id == org_id
            )
        )
    ).scalar_one_or_none()


async def questionnaire(
    session: AsyncSession, *, consultation_id: int, actor: Member | None, now: datetime
) -> Questionnaire:
    """The questions, with the organisation's current answers when it has answered already
    (whoever of its people did), so a second person edits rather than starts over."""
    consultation = await get_consultation(session, consultation_id)
    org = await _answering_org(session, consultation, actor)
    _ensure_open(consultation, now)
    response = await _response(session, consultation.id, org.id)
    return Questionnaire(
        info=info_of(consultation),
        questions=questions_of(consultation),
        org=org,
        answers=dict(response.answers) if response else {},
        last_by=response.last_by if response else None,
        updated_at=response.updated_at if response else None,
    )


def parse_answers(questions: Sequence[Question], raw: Mapping[str, str | None]) -> dict[str, str]:
    """Answers keyed by question id; unanswered questions are left out. A choice must be one of
    the options and a scale 1 to 5 (a forged payload is refused); texts keep what was typed."""
    answers: dict[str, str] = {}
    errors: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for q in questions:
        value = clean_text(raw.get(str(q.id)))
        if not value:
            continue
        limit = ANSWER_LIMITS.get(q.kind)
        allowed = q.options if q.kind is QuestionKind.CHOICE else SCALE if q.kind is QuestionKind.SCALE else None
        if limit is not None and len(value) > limit:
            errors[str(q.id)] = ("consult.error.answer_too_long", {"limit": limit, "length": len(value)})
        elif allowed is not None and value not in allowed:
            errors[str(q.id)] = ("consult.error.not_an_option", {})
        else:
            answers[str(q.id)] = value
    if errors:
        raise FormInvalid(errors)
    if not answers:
        raise FormInvalid({str(questions[0].id): ("consult.error.no_answers", {})})
    return answers


async def respond(
    session: AsyncSession,
    *,
    consultation_id: int,
    actor: Member | None,
    raw_answers: Mapping[str, str | None],
    now: datetime,
) -> Saved:
    """Save the organisation's answers: the first submission creates its response, a later one
    (by the same or another of its people) replaces the answers. The unique key on
    (consultation, organisation) decides under concurrency."""
    consultation = await get_consultation(session, consultation_id)
    org = await _answering_org(session, consultation, actor)
    _ensure_open(consultation, now)
    answers = parse_answers(questions_of(consultation), raw_answers)
    who: str = actor.slack_user_id  # type: ignore[union-attr]
    created = await insert_if_absent(
        session,
        ConsultationResponse,
        {
            "consultation_id": consultation.id,
            "organisation_id": org.id,
            "answers": answers,
            "first_by": who,
            "last_by": who,
            "created_at": now,
            "updated_at": now,
            "edits": 0,
        },
        ["consultation_id", "organisation_id"],
    )
    if created is None:
        await session.execute(
            update(ConsultationResponse)
            .where(
                ConsultationResponse.consultation_id == consultation.id, ConsultationResponse.organisation_id == org.id
            )
            .values(answers=answers, last_by=who, updated_at=now, edits=ConsultationResponse.edits + 1)
        )
    await audit.record(
        session,
        at=now,
        actor=who,
        action="consultation.edited" if created is None else "consultation.answered",
        subject_type="consultation",
        subject_id=consultation.id,
        organisation_id=org.id,
    )
    return Saved(info=info_of(consultation), org=org, edited=created is None)
