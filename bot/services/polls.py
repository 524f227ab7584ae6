"""Polls and votes: who may create, who may vote, one ballot per voter, secrecy, closing, results.

Every way in (a button, `/nls vote`, the ballot modal, a scheduled job, the CLI, the elections of
`bot.services.nominations`) calls these functions, so one check covers them all.

Who votes is decided here from the directory, never from the request:
- `channel` polls: the channel's members when the poll opened (`poll_electors`), one vote each;
- `network` polls: one vote per member organisation, cast by the person holding its `rep` role
  (the organisation comes from that role's grant); other staff are told who holds it;
- `executive` polls: one vote per Executive Committee seat, cast by its holder whose term covers
  the voting moment (`Member.is_voting_exec`); ex-officio members see but cannot vote.

One ballot per voter is the primary key of `poll_receipts`, claimed with `INSERT … ON CONFLICT DO
NOTHING RETURNING` (success read from RETURNING). The poll row is read `FOR SHARE` in the vote
transaction and closed by a conditional `UPDATE … WHERE status='open' RETURNING`, so on PostgreSQL
a close waits for ballots in flight and no ballot lands after the count; on SQLite every write
transaction is `BEGIN IMMEDIATE`, which serialises them outright.

Secret polls: what was chosen goes to `poll_sealed_ballots` (random UUID, the choices sealed with
NLS_BALLOT_KEY, nothing else) in the same transaction as the receipt. A database reader can pair
that row with its receipt, which is why it is sealed (bot.services.ballot_seal); at close the
ballots are opened, shuffled and rewritten into `poll_secret_ballots` as plain choices under fresh
ids, in the closing transaction, so a closed poll is recounted from the database alone. A secret
ballot cannot be changed: changing it would need a link from voter to ballot, so we refuse and say
so on the ballot. Secret polls never show a count before they close, to anyone (a tally moving as
receipts arrive would reveal choices), and so are never unsealed before.

A poll another feature opened (its `origin`) may be counted by that feature's rule at close: the
feature registers `@origin_count("prefix:")` in its own service module, and `_close` asks it — with
the ballots and the engine's own count — before freezing the result. This module never imports the
features (they are loaded like the Home's contributors), and there is still one vote engine: the
ballots, the receipts, the close, the freezing and the publication stay here; the origin only says
who fills which seat (`OriginCount`), e.g. nomination rounds with reserved seats.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
import secrets
import unicodedata
import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, outbox, prefs
from bot.services.ballot_seal import BallotKeyMissing, BallotKeys, BallotSealError, BallotsMismatch, sealed_key_id
from bot.services.contributions import Fact, HomeAction, NeedsYou, Section, digest_section, needs_you
from bot.services.counting import Count, count
from bot.services.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound, NotInDirectory
from bot.services.members import Member, directory_contacts, rep_of
from bot.services.sql import insert_if_absent
from models import Organisation, Person, Role, RoleGrant
from models.polls import (
    Electorate,
    Poll,
    PollElector,
    PollKind,
    PollOpenBallot,
    PollReceipt,
    PollSealedBallot,
    PollSecretBallot,
    PollStatus,
    ResultsShown,
)

MIN_OPTIONS, MAX_OPTIONS = 2, 50
# Where a closed or cancelled secret poll's deleted rows lay: compacted after it (Database.compact),
# so no copy of a sealed ballot, or of the receipt that came with it, stays in the database's files.
SEALED_TABLES = ("poll_sealed_ballots", "poll_receipts")
QUESTION_LIMIT, OPTION_LIMIT = 300, 150
LONGEST_POLL = timedelta(days=366)
REMIND_BEFORE = timedelta(hours=24)
YES_NO_OPTIONS = ("yes", "no", "abstain")
RANKED_KINDS = frozenset({PollKind.RANKED, PollKind.STV})
MANY_KINDS = frozenset({PollKind.MULTIPLE, PollKind.APPROVAL})
# Words accepted for yes/no/abstain in `/nls vote N <word>`, in both languages.
YES_NO_WORDS = {"yes": 0, "oui": 0, "y": 0, "no": 1, "non": 1, "n": 1, "abstain": 2, "abstention": 2, "abs": 2}

# --- what callers pass and get back --------------------------------------------------------------


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


@dataclass(frozen=True)
class PollView:
    """A poll as read once; safe to render after the session closed."""

    id: int
    question: str
    options: tuple[str, ...]
    kind: PollKind
    electorate: Electorate
    status: PollStatus
    secret: bool
    results: ResultsShown
    max_choices: int | None
    seats: int
    quorum: int | None
    tie_order: tuple[int, ...]
    locale: str
    channel_id: str
    message_ts: str | None
    created_by: str | None
    origin: str | None
    created_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    closed_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status is PollStatus.OPEN

    @property
    def ranked(self) -> bool:
        return self.kind in RANKED_KINDS

    def accepts_ballots(self, now: datetime) -> bool:
        return self.is_open and now < self.closes_at


def _view(poll: Poll) -> PollView:
    return PollView(
        id=poll.id,
        question=poll.question,
        options=tuple(poll.options),
        kind=poll.kind,
        electorate=poll.electorate,
        status=poll.status,
        secret=poll.secret,
        results=poll.results,
        max_choices=poll.max_choices,
        seats=poll.seats,
        quorum=poll.quorum,
        tie_order=tuple(poll.tie_order),
        locale=poll.locale,
        channel_id=poll.channel_id,
        message_ts=poll.message_ts,
        created_by=poll.created_by,
        origin=poll.origin,
        created_at=poll.created_at,
        closes_at=poll.closes_at,
        closed_at=poll.closed_at,
        closed_by=poll.closed_by,
    )


@dataclass(frozen=True)
class Voter:
    """Whose ballot this is: a person (`user:`), an organisation (`org:`) or a seat (`seat:`)."""

    key: str
    organisation_id: int | None = None
    org_name: str | None = None

    @property
    def for_organisation(self) -> bool:
        return self.key.startswith(("org:", "seat:"))


@dataclass(frozen=True)
class VoteRecorded:
    """What was committed, to tell the voter exactly: `status` is recorded, changed or unchanged."""

    poll: PollView
    voter: Voter
    choices: tuple[int, ...]
    status: str


@dataclass(frozen=True)
class Seat:
    """One seat an origin's count filled: the option elected, the origin's name for the seat
    (`kind:ZIP`; None for a general seat) and how to say it next to the winner."""

    option: int
    tag: str | None = None
    label: Fact | None = None


@dataclass(frozen=True)
class OriginCount:
    """The final count of a closed poll by the rule of the feature that opened it: the seats in
    order of election, and notes stating the rule (shown with the results)."""

    seats: tuple[Seat, ...]
    notes: tuple[Fact, ...] = ()


OriginCounter = Callable[[AsyncSession, PollView, Sequence[Sequence[int]], Count], Awaitable[OriginCount | None]]
ORIGIN_COUNTERS: dict[str, OriginCounter] = {}


def origin_count(prefix: str) -> Callable[[OriginCounter], OriginCounter]:
    """Register `async def (session, poll, ballots, engine_count) -> OriginCount | None` for polls
    whose origin starts with `prefix`; called once, when such a poll closes. None keeps the
    engine's count unchanged."""

    def decorate(fn: OriginCounter) -> OriginCounter:
        ORIGIN_COUNTERS[prefix] = fn
        return fn

    return decorate


