"""Opening a round and ending one: the rules a round must meet (seats, reservations, deadlines,
term), the one-round-at-a-time rule, and the conditional UPDATEs that move a round on exactly once.

A second round while one is unfinished is refused by the unique `active` column, whoever races;
ending a round (`finish_round`) clears it, which frees the place for the next one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, polls
from bot.services.errors import Conflict, Invalid
from bot.services.members import Member
from bot.services.nominations.fields import NominationField
from bot.services.nominations.permissions import require_committee
from bot.services.nominations.reading import active_round, get_round
from bot.services.nominations.shapes import RoundSpec, RoundView, reservation
from bot.services.sql import insert_if_absent
from models.nominations import ElectionMethod, NominationRound, RoundOutcome, RoundStatus

MAX_SEATS = 15
MAX_TERM_YEARS = 4
MIN_ELECTION = timedelta(days=1)  # between the nomination deadline and the election's
LONGEST_ROUND = polls.LONGEST_POLL


def validate_round(spec: RoundSpec, *, now: datetime) -> RoundSpec:
    """The spec, or an `Invalid` naming the modal field at fault."""
    if not 1 <= spec.seats <= MAX_SEATS:
        raise Invalid("nominations.error.seats", field=NominationField.SEATS, maximum=MAX_SEATS)
    reserved = tuple(dict.fromkeys(reservation(key).key for key in spec.reserved))
    if len(reserved) > spec.seats:
        raise Invalid("nominations.error.reserved_too_many", field=NominationField.RESERVED, count=spec.seats)
    if not 1 <= spec.term_years <= MAX_TERM_YEARS:
        raise Invalid("nominations.error.term", field=NominationField.TERM_YEARS, maximum=MAX_TERM_YEARS)
    if spec.nominations_close_at <= now:
        raise Invalid("nominations.error.deadline_past", field=NominationField.NOMINATIONS_CLOSE_AT)
    if spec.election_closes_at < spec.nominations_close_at + MIN_ELECTION:
        raise Invalid("nominations.error.election_too_soon", field=NominationField.ELECTION_CLOSES_AT)
    if spec.election_closes_at > now + LONGEST_ROUND:
        raise Invalid("nominations.error.election_too_late", field=NominationField.ELECTION_CLOSES_AT)
    if not spec.channel_id:
        raise Invalid("nominations.error.channel_missing", field=NominationField.CHANNEL)
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
        raise Conflict(
            "nominations.error.round_active", field=NominationField.SEATS, number=current.id if current else "?"
        )
    await audit.record(
        session, at=now, actor=opener, action="nominations.round_opened",
        subject_type="nomination_round", subject_id=round_id, seats=spec.seats, reserved=list(spec.reserved),
        method=spec.method.value, term_years=spec.term_years,
        nominations_close_at=spec.nominations_close_at.isoformat(),
        election_closes_at=spec.election_closes_at.isoformat(),
    )  # fmt: skip
    return await get_round(session, round_id)


async def set_round_message(session: AsyncSession, round_id: int, *, message_ts: str) -> None:
    await update_round(session, round_id, message_ts=message_ts)


async def withdraw_unposted(session: AsyncSession, round_id: int, *, now: datetime) -> None:
    """A round whose announcement Slack refused is withdrawn at once: nobody could have seen it."""
    await finish_round(session, round_id, RoundOutcome.WITHDRAWN, now=now, expect=RoundStatus.OPEN)


async def update_round(session: AsyncSession, round_id: int, **values: Any) -> None:
    """Within the package: the announcement's timestamp, or the next status once nominations closed."""
    await session.execute(update(NominationRound).where(NominationRound.id == round_id).values(**values))


async def finish_round(
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
