"""Starting a consultation: the start modal's rules (every problem inline, on its field) and the
audience, fixed when it starts: every organisation's rep, or the members of a channel who may
answer for their organisation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, members
from bot.services.consultations.fields import ConsultationField
from bot.services.consultations.permissions import ensure_may_start, may_answer
from bot.services.consultations.questions import QuestionSpec, parse_questions
from bot.services.consultations.records import info_of
from bot.services.consultations.shapes import Draft, Invitee, Started
from bot.services.feedback.forms import FormInvalid, check_length, clean_text, form_invalid
from bot.services.members import Member
from models.feedback import Audience, Consultation, ConsultationInvitee, ConsultationQuestion, ConsultationStatus

TITLE_LIMIT = 150


def closing_instant(day: date, tz: tzinfo) -> datetime:
    """A deadline day ends at midnight, network time: the consultation is open all that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


class StartForm(BaseModel):
    title: str
    questions: tuple[QuestionSpec, ...]
    deadline: date
    audience: Audience = Audience.REPS
    channel: str | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: str | None) -> str:
        title = clean_text(value)
        if not title:
            raise PydanticCustomError("consult.error.title_empty", "empty", {})
        return check_length(title, TITLE_LIMIT, "consult.error.title_too_long")

    @field_validator("questions", mode="before")
    @classmethod
    def _questions(cls, value: str | None) -> tuple[QuestionSpec, ...]:
        return parse_questions(value or "")

    @model_validator(mode="after")
    def _channel_when_needed(self) -> StartForm:
        if self.audience is Audience.CHANNEL and not self.channel:
            raise PydanticCustomError(
                "consult.error.channel_required", "no channel", {"field": ConsultationField.CHANNEL}
            )
        return self


def parse_start(raw: Mapping[str, Any], *, now: datetime, tz: tzinfo) -> Draft:
    """Validate the start modal; every problem comes back inline, on its field."""
    try:
        form = StartForm.model_validate(raw)
    except ValidationError as exc:
        raise form_invalid(exc, "consult", ConsultationField) from None
    deadline = closing_instant(form.deadline, tz)
    if deadline <= now:
        raise FormInvalid({ConsultationField.DEADLINE: ("consult.error.deadline_past", {})})
    channel = form.channel if form.audience is Audience.CHANNEL else None
    return Draft(form.title, form.questions, deadline, form.audience, channel)


async def start(
    session: AsyncSession, *, actor: Member | None, draft: Draft, channel_members: Sequence[str] = (), now: datetime
) -> Started:
    """Create the consultation and fix its audience: every organisation's rep, or the members of
    a channel who may answer for their organisation (`channel_members`, read from Slack by the
    caller)."""
    actor = ensure_may_start(actor)
    invitees, skipped, without_rep = await _audience(session, draft, channel_members)
    if not invitees:
        where = ConsultationField.CHANNEL if draft.audience is Audience.CHANNEL else ConsultationField.AUDIENCE
        raise FormInvalid({where: ("consult.error.no_audience", {})})
    consultation = Consultation(
        title=draft.title,
        status=ConsultationStatus.OPEN,
        audience=draft.audience,
        audience_channel=draft.channel,
        deadline=draft.deadline,
        reminders_sent=0,
        created_by=actor.slack_user_id,
        created_at=now,
        questions=[
            ConsultationQuestion(position=n, kind=q.kind, prompt=q.prompt, options=list(q.options))
            for n, q in enumerate(draft.questions, start=1)
        ],
    )
    session.add(consultation)
    await session.flush()
    session.add_all(
        ConsultationInvitee(consultation_id=consultation.id, slack_user_id=i.slack_user_id, organisation_id=i.org.id)
        for i in invitees
    )
    organisations = len({i.org.id for i in invitees})
    await audit.record(
        session,
        at=now,
        actor=actor.slack_user_id,
        action="consultation.started",
        subject_type="consultation",
        subject_id=consultation.id,
        questions=len(draft.questions),
        invitees=len(invitees),
        organisations=organisations,
    )
    return Started(info_of(consultation), tuple(invitees), organisations, skipped, without_rep)


async def _audience(
    session: AsyncSession, draft: Draft, channel_members: Sequence[str]
) -> tuple[list[Invitee], int, int]:
    if draft.audience is Audience.REPS:
        orgs = await members.list_organisations(session)
        reps = [Invitee(s.rep.slack_user_id, s.org) for s in orgs if s.rep is not None]
        return reps, 0, len(orgs) - len(reps)
    found = await members.get_members(session, channel_members)
    eligible = sorted((m for m in found.values() if may_answer(m)), key=lambda m: (m.org.name, m.name))  # type: ignore[union-attr]
    invitees = [Invitee(m.slack_user_id, m.org) for m in eligible]  # type: ignore[arg-type]
    return invitees, len(set(channel_members)) - len(invitees), 0