def _counter_for(origin: str | None) -> OriginCounter | None:
    if not origin:
        return None
    import bot.services as package  # features register in their own modules: load them all

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"bot.services.{info.name}")
    return next((fn for prefix, fn in ORIGIN_COUNTERS.items() if origin.startswith(prefix)), None)


def _fact_json(fact: Fact) -> dict[str, Any]:
    return {"key": fact.key, "params": {k: _fact_json(v) if isinstance(v, Fact) else v for k, v in fact.params.items()}}


def _fact_from(data: Mapping[str, Any]) -> Fact:
    params = {k: _fact_from(v) if isinstance(v, dict) else v for k, v in data.get("params", {}).items()}
    return Fact(data["key"], params)


def _origin_json(counted: OriginCount) -> dict[str, Any]:
    return {
        "seats": [
            {"option": s.option, "tag": s.tag, "label": _fact_json(s.label) if s.label else None} for s in counted.seats
        ],
        "notes": [_fact_json(n) for n in counted.notes],
    }


def _origin_from(data: Mapping[str, Any] | None) -> OriginCount | None:
    if not data:
        return None
    seats = tuple(
        Seat(s["option"], s.get("tag"), _fact_from(s["label"]) if s.get("label") else None) for s in data["seats"]
    )
    return OriginCount(seats, tuple(_fact_from(n) for n in data.get("notes", [])))


@dataclass(frozen=True)
class Results:
    """A count with its context: turnout against the electorate and the quorum. When the poll's
    origin counted it (`origin_count`), `count.winners` are the origin's and `by_origin` says how
    each seat was filled."""

    poll: PollView
    count: Count
    electorate: int
    voted: int
    final: bool
    by_origin: OriginCount | None = None

    @property
    def quorum_met(self) -> bool | None:
        return None if self.poll.quorum is None else self.voted >= self.poll.quorum

    @property
    def turnout(self) -> float:
        return self.voted / self.electorate if self.electorate else 0.0


@dataclass(frozen=True)
class Recipient:
    """Someone owed a reminder: an eligible non-voter, or the rep of an organisation that has not voted."""

    user_id: str
    locale: str
    org_name: str | None = None


@dataclass(frozen=True)
class Votable:
    """An open poll a person can vote in now, and whether they (or their organisation) have."""

    poll: PollView
    voter: Voter
    voted: bool


@dataclass(frozen=True)
class OpenBallot:
    """One voter's choices in an open (non-secret) poll, for its creator and the export."""

    voter_key: str
    cast_by: str
    org_name: str | None
    choices: tuple[int, ...]
    cast_at: datetime


Render = Callable[[PollView, Recipient], tuple[str, list[dict[str, Any]]]]

# --- creating -----------------------------------------------------------------------------------


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
        raise Invalid("polls.error.question_missing", field="question")
    if len(question) > QUESTION_LIMIT:
        raise Invalid("polls.error.question_too_long", field="question", limit=QUESTION_LIMIT)
    options = YES_NO_OPTIONS if spec.kind is PollKind.YES_NO else _valid_options(spec.options)
    if spec.closes_at <= now:
        raise Invalid("polls.error.closes_in_past", field="closes_at")
    if spec.closes_at > now + LONGEST_POLL:
        raise Invalid("polls.error.closes_too_late", field="closes_at")
    max_choices = spec.max_choices if spec.kind in MANY_KINDS else None
    if max_choices is not None and not 1 <= max_choices <= len(options):
        raise Invalid("polls.error.max_choices", field="max_choices", count=len(options))
    if spec.quorum is not None and spec.quorum < 0:
        raise Invalid("polls.error.quorum", field="quorum")
    seats = spec.seats if spec.kind in (PollKind.STV, PollKind.APPROVAL) else 1
    if not 1 <= seats <= len(options):
        raise Invalid("polls.error.seats", field="seats", count=len(options))
    if spec.secret and spec.results is ResultsShown.LIVE:
        raise Invalid("polls.error.secret_live", field="results")
    return replace(spec, question=question, options=tuple(options), max_choices=max_choices, seats=seats)


def _valid_options(raw: Sequence[str]) -> tuple[str, ...]:
    options = [" ".join(o.split()) for o in raw if o and o.strip()]
    if len(options) < MIN_OPTIONS:
        raise Invalid("polls.error.too_few_options", field="options", minimum=MIN_OPTIONS)
    if len(options) > MAX_OPTIONS:
        raise Invalid("polls.error.too_many_options", field="options", maximum=MAX_OPTIONS, count=len(options))
    seen: dict[str, int] = {}
    for number, option in enumerate(options, start=1):
        if len(option) > OPTION_LIMIT:
            raise Invalid("polls.error.option_too_long", field="options", number=number, limit=OPTION_LIMIT)
        first = seen.setdefault(_normal(option), number)
        if first != number:
            raise Invalid("polls.error.duplicate_option", field="options", option=option, first=first, number=number)
    return tuple(options)


