"""Open nominations and elections for the Executive Committee.

The strategic plan: representatives "are selected by an independent LIP/ZIP Nominations Committee
following an open nominations process and serve for a two-year term". The cycle, every rule of it
here so a button, a command, the job and the shell are covered by one check:

1. The Nominations Committee (or an admin) opens a round: seats, seats reserved by region or kind,
   the nomination and election deadlines, the term length, the channel. One round runs at a time.
2. Any LIP/ZIP staff member nominates a member organisation's staff member (or themselves) with a
   statement. Not eligible: committee members (they run the round), ex-officio members (they sit
   without a vote), anyone whose organisation keeps a seat well beyond the election (one seat per
   organisation; a seat ending within `RENEWAL_WINDOW` of it is up for renewal), and a second
   nominee of an organisation already in the round.
3. The nominee accepts or declines; only accepted nominations go forward. The committee may mark a
   nomination ineligible, with a reason the nominee is told.
4. At the nomination deadline (the job) or when the committee closes it, exactly once (a
   conditional UPDATE decides): no accepted nominee → the round fails; no more than seats → the
   committee may acclaim them; more → a secret, network-electorate election poll on the poll engine.
5. When that poll has closed, exactly once: reserved seats are filled first (see `fill_seats`), the
   winners take their organisations' seats for the round's term (`bot.services.terms`).

Concurrency: everything that changes a round's nominations first locks the round row (FOR UPDATE
on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), and closing is an UPDATE of that
row, so no nomination or acceptance lands after the close, and the checks below see a stable round.
The schema backs the rules (one person and one organisation per round, one round at a time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.i18n import Translator
from bot.services import audit, counting, members, polls, terms
from bot.services.contributions import (
    Fact,
    HomeAction,
    HomeLink,
    NeedsYou,
    Section,
    digest_section,
    home_area,
    needs_you,
)
from bot.services.errors import Conflict, Invalid, NotAllowed, NotFound, NotInDirectory
from bot.services.members import REGIONS, Member, OrgInfo
from bot.services.sql import insert_if_absent
from bot.services.terms import Notice
from models import Organisation, OrgKind, Person, Role
from models.nominations import (
    IN_PLAY,
    ElectionMethod,
    Nomination,
    NominationRound,
    NominationStatus,
    RoundOutcome,
    RoundStatus,
)
from models.polls import Electorate, Poll, PollKind, PollStatus

MAX_SEATS = 15
MAX_TERM_YEARS = 4
STATEMENT_LIMIT = 1000
REASON_LIMIT = 500
MIN_ELECTION = timedelta(days=1)  # between the nomination deadline and the election's
LONGEST_ROUND = polls.LONGEST_POLL
MAX_CANDIDATES = polls.MAX_OPTIONS  # a ballot holds at most this many options
UNPOSTED_GRACE = timedelta(minutes=2)  # an election not posted by then is posted by the job
# A seat whose term ends within this long after the election is up for renewal in it (the first
# term-end warning goes this long before the end, so the committee opens the round in time).
RENEWAL_WINDOW = timedelta(days=max(terms.WARN_BEFORE_DAYS))
POLL_KINDS = {ElectionMethod.STV: PollKind.STV, ElectionMethod.APPROVAL: PollKind.APPROVAL}


ORIGIN = "nomination-round:"


def origin_of(round_id: int) -> str:
    """How the election poll names its round (`polls.polls_by_origin`, `polls.origin_count`)."""
    return f"{ORIGIN}{round_id}"


# --- what callers pass and get back --------------------------------------------------------------


@dataclass(frozen=True)
class Reservation:
    """One seat reserved for a region (`region:atlantic`) or a kind of partnership (`kind:ZIP`)."""

    by: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.by}:{self.value}"

    def admits(self, org: OrgInfo) -> bool:
        return (org.region if self.by == "region" else org.kind.value) == self.value


RESERVATIONS = tuple(Reservation("kind", k.value) for k in OrgKind) + tuple(Reservation("region", r) for r in REGIONS)
_BY_KEY = {r.key: r for r in RESERVATIONS}


def reservation(key: str) -> Reservation:
    found = _BY_KEY.get(key)
    if found is None:
        raise Invalid("nominations.error.reserved_unknown", field="reserved", value=key[:40])
    return found


@dataclass(frozen=True)
class RoundSpec:
    """A round to open, as the modal gives it."""

    seats: int
    reserved: tuple[str, ...]
    method: ElectionMethod
    nominations_close_at: datetime
    election_closes_at: datetime
    channel_id: str
    term_years: int = terms.DEFAULT_TERM_YEARS
    locale: str = "en"


@dataclass(frozen=True)
class RoundView:
    id: int
    seats: int
    reserved: tuple[Reservation, ...]
    method: ElectionMethod
    term_years: int
    channel_id: str
    message_ts: str | None
    locale: str
    status: RoundStatus
    outcome: RoundOutcome | None
    opened_by: str
    opened_at: datetime
    nominations_close_at: datetime
    election_closes_at: datetime
    nominations_closed_at: datetime | None
    poll_id: int | None
    ballot: tuple[int, ...]

    def taking_nominations(self, now: datetime) -> bool:
        return (
            self.status is RoundStatus.OPEN and self.nominations_closed_at is None and now < self.nominations_close_at
        )

    @property
    def finished(self) -> bool:
        return self.status in (RoundStatus.DONE, RoundStatus.FAILED)


def _round_view(row: NominationRound) -> RoundView:
    return RoundView(
        id=row.id, seats=row.seats, reserved=tuple(_BY_KEY[r["by"] + ":" + r["value"]] for r in row.reserved),
        method=row.method, term_years=row.term_years, channel_id=row.channel_id, message_ts=row.message_ts,
        locale=row.locale, status=row.status, outcome=row.outcome, opened_by=row.opened_by, opened_at=row.opened_at,
        nominations_close_at=row.nominations_close_at, election_closes_at=row.election_closes_at,
        nominations_closed_at=row.nominations_closed_at, poll_id=row.poll_id, ballot=tuple(row.ballot or ()),
    )  # fmt: skip


@dataclass(frozen=True)
class NominationView:
    id: int
    round_id: int
    nominee_person_id: int
    nominee_user_id: str
    nominee_name: str
    org: OrgInfo
    nominated_by: str
    statement: str
    status: NominationStatus
    reason: str | None
    created_at: datetime

    @property
    def self_nominated(self) -> bool:
        return self.nominated_by == self.nominee_user_id


@dataclass(frozen=True)
class Coverage:
    """How the accepted slate covers the network: per region, per kind, per reservation."""

    regions: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[OrgKind, int], ...]
    reserved: tuple[tuple[Reservation, int], ...]


@dataclass(frozen=True)
class Review:
    round: RoundView
    nominations: tuple[NominationView, ...]
    coverage: Coverage

    @property
    def accepted(self) -> tuple[NominationView, ...]:
        return tuple(n for n in self.nominations if n.status is NominationStatus.ACCEPTED)


@dataclass(frozen=True)
class Closing:
    """Nominations closed: what happens next (`round.status`), with the election poll if any."""

    round: RoundView
    nominees: tuple[NominationView, ...]
    poll: polls.PollView | None
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class SeatFilled:
    nomination: NominationView
    reserved: Reservation | None
    term_start: date
    term_end: date


@dataclass(frozen=True)
class Seating:
    """A round's end: the seats filled (by election or acclamation), or why none were."""

    round: RoundView
    filled: tuple[SeatFilled, ...]
    notices: tuple[Notice, ...]

    @property
    def vacant(self) -> int:
        return max(0, self.round.seats - len(self.filled))


