"""Closing nominations, at the deadline (the job) or when the committee closes them — exactly
once, whoever runs it: a conditional UPDATE of the round row decides (`_claim_close`), and since
every change to a round's nominations locks that row first, no nomination or acceptance lands
after it. Then the accepted slate decides what follows: no accepted nominee → the round fails; no
more than seats → the committee may acclaim them; more → an election poll.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, terms
from bot.services.errors import Conflict
from bot.services.members import Member
from bot.services.nominations.elections import open_election, origin_of
from bot.services.nominations.permissions import require_committee
from bot.services.nominations.reading import get_round, nominations_in
from bot.services.nominations.rounds import finish_round, update_round
from bot.services.nominations.shapes import Closing
from models.nominations import NominationRound, NominationStatus, RoundOutcome, RoundStatus


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
        await finish_round(session, round_id, RoundOutcome.NO_NOMINEES, now=now, expect=RoundStatus.OPEN)
    elif len(nominees) <= round_.seats:
        await update_round(session, round_id, status=RoundStatus.ACCLAMATION)
    else:
        poll = await open_election(session, round_, nominees, now=now)
        await update_round(
            session, round_id, status=RoundStatus.VOTING, poll_id=poll.id, ballot=[n.id for n in nominees]
        )
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
