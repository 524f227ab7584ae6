"""What becomes of a nomination: the nominee accepts or declines (only accepted nominations go
forward), the nominee or the nominator withdraws it, or the committee rules it out with a reason
the nominee is told.

Each locks the round first (`_locked`), so no answer lands after nominations closed, and moves the
nomination with a conditional UPDATE from the statuses expected, so a double click moves it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, polls, terms
from bot.services.errors import Conflict, Invalid, NotAllowed
from bot.services.members import Member
from bot.services.nominations.fields import NominationField
from bot.services.nominations.permissions import require_committee
from bot.services.nominations.reading import get_nomination, get_round, nominations_in
from bot.services.nominations.shapes import NominationView, RoundView
from bot.services.terms import Notice
from models.nominations import IN_PLAY, Nomination, NominationStatus, RoundStatus

REASON_LIMIT = 500
MAX_CANDIDATES = polls.MAX_OPTIONS  # a ballot holds at most this many options


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
        raise Invalid("nominations.error.reason_missing", field=NominationField.REASON)
    if len(text) > REASON_LIMIT:
        raise Invalid("nominations.error.reason_too_long", field=NominationField.REASON, limit=REASON_LIMIT)
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