# --- permissions -----------------------------------------------------------------------------------


def may_run(actor: Member | None) -> bool:
    """The Nominations Committee runs rounds; admins may stand in."""
    return actor is not None and actor.has(Role.NOMINATIONS, Role.ADMIN)


def require_committee(actor: Member | None) -> Member:
    if actor is None or not may_run(actor):
        raise NotAllowed("nominations.error.committee_only")
    return actor


async def require_staff(session: AsyncSession, actor: Member | None) -> Member:
    """Nominating is for staff of member organisations; strangers are told whom to ask."""
    if actor is None:
        raise NotInDirectory(contacts=await members.directory_contacts(session))
    if actor.org is None:
        raise NotAllowed("nominations.error.not_staff")
    return actor


# --- opening a round ---------------------------------------------------------------------------


def validate_round(spec: RoundSpec, *, now: datetime) -> RoundSpec:
    """The spec, or an `Invalid` naming the modal field at fault."""
    if not 1 <= spec.seats <= MAX_SEATS:
        raise Invalid("nominations.error.seats", field="seats", maximum=MAX_SEATS)
    reserved = tuple(dict.fromkeys(reservation(key).key for key in spec.reserved))
    if len(reserved) > spec.seats:
        raise Invalid("nominations.error.reserved_too_many", field="reserved", count=spec.seats)
    if not 1 <= spec.term_years <= MAX_TERM_YEARS:
        raise Invalid("nominations.error.term", field="term_years", maximum=MAX_TERM_YEARS)
    if spec.nominations_close_at <= now:
        raise Invalid("nominations.error.deadline_past", field="nominations_close_at")
    if spec.election_closes_at < spec.nominations_close_at + MIN_ELECTION:
        raise Invalid("nominations.error.election_too_soon", field="election_closes_at")
    if spec.election_closes_at > now + LONGEST_ROUND:
        raise Invalid("nominations.error.election_too_late", field="election_closes_at")
    if not spec.channel_id:
        raise Invalid("nominations.error.channel_missing", field="channel")
    return RoundSpec(
        seats=spec.seats, reserved=reserved, method=ElectionMethod(spec.method),
        nominations_close_at=spec.nominations_close_at, election_closes_at=spec.election_closes_at,
        channel_id=spec.channel_id, term_years=spec.term_years, locale=spec.locale,
    )  # fmt: skip


async def open_round(session: AsyncSession, *, spec: RoundSpec, actor: Member | None, now: datetime) -> RoundView:
    """Open a round (the committee or an admin). A second round while one is unfinished is refused
    by the unique `active` column, whoever races."""
    opener = require_committee(actor).slack_user_id
    spec = validate_round(spec, now=now)
    round_id = await insert_if_absent(
        session, NominationRound,
        {
            "seats": spec.seats, "reserved": [{"by": r.by, "value": r.value} for r in map(reservation, spec.reserved)],
            "method": spec.method, "term_years": spec.term_years, "channel_id": spec.channel_id,
            "locale": spec.locale, "status": RoundStatus.OPEN, "active": True, "opened_by": opener,
            "opened_at": now, "nominations_close_at": spec.nominations_close_at,
            "election_closes_at": spec.election_closes_at,
        },
        ["active"],
    )  # fmt: skip
    if round_id is None:
        current = await active_round(session)
        raise Conflict("nominations.error.round_active", field="seats", number=current.id if current else "?")
    await audit.record(
        session, at=now, actor=opener, action="nominations.round_opened",
        subject_type="nomination_round", subject_id=round_id, seats=spec.seats, reserved=list(spec.reserved),
        method=spec.method.value, term_years=spec.term_years,
        nominations_close_at=spec.nominations_close_at.isoformat(),
        election_closes_at=spec.election_closes_at.isoformat(),
    )  # fmt: skip
    return await get_round(session, round_id)


