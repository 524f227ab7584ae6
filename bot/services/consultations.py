"""Consultations: the NLS asks every member organisation the same questions ("engage and consult
with LIPs/ZIPs annually") and each organisation answers once.

Rules, in one place for the modal, the buttons, the jobs and the CLI:
- Leads and administrators start consultations and read the results.
- An organisation answers through its rep or any of its staff (a delegate): one response per
  organisation, which any of them may edit until the deadline — a second submission replaces
  the first, and the audit log names who saved each time. Answers are attributed to the
  organisation: they are its institutional voice, and the network follows up with it.
- The audience is fixed when the consultation starts (invitees); reminders go three days and one
  day before the deadline to the invitees of organisations that have not answered, each round
  once; the consultation closes at its deadline exactly once, and no answer is taken after it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.services import audit, members, outbox, prefs
from bot.services.contributions import Fact, HomeAction, NeedsYou, Section, digest_section, lead_stats, needs_you
from bot.services.errors import Invalid, NotAllowed, NotFound
from bot.services.feedback import FormInvalid, check_length, clean_text, form_invalid
from bot.services.members import Member, OrgInfo
from bot.services.sql import insert_if_absent
from models import Organisation, Role
from models.feedback import (
    Audience,
    Consultation,
    ConsultationInvitee,
    ConsultationQuestion,
    ConsultationResponse,
    ConsultationStatus,
    QuestionKind,
)

TITLE_LIMIT = 150
MAX_QUESTIONS = 20  # one input block each: the questionnaire stays far below Slack's 100 blocks
PROMPT_LIMIT = 300
MAX_OPTIONS = 10  # radio buttons hold ten
OPTION_LIMIT = 75  # Slack's limit for an option's text
ANSWER_LIMITS = {QuestionKind.SHORT: 300, QuestionKind.LONG: 3000}
SCALE = ("1", "2", "3", "4", "5")
# Reminder rounds: (round number, how long before the deadline, ledger occasion)
ROUNDS = ((1, timedelta(days=3), "3d"), (2, timedelta(days=1), "1d"))
KIND_PREFIXES = {
    "short": QuestionKind.SHORT,
    "court": QuestionKind.SHORT,
    "long": QuestionKind.LONG,
    "choice": QuestionKind.CHOICE,
    "choix": QuestionKind.CHOICE,
    "scale": QuestionKind.SCALE,
    "échelle": QuestionKind.SCALE,
    "echelle": QuestionKind.SCALE,
}
PREFIX = re.compile(r"^(?P<word>[^\W\d_]+)\s*:\s*(?P<rest>.*)$")
BULLET = re.compile(r"^(?:[-•*]|\d{1,2}[.)])\s+")


class ConsultationField(StrEnum):
    """The start form's fields, as the rules name them (`StartForm`'s attribute names)."""

    TITLE = "title"
    QUESTIONS = "questions"
    DEADLINE = "deadline"
    AUDIENCE = "audience"
    CHANNEL = "channel"


# --- what the service hands out -------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question(QuestionSpec):
    id: int = 0
    position: int = 0


@dataclass(frozen=True)
class Info:
    id: int
    title: str
    status: ConsultationStatus
    deadline: datetime
    created_by: str
    questions: int


@dataclass(frozen=True)
class Draft:
    title: str
    questions: tuple[QuestionSpec, ...]
    deadline: datetime
    audience: Audience
    channel: str | None


@dataclass(frozen=True)
class Invitee:
    slack_user_id: str
    org: OrgInfo


@dataclass(frozen=True)
class Started:
    info: Info
    invitees: tuple[Invitee, ...]
    organisations: int
    skipped: int  # channel members who cannot answer for an organisation (not invited)
    without_rep: int  # member organisations with no designated rep (audience: reps)


@dataclass(frozen=True)
class Questionnaire:
    info: Info
    questions: tuple[Question, ...]
    org: OrgInfo
    answers: dict[str, str] = field(default_factory=dict)
    last_by: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Saved:
    info: Info
    org: OrgInfo
    edited: bool


@dataclass(frozen=True)
class Notice:
    """A message the bot owes one person about a consultation, with the occasion that makes its
    ledger key unique."""

    key: str
    user_id: str
    locale: str
    occasion: str  # invite, 3d, 1d, closed
    info: Info
    org_name: str | None = None
    responded: int = 0
    invited: int = 0


Render = Callable[[Notice], tuple[str, list[dict[str, Any]]]]


# --- starting -------------------------------------------------------------------------------


def ensure_may_start(actor: Member | None) -> Member:
    if actor is None or not actor.is_lead_or_admin:
        raise NotAllowed("consult.leads_only")
    return actor


def parse_questions(text: str) -> tuple[QuestionSpec, ...]:
    """One question per line; `long:`, `choice: Q | A | B`, `scale:` (or `choix:`, `échelle:`)
    choose the kind, anything else is a short answer. Errors name the line."""
    specs = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = BULLET.sub("", clean_text(raw))
        if line:
            specs.append(_question(line, number))
    if not specs:
        raise PydanticCustomError("consult.error.no_questions", "no questions", {})
    if len(specs) > MAX_QUESTIONS:
        raise PydanticCustomError("consult.error.too_many", "too many", {"count": len(specs), "limit": MAX_QUESTIONS})
    return tuple(specs)


def _question(line: str, number: int) -> QuestionSpec:
    kind, rest = QuestionKind.SHORT, line
    match = PREFIX.match(line)
    if match and match["word"].lower() in KIND_PREFIXES:
        kind, rest = KIND_PREFIXES[match["word"].lower()], match["rest"].strip()
    options: tuple[str, ...] = ()
    if kind is QuestionKind.CHOICE:
        prompt, *choices = (part.strip() for part in rest.split("|"))
        options = tuple(dict.fromkeys(c for c in choices if c))
        if not 2 <= len(options) <= MAX_OPTIONS or any(len(o) > OPTION_LIMIT for o in options):
            raise PydanticCustomError(
                "consult.error.options", "bad options", {"line": number, "limit": MAX_OPTIONS, "length": OPTION_LIMIT}
            )
        rest = prompt
    if not rest:
        raise PydanticCustomError("consult.error.empty_question", "empty question", {"line": number})
    if len(rest) > PROMPT_LIMIT:
        raise PydanticCustomError(
            "consult.error.question_too_long", "too long", {"line": number, "limit": PROMPT_LIMIT}
        )
    return QuestionSpec(kind=kind, prompt=rest, options=options)


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
            raise PydanticCustomError("consult.error.channel_required", "no channel", {"field": "channel"})
        return self


def parse_start(raw: Mapping[str, Any], *, now: datetime, tz: tzinfo) -> Draft:
    """Validate the start modal; every problem comes back inline, on its field."""
    try:
        form = StartForm.model_validate(raw)
    except ValidationError as exc:
        raise form_invalid(exc, "consult", ConsultationField) from None
    deadline = closing_instant(form.deadline, tz)
    if deadline <= now:
        raise FormInvalid({"deadline": ("consult.error.deadline_past", {})})
    channel = form.channel if form.audience is Audience.CHANNEL else None
    return Draft(form.title, form.questions, deadline, form.audience, channel)


def may_answer(member: Member) -> bool:
    """The rep or a staff member of an organisation answers for it."""
    return member.org is not None and member.has(Role.REP, Role.STAFF)


async def start(
    session: AsyncSession, *, actor: Member | None, draft: Draft, channel_members: Sequence[str] = (), now: datetime
) -> Started:
    """Create the consultation and fix its audience: every organisation's rep, or the members of
    a channel who may answer for their organisation (`channel_members`, read from Slack by the
    caller)."""
    actor = ensure_may_start(actor)
    invitees, skipped, without_rep = await _audience(session, draft, channel_members)
    if not invitees:
        where = "channel" if draft.audience is Audience.CHANNEL else "audience"
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
    return Started(_info(consultation), tuple(invitees), organisations, skipped, without_rep)


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


def _org(o: Organisation) -> OrgInfo:
    return OrgInfo(id=o.id, name=o.name, kind=o.kind, province=o.province, region=o.region)


def _info(c: Consultation) -> Info:
    return Info(c.id, c.title, c.status, c.deadline, c.created_by, len(c.questions))


# --- messages owed (invitations, reminders, closing notices) ----------------------------------


async def invitations(session: AsyncSession, started: Started, *, default_locale: str) -> list[Notice]:
    locales = await prefs.languages(session, (i.slack_user_id for i in started.invitees), default_locale)
    return [
        Notice(
            key=f"consult-invite:{started.info.id}:{i.slack_user_id}",
            user_id=i.slack_user_id,
            locale=locales[i.slack_user_id],
            occasion="invite",
            info=started.info,
            org_name=i.org.name,
        )
        for i in started.invitees
    ]


async def queue(session: AsyncSession, notices: Iterable[Notice], *, render: Render, now: datetime) -> list[str]:
    """Record each notice in the outbound ledger (in the caller's transaction); the keys of the
    ones recorded now, for immediate delivery (a key seen before is never sent again)."""
    keys = []
    for notice in notices:
        text, blocks = render(notice)
        if await outbox.enqueue(session, key=notice.key, channel=notice.user_id, text=text, blocks=blocks, now=now):
            keys.append(notice.key)
    return keys


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
    invited, responded = await _turnout(session, ids_closed)
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
    return {c.id: _info(c) for c in rows}


async def _turnout(session: AsyncSession, consultation_ids: Sequence[int]) -> tuple[dict[int, int], dict[int, int]]:
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
            notices.extend(await _reminders(session, _info(consultation), occasion, default_locale))
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


# --- answering ------------------------------------------------------------------------------


async def _consultation(session: AsyncSession, consultation_id: int) -> Consultation:
    consultation = (
        await session.execute(
            select(Consultation).options(selectinload(Consultation.questions)).where(Consultation.id == consultation_id)
        )
    ).scalar_one_or_none()
    if consultation is None:
        raise NotFound("consult.not_found", number=consultation_id)
    return consultation


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


def _questions(consultation: Consultation) -> tuple[Question, ...]:
    return tuple(
        Question(kind=q.kind, prompt=q.prompt, options=tuple(q.options or ()), id=q.id, position=q.position)
        for q in consultation.questions
    )


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
    consultation = await _consultation(session, consultation_id)
    org = await _answering_org(session, consultation, actor)
    _ensure_open(consultation, now)
    response = await _response(session, consultation.id, org.id)
    return Questionnaire(
        info=_info(consultation),
        questions=_questions(consultation),
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
    consultation = await _consultation(session, consultation_id)
    org = await _answering_org(session, consultation, actor)
    _ensure_open(consultation, now)
    answers = parse_answers(_questions(consultation), raw_answers)
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
    return Saved(info=_info(consultation), org=org, edited=created is None)


# --- results (leads and admins) -------------------------------------------------------------


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
    return await _results(session, consultation_id)


async def _results(session: AsyncSession, consultation_id: int) -> Results:
    """Turnout by organisation and every question's tally; three queries."""
    consultation = await _consultation(session, consultation_id)
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
            org=_org(o),
            responded=o.id in responses,
            last_by=responses[o.id].last_by if o.id in responses else None,
            updated_at=responses[o.id].updated_at if o.id in responses else None,
        )
        for o in invited_orgs
    )
    names = {o.org.id: o.org.name for o in orgs}
    newest_first = sorted(responses.values(), key=lambda r: r.updated_at, reverse=True)
    return Results(
        info=_info(consultation),
        orgs=orgs,
        questions=tuple(_tally(q, newest_first, names) for q in _questions(consultation)),
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


def export_table(results: Results) -> tuple[list[str], list[dict[str, str]]]:
    """One row per organisation asked (those that did not answer too), one column per question,
    answers exactly as given."""
    columns = ["organisation", "province", "region", "responded", "answered_by", "updated_on"]
    columns += [f"Q{r.question.position}. {r.question.prompt}" for r in results.questions]
    answers: dict[str, dict[str, str]] = defaultdict(dict)
    for r in results.questions:
        for org, value in r.answers:
            answers[org][f"Q{r.question.position}. {r.question.prompt}"] = value
    rows = [
        {
            "organisation": o.org.name,
            "province": o.org.province,
            "region": o.org.region,
            "responded": "yes" if o.responded else "no",
            "answered_by": o.last_by or "",
            "updated_on": o.updated_at.date().isoformat() if o.updated_at else "",
            **answers.get(o.org.name, {}),
        }
        for o in results.orgs
    ]
    return columns, rows


async def export(session: AsyncSession, consultation_id: int) -> tuple[list[str], list[dict[str, str]]]:
    """For `nlsbot export consultation N` (an operator's command: no actor to check)."""
    return export_table(await _results(session, consultation_id))


# --- what a person can answer, and the leads' overview --------------------------------------


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
    return [Open(_info(c), response_id is not None) for c, response_id in rows]


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
    invited, responded = await _turnout(session, [c.id for c in consultations])
    return [Progress(_info(c), responded.get(c.id, 0), invited.get(c.id, 0)) for c in consultations]


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