def may_create(actor: Member | None, electorate: Electorate, today: date) -> bool:
    """Anyone may poll a channel; network and executive polls are for leads, admins and voting
    Executive Committee members."""
    if electorate is Electorate.CHANNEL:
        return True
    return actor is not None and (actor.is_lead_or_admin or actor.is_voting_exec(today))


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
        raise NotAllowed("polls.error.may_not_create", field="electorate")
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
        raise Invalid("polls.error.channel_empty", field="channel")
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


async def set_message(session: AsyncSession, poll_id: int, *, message_ts: str) -> None:
    """Remember where the poll was posted, so its message can be updated at close."""
    await session.execute(update(Poll).where(Poll.id == poll_id).values(message_ts=message_ts))


async def withdraw_unposted(session: AsyncSession, poll_id: int, *, now: datetime) -> None:
    """A poll that could not be posted is cancelled at once (nobody could have voted)."""
    await session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status == PollStatus.OPEN, Poll.message_ts.is_(None))
        .values(status=PollStatus.CANCELLED, closed_at=now)
    )
    await audit.record(
        session, at=now, actor=None, action="poll.cancelled", subject_type="poll", subject_id=poll_id,
        reason="could not be posted",
    )  # fmt: skip


# --- reading ------------------------------------------------------------------------------------


async def get_poll(session: AsyncSession, poll_id: int) -> PollView:
    return _view(await _poll(session, poll_id))


# populate_existing: a poll read earlier in this unit of work may have been closed since. Built
# once: every ballot reads its poll (see members' directory lookup for why that matters).
_POLL = select(Poll).where(Poll.id == bindparam("poll_id")).execution_options(populate_existing=True)
_POLL_SHARED = _POLL.with_for_update(read=True)  # FOR SHARE on PostgreSQL; SQLite serialises writes anyway


async def _poll(session: AsyncSession, poll_id: int, *, share_lock: bool = False) -> Poll:
    query = _POLL_SHARED if share_lock else _POLL
    poll = (await session.execute(query, {"poll_id": poll_id})).scalar_one_or_none()
    if poll is None:
        raise NotFound("polls.error.unknown", number=poll_id)
    return poll


async def polls_by_origin(session: AsyncSession, origin: str) -> list[PollView]:
    """Polls another feature opened under a reference of its own (e.g. a nomination round)."""
    rows = (await session.execute(select(Poll).where(Poll.origin == origin).order_by(Poll.id))).scalars()
    return [_view(p) for p in rows]


# --- who votes ------------------------------------------------------------------------------------


def voter_for(
    electorate: Electorate, user_id: str, actor: Member | None, today: date, *, is_elector: bool
) -> Voter | None:
    """The voter this person votes as in a poll of this electorate, or None if they may not vote.
    Pure, so lists of polls can be checked without a query per poll."""
    if electorate is Electorate.CHANNEL:
        if not is_elector:
            return None
        org = actor.org if actor else None
        return Voter(f"user:{user_id}", org.id if org else None, org.name if org else None)
    if actor is None:
        return None
    if electorate is Electorate.NETWORK:
        grant = actor.grant(Role.REP)
        if grant is None or grant.organisation_id is None:
            return None
        name = actor.org.name if actor.org and actor.org.id == grant.organisation_id else None
        return Voter(f"org:{grant.organisation_id}", grant.organisation_id, name)
    if not actor.is_voting_exec(today):
        return None
    seat = actor.grant(Role.EXEC)
    org_id = seat.organisation_id if seat else None
    key = f"seat:{org_id}" if org_id is not None else f"user:{user_id}"
    return Voter(key, org_id, actor.org.name if actor.org else None)


_IS_ELECTOR = select(PollElector.poll_id).where(
    PollElector.poll_id == bindparam("poll_id"), PollElector.slack_user_id == bindparam("user_id")
)


async def _is_elector(session: AsyncSession, poll_id: int, user_id: str) -> bool:
    found = await (await session.connection()).execute(_IS_ELECTOR, {"poll_id": poll_id, "user_id": user_id})
    return found.first() is not None


async def require_voter(
    session: AsyncSession, poll: PollView, *, user_id: str, actor: Member | None, today: date
) -> Voter:
    """The voter this person votes as, or a refusal that explains why and who can vote instead."""
    is_elector = poll.electorate is Electorate.CHANNEL and await _is_elector(session, poll.id, user_id)
    voter = voter_for(poll.electorate, user_id, actor, today, is_elector=is_elector)
    if voter is not None:
        return voter
    raise await _refusal(session, poll, actor, today)


async def _refusal(session: AsyncSession, poll: PollView, actor: Member | None, today: date) -> DomainError:
    if poll.electorate is Electorate.CHANNEL:
        return NotAllowed("polls.refuse.not_in_channel", channel=poll.channel_id)
    if actor is None:
        return NotInDirectory(contacts=await directory_contacts(session))
    if poll.electorate is Electorate.NETWORK:
        if actor.org is None:
            return NotAllowed("polls.refuse.no_organisation", contacts=await directory_contacts(session))
        rep = await rep_of(session, actor.org.id)
        if rep is None:
            return NotAllowed("polls.refuse.no_rep", org=actor.org.name, contacts=await directory_contacts(session))
        return NotAllowed("polls.refuse.rep_holds_vote", org=actor.org.name, rep=rep.slack_user_id)
    if actor.has(Role.EX_OFFICIO):
        return NotAllowed("polls.refuse.ex_officio")
    seat = actor.grant(Role.EXEC)
    if seat is not None and seat.term_end is not None and seat.term_end < today:
        return NotAllowed("polls.refuse.term_ended", end=seat.term_end.isoformat())
    if seat is not None and seat.term_start is not None and today < seat.term_start:
        return NotAllowed("polls.refuse.term_not_started", start=seat.term_start.isoformat())
    return NotAllowed("polls.refuse.executive_only")


# --- voting ----------------------------------------------------------------------------------------


