"""Who an election seats: reserved seats first, each counted by the poll engine's own count among
the candidates it admits, then the remaining seats among everyone not yet elected.

The poll engine asks `count_election` when a round's election poll closes, so the poll's results,
its message and its export name the round's real winners, each reserved seat labelled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import counting, polls
from bot.services.contributions import Fact
from bot.services.errors import NotFound
from bot.services.members import OrgInfo
from bot.services.nominations.elections import ORIGIN, POLL_KINDS, ballot_nominations
from bot.services.nominations.reading import get_round
from bot.services.nominations.shapes import RESERVATIONS_BY_KEY, Reservation, RoundView
from models.nominations import ElectionMethod


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


async def election_winners(
    session: AsyncSession, round_: RoundView, results: polls.Results
) -> list[tuple[int, Reservation | None]]:
    """What the poll's results say: the seats this round counted when the poll closed
    (`count_election`, reserved seats first), else the engine's count (no seat reserved). A poll
    closed before the round could count it (a frozen result without seats) is recounted here over
    the same ballots, which are choices only."""
    if results.by_origin is not None:
        return [(s.option, RESERVATIONS_BY_KEY[s.tag] if s.tag else None) for s in results.by_origin.seats]
    if not round_.reserved:
        return [(w, None) for w in results.count.winners]
    ballots = await polls.closed_ballots(session, results.poll)
    candidates = [n.org for n in await ballot_nominations(session, round_)]
    return fill_seats(
        round_.method, candidates, ballots, seats=round_.seats, reserved=round_.reserved,
        tie_order=results.poll.tie_order,
    )  # fmt: skip
