"""Results, for leads and administrators: turnout by organisation and province, and every
question's tally (or its answers, most recently saved first)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.consultations.permissions import ensure_may_start
from bot.services.consultations.questions import SCALE, Question
from bot.services.consultations.records import get_consultation, info_of, org_of, questions_of
from bot.services.consultations.shapes import Info
from bot.services.members import Member, OrgInfo
from models import Organisation
from models.feedback import ConsultationInvitee, ConsultationResponse, QuestionKind


@dataclass(frozen=True)
class OrgProgress:
    org: OrgInfo
    responded: bool
    last_by: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    counts: dict[str, int]  # option (or 1–5) -> organisations, for choice and scale
    answers: tuple[tuple[str, str], ...]  # (organisation, text), most recently saved first
    answered: int

    @property
    def average(self) -> float | None:
        """The mean of a 1–5 scale; None for other kinds or when nobody answered."""
        if self.question.kind is not QuestionKind.SCALE or not self.answered:
            return None
        return sum(int(value) * n for value, n in self.counts.items()) / self.answered


@dataclass(frozen=True)
class Results:
    info: Info
    orgs: tuple[OrgProgress, ...]
    questions: tuple[QuestionResult, ...]

    @property
    def invited(self) -> int:
        return len(self.orgs)

    @property
    def responded(self) -> int:
        return sum(1 for o in self.orgs if o.responded)

    def by_province(self) -> dict[str, tuple[int, int]]:
        """Province -> (organisations that answered, organisations asked)."""
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for o in self.orgs:
            tally[o.org.province][0] += o.responded
            tally[o.org.province][1] += 1
        return {p: (a, b) for p, (a, b) in sorted(tally.items())}


async def results(session: AsyncSession, *, consultation_id: int, actor: Member | None) -> Results:
    ensure_may_start(actor)
    return await read_results(session, consultation_id)


async def read_results(session: AsyncSession, consultation_id: int) -> Results:
    """Turnout by organisation and every question's tally; three queries."""
    consultation = await get_consultation(session, consultation_id)
    invited_orgs = (
        await session.execute(
            select(Organisation)
            .where(
                Organisation.id.in_(
                    select(ConsultationInvitee.organisation_id).where(
                        ConsultationInvitee.consultation_id == consultation.id
                    )
                )
            )
            .order_by(Organisation.province, Organisation.name)
        )
    ).scalars()
    responses = {
        r.organisation_id: r
        for r in (
            await session.execute(
                select(ConsultationResponse).where(ConsultationResponse.consultation_id == consultation.id)
            )
        ).scalars()
    }
    orgs = tuple(
        OrgProgress(
            org=org_of(o),
            responded=o.id in responses,
            last_by=responses[o.id].last_by if o.id in responses else None,
            updated_at=responses[o.id].updated_at if o.id in responses else None,
        )
        for o in invited_orgs
    )
    names = {o.org.id: o.org.name for o in orgs}
    newest_first = sorted(responses.values(), key=lambda r: r.updated_at, reverse=True)
    return Results(
        info=info_of(consultation),
        orgs=orgs,
        questions=tuple(_tally(q, newest_first, names) for q in questions_of(consultation)),
    )


def _tally(question: Question, responses: Sequence[ConsultationResponse], names: Mapping[int, str]) -> QuestionResult:
    given = [
        (names.get(r.organisation_id, ""), r.answers[str(question.id)])
        for r in responses
        if str(question.id) in r.answers
    ]
    counts: dict[str, int] = {}
    if question.kind in (QuestionKind.CHOICE, QuestionKind.SCALE):
        tally = Counter(value for _, value in given)
        counts = {option: tally.get(option, 0) for option in (question.options or SCALE)}
    return QuestionResult(question=question, counts=counts, answers=tuple(given), answered=len(given))
