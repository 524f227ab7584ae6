"""The nominations service on both databases: who opens rounds and who can stand, one nominee per
person and organisation, answers and their refusals, closing exactly once into an election on the
poll engine or an acclamation, reserved seats filled first, seating within one seat per organisation.
(Counting seats alone, without a database: test_tally.)"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.services import nominations, polls
from bot.services.errors import Conflict, Invalid, NotAllowed, NotInDirectory
from bot.services.members import get_member
from bot.services.nominations import Reservation
from models import AuditEvent, Role, RoleGrant
from models.nominations import NominationRound, NominationStatus, RoundOutcome, RoundStatus
from models.polls import Electorate, Poll, PollKind
from tests.support.directory import ADMIN, EX_OFFICIO, EXEC_HALIFAX, NOMINATIONS, STAFF_TORONTO, STRANGER
from tests.support.nominations import ELECTION_CLOSE, NOMINATIONS_CLOSE, answer, load_orgs, nominate, open_round
from tests.support.polls import NOW, rep_id, staff_id, vote

EXPIRING = [
    ("Expiring LIP", "LIP", "MB", "UEXPIRE01", "Eve Expiring", "rep;staff;exec", "2026-03-10"),
    ("Expiring LIP", "LIP", "MB", "UEXPSTF01", "Ed Successor", "staff", ""),
]


RENEWING = [("Renewing LIP", "LIP", "SK", "URENEW001", "Rae Renewing", "rep;staff;exec", "2026-06-10")]


# --- rounds -------------------------------------------------------------------------------------


async def test_only_the_committee_or_an_admin_opens_a_round_and_only_one_at_a_time(deps):
    await load_orgs(deps, 2)
    with pytest.raises(NotAllowed) as refused:
        await open_round(deps, actor=STAFF_TORONTO)
    assert refused.value.key == "nominations.error.committee_only"
    first = await open_round(deps)
    assert first.status is RoundStatus.OPEN and first.taking_nominations(NOW)
    with pytest.raises(Conflict) as second:
        await open_round(deps, actor=ADMIN)
    assert second.value.key == "nominations.error.round_active" and second.value.params["number"] == first.id


@pytest.mark.parametrize(
    ("overrides", "key", "field"),
    [
        ({"seats": 0}, "nominations.error.seats", "seats"),
        ({"seats": 1, "reserved": ("kind:ZIP", "region:atlantic")}, "nominations.error.reserved_too_many", "reserved"),
        ({"reserved": ("region:mars",)}, "nominations.error.reserved_unknown", "reserved"),
        ({"nominations_close_at": NOW - timedelta(minutes=1)}, "nominations.error.deadline_past", "nominations_close_at"),
        ({"election_closes_at": NOMINATIONS_CLOSE + timedelta(hours=2)}, "nominations.error.election_too_soon",
         "election_closes_at"),
        ({"term_years": 0}, "nominations.error.term", "term_years"),
    ],
)  # fmt: skip
async def test_a_bad_round_is_refused_with_the_field_at_fault_and_nothing_opened(deps, overrides, key, field):
    await load_orgs(deps, 0)
    with pytest.raises(Invalid) as refused:
        await open_round(deps, **overrides)
    assert (refused.value.key, refused.value.field) == (key, field)
    async with deps.db.reader() as session:
        assert (await session.execute(select(func.count()).select_from(NominationRound))).scalar_one() == 0


# --- nominating ----------------------------------------------------------------------------------


async def test_who_can_be_nominated_and_the_reason_when_not(deps):
    await load_orgs(deps, 3, EXPIRING + RENEWING)
    round_ = await open_round(deps)
    cases = [
        (NOMINATIONS, "nominations.error.nominee_on_committee"),
        (EX_OFFICIO, "nominations.error.nominee_ex_officio"),
        (EXEC_HALIFAX, "nominations.error.nominee_seated"),  # seated until 2027, beyond the election
        (STRANGER, "nominations.error.nominee_not_staff"),
    ]
    for nominee, key in cases:
        with pytest.raises(NotAllowed) as refused:
            await nominate(deps, round_.id, rep_id(0), nominee)
        assert refused.value.key == key
    with pytest.raises(NotInDirectory):
        await nominate(deps, round_.id, STRANGER, rep_id(1))
    # Eve's seat ends before the election: her organisation may put someone forward for it.
    successor = await nominate(deps, round_.id, "UEXPIRE01", "UEXPSTF01")
    assert successor.status is NominationStatus.PENDING and successor.org.name == "Expiring LIP"
    # Rae's term ends 86 days after the election: up for renewal, so she may stand again.
    assert (await nominate(deps, round_.id, "URENEW001", "URENEW001")).org.name == "Renewing LIP"


async def test_one_nominee_per_organisation_and_once_per_person(deps):
    await load_orgs(deps, 2)
    round_ = await open_round(deps)
    first = await nominate(deps, round_.id, rep_id(1), rep_id(0))
    with pytest.raises(Conflict) as same_org:
        await nominate(deps, round_.id, rep_id(1), staff_id(0))
    assert same_org.value.key == "nominations.error.org_has_nominee"
    assert same_org.value.params == {"org": "Network Test LIP 00", "other": rep_id(0)}
    with pytest.raises(Conflict) as twice:
        await nominate(deps, round_.id, staff_id(1), rep_id(0))
    assert twice.value.key == "nominations.error.already_nominated"
    await answer(deps, first.id, rep_id(0), accept=False)
    freed = await nominate(deps, round_.id, rep_id(1), staff_id(0))  # a declined nomination frees the place
    assert freed.org.name == "Network Test LIP 00"
    with pytest.raises(Conflict) as again:
        await nominate(deps, round_.id, staff_id(1), rep_id(0))
    assert again.value.key == "nominations.error.already_nominated"


async def test_answers_twice_after_withdrawal_after_ineligibility_or_after_the_deadline_are_refused(deps):
    await load_orgs(deps, 4)
    round_ = await open_round(deps)
    accepted = await nominate(deps, round_.id, rep_id(1), rep_id(0))
    with pytest.raises(NotAllowed):
        await answer(deps, accepted.id, rep_id(1))  # only the nominee answers
    await answer(deps, accepted.id, rep_id(0))
    refusals = []
    for accept in (True, False):
        with pytest.raises(Conflict) as again:
            await answer(deps, accepted.id, rep_id(0), accept=accept)
        refusals.append(again.value.key)
    assert refusals == ["nominations.error.already_accepted", "nominations.error.accepted_withdraw_instead"]

    withdrawn = await nominate(deps, round_.id, rep_id(2), rep_id(2))
    async with deps.db.transaction() as session:
        await nominations.withdraw(session, nomination_id=withdrawn.id, user_id=rep_id(2), now=NOW, default_locale="en")
    with pytest.raises(Conflict) as after_withdrawal:
        await answer(deps, withdrawn.id, rep_id(2))
    assert after_withdrawal.value.key == "nominations.error.was_withdrawn"

    ruled_out = await nominate(deps, round_.id, rep_id(0), staff_id(3))
    async with deps.db.transaction() as session:
        with pytest.raises(Invalid):
            await nominations.mark_ineligible(
                session, nomination_id=ruled_out.id, reason=" ", actor=await get_member(session, NOMINATIONS),
                now=NOW, default_locale="en",
            )  # fmt: skip
    async with deps.db.transaction() as session:
        _, notices = await nominations.mark_ineligible(
            session, nomination_id=ruled_out.id, reason="Joined after the <!channel> cut-off", now=NOW,
            actor=await get_member(session, NOMINATIONS), default_locale="en",
        )  # fmt: skip
    assert {(n.channel, n.occasion) for n in notices} == {(staff_id(3), "ineligible"), (rep_id(0), "ineligible")}
    with pytest.raises(Conflict) as after_ruling:
        await answer(deps, ruled_out.id, staff_id(3))
    assert after_ruling.value.key == "nominations.error.was_ineligible"

    late = await nominate(deps, round_.id, rep_id(1), staff_id(1))
    with pytest.raises(Conflict) as after_deadline:
        await answer(deps, late.id, staff_id(1), now=NOMINATIONS_CLOSE)
    assert after_deadline.value.key == "nominations.error.closed"
    with pytest.raises(Conflict):
        await nominate(deps, round_.id, rep_id(1), rep_id(3), now=NOMINATIONS_CLOSE + timedelta(seconds=1))


# --- closing ------------------------------------------------------------------------------------


async def _slate(deps, round_id: int, people: list[str]) -> list[nominations.NominationView]:
    out = []
    for person in people:
        nomination = await nominate(deps, round_id, person, person, statement=f"I am {person}.")
        out.append(await answer(deps, nomination.id, person))
    return out


async def _close_due(deps, now=NOMINATIONS_CLOSE):
    async with deps.db.transaction() as session:
        return await nominations.close_due(session, now=now, default_locale="en")


async def test_nominations_close_once_into_a_secret_network_election_on_the_poll_engine(deps):
    await load_orgs(deps, 4)
    round_ = await open_round(deps)
    await _slate(deps, round_.id, [rep_id(2), rep_id(0), rep_id(1)])
    await nominate(deps, round_.id, rep_id(3), rep_id(3))  # never answered: does not go forward
    assert await _close_due(deps, NOMINATIONS_CLOSE - timedelta(seconds=1)) == []
    first, second = await asyncio.gather(_close_due(deps), _close_due(deps))
    [closing] = first + second
    poll = closing.poll
    assert closing.round.status is RoundStatus.VOTING and poll is not None and closing.round.poll_id == poll.id
    assert (poll.kind, poll.electorate, poll.secret, poll.seats) == (PollKind.STV, Electorate.NETWORK, True, 2)
    assert poll.options == tuple(f"Rep 0{n} — Network Test LIP 0{n}" for n in range(3))  # name order
    assert poll.closes_at == ELECTION_CLOSE and poll.origin == f"nomination-round:{round_.id}"
    assert {n.channel for n in closing.notices} == {NOMINATIONS}
    async with deps.db.reader() as session:
        assert [p.id for p in await polls.polls_by_origin(session, poll.origin)] == [poll.id]
    with pytest.raises(Conflict) as again:
        async with deps.db.transaction() as session:
            await nominations.close_nominations(
                session, round_id=round_.id, actor=await get_member(session, NOMINATIONS), now=NOW,
                default_locale="en",
            )  # fmt: skip
    assert again.value.key == "nominations.error.already_closed"


async def test_no_more_nominees_than_seats_can_be_acclaimed_by_the_committee_once(deps):
    await load_orgs(deps, 2)
    round_ = await open_round(deps, term_years=3)
    await _slate(deps, round_.id, [rep_id(0), rep_id(1)])
    [closing] = await _close_due(deps)
    assert closing.round.status is RoundStatus.ACCLAMATION and closing.poll is None
    today = date(2026, 3, 9)

    async def acclaim(user: str) -> nominations.Seating:
        async with deps.db.transaction() as session:
            return await nominations.acclaim(
                session, round_id=round_.id, actor=await get_member(session, user), now=NOMINATIONS_CLOSE,
                today=today, default_locale="en",
            )  # fmt: skip

    with pytest.raises(NotAllowed):
        await acclaim(rep_id(0))
    seating = await acclaim(NOMINATIONS)
    assert seating.round.outcome is RoundOutcome.ACCLAIMED and len(seating.filled) == 2
    with pytest.raises(Conflict):
        await acclaim(NOMINATIONS)
    async with deps.db.reader() as session:
        seated = await get_member(session, rep_id(0))
    grant = seated.grant(Role.EXEC)
    assert (grant.term_start, grant.term_end) == (today, date(2029, 3, 8))
    assert seated.is_voting_exec(today)
    await _next_round(deps)  # the round is finished: the next one may open


async def test_a_round_without_accepted_nominees_fails_and_frees_the_place(deps):
    await load_orgs(deps, 1)
    round_ = await open_round(deps)
    await nominate(deps, round_.id, rep_id(0), rep_id(0))
    [closing] = await _close_due(deps)
    assert (closing.round.status, closing.round.outcome) == (RoundStatus.FAILED, RoundOutcome.NO_NOMINEES)
    assert (await _next_round(deps)).id == round_.id + 1


async def _next_round(deps) -> nominations.RoundView:
    week = timedelta(days=7)
    return await open_round(
        deps, now=NOMINATIONS_CLOSE, nominations_close_at=NOMINATIONS_CLOSE + week,
        election_closes_at=ELECTION_CLOSE + week,
    )  # fmt: skip


# --- the election's end -----------------------------------------------------------------------------


async def _finish(deps, poll: polls.PollView) -> list[nominations.Seating]:
    at = poll.closes_at
    async with deps.db.transaction() as session:
        await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)
    async with deps.db.transaction() as session:
        return await nominations.seat_due(session, now=at, today=at.date(), default_locale="en")


async def test_winners_take_their_organisations_seats_once_reserved_seats_first(deps):
    await load_orgs(deps, 21, EXPIRING)
    round_ = await open_round(deps, reserved=("kind:ZIP",))
    # rep 00 and rep 07 are with ZIPs; Ed is with an LIP whose seat (Eve's) ends before the election.
    slate = await _slate(deps, round_.id, [rep_id(0), rep_id(1), rep_id(7), "UEXPSTF01"])
    [closing] = await _close_due(deps)
    labels = closing.poll.options
    position = {n.nominee_user_id: labels.index(nominations.candidate_label(n)) for n in slate}
    p = position
    ballots = [[p["UEXPSTF01"], p[rep_id(1)]]] * 8 + [[p[rep_id(1)], p[rep_id(7)]]] * 7
    ballots += [[p[rep_id(0)], p[rep_id(7)]]] * 4 + [[p[rep_id(7)], p[rep_id(0)]]] * 2
    for n, ballot in enumerate(ballots):
        await vote(deps, closing.poll.id, rep_id(n), ballot, now=NOMINATIONS_CLOSE + timedelta(hours=1))
    first, again = await _finish(deps, closing.poll), await _finish(deps, closing.poll)
    assert again == []
    [seating] = first
    seated = [(s.nomination.nominee_user_id, s.reserved) for s in seating.filled]
    # The ZIP seat, among rep 00 and rep 07 only: rep 07 has 2 first preferences and 7 seconds (9 of 13),
    # rep 00 has 4. The general seat: Ed (8) beats rep 01 (7). Without the reservation the engine's count
    # would have elected Ed and rep 01.
    assert seated == [(rep_id(7), Reservation("kind", "ZIP")), ("UEXPSTF01", None)]
    async with deps.db.reader() as session:  # the poll's own results say the same (the engine asked the round)
        final = await polls.final_results(session, closing.poll.id)
    assert final.count.winners == (p[rep_id(7)], p["UEXPSTF01"])
    assert [(s.tag, s.label.key if s.label else None) for s in final.by_origin.seats] == [
        ("kind:ZIP", "nominations.result.reserved_seat"),
        (None, None),
    ]
    async with deps.db.reader() as session:
        eve, ed = await get_member(session, "UEXPIRE01"), await get_member(session, "UEXPSTF01")
        seats = (
            await session.execute(select(func.count()).select_from(RoleGrant).where(RoleGrant.role == Role.EXEC))
        ).scalar_one()
        audit = (await session.execute(select(AuditEvent.action).where(AuditEvent.action == "exec.seated"))).scalars()
    assert eve.grant(Role.EXEC) is None and ed.grant(Role.EXEC).term_end == date(2028, 3, 15)
    assert seats == 3 and len(list(audit)) == 2  # Halifax's seat, and the two seats filled
    assert {n.occasion for n in seating.notices} == {"result", "seated"}


async def test_a_round_without_reserved_seats_keeps_the_engines_count_unchanged(deps):
    await load_orgs(deps, 21, EXPIRING)
    round_ = await open_round(deps)
    slate = await _slate(deps, round_.id, [rep_id(0), rep_id(1), rep_id(7), "UEXPSTF01"])
    [closing] = await _close_due(deps)
    p = {n.nominee_user_id: closing.poll.options.index(nominations.candidate_label(n)) for n in slate}
    ballots = [[p["UEXPSTF01"], p[rep_id(1)]]] * 8 + [[p[rep_id(1)], p[rep_id(7)]]] * 7
    ballots += [[p[rep_id(0)], p[rep_id(7)]]] * 4 + [[p[rep_id(7)], p[rep_id(0)]]] * 2
    for n, ballot in enumerate(ballots):
        await vote(deps, closing.poll.id, rep_id(n), ballot, now=NOMINATIONS_CLOSE + timedelta(hours=1))
    [seating] = await _finish(deps, closing.poll)
    async with deps.db.reader() as session:
        final = await polls.final_results(session, closing.poll.id)
        frozen = (await session.get(Poll, closing.poll.id)).result
    assert final.by_origin is None and "origin" not in frozen and final.count.rounds  # the engine's, rounds and all
    assert final.count.winners == (p["UEXPSTF01"], p[rep_id(1)])
    assert [s.nomination.nominee_user_id for s in seating.filled] == ["UEXPSTF01", rep_id(1)]