def parse_choices(poll: PollView, words: Sequence[str]) -> tuple[int, ...]:
    """`/nls vote 12 3 1 2` → option positions (numbers are 1-based on screen; yes/no words too)."""
    positions = []
    for word in words:
        token = word.strip().strip(",.;").lower()
        if poll.kind is PollKind.YES_NO and token in YES_NO_WORDS:
            positions.append(YES_NO_WORDS[token])
        elif token.isdigit():
            positions.append(int(token) - 1)
        else:
            raise Invalid("polls.error.not_a_number", word=word[:20])
    return tuple(positions)


def check_choices(poll: PollView, choices: Sequence[int]) -> tuple[int, ...]:
    """The ballot's choices if they are valid for this poll, else an `Invalid` that says why."""
    n = len(poll.options)
    if not choices:
        raise Invalid("polls.error.no_choice")
    for position in choices:
        if not 0 <= position < n:
            raise Invalid("polls.error.out_of_range", number=position + 1, count=n)
    repeated = next((c for i, c in enumerate(choices) if c in choices[:i]), None)
    if repeated is not None:
        key = "polls.error.ranked_repeat" if poll.ranked else "polls.error.repeated"
        raise Invalid(key, number=repeated + 1)
    if poll.kind in (PollKind.SINGLE, PollKind.YES_NO) and len(choices) != 1:
        raise Invalid("polls.error.one_choice")
    if poll.max_choices is not None and len(choices) > poll.max_choices:
        raise Invalid("polls.error.too_many_choices", count=poll.max_choices)
    return tuple(choices)


async def cast_vote(
    session: AsyncSession,
    *,
    poll_id: int,
    choices: Sequence[int],
    user_id: str,
    actor: Member | None,
    now: datetime,
    today: date,
    keys: BallotKeys,
) -> VoteRecorded:
    """Record one ballot for the voter this person votes as, or change it (open polls only).
    `keys` seal a secret poll's ballot (bot.services.ballot_seal).

    The receipt's primary key decides who wins a race: a concurrent or repeated ballot for the
    same voter finds the receipt and becomes a change (open poll) or a refusal (secret poll)."""
    poll = _view(await _poll(session, poll_id, share_lock=True))
    if poll.status is PollStatus.CANCELLED:
        raise Conflict("polls.error.cancelled", number=poll.id)
    if not poll.accepts_ballots(now):
        raise Conflict("polls.error.closed", number=poll.id)
    voter = await require_voter(session, poll, user_id=user_id, actor=actor, today=today)
    chosen = check_choices(poll, choices)
    claimed = await insert_if_absent(
        session,
        PollReceipt,
        {"poll_id": poll.id, "voter_key": voter.key, "organisation_id": voter.organisation_id, "cast_by": user_id},
        ["poll_id", "voter_key"],
        returning="voter_key",
    )
    if claimed is not None:
        await _store_ballot(session, poll, voter, chosen, now, keys)
        return VoteRecorded(poll, voter, chosen, "recorded")
    return await _change_vote(session, poll, voter, chosen, user_id=user_id, now=now)


_SEALED_BALLOT = insert(PollSealedBallot.__table__)
_OPEN_BALLOT = insert(PollOpenBallot.__table__)


async def _store_ballot(
    session: AsyncSession, poll: PollView, voter: Voter, chosen: tuple[int, ...], now: datetime, keys: BallotKeys
) -> None:
    connection = await session.connection()
    if poll.secret:
        sealed = keys.seal(poll.id, chosen, option_count=len(poll.options))
        await connection.execute(_SEALED_BALLOT, {"id": str(uuid.uuid4()), "poll_id": poll.id, "sealed": sealed})
    else:
        ballot = {"poll_id": poll.id, "voter_key": voter.key, "choices": list(chosen), "cast_at": now, "changes": 0}
        await connection.execute(_OPEN_BALLOT, ballot)


async def _change_vote(
    session: AsyncSession, poll: PollView, voter: Voter, chosen: tuple[int, ...], *, user_id: str, now: datetime
) -> VoteRecorded:
    """A second ballot for a voter who already voted: a change on an open poll, never on a secret one."""
    if poll.secret:
        cast_by = (
            await session.execute(
                select(PollReceipt.cast_by).where(PollReceipt.poll_id == poll.id, PollReceipt.voter_key == voter.key)
            )
        ).scalar_one()
        if voter.for_organisation and cast_by != user_id:
            raise Conflict("polls.error.secret_cast_by_other", number=poll.id, voter=cast_by)
        raise Conflict("polls.error.secret_already_voted", number=poll.id)
    ballot = (
        await session.execute(
            select(PollOpenBallot).where(PollOpenBallot.poll_id == poll.id, PollOpenBallot.voter_key == voter.key)
        )
    ).scalar_one()
    if tuple(ballot.choices) == chosen:
        return VoteRecorded(poll, voter, chosen, "unchanged")
    ballot.choices, ballot.cast_at, ballot.changes = list(chosen), now, ballot.changes + 1
    await session.execute(
        update(PollReceipt)
        .where(PollReceipt.poll_id == poll.id, PollReceipt.voter_key == voter.key)
        .values(cast_by=user_id)
    )
    return VoteRecorded(poll, voter, chosen, "changed")


async def my_vote(
    session: AsyncSession, poll: PollView, *, user_id: str, actor: Member | None, today: date
) -> tuple[Voter, tuple[int, ...] | None, bool]:
    """For the ballot modal: the voter, their current choices (open polls), and whether they voted."""
    voter = await require_voter(session, poll, user_id=user_id, actor=actor, today=today)
    voted = (
        await session.execute(
            select(PollReceipt.voter_key).where(PollReceipt.poll_id == poll.id, PollReceipt.voter_key == voter.key)
        )
    ).first() is not None
    choices = None
    if voted and not poll.secret:
        row = await session.get(PollOpenBallot, (poll.id, voter.key))
        choices = tuple(row.choices) if row else None
    return voter, choices, voted


# --- closing and cancelling ------------------------------------------------------------------------


def _may_manage(poll: PollView, user_id: str, actor: Member | None) -> bool:
    """Only the creator or an admin closes early, cancels, reminds or sees who voted what."""
    return (poll.created_by is not None and poll.created_by == user_id) or bool(actor and actor.has(Role.ADMIN))