async def set_round_message(session: AsyncSession, round_id: int, *, message_ts: str) -> None:
    await session.execute(update(NominationRound).where(NominationRound.id == round_id).values(message_ts=message_ts))


async def withdraw_unposted(session: AsyncSession, round_id: int, *, now: datetime) -> None:
    """A round whose announcement Slack refused is withdrawn at once: nobody could have seen it."""
    await _finish(session, round_id, RoundOutcome.WITHDRAWN, now=now, expect=RoundStatus.OPEN)


# --- reading -----------------------------------------------------------------------------------


async def get_round(session: AsyncSession, round_id: int, *, lock: bool = False) -> RoundView:
    query = select(NominationRound).where(NominationRound.id == round_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()  # serialises changes to this round's nominations (PostgreSQL)
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise NotFound("nominations.error.no_round", number=round_id)
    return _round_view(row)


async def active_round(session: AsyncSession) -> RoundView | None:
    """The unfinished round, if any (there is at most one)."""
    row = (await session.execute(select(NominationRound).where(NominationRound.active.is_(True)))).scalar_one_or_none()
    return _round_view(row) if row else None


async def latest_round(session: AsyncSession) -> RoundView | None:
    row = (
        await session.execute(select(NominationRound).order_by(NominationRound.id.desc()).limit(1))
    ).scalar_one_or_none()
    return _round_view(row) if row else None


def _nomination_query():
    return (
        select(Nomination, Person.slack_user_id, Person.name, Organisation)
        .join(Person, Person.id == Nomination.nominee_id)
        .join(Organisation, Organisation.id == Nomination.organisation_id)
    )


def _nomination_view(row: Any) -> NominationView:
    nomination, user_id, name, org = row
    return NominationView(
        id=nomination.id, round_id=nomination.round_id, nominee_person_id=nomination.nominee_id,
        nominee_user_id=user_id, nominee_name=name,
        org=OrgInfo(id=org.id, name=org.name, kind=org.kind, province=org.province, region=org.region),
        nominated_by=nomination.nominated_by, statement=nomination.statement, status=nomination.status,
        reason=nomination.reason, created_at=nomination.created_at,
    )  # fmt: skip


async def get_nomination(session: AsyncSession, nomination_id: int) -> NominationView:
    row = (
        await session.execute(
            _nomination_query().where(Nomination.id == nomination_id).execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound("nominations.error.no_nomination", number=nomination_id)
    return _nomination_view(row)


async def nominations_in(
    session: AsyncSession, round_id: int, *, statuses: Sequence[NominationStatus] | None = None
) -> list[NominationView]:
    """A round's nominations, by nominee name (the order of the ballot)."""
    query = _nomination_query().where(Nomination.round_id == round_id).execution_options(populate_existing=True)
    if statuses is not None:
        query = query.where(Nomination.status.in_(list(statuses)))
    found = [_nomination_view(row) for row in (await session.execute(query)).all()]
    return sorted(found, key=lambda n: (n.nominee_name.casefold(), n.id))


def coverage(round_: RoundView, nominations: Sequence[NominationView]) -> Coverage:
    """Accepted nominees per region, per kind and per reserved seat: what the committee weighs
    against "represent diversity of LIP/ZIP voices"."""
    accepted = [n for n in nominations if n.status is NominationStatus.ACCEPTED]
    regions = Counter(n.org.region for n in accepted)
    kinds = Counter(n.org.kind for n in accepted)
    return Coverage(
        regions=tuple((r, regions[r]) for r in REGIONS),
        kinds=tuple((k, kinds[k]) for k in OrgKind),
        reserved=tuple((r, sum(1 for n in accepted if r.admits(n.org))) for r in round_.reserved),
    )


async def review(session: AsyncSession, *, actor: Member | None) -> Review | None:
    """For the committee: the unfinished round (else the latest) with every nomination and the
    slate's coverage; None if no round was ever opened."""
    require_committee(actor)
    found = await active_round(session) or await latest_round(session)
    if found is None:
        return None
    nominations = await nominations_in(session, found.id)
    return Review(round=found, nominations=tuple(nominations), coverage=coverage(found, nominations))


# --- nominating ---------------------------------------------------------------------------------


def clean_statement(text: str | None) -> str:
    statement = (text or "").strip()
    if not statement:
        raise Invalid("nominations.error.statement_missing", field="statement")
    if len(statement) > STATEMENT_LIMIT:
        raise Invalid("nominations.error.statement_too_long", field="statement", limit=STATEMENT_LIMIT)
    return statement


async def check_nominee(session: AsyncSession, round_: RoundView, nominee: Member | None, user_id: str) -> Member:
    """The nominee if they can stand in this round, else the rule that says no and why."""
    if nominee is None or nominee.org is None:
        raise NotAllowed("nominations.error.nominee_not_staff", field="nominee", user=user_id)
    if nominee.has(Role.NOMINATIONS):
        raise NotAllowed("nominations.error.nominee_on_committee", field="nominee", user=user_id)
    if nominee.has(Role.EX_OFFICIO):
        raise NotAllowed("nominations.error.nominee_ex_officio", field="nominee", user=user_id)
    renewable_until = (round_.election_closes_at + RENEWAL_WINDOW).date()
    for holder in await _seat_holders(session, nominee):
        end = holder.term_end
        if end is None or end > renewable_until:
            key = (
                "nominations.error.nominee_seated"
                if holder.person_id == nominee.person_id
                else "nominations.error.org_seated"
            )
            raise NotAllowed(
                key, field="nominee", user=user_id, holder=holder.slack_user_id, org=nominee.org.name,
                end=end.isoformat() if end else "—",
            )  # fmt: skip
    return nominee


async def _seat_holders(session: AsyncSession, nominee: Member) -> list[Member]:
    """Who holds a seat that would clash: the nominee's own, and their organisation's."""
    org_id = nominee.org.id if nominee.org else None
    return [
        m
        for m in await members.members_with_role(session, Role.EXEC)
        if m.person_id == nominee.person_id or m.grant(Role.EXEC).organisation_id == org_id  # type: ignore[union-attr]
    ]


async def nominate(
    session: AsyncSession, *, round_id: int, nominee_user: str, statement: str | None, actor: Member | None,
    now: datetime, default_locale: str,
) -> tuple[NominationView, list[Notice]]:  # fmt: skip
    """Nominate someone (or oneself) in an open round; the nominee is asked to accept or decline."""
    nominator = await require_staff(session, actor)
    round_ = await get_round(session, round_id, lock=True)
    nominee = await check_can_nominate(session, round_, nominee_user, now=now)
    text = clean_statement(statement)
    nomination_id = await insert_if_absent(
        session, Nomination,
        {
            "round_id": round_.id, "nominee_id": nominee.person_id, "organisation_id": nominee.org.id,  # type: ignore[union-attr]
            "nominated_by": nominator.slack_user_id, "statement": text, "status": NominationStatus.PENDING,
            "created_at": now,
        },
        ["round_id", "nominee_id"],
    )  # fmt: skip
    if nomination_id is None:  # unreachable under the round lock; the constraint is the backstop
        raise Conflict("nominations.error.already_nominated", field="nominee", user=nominee_user)
    await audit.record(
        session, at=now, actor=nominator.slack_user_id, action="nominations.nominated", subject_type="nomination",
        subject_id=nomination_id, round_id=round_.id, nominee=nominee_user, organisation_id=nominee.org.id,  # type: ignore[union-attr]
    )  # fmt: skip
    nomination = await get_nomination(session, nomination_id)
    notices = await terms.notices_to(
        session, [nominee_user], key=lambda uid: f"nomination:{nomination_id}:ask", occasion="ask",
        subject=(round_, nomination), default_locale=default_locale,
    )  # fmt: skip
    return nomination, notices


async def check_can_nominate(session: AsyncSession, round_: RoundView, nominee_user: str, *, now: datetime) -> Member:
    """Whether this person can be nominated in this round now (asked before the modal opens too,
    so nobody writes a statement for a nomination that would be refused)."""
    if not round_.taking_nominations(now):
        raise Conflict("nominations.error.closed", number=round_.id)
    nominee = await check_nominee(session, round_, await members.get_member(session, nominee_user), nominee_user)
    await _check_not_in_round(session, round_, nominee)
    return nominee


async def _check_not_in_round(session: AsyncSession, round_: RoundView, nominee: Member) -> None:
    """Once per person per round; one nominee in play per organisation, said with the reason."""
    for other in await nominations_in(session, round_.id):
        if other.nominee_person_id == nominee.person_id:
            raise Conflict("nominations.error.already_nominated", field="nominee", user=nominee.slack_user_id)
        if other.org.id == nominee.org.id and other.status in IN_PLAY:  # type: ignore[union-attr]
            raise Conflict(
                "nominations.error.org_has_nominee", field="nominee", org=other.org.name,
                other=other.nominee_user_id,
            )  # fmt: skip


# --- the nominee's answer, withdrawal, ineligibility ------------------------------------------------


async def _locked(session: AsyncSession, nomination_id: int) -> tuple[RoundView, NominationView]:
    """The nomination and its round, the round locked so the answer cannot cross a close."""
    nomination = await get_nomination(session, nomination_id)
    round_ = await get_round(session, nomination.round_id, lock=True)
    return round_, await get_nomination(session, nomination_id)


def _refuse_settled(nomination: NominationView, *, accepting: bool | None) -> None:
    """A nomination already answered, withdrawn or ruled out says so, with what to do instead."""
    status = nomination.status
    if status is NominationStatus.PENDING:
        return
    if status is NominationStatus.ACCEPTED:
        key = "nominations.error.already_accepted" if accepting else "nominations.error.accepted_withdraw_instead"
        raise Conflict(key, number=nomination.round_id)
    raise Conflict(f"nominations.error.was_{status.value}", number=nomination.round_id)


async def _set_status(
    session: AsyncSession, nomination_id: int, *, expect: Sequence[NominationStatus], **values: Any
) -> bool:
    """Move a nomination on only from the statuses expected (a double click moves it once)."""
    won = await session.execute(
        update(Nomination)
        .where(Nomination.id == nomination_id, Nomination.status.in_(list(expect)))
        .values(**values)
        .returning(Nomination.id)
    )
    return won.first() is not None


async def respond(
    session: AsyncSession, *, nomination_id: int, accept: bool, user_id: str, now: datetime, default_locale: str
) -> tuple[NominationView, list[Notice]]:
    """The nominee accepts or declines (only they can); the nominator is told the outcome."""
    round_, nomination = await _locked(session, nomination_id)
    if nomination.nominee_user_id != user_id:
        raise NotAllowed("nominations.error.not_nominee", user=nomination.nominee_user_id)
    _refuse_settled(nomination, accepting=accept)
    if not round_.taking_nominations(now):
        raise Conflict("nominations.error.closed", number=round_.id)
    if accept and len(await nominations_in(session, round_.id, statuses=[NominationStatus.ACCEPTED])) >= MAX_CANDIDATES:
        raise Conflict("nominations.error.ballot_full", count=MAX_CANDIDATES)
    status = NominationStatus.ACCEPTED if accept else NominationStatus.DECLINED
    if not await _set_status(
        session, nomination_id, expect=[NominationStatus.PENDING], status=status, responded_at=now
    ):
        raise Conflict("nominations.error.already_answered")
    await audit.record(
        session, at=now, actor=user_id, action=f"nominations.{status.value}", subject_type="nomination",
        subject_id=nomination_id, round_id=round_.id,
    )  # fmt: skip
    updated = await get_nomination(session, nomination_id)
    told = [] if updated.self_nominated else [updated.nominated_by]
    notices = await terms.notices_to(
        session, told, key=lambda uid: f"nomination:{nomination_id}:{status.value}", occasion=status.value,
        subject=(round_, updated), default_locale=default_locale,
    )  # fmt: skip
    return updated, notices


async def withdraw(
    session: AsyncSession, *, nomination_id: int, user_id: str, now: datetime, default_locale: str
) -> tuple[NominationView, list[Notice]]:
    """The nominee steps back (pending or accepted), or the nominator takes back an unanswered
    nomination, while nominations are open. The other party is told."""
    round_, nomination = await _locked(session, nomination_id)
    is_nominee = nomination.nominee_user_id == user_id
    if not is_nominee and nomination.nominated_by != user_id:
        raise NotAllowed("nominations.error.not_yours")
    if nomination.status is NominationStatus.ACCEPTED and not is_nominee:
        raise Conflict("nominations.error.nominator_cannot_withdraw")
    if nomination.status not in IN_PLAY:
        _refuse_settled(nomination, accepting=None)
    if not round_.taking_nominations(now):
        raise Conflict("nominations.error.closed", number=round_.id)
    if not await _set_status(
        session, nomination_id, expect=IN_PLAY, status=NominationStatus.WITHDRAWN, responded_at=now
    ):
        raise Conflict("nominations.error.already_answered")
    await audit.record(
        session, at=now, actor=user_id, action="nominations.withdrawn", subject_type="nomination",
        subject_id=nomination_id, round_id=round_.id,
    )  # fmt: skip
    updated = await get_nomination(session, nomination_id)
    other = updated.nominated_by if is_nominee else updated.nominee_user_id
    told = [] if updated.self_nominated else [other]
    notices = await terms.notices_to(
        session, told, key=lambda uid: f"nomination:{nomination_id}:withdrawn", occasion="withdrawn",
        subject=(round_, updated), default_locale=default_locale,
    )  # fmt: skip
    return updated, notices


async def mark_ineligible(
    session: AsyncSession, *, nomination_id: int, reason: str | None, actor: Member | None, now: datetime,
    default_locale: str,
) -> tuple[NominationView, list[Notice]]:  # fmt: skip
    """The committee rules a nomination out while nominations are open; the nominee (and the
    nominator) are told the reason."""
    committee = require_committee(actor)
    text = (reason or "").strip()
    if not text:
        raise Invalid("nominations.error.reason_missing", field="reason")
    if len(text) > REASON_LIMIT:
        raise Invalid("nominations.error.reason_too_long", field="reason", limit=REASON_LIMIT)
    round_, nomination = await _locked(session, nomination_id)
    if nomination.status not in IN_PLAY:
        _refuse_settled(nomination, accepting=None)
    if round_.status is not RoundStatus.OPEN or round_.nominations_closed_at is not None:
        raise Conflict("nominations.error.closed", number=round_.id)
    values = {"status": NominationStatus.INELIGIBLE, "reason": text, "decided_by": committee.slack_user_id}
    if not await _set_status(session, nomination_id, expect=IN_PLAY, **values):
        raise Conflict("nominations.error.already_answered")
    await audit.record(
        session, at=now, actor=committee.slack_user_id, action="nominations.ineligible", subject_type="nomination",
        subject_id=nomination_id, round_id=round_.id, reason=text,
    )  # fmt: skip
    updated = await get_nomination(session, nomination_id)
    notices = await terms.notices_to(
        session, [updated.nominee_user_id, updated.nominated_by],
        key=lambda uid: f"nomination:{nomination_id}:ineligible:{uid}", occasion="ineligible",
        subject=(round_, updated), default_locale=default_locale,
    )  # fmt: skip
    return updated, notices


# --- closing nominations ----------------------------------------------------------------------------


async def close_nominations(
    session: AsyncSession, *, round_id: int, actor: Member | None, now: datetime, default_locale: str
) -> Closing:
    """The committee closes nominations before the deadline (then as the deadline would)."""
    committee = require_committee(actor)
    if not await _claim_close(session, round_id, now=now, closed_by=committee.slack_user_id):
        raise Conflict("nominations.error.already_closed", number=round_id)
    return await _after_close(session, round_id, now=now, default_locale=default_locale)


async def close_due(session: AsyncSession, *, now: datetime, default_locale: str) -> list[Closing]:
    """Close every round whose nomination deadline has passed — each once, whoever runs this."""
    due = (
        await session.execute(
            select(NominationRound.id).where(
                NominationRound.status == RoundStatus.OPEN,
                NominationRound.nominations_closed_at.is_(None),
                NominationRound.nominations_close_at <= now,
            )
        )
    ).scalars()
    closed = []
    for round_id in list(due):
        if await _claim_close(session, round_id, now=now, closed_by=None):
            closed.append(await _after_close(session, round_id, now=now, default_locale=default_locale))
    return closed


async def _claim_close(session: AsyncSession, round_id: int, *, now: datetime, closed_by: str | None) -> bool:
    """The one place nominations close: a conditional UPDATE, so exactly one caller wins."""
    won = await session.execute(
        update(NominationRound)
        .where(
            NominationRound.id == round_id,
            NominationRound.status == RoundStatus.OPEN,
            NominationRound.nominations_closed_at.is_(None),
        )
        .values(nominations_closed_at=now, closed_by=closed_by)
        .returning(NominationRound.id)
    )
    return won.first() is not None


async def _after_close(session: AsyncSession, round_id: int, *, now: datetime, default_locale: str) -> Closing:
    """What the accepted slate leads to: nothing, acclamation, or an election."""
    round_ = await get_round(session, round_id)
    nominees = await nominations_in(session, round_id, statuses=[NominationStatus.ACCEPTED])
    poll = None
    if not nominees:
        await _finish(session, round_id, RoundOutcome.NO_NOMINEES, now=now, expect=RoundStatus.OPEN)
    elif len(nominees) <= round_.seats:
        await _set_round(session, round_id, status=RoundStatus.ACCLAMATION)
    else:
        poll = await _open_election(session, round_, nominees, now=now)
        await _set_round(session, round_id, status=RoundStatus.VOTING, poll_id=poll.id, ballot=[n.id for n in nominees])
    round_ = await get_round(session, round_id)
    await audit.record(
        session, at=now, actor=None, action="nominations.closed", subject_type="nomination_round",
        subject_id=round_id, accepted=len(nominees), next=round_.status.value, poll_id=poll.id if poll else None,
    )  # fmt: skip
    notices = await terms.notices_to(
        session, await terms.committee_ids(session), key=lambda uid: f"{origin_of(round_id)}:closed:{uid}",
        occasion=f"closed_{round_.status.value}", subject=(round_, tuple(nominees), poll),
        default_locale=default_locale,
    )  # fmt: skip
    return Closing(round=round_, nominees=tuple(nominees), poll=poll, notices=tuple(notices))


async def _open_election(
    session: AsyncSession, round_: RoundView, nominees: Sequence[NominationView], *, now: datetime
) -> polls.PollView:
    """The election on the poll engine: secret, one vote per member organisation, STV (or
    approval), the candidates in name order. It never runs shorter than a day, even when the job
    closing nominations ran late."""
    t = Translator(round_.locale)
    spec = polls.PollSpec(
        question=t("nominations.election.question", number=round_.id, count=round_.seats),
        options=[candidate_label(n) for n in nominees], kind=POLL_KINDS[round_.method], seats=round_.seats,
        electorate=Electorate.NETWORK, secret=True, channel_id=round_.channel_id,
        closes_at=max(round_.election_closes_at, now + MIN_ELECTION), locale=round_.locale,
        origin=origin_of(round_.id),
    )  # fmt: skip
    return await polls.create_system_poll(session, spec=spec, now=now)


def candidate_label(nomination: NominationView) -> str:
    """A ballot option: the nominee and their organisation (names are unique per round: one per
    organisation), within the engine's option length."""
    label = f"{nomination.nominee_name} — {nomination.org.name}"
    return label if len(label) <= polls.OPTION_LIMIT else label[: polls.OPTION_LIMIT - 1] + "…"


async def _set_round(session: AsyncSession, round_id: int, **values: Any) -> None:
    await session.execute(update(NominationRound).where(NominationRound.id == round_id).values(**values))


async def _finish(
    session: AsyncSession, round_id: int, outcome: RoundOutcome, *, now: datetime, expect: RoundStatus
) -> bool:
    """End a round once (from the status expected): it frees the place for the next round."""
    status = RoundStatus.DONE if outcome in (RoundOutcome.ELECTED, RoundOutcome.ACCLAIMED) else RoundStatus.FAILED
    won = await session.execute(
        update(NominationRound)
        .where(NominationRound.id == round_id, NominationRound.status == expect)
        .values(status=status, outcome=outcome, active=None, finished_at=now)
        .returning(NominationRound.id)
    )
    return won.first() is not None


def statements_notice(round_: RoundView, nominees: Sequence[NominationView], *, thread_ts: str | None) -> Notice:
    """The candidates' statements, for the election poll's thread (once per round)."""
    return Notice(
        f"{origin_of(round_.id)}:statements", round_.channel_id, round_.locale, "statements",
        (round_, tuple(nominees)), thread_ts=thread_ts,
    )  # fmt: skip


async def unposted_elections(session: AsyncSession, *, now: datetime) -> list[tuple[RoundView, polls.PollView]]:
    """Election polls opened but never posted (the process stopped between commit and post)."""
    rows = await session.execute(
        select(NominationRound.id, Poll.id)
        .join(Poll, Poll.id == NominationRound.poll_id)
        .where(
            NominationRound.status == RoundStatus.VOTING,
            Poll.status == PollStatus.OPEN,
            Poll.message_ts.is_(None),
            Poll.created_at <= now - UNPOSTED_GRACE,
        )
    )
    return [(await get_round(session, rid), await polls.get_poll(session, pid)) for rid, pid in rows.all()]


# --- filling seats ------------------------------------------------------------------------------------


def fill_seats(
    method: ElectionMethod, candidates: Sequence[OrgInfo], ballots: Sequence[Sequence[int]], *, seats: int,
    reserved: Sequence[Reservation], tie_order: Sequence[int],
) -> list[tuple[int, Reservation | None]]:  # fmt: skip
    """Who is elected, reserved seats first: each reservation (identical ones together) is counted
    among the candidates it admits, on the same ballots read as if only those candidates stood;
    then the remaining seats among everyone not yet elected. Each count is the engine's own
    (`counting.count`), with the poll's drawn tie order restricted to the candidates counted. A
    reservation with no eligible candidate (or none anybody chose) becomes a general seat; a count
    with no more candidates than seats elects them all. Returns (candidate, reservation) in order."""
    filled: list[tuple[int, Reservation | None]] = []
    taken: set[int] = set()
    for reserved_for, count in Counter(reserved).items():
        eligible = [i for i, org in enumerate(candidates) if i not in taken and reserved_for.admits(org)]
        for winner in _count_among(method, eligible, ballots, seats=count, tie_order=tie_order):
            filled.append((winner, reserved_for))
            taken.add(winner)
    rest = [i for i in range(len(candidates)) if i not in taken]
    filled += [(w, None) for w in _count_among(method, rest, ballots, seats=seats - len(filled), tie_order=tie_order)]
    return filled


def _count_among(
    method: ElectionMethod, eligible: Sequence[int], ballots: Sequence[Sequence[int]], *, seats: int,
    tie_order: Sequence[int],
) -> list[int]:  # fmt: skip
    if seats <= 0 or not eligible:
        return []
    if len(eligible) <= seats:
        return list(eligible)
    index = {candidate: i for i, candidate in enumerate(eligible)}
    narrowed = [[index[c] for c in ballot if c in index] for ballot in ballots]
    order = [index[c] for c in tie_order if c in index]
    tally = counting.count(POLL_KINDS[method], len(eligible), narrowed, seats=seats, tie_order=order)
    return [eligible[w] for w in tally.winners]


def reservation_fact(reserved: Reservation) -> Fact:
    """A reservation as words, for the poll's results (rendered in the poll's language)."""
    if reserved.by == "region":
        return Fact("nominations.reserved.region", {"region": Fact(f"regions.{reserved.value}")})
    return Fact("nominations.reserved.kind", {"kind": reserved.value})


def _seat_label(reserved: Reservation | None) -> Fact | None:
    return Fact("nominations.result.reserved_seat", {"seat": reservation_fact(reserved)}) if reserved else None


@polls.origin_count(ORIGIN)
async def count_election(
    session: AsyncSession, poll: polls.PollView, ballots: Sequence[Sequence[int]], engine: counting.Count
) -> polls.OriginCount | None:
    """The poll engine asks this when a round's election poll closes, so the poll's results post,
    its message and its export name the round's real winners: reserved seats first (`fill_seats`,
    on the ballots the engine counted, with the poll's tie order), each labelled. A round without
    reservations (or an election without ballots) keeps the engine's own count: None."""
    try:
        round_ = await get_round(session, int((poll.origin or "").removeprefix(ORIGIN)))
    except (NotFound, ValueError):
        return None
    if not round_.reserved or not engine.ballots or round_.poll_id != poll.id:
        return None
    candidates = [n.org for n in await ballot_nominations(session, round_)]
    picks = fill_seats(
        round_.method, candidates, ballots, seats=round_.seats, reserved=round_.reserved, tie_order=poll.tie_order
    )
    seats = tuple(polls.Seat(winner, r.key if r else None, _seat_label(r)) for winner, r in picks)
    notes = (Fact("nominations.poll.counted", {"number": round_.id}), Fact("nominations.statements.reserved_first"))
    return polls.OriginCount(seats, notes)


async def _election_winners(
    session: AsyncSession, round_: RoundView, results: polls.Results
) -> list[tuple[int, Reservation | None]]:
    """What the poll's results say: the seats this round counted when the poll closed
    (`count_election`, reserved seats first), else the engine's count (no seat reserved). A poll
    closed before the round could count it (a frozen result without seats) is recounted here over
    the same ballots, which are choices only."""
    if results.by_origin is not None:
        return [(s.option, _BY_KEY[s.tag] if s.tag else None) for s in results.by_origin.seats]
    if not round_.reserved:
        return [(w, None) for w in results.count.winners]
    ballots = await polls.closed_ballots(session, results.poll)
    candidates = [n.org for n in await ballot_nominations(session, round_)]
    return fill_seats(
        round_.method, candidates, ballots, seats=round_.seats, reserved=round_.reserved,
        tie_order=results.poll.tie_order,
    )  # fmt: skip


async def ballot_nominations(session: AsyncSession, round_: RoundView) -> list[NominationView]:
    """The candidates in the election poll's option order (recorded when it opened)."""
    by_id = {n.id: n for n in await nominations_in(session, round_.id)}
    return [by_id[i] for i in round_.ballot]


async def acclaim(
    session: AsyncSession, *, round_id: int, actor: Member | None, now: datetime, today: date, default_locale: str
) -> Seating:
    """The committee seats every accepted nominee without a vote, when there are no more of them
    than seats (recorded as acclamation)."""
    committee = require_committee(actor)
    if not await _finish(session, round_id, RoundOutcome.ACCLAIMED, now=now, expect=RoundStatus.ACCLAMATION):
        raise Conflict("nominations.error.cannot_acclaim", number=round_id)
    round_ = await get_round(session, round_id)
    nominees = await nominations_in(session, round_id, statuses=[NominationStatus.ACCEPTED])
    picks = fill_seats(
        round_.method, [n.org for n in nominees], [], seats=round_.seats, reserved=round_.reserved, tie_order=()
    )
    filled = [(nominees[i], r) for i, r in picks]
    return await _seat(session, round_, filled, now=now, today=today, actor=committee.slack_user_id,
                       default_locale=default_locale)  # fmt: skip


async def seat_due(session: AsyncSession, *, now: datetime, today: date, default_locale: str) -> list[Seating]:
    """Finish every round whose election poll has closed (or was cancelled) — each once."""
    due = await session.execute(
        select(NominationRound.id)
        .outerjoin(Poll, Poll.id == NominationRound.poll_id)
        .where(NominationRound.status == RoundStatus.VOTING, (Poll.id.is_(None)) | (Poll.status != PollStatus.OPEN))
        .order_by(NominationRound.id)
    )
    done = []
    for round_id in list(due.scalars()):
        seating = await _finish_election(session, round_id, now=now, today=today, default_locale=default_locale)
        if seating is not None:
            done.append(seating)
    return done


async def _finish_election(
    session: AsyncSession, round_id: int, *, now: datetime, today: date, default_locale: str
) -> Seating | None:
    round_ = await get_round(session, round_id)
    results = await polls.final_results(session, round_.poll_id) if round_.poll_id else None
    picks = await _election_winners(session, round_, results) if results and results.count.ballots else []
    outcome = RoundOutcome.ELECTED if picks else RoundOutcome.NO_BALLOTS
    if results is None:  # the poll was cancelled (or could not be posted): nothing was counted
        outcome = RoundOutcome.WITHDRAWN
    if not await _finish(session, round_id, outcome, now=now, expect=RoundStatus.VOTING):
        return None
    candidates = await ballot_nominations(session, round_)
    filled = [(candidates[i], r) for i, r in picks]
    return await _seat(session, await get_round(session, round_id), filled, now=now, today=today, actor=None,
                       default_locale=default_locale)  # fmt: skip


async def _seat(
    session: AsyncSession, round_: RoundView, filled: Sequence[tuple[NominationView, Reservation | None]], *,
    now: datetime, today: date, actor: str | None, default_locale: str,
) -> Seating:  # fmt: skip
    """Winners take their organisations' seats from today for the round's term; the channel hears
    the outcome, each winner gets a DM, and the committee is told if nobody could be seated."""
    start, end = terms.term_dates(today, round_.term_years)
    seats = []
    for nomination, reserved_for in filled:
        await terms.take_seat(
            session, person_id=nomination.nominee_person_id, organisation_id=nomination.org.id, start=start,
            end=end, now=now, reason=f"{origin_of(round_.id)}:{round_.outcome}", actor=actor,
        )  # fmt: skip
        seats.append(SeatFilled(nomination, reserved_for, start, end))
    await audit.record(
        session, at=now, actor=actor, action="nominations.finished", subject_type="nomination_round",
        subject_id=round_.id, outcome=round_.outcome.value if round_.outcome else None,
        seated=[s.nomination.nominee_user_id for s in seats],
    )  # fmt: skip
    seating = Seating(round=round_, filled=tuple(seats), notices=())
    notices = [Notice(f"{origin_of(round_.id)}:result", round_.channel_id, round_.locale, "result", seating)]
    notices += await terms.notices_to(
        session, [s.nomination.nominee_user_id for s in seats], key=lambda uid: f"{origin_of(round_.id)}:seated:{uid}",
        occasion="seated", subject=seating, default_locale=default_locale,
    )  # fmt: skip
    if not seats:
        notices += await terms.notices_to(
            session, await terms.committee_ids(session), key=lambda uid: f"{origin_of(round_.id)}:failed:{uid}",
            occasion="failed", subject=seating, default_locale=default_locale,
        )  # fmt: skip
    return Seating(round=round_, filled=tuple(seats), notices=tuple(notices))


# --- the Home and the leads' digest -------------------------------------------------------------------


@needs_you
async def nominations_to_answer(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """Nominations waiting for this person to accept or decline, while the round takes them."""
    rows = await session.execute(
        select(Nomination.id, Nomination.nominated_by, NominationRound.id, NominationRound.nominations_close_at)
        .join(NominationRound, NominationRound.id == Nomination.round_id)
        .where(
            Nomination.nominee_id == member.person_id,
            Nomination.status == NominationStatus.PENDING,
            NominationRound.status == RoundStatus.OPEN,
            NominationRound.nominations_closed_at.is_(None),
            NominationRound.nominations_close_at > now,
        )
    )
    return [
        NeedsYou(
            fact=Fact("nominations.home.needs_answer", {"number": round_id, "nominator": nominator}),
            due=closes_at,
            action=HomeAction.SHOW_NOMINATION,
            action_label=Fact("nominations.home.answer_button"),
            value=str(nomination_id),
        )
        for nomination_id, nominator, round_id, closes_at in rows.all()
    ]


@needs_you
async def rounds_to_acclaim(session: AsyncSession, member: Member, now: datetime) -> list[NeedsYou]:
    """For the committee: a round whose nominees can be acclaimed."""
    if not may_run(member):
        return []
    found = await active_round(session)
    if found is None or found.status is not RoundStatus.ACCLAMATION:
        return []
    return [
        NeedsYou(
            fact=Fact("nominations.home.needs_acclaim", {"number": found.id}),
            action=HomeAction.REVIEW_NOMINATIONS,
            action_label=Fact("nominations.home.review_button"),
            value=str(found.id),
        )
    ]


@home_area("network")
async def open_round_link(session: AsyncSession, member: Member | None, now: datetime) -> list[HomeLink]:
    """The unfinished round: a Nominate button while it takes nominations."""
    found = await active_round(session)
    if found is None:
        return []
    params = {"number": found.id, "count": found.seats}
    if found.taking_nominations(now):
        return [
            HomeLink(
                fact=Fact("nominations.home.round_open", params),
                action=HomeAction.NOMINATE,
                action_label=Fact("nominations.home.nominate_button"),
                value=str(found.id),
            )
        ]
    return [HomeLink(fact=Fact(f"nominations.home.round_{found.status.value}", {**params, "poll": found.poll_id}))]


@digest_section
async def rounds_digest(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """For the leads: the unfinished round with its slate, and rounds finished this week."""
    found = await active_round(session)
    finished = (
        await session.execute(
            select(func.count()).select_from(NominationRound).where(NominationRound.finished_at > since)
        )
    ).scalar_one()
    if found is None and not finished:
        return None
    headline = [Fact("nominations.digest.finished", {"count": finished})]
    details: list[Fact] = []
    if found is not None:
        counts = Counter(n.status for n in await nominations_in(session, found.id))
        headline.insert(0, Fact(f"nominations.digest.round_{found.status.value}", {"number": found.id}))
        details.append(
            Fact(
                "nominations.digest.slate",
                {
                    "accepted": counts[NominationStatus.ACCEPTED],
                    "pending": counts[NominationStatus.PENDING],
                    "count": found.seats,
                },
            )
        )
    return Section(order=40, title=Fact("nominations.digest.title"), headline=tuple(headline), details=tuple(details))
