"""A round's election on the poll engine: the poll itself (secret, one vote per member
organisation, STV or approval), its candidates in ballot order, the statements posted in its
thread, and elections the process opened but never posted.

The poll names its round in `origin` (`nomination-round:<id>`), which is how the poll engine finds
the round again when the poll closes (`tally.count_election`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.i18n import Translator
from bot.services import polls
from bot.services.nominations.reading import get_round, nominations_in
from bot.services.nominations.rounds import MIN_ELECTION
from bot.services.nominations.shapes import NominationView, RoundView
from bot.services.terms import Notice
from models.nominations import ElectionMethod, NominationRound, RoundStatus
from models.polls import Electorate, Poll, PollKind, PollStatus

POLL_KINDS = {ElectionMethod.STV: PollKind.STV, ElectionMethod.APPROVAL: PollKind.APPROVAL}
UNPOSTED_GRACE = timedelta(minutes=2)  # an election not posted by then is posted by the job

ORIGIN = "nomination-round:"


def origin_of(round_id: int) -> str:
    """How the election poll names its round (`polls.polls_by_origin`, `polls.origin_count`)."""
    return f"{ORIGIN}{round_id}"


async def open_election(
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


async def ballot_nominations(session: AsyncSession, round_: RoundView) -> list[NominationView]:
    """The candidates in the election poll's option order (recorded when it opened)."""
    by_id = {n.id: n for n in await nominations_in(session, round_.id)}
    return [by_id[i] for i in round_.ballot]