def require_manager(poll: PollView, user_id: str, actor: Member | None) -> None:
    if not _may_manage(poll, user_id, actor):
        raise NotAllowed("polls.refuse.not_creator", number=poll.id)


async def close_poll(
    session: AsyncSession,
    *,
    poll_id: int,
    user_id: str,
    actor: Member | None,
    now: datetime,
    today: date,
    keys: BallotKeys,
) -> Results:
    """Close a poll early (its creator or an admin) and count it. A secret poll whose ballots a
    missing key cannot open raises `BallotSealError`, and the caller's transaction, rolled
    back, leaves it open: nothing is counted or published half-made."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    closed = await _close(session, poll_id, now=now, today=today, closed_by=user_id, keys=keys)
    if closed is None:
        raise Conflict("polls.error.not_open", number=poll_id)
    return closed


@dataclass(frozen=True)
class Closing:
    """What one run of the deadline job did: the polls it closed, and those it had to leave open
    because their sealed ballots could not be opened or counted (a key this process was not
    given, a ballot altered, lost or copied): retried on the next run, never published half-made."""

    closed: list[Results]
    held: list[BallotSealError]


async def close_due(session: AsyncSession, *, now: datetime, today: date, keys: BallotKeys | None) -> Closing:
    """Close every open poll whose deadline has passed. Safe to run any number of times, in any
    number of processes at once: each poll is closed by exactly one conditional UPDATE. Each poll
    closes in a savepoint, so one whose ballots cannot be opened stays open (and is reported)
    without holding back the others."""
    due = (
        await session.execute(
            select(Poll.id)
            .where(Poll.status == PollStatus.OPEN, Poll.closes_at <= now)
            .order_by(Poll.closes_at, Poll.id)  # one order for every closer: no lock-order deadlocks
        )
    ).scalars()
    results, held = [], []
    for poll_id in list(due):
        try:
            async with session.begin_nested():
                closed = await _close(session, poll_id, now=now, today=today, closed_by=None, keys=keys)
        except BallotSealError as missing:
            held.append(missing)
            continue
        if closed is not None:
            results.append(closed)
    return Closing(results, held)


async def _close(
    session: AsyncSession, poll_id: int, *, now: datetime, today: date, closed_by: str | None, keys: BallotKeys | None
) -> Results | None:
    """The one place a poll closes: None if it was not open (someone else closed it first)."""
    won = (
        await session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == PollStatus.OPEN)
            .values(status=PollStatus.CLOSED, closed_at=now, closed_by=closed_by, message_stale=True)
            .returning(Poll.closes_at)
        )
    ).first()
    if won is None:
        return None
    # Closed by the deadline job, however late it ran: the poll closed at its deadline (no ballot
    # was accepted after it).
    closed_at = now if closed_by is not None else min(now, won.closes_at)
    view = replace(await get_poll(session, poll_id), status=PollStatus.CLOSED, closed_at=closed_at)
    if view.secret:
        await _unseal(session, view, keys)
    ballots = await _ballots(session, view)
    tally = count(view.kind, len(view.options), ballots, seats=view.seats, tie_order=view.tie_order)
    tally, by_origin = await _origin_counted(session, view, ballots, tally)
    electorate = await _electorate_size(session, view, today)
    voted = await _receipt_count(session, poll_id)
    frozen: dict[str, Any] = {"count": tally.to_json(), "electorate": electorate, "voted": voted}
    if by_origin is not None:
        frozen["origin"] = _origin_json(by_origin)
    await session.execute(update(Poll).where(Poll.id == poll_id).values(closed_at=closed_at, result=frozen))
    results = Results(view, tally, electorate, voted, final=True, by_origin=by_origin)
    await audit.record(
        session, at=now, actor=closed_by, action="poll.closed", subject_type="poll", subject_id=poll_id,
        early=closed_by is not None, ballots=tally.ballots, voted=voted, electorate=electorate,
        quorum_met=results.quorum_met, winners=list(tally.winners), outcome=tally.outcome,
        counted_by=view.origin if by_origin is not None else None,
    )  # fmt: skip
    return results


async def _origin_counted(
    session: AsyncSession, poll: PollView, ballots: Sequence[Sequence[int]], tally: Count
) -> tuple[Count, OriginCount | None]:
    """The count to freeze: the origin's, if it registered a counter and has a rule to apply
    (its winners replace the engine's; the engine's rounds, of a count that decided nothing, are
    dropped, while the votes per option stay as cast), else the engine's unchanged."""
    counter = _counter_for(poll.origin)
    counted = await counter(session, poll, ballots, tally) if counter is not None else None
    if counted is None:
        return tally, None
    winners = tuple(s.option for s in counted.seats)
    return replace(tally, winners=winners, rounds=(), quota=None, tie_break=None, tied=()), counted


