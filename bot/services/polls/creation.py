"""Opening a poll: the rules a poll must meet (question, options, deadline, seats, secrecy),
checked the same for a person's poll and for one a rule opens (an election)."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.errors import Invalid, NotAllowed
from bot.services.members import Member
from bot.services.polls.electorates import may_create
from bot.services.polls.fields import PollField
from bot.services.polls.records import PollView, _view
from models.polls import Electorate, Poll, PollElector, PollKind, PollStatus, ResultsShown

MIN_OPTIONS, MAX_OPTIONS = 2, 50
QUESTION_LIMIT, OPTION_LIMIT = 300, 150
LONGEST_POLL = timedelta(days=366)
YES_NO_OPTIONS = ("yes", "no", "abstain")
MANY_KINDS = frozenset({PollKind.MULTIPLE, PollKind.APPROVAL})


@dataclass(frozen=True)
class PollSpec:
    """A poll to open. `options` are ignored for yes/no proposals; `seats` counts the winners of
    STV and approval polls (elections); `origin` lets another feature find its polls again
    (for example `nomination-round:7`)."""

    question: str
    options: Sequence[str]
    kind: PollKind
    electorate: Electorate
    channel_id: str
    closes_at: datetime
    secret: bool = False
    results: ResultsShown = ResultsShown.AT_CLOSE
    max_choices: int | None = None
    seats: int = 1
    quorum: int | None = None
    locale: str = "en"
    origin: str | None = None


def _normal(text: str) -> str:
    """How option texts are compared for duplicates: case, accents' forms and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def option_lines(text: str | None) -> list[str]:
    """One option per line, as typed in the creation modal (blank lines and bullets dropped)."""
    return [line.strip().lstrip("•-*").strip() for line in (text or "").splitlines() if line.strip()]


def validate_spec(spec: PollSpec, *, now: datetime) -> PollSpec:
    """The spec with its text tidied, or an `Invalid` naming the field (shown inline in the modal)."""
    spec = replace(  # callers may pass enum values as plain strings
        spec, kind=PollKind(spec.kind), electorate=Electorate(spec.electorate), results=ResultsShown(spec.results)
    )
    question = " ".join(spec.question.split())
    if not question:
        raise Invalid("polls.error.question_missing", field=PollField.QUESTION)
    if len(question) > QUESTION_LIMIT:
        raise Invalid("polls.error.question_too_long", field=PollField.QUESTION, limit=QUESTION_LIMIT)
    options = YES_NO_OPTIONS if spec.kind is PollKind.YES_NO else _valid_options(spec.options)
    if spec.closes_at <= now:
        raise Invalid("polls.error.closes_in_past", field=PollField.CLOSES_AT)
    if spec.closes_at > now + LONGEST_POLL:
        raise Invalid("polls.error.closes_too_late", field=PollField.CLOSES_AT)
    max_choices = spec.max_choices if spec.kind in MANY_KINDS else None
    if max_choices is not None and not 1 <= max_choices <= len(options):
        raise Invalid("polls.error.max_choices", field=PollField.MAX_CHOICES, count=len(options))
    if spec.quorum is not None and spec.quorum < 0:
        raise Invalid("polls.error.quorum", field=PollField.QUORUM)
    seats = spec.seats if spec.kind in (PollKind.STV, PollKind.APPROVAL) else 1
    if not 1 <= seats <= len(options):
        raise Invalid("polls.error.seats", field=PollField.SEATS, count=len(options))
    if spec.secret and spec.results is ResultsShown.LIVE:
        raise Invalid("polls.error.secret_live", field=PollField.RESULTS)
    return replace(spec, question=question, options=tuple(options), max_choices=max_choices, seats=seats)


def _valid_options(raw: Sequence[str]) -> tuple[str, ...]:
    options = [" ".join(o.split()) for o in raw if o and o.strip()]
    if len(options) < MIN_OPTIONS:
        raise Invalid("polls.error.too_few_options", field=PollField.OPTIONS, minimum=MIN_OPTIONS)
    if len(options) > MAX_OPTIONS:
        raise Invalid("polls.error.too_many_options", field=PollField.OPTIONS, maximum=MAX_OPTIONS, count=len(options))
    seen: dict[str, int] = {}
    for number, option in enumerate(options, start=1):
        if len(option) > OPTION_LIMIT:
            raise Invalid("polls.error.option_too_long", field=PollField.OPTIONS, number=number, limit=OPTION_LIMIT)
        first = seen.setdefault(_normal(option), number)
        if first != number:
            raise Invalid(
                "polls.error.duplicate_option", field=PollField.OPTIONS, option=option, first=first, number=number
            )
    return tuple(options)


async def create_poll(
    session: AsyncSession,
    *,
    spec: PollSpec,
    creator_id: str,
    actor: Member | None,
    now: datetime,
    today: date,
    electors: Collection[str] = (),
) -> PollView:
    """Open a poll on behalf of a person (the `/nls poll` modal). A `channel` poll needs the
    channel's members (`electors`), read from Slack by the caller when the poll opens."""
    if not may_create(actor, spec.electorate, today):
        raise NotAllowed("polls.error.may_not_create", field=PollField.ELECTORATE)
    return await _open(session, validate_spec(spec, now=now), creator_id=creator_id, now=now, electors=electors)


async def create_system_poll(
    session: AsyncSession, *, spec: PollSpec, now: datetime, electors: Collection[str] = ()
) -> PollView:
    """Open a poll on a rule's behalf, with no person as creator: for example the election that
    `bot.services.nominations` opens when a nomination round's deadline passes (that service
    checked who may run the round). Only admins can close or cancel such a poll early."""
    return await _open(session, validate_spec(spec, now=now), creator_id=None, now=now, electors=electors)


async def _open(
    session: AsyncSession, spec: PollSpec, *, creator_id: str | None, now: datetime, electors: Collection[str]
) -> PollView:
    people = sorted(set(electors))
    if spec.electorate is Electorate.CHANNEL and not people:
        raise Invalid("polls.error.channel_empty", field=PollField.CHANNEL)
    poll = Poll(
        question=spec.question,
        options=list(spec.options),
        kind=spec.kind,
        electorate=spec.electorate,
        status=PollStatus.OPEN,
        secret=spec.secret,
        results=spec.results,
        max_choices=spec.max_choices,
        seats=spec.seats,
        quorum=spec.quorum,
        tie_order=secrets.SystemRandom().sample(range(len(spec.options)), len(spec.options)),
        locale=spec.locale,
        channel_id=spec.channel_id,
        created_by=creator_id,
        origin=spec.origin,
        created_at=now,
        closes_at=spec.closes_at,
    )
    session.add(poll)
    await session.flush()
    if people:
        await session.execute(insert(PollElector), [{"poll_id": poll.id, "slack_user_id": p} for p in people])
    await audit.record(
        session, at=now, actor=creator_id, action="poll.created", subject_type="poll", subject_id=poll.id,
        kind=spec.kind.value, electorate=spec.electorate.value, secret=spec.secret, options=len(spec.options),
        closes_at=spec.closes_at.isoformat(), quorum=spec.quorum, electors=len(people) or None, origin=spec.origin,
    )  # fmt: skip
    return _view(poll)
