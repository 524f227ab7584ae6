"""A round's end: the committee acclaims the accepted nominees when there are no more of them
than seats, or the job finishes a round whose election poll has closed — each exactly once (the
round moves on by a conditional UPDATE). The winners take their organisations' seats for the
round's term (`bot.services.terms`); the channel, each winner and, if nobody was seated, the
committee are told.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, polls, terms
from bot.services.errors import Conflict
from bot.services.members import Member
from bot.services.nominations.elections import ballot_nominations, origin_of
from bot.services.nominations.permissions import require_committee
from bot.services.nominations.reading import get_round, nominations_in
from bot.services.nominations.rounds import finish_round
from bot.services.nominations.shapes import NominationView, Reservation, RoundView, SeatFilled, Seating
from bot.services.nominations.tally import election_winners, fill_seats
from bot.services.terms import Notice
from models.nominations import NominationRound, NominationStatus, RoundOutcome, RoundStatus
from models.polls import Poll, PollStatus


async def acclaim(
    session: AsyncSession, *, round_id: int, actor: Member | None, now: datetime, today: date, default_locale: str
) -> Seating:
    """The committee seats every accepted nominee without a vote, when there are no more of them
    than seats (recorded as acclamation)."""
    committee = require_committee(actor)
    if not await finish_round(session, round_id, RoundOutcome.ACCLAIMED, now=now, expect=RoundStatus.ACCLAMATION):
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
    picks = await election_winners(session, round_, results) if results and results.count.ballots else []
    outcome = RoundOutcome.ELECTED if picks else RoundOutcome.NO_BALLOTS
    if results is None:  # the poll was cancelled (or could not be posted): nothing was counted
        outcome = RoundOutcome.WITHDRAWN
    if not await finish_round(session, round_id, outcome, now=now, expect=RoundStatus.VOTING):
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