async def cancel_poll(
    session: AsyncSession, *, poll_id: int, user_id: str, actor: Member | None, now: datetime
) -> PollView:
    """Cancel a poll (its creator or an admin): nothing is counted or published. Its ballots are
    deleted, because a ballot that will never be counted has no reason to be kept."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    won = (
        await session.execute(
            update(Poll)
            .where(Poll.id == poll_id, Poll.status == PollStatus.OPEN)
            .values(status=PollStatus.CANCELLED, closed_at=now, closed_by=user_id, message_stale=True)
            .returning(Poll.id)
        )
    ).first()
    if won is None:
        raise Conflict("polls.error.not_open", number=poll_id)
    for table in (PollSealedBallot, PollSecretBallot, PollOpenBallot):
        await session.execute(delete(table).where(table.poll_id == poll_id))
    await audit.record(session, at=now, actor=user_id, action="poll.cancelled", subject_type="poll", subject_id=poll_id)
    return await get_poll(session, poll_id)


async def _unseal(session: AsyncSession, poll: PollView, keys: BallotKeys | None) -> None:
    """Open a closing secret poll's sealed ballots and write them, shuffled and under fresh ids,
    as plain choices; rewrite its receipts in random order too. All in the closing transaction, so
    every row of the poll now carries the same transaction id and a physical order that is random:
    nothing ties an opened ballot to a receipt, or to the sealed row a backup kept. Every ballot is
    opened before anything is written, so a missing key leaves nothing half-done.

    Plain ballots already stored for the open poll (written by a replica still on the code before
    sealing, during an upgrade that should not have rolled) are counted with the opened ones rather
    than lost; and the poll is held, never published, unless there is exactly one ballot per
    receipt."""
    sealed = list(
        (await session.execute(select(PollSealedBallot.sealed).where(PollSealedBallot.poll_id == poll.id))).scalars()
    )
    if sealed and keys is None:
        raise BallotKeyMissing(key_id=sealed_key_id(sealed[0]), poll=poll.id)
    opened = [keys.open(poll.id, blob) for blob in sealed] if keys is not None else []
    plain = (await session.execute(select(PollSecretBallot.choices).where(PollSecretBallot.poll_id == poll.id)))
    ballots = opened + [list(c) for c in plain.scalars()]
    receipts = await _receipt_count(session, poll.id)
    if len(ballots) != receipts:
        raise BallotsMismatch(poll=poll.id, ballots=len(ballots), receipts=receipts)
    await session.execute(delete(PollSealedBallot).where(PollSealedBallot.poll_id == poll.id))
    await _rewrite_shuffled(session, poll.id, ballots)


async def _rewrite_shuffled(session: AsyncSession, poll_id: int, ballots: list[list[int]]) -> None:
    """A closed secret poll's rows as a reader will find them from now on: its plain ballots and
    its receipts, each in random order, the ballots under new ids."""
    rng = random.SystemRandom()
    receipts = [
        {"poll_id": poll_id, "voter_key": r.voter_key, "organisation_id": r.organisation_id, "cast_by": r.cast_by}
        for r in (await session.execute(select(PollReceipt).where(PollReceipt.poll_id == poll_id))).scalars()
    ]
    rng.shuffle(ballots)
    rng.shuffle(receipts)
    await session.execute(delete(PollSecretBallot).where(PollSecretBallot.poll_id == poll_id))
    await session.execute(delete(PollReceipt).where(PollReceipt.poll_id == poll_id))
    if receipts:
        await session.execute(insert(PollReceipt), receipts)
    if ballots:
        await session.execute(
            insert(PollSecretBallot),
            [{"id": str(uuid.uuid4()), "poll_id": poll_id, "choices": choices} for choices in ballots],
        )


async def mark_message_current(session: AsyncSession, poll_id: int) -> None:
    await session.execute(update(Poll).where(Poll.id == poll_id).values(message_stale=False))


async def stale_messages(session: AsyncSession) -> list[PollView]:
    """Closed or cancelled polls whose channel message still shows them open (retried by the job)."""
    rows = (
        await session.execute(
            select(Poll).where(Poll.message_stale.is_(True), Poll.message_ts.is_not(None)).order_by(Poll.id).limit(50)
        )
    ).scalars()
    return [_view(p) for p in rows]


# --- results ---------------------------------------------------------------------------------------


async def _ballots(session: AsyncSession, poll: PollView) -> list[list[int]]:
    """Every ballot's choices, in random order (never insertion order). A secret poll has plain
    ballots only once closed (`_unseal`); before, there is nothing here to count, by design."""
    if poll.secret:
        query = select(PollSecretBallot.choices).where(PollSecretBallot.poll_id == poll.id)
    else:
        query = select(PollOpenBallot.choices).where(PollOpenBallot.poll_id == poll.id)
    if poll.secret and poll.status is PollStatus.OPEN:
        raise NotAllowed("polls.refuse.results_at_close", number=poll.id)
    ballots = [list(c) for c in (await session.execute(query)).scalars()]
    random.SystemRandom().shuffle(ballots)
    return ballots


async def closed_ballots(session: AsyncSession, poll: PollView) -> list[list[int]]:
    """The stored ballots of a closed poll, choices only, for a recount by another rule (an
    election's reserved seats); refused for a secret poll still open."""
    return await _ballots(session, poll)


async def _count(session: AsyncSession, poll: PollView) -> Count:
    return count(
        poll.kind, len(poll.options), await _ballots(session, poll), seats=poll.seats, tie_order=poll.tie_order
    )


async def _receipt_count(session: AsyncSession, poll_id: int) -> int:
    return (
        await session.execute(select(func.count()).select_from(PollReceipt).where(PollReceipt.poll_id == poll_id))
    ).scalar_one()


async def _electorate_size(session: AsyncSession, poll: PollView, today: date) -> int:
    """How many could vote: the channel snapshot; every member organisation; or every seat whose
    holder can vote today, plus seats that voted earlier in the poll (a term may end mid-poll)."""
    if poll.electorate is Electorate.CHANNEL:
        return (
            await session.execute(select(func.count()).select_from(PollElector).where(PollElector.poll_id == poll.id))
        ).scalar_one()
    if poll.electorate is Electorate.NETWORK:
        return (await session.execute(select(func.count()).select_from(Organisation))).scalar_one()
    seats = {f"seat:{org_id}" for org_id, _ in await _voting_seats(session, today)}
    voted = (await session.execute(select(PollReceipt.voter_key).where(PollReceipt.poll_id == poll.id))).scalars()
    return len(seats | set(voted))


async def _voting_seats(session: AsyncSession, today: date) -> list[tuple[int, str]]:
    """(organisation, holder's Slack id) of every Executive Committee seat whose term covers today."""
    rows = await session.execute(
        select(RoleGrant.organisation_id, RoleGrant.term_start, RoleGrant.term_end, Person.slack_user_id)
        .join(Person)
        .where(RoleGrant.role == Role.EXEC, Person.active, RoleGrant.organisation_id.is_not(None))
    )
    return [
        (org_id, uid)
        for org_id, start, end, uid in rows.all()
        if (start is None or start <= today) and (end is None or today <= end)
    ]


async def results(
    session: AsyncSession, *, poll_id: int, user_id: str, actor: Member | None, now: datetime, today: date
) -> Results:
    """The count so far (live polls) or the final count (closed polls). Polls that show results
    only at close — all secret polls — refuse until then, and say when."""
    final = await final_results(session, poll_id)
    if final is not None:
        return final
    poll = await get_poll(session, poll_id)
    if poll.status is PollStatus.CANCELLED:
        raise Conflict("polls.error.cancelled", number=poll.id)
    if poll.results is not ResultsShown.LIVE:
        raise NotAllowed("polls.refuse.results_at_close", number=poll.id)
    tally = await _count(session, poll)
    return Results(
        poll, tally, await _electorate_size(session, poll, today), await _receipt_count(session, poll.id), final=False
    )


async def final_results(session: AsyncSession, poll_id: int) -> Results | None:
    """The frozen count of a closed poll (public once closed), or None if it is not closed."""
    poll_row = await _poll(session, poll_id)
    if poll_row.status is not PollStatus.CLOSED or not poll_row.result:
        return None
    frozen = poll_row.result
    return Results(
        _view(poll_row), Count.from_json(frozen["count"]), frozen["electorate"], frozen["voted"], final=True,
        by_origin=_origin_from(frozen.get("origin")),
    )  # fmt: skip


async def turnout(session: AsyncSession, poll: PollView, *, today: date) -> tuple[int, int]:
    """(voted, electorate) — shown to anyone, since it reveals nothing about choices."""
    return await _receipt_count(session, poll.id), await _electorate_size(session, poll, today)


async def open_ballots(session: AsyncSession, poll: PollView) -> list[OpenBallot]:
    """Who voted what in an open poll (never a secret one), oldest first."""
    if poll.secret:
        raise NotAllowed("polls.refuse.secret_ballots", number=poll.id)
    rows = await session.execute(
        select(PollOpenBallot, PollReceipt.cast_by, Organisation.name)
        .join(
            PollReceipt,
            (PollReceipt.poll_id == PollOpenBallot.poll_id) & (PollReceipt.voter_key == PollOpenBallot.voter_key),
        )
        .outerjoin(Organisation, Organisation.id == PollReceipt.organisation_id)
        .where(PollOpenBallot.poll_id == poll.id)
        .order_by(PollOpenBallot.cast_at, PollOpenBallot.voter_key)
    )
    return [OpenBallot(b.voter_key, cast_by, org, tuple(b.choices), b.cast_at) for b, cast_by, org in rows.all()]


async def who_voted_what(
    session: AsyncSession, *, poll_id: int, user_id: str, actor: Member | None
) -> tuple[PollView, list[OpenBallot]]:
    """For the creator (or an admin) of an open poll: every ballot with its voter."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    return poll, await open_ballots(session, poll)


# --- reminders -------------------------------------------------------------------------------------


def reminder_key(poll_id: int, user_id: str) -> str:
    """One reminder per poll and person, whoever triggers it (the creator's button or the job)."""
    return f"poll-reminder:{poll_id}:{user_id}"


async def non_voters(session: AsyncSession, poll: PollView, *, today: date, default_locale: str) -> list[Recipient]:
    """Eligible people who have not voted, or for a network poll the reps of organisations that
    have not voted (an organisation without a rep cannot be reminded)."""
    voted = set((await session.execute(select(PollReceipt.voter_key).where(PollReceipt.poll_id == poll.id))).scalars())
    people: list[tuple[str, str | None]]
    if poll.electorate is Electorate.CHANNEL:
        electors = (
            await session.execute(select(PollElector.slack_user_id).where(PollElector.poll_id == poll.id))
        ).scalars()
        people = [(uid, None) for uid in electors if f"user:{uid}" not in voted]
    elif poll.electorate is Electorate.NETWORK:
        reps = await session.execute(
            select(RoleGrant.organisation_id, Person.slack_user_id, Organisation.name)
            .join(Person, Person.id == RoleGrant.person_id)
            .join(Organisation, Organisation.id == RoleGrant.organisation_id)
            .where(RoleGrant.role == Role.REP, Person.active)
            .order_by(Organisation.name)
        )
        people = [(uid, name) for org_id, uid, name in reps.all() if f"org:{org_id}" not in voted]
    else:
        people = [(uid, None) for org_id, uid in await _voting_seats(session, today) if f"seat:{org_id}" not in voted]
    return await _with_locales(session, people, default_locale)


async def _with_locales(
    session: AsyncSession, people: Sequence[tuple[str, str | None]], default_locale: str
) -> list[Recipient]:
    locales = await prefs.languages(session, [uid for uid, _ in people], default_locale)
    return [Recipient(uid, locales[uid], org) for uid, org in people]


async def queue_reminders(
    session: AsyncSession,
    poll: PollView,
    *,
    render: Render,
    now: datetime,
    today: date,
    default_locale: str,
    actor_id: str | None,
) -> list[str]:
    """Record a reminder in the outbound ledger for every non-voter not reminded before; returns
    the keys newly recorded (to deliver after commit). Run twice, it records nothing new."""
    keys = []
    for recipient in await non_voters(session, poll, today=today, default_locale=default_locale):
        key = reminder_key(poll.id, recipient.user_id)
        text, blocks = render(poll, recipient)
        if await outbox.enqueue(session, key=key, channel=recipient.user_id, text=text, blocks=blocks, now=now):
            keys.append(key)
    if keys:
        await audit.record(
            session, at=now, actor=actor_id, action="poll.reminders_sent", subject_type="poll", subject_id=poll.id,
            count=len(keys), trigger="manual" if actor_id else "24h-before",
        )  # fmt: skip
    return keys


async def remind_now(
    session: AsyncSession,
    *,
    poll_id: int,
    user_id: str,
    actor: Member | None,
    render: Render,
    now: datetime,
    today: date,
    default_locale: str,
) -> list[str]:
    """The creator's "remind non-voters" button: only for open polls, by the creator or an admin."""
    poll = await get_poll(session, poll_id)
    require_manager(poll, user_id, actor)
    if not poll.accepts_ballots(now):
        raise Conflict("polls.error.not_open", number=poll_id)
    return await queue_reminders(
        session, poll, render=render, now=now, today=today, default_locale=default_locale, actor_id=user_id
    )


async def claim_auto_reminders(session: AsyncSession, *, now: datetime) -> list[PollView]:
    """Open polls entering their last 24 hours, each claimed once (a conditional UPDATE) so a
    second scheduler or a re-run does not even look again. Polls opened with less than 24 hours
    to go get no automatic reminder: they were announced moments ago."""
    candidates = (
        await session.execute(
            select(Poll.id, Poll.created_at, Poll.closes_at).where(
                Poll.status == PollStatus.OPEN,
                Poll.reminded_at.is_(None),
                Poll.closes_at <= now + REMIND_BEFORE,
                Poll.closes_at > now,
            )
        )
    ).all()
    claimed = []
    for poll_id, created_at, closes_at in candidates:
        won = (
            await session.execute(
                update(Poll)
                .where(Poll.id == poll_id, Poll.reminded_at.is_(None), Poll.status == PollStatus.OPEN)
                .values(reminded_at=now)
                .returning(Poll.id)
            )
        ).first()
        if won is not None and created_at <= closes_at - REMIND_BEFORE:
            claimed.append(await get_poll(session, poll_id))
    return claimed


# --- lists ------------------------------------------------------------------------------------------


async def votable(
    session: AsyncSession, *, user_id: str, actor: Member | None, now: datetime, today: date
) -> list[Votable]:
    """Open polls this person can vote in now (as themselves, their organisation or their seat),
    soonest closing first, in three queries whatever the number of polls."""
    open_polls = [
        _view(p)
        for p in (
            await session.execute(
                select(Poll).where(Poll.status == PollStatus.OPEN, Poll.closes_at > now).order_by(Poll.closes_at)
            )
        ).scalars()
    ]
    if not open_polls:
        return []
    ids = [p.id for p in open_polls]
    channel_polls = set(
        (
            await session.execute(
                select(PollElector.poll_id).where(PollElector.poll_id.in_(ids), PollElector.slack_user_id == user_id)
            )
        ).scalars()
    )
    items = [
        (poll, voter)
        for poll in open_polls
        if (voter := voter_for(poll.electorate, user_id, actor, today, is_elector=poll.id in channel_polls))
    ]
    keys = {voter.key for _, voter in items}
    voted = set(
        (
            await session.execute(
                select(PollReceipt.poll_id, PollReceipt.voter_key).where(
                    PollReceipt.poll_id.in_(ids), PollReceipt.voter_key.in_(keys or {""})
                )
            )
        ).all()
    )
    return [Votable(poll, voter, (poll.id, voter.key) in voted) for poll, voter in items]


# --- the Home and the leads' digest -------------------------------------------------------------------


@needs_you
async def polls_to_vote_in(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """Open polls the person (or their organisation, or their seat) has not voted in yet."""
    items = await votable(session, user_id=member.slack_user_id, actor=member, now=now, today=now.date())
    return [
        NeedsYou(
            fact=Fact(
                "polls.home.needs_org_vote"
                if item.voter.org_name and item.voter.for_organisation
                else "polls.home.needs_vote",
                {"number": item.poll.id, "question": item.poll.question, "org": item.voter.org_name or ""},
            ),
            due=item.poll.closes_at,
            action=HomeAction.VOTE,
            action_label=Fact("polls.home.vote_button"),
            value=str(item.poll.id),
        )
        for item in items
        if not item.voted
    ]


@digest_section
async def polls_closing_soon(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """For the leads: polls closing in the next three days with their turnout, and how many closed."""
    soon = [
        _view(p)
        for p in (
            await session.execute(
                select(Poll)
                .where(Poll.status == PollStatus.OPEN, Poll.closes_at > now, Poll.closes_at <= now + timedelta(days=3))
                .order_by(Poll.closes_at)
                .limit(10)
            )
        ).scalars()
    ]
    closed = (
        await session.execute(
            select(func.count()).select_from(Poll).where(Poll.status == PollStatus.CLOSED, Poll.closed_at > since)
        )
    ).scalar_one()
    if not soon and not closed:
        return None
    counts = dict(
        (
            await session.execute(
                select(PollReceipt.poll_id, func.count())
                .where(PollReceipt.poll_id.in_([p.id for p in soon] or [0]))
                .group_by(PollReceipt.poll_id)
            )
        ).all()
    )
    details = tuple(
        Fact(
            "polls.digest.closing",
            {
                "number": p.id,
                "question": p.question,
                "hours": max(1, int((p.closes_at - now).total_seconds() // 3600)),
                "voted": counts.get(p.id, 0),
            },
        )
        for p in soon
    )
    headline = (
        Fact("polls.digest.closing_count", {"count": len(soon)}),
        Fact("polls.digest.closed_count", {"count": closed}),
    )
    return Section(order=30, title=Fact("polls.digest.title"), headline=headline, details=details)


# --- export ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    position: int
    option: str
    votes: int  # ballots choosing it; first preferences for ranked kinds
    percent: float
    elected: bool
    extra: dict[str, Any] = field(default_factory=dict)


async def export_results(session: AsyncSession, poll_id: int, *, today: date) -> tuple[Results, list[ExportRow]]:
    """One row per option in the poll's order: the final count for a closed poll, else the count
    so far of an open ballot (the CLI is an operator's tool). A secret poll has no count until it
    closes, for the operator too: a count that moves as receipts arrive would reveal choices."""
    final = await final_results(session, poll_id)
    if final is not None:
        res = final
    else:
        poll = await get_poll(session, poll_id)
        tally = await _count(session, poll)
        voted, size = await turnout(session, poll, today=today)
        res = Results(poll, tally, size, voted, final=False)
    total = res.count.ballots
    rows = [
        ExportRow(i, option, res.count.votes[i], res.count.votes[i] / total if total else 0.0, i in res.count.winners)
        for i, option in enumerate(res.poll.options)
    ]
    return res, rows


async def export_open_ballots(session: AsyncSession, poll_id: int) -> tuple[PollView, list[OpenBallot]]:
    """The ballots of an open poll with their voters; refused for secret polls."""
    poll = await get_poll(session, poll_id)
    return poll, await open_ballots(session, poll)
