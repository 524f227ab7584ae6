"""The poll service on both databases: who may create and vote in each electorate, one ballot per
voter, vote changes, bad input, closing exactly once, quorum and turnout, reminders once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from bot.services import polls
from bot.services.errors import Conflict, Invalid, NotAllowed, NotFound, NotInDirectory
from bot.services.members import get_member
from models import AuditEvent, Organisation, OutboundMessage
from models.polls import (
    Electorate,
    PollKind,
    PollOpenBallot,
    PollReceipt,
    PollSealedBallot,
    PollSecretBallot,
    PollStatus,
    ResultsShown,
)
from tests.support.directory import (
    ADMIN,
    EX_OFFICIO,
    EXEC_HALIFAX,
    LEAD,
    NOMINATIONS,
    REP_HALIFAX,
    REP_MONTREAL,
    REP_TORONTO,
    STAFF_MONTREAL,
    STAFF_TORONTO,
    STRANGER,
    load_directory,
)
from tests.support.polls import NOW, load_network, open_poll, rep_id, spec, vote


async def _close(deps, poll_id: int, user: str = ADMIN, now=NOW) -> polls.Results:
    async with deps.db.transaction() as session:
        actor = await get_member(session, user)
        return await polls.close_poll(
            session, poll_id=poll_id, user_id=user, actor=actor, now=now + timedelta(hours=1), today=now.date(),
            keys=deps.ballots,
        )


async def _count(deps, model) -> int:
    async with deps.db.reader() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


# --- creating ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "key", "field"),
    [
        ({"options": ("Only one",)}, "polls.error.too_few_options", "options"),
        ({"options": tuple(f"Option {n}" for n in range(51))}, "polls.error.too_many_options", "options"),
        ({"options": ("Housing", "Jobs", "  housing ")}, "polls.error.duplicate_option", "options"),
        ({"options": ("A", "B" * 151)}, "polls.error.option_too_long", "options"),
        ({"closes_at": NOW - timedelta(minutes=1)}, "polls.error.closes_in_past", "closes_at"),
        ({"question": "   "}, "polls.error.question_missing", "question"),
        ({"secret": True, "results": ResultsShown.LIVE}, "polls.error.secret_live", "results"),
        ({"kind": PollKind.MULTIPLE, "max_choices": 4}, "polls.error.max_choices", "max_choices"),
    ],
)
async def test_bad_polls_are_refused_with_the_field_and_nothing_is_created(deps, overrides, key, field):
    await load_directory(deps)
    with pytest.raises(Invalid) as refused:
        await open_poll(deps, **overrides)
    assert (refused.value.key, refused.value.field) == (key, field)
    async with deps.db.reader() as session:
        assert await polls.votable(session, user_id=REP_TORONTO, actor=None, now=NOW, today=NOW.date()) == []
    assert await _count(deps, AuditEvent) == 0


async def test_fifty_options_are_allowed_and_yes_no_needs_none(deps):
    await load_directory(deps)
    many = await open_poll(deps, options=tuple(f"Option {n}" for n in range(50)))
    assert len(many.options) == 50
    proposal = await open_poll(deps, kind=PollKind.YES_NO, options=())
    assert proposal.options == ("yes", "no", "abstain")
    assert sorted(proposal.tie_order) == [0, 1, 2]


@pytest.mark.parametrize(
    ("creator", "electorate", "allowed"),
    [
        (LEAD, Electorate.NETWORK, True),
        (ADMIN, Electorate.EXECUTIVE, True),
        (EXEC_HALIFAX, Electorate.NETWORK, True),
        (STAFF_TORONTO, Electorate.NETWORK, False),
        (REP_TORONTO, Electorate.EXECUTIVE, False),
        (STAFF_TORONTO, Electorate.CHANNEL, True),
        (STRANGER, Electorate.CHANNEL, True),
    ],
)
async def test_who_may_create_which_poll(deps, creator, electorate, allowed):
    await load_directory(deps)
    electors = (REP_TORONTO,) if electorate is Electorate.CHANNEL else ()
    if allowed:
        poll = await open_poll(deps, creator=creator, electorate=electorate, electors=electors)
        assert poll.created_by == creator
    else:
        with pytest.raises(NotAllowed):
            await open_poll(deps, creator=creator, electorate=electorate, electors=electors)


async def test_a_system_poll_for_an_election_links_to_its_origin(deps):
    await load_directory(deps)
    async with deps.db.transaction() as session:
        poll = await polls.create_system_poll(
            session,
            spec=spec(
                kind=PollKind.STV, seats=2, secret=True, options=("Ann", "Bo", "Cy"), origin="nomination-round:7"
            ),
            now=NOW,
        )
    async with deps.db.reader() as session:
        assert [p.id for p in await polls.polls_by_origin(session, "nomination-round:7")] == [poll.id]
    assert poll.created_by is None and poll.seats == 2
    with pytest.raises(NotAllowed):  # nobody is its creator: only an admin may close it early
        await _close(deps, poll.id, user=LEAD)
    assert (await _close(deps, poll.id, user=ADMIN)).final


# --- voting: electorates and permissions ------------------------------------------------------------


async def test_network_poll_one_vote_per_organisation_cast_by_its_rep(deps):
    await load_directory(deps)
    poll = await open_poll(deps)
    recorded = await vote(deps, poll.id, REP_TORONTO, [1])
    assert recorded.status == "recorded"
    assert recorded.voter.org_name == "Toronto South LIP" and recorded.voter.key.startswith("org:")
    with pytest.raises(NotAllowed) as staff:
        await vote(deps, poll.id, STAFF_TORONTO, [0])
    assert staff.value.key == "polls.refuse.rep_holds_vote"
    assert staff.value.params == {"org": "Toronto South LIP", "rep": REP_TORONTO}
    with pytest.raises(NotInDirectory):
        await vote(deps, poll.id, STRANGER, [0])
    assert await _count(deps, PollReceipt) == 1


async def test_open_poll_votes_change_until_close_and_a_repeat_changes_nothing(deps):
    await load_directory(deps)
    poll = await open_poll(deps)
    await vote(deps, poll.id, REP_MONTREAL, [0])
    assert (await vote(deps, poll.id, REP_MONTREAL, [2])).status == "changed"
    assert (await vote(deps, poll.id, REP_MONTREAL, [2])).status == "unchanged"
    async with deps.db.reader() as session:
        ballot = (await session.execute(select(PollOpenBallot).where(PollOpenBallot.poll_id == poll.id))).scalar_one()
    assert (ballot.choices, ballot.changes) == ([2], 1)
    result = await _close(deps, poll.id)
    assert result.count.votes == (0, 0, 1)


async def test_executive_poll_voting_members_only(deps, clock):
    await load_directory(deps)
    poll = await open_poll(deps, electorate=Electorate.EXECUTIVE)
    assert (await vote(deps, poll.id, EXEC_HALIFAX, [0])).voter.key.startswith("seat:")
    with pytest.raises(NotAllowed) as ex_officio:
        await vote(deps, poll.id, EX_OFFICIO, [0])
    assert ex_officio.value.key == "polls.refuse.ex_officio"
    with pytest.raises(NotAllowed) as plain:
        await vote(deps, poll.id, REP_TORONTO, [0])
    assert plain.value.key == "polls.refuse.executive_only"


async def test_an_expired_exec_term_cannot_vote(deps):
    await load_directory(deps)  # Hal's term ends 2027-03-31
    later = NOW.replace(year=2027, month=4, day=2)
    poll = await open_poll(
        deps, creator=ADMIN, electorate=Electorate.EXECUTIVE, now=later, closes_at=later + timedelta(days=2)
    )
    with pytest.raises(NotAllowed) as expired:
        await vote(deps, poll.id, EXEC_HALIFAX, [0], now=later)
    assert expired.value.key == "polls.refuse.term_ended"
    assert expired.value.params == {"end": "2027-03-31"}


async def test_channel_poll_is_for_the_channel_snapshot(deps):
    await load_directory(deps)
    poll = await open_poll(deps, electorate=Electorate.CHANNEL, electors=(STAFF_TORONTO, STRANGER))
    assert (await vote(deps, poll.id, STRANGER, [0])).voter.key == f"user:{STRANGER}"  # not in the directory: fine here
    assert (await vote(deps, poll.id, STAFF_TORONTO, [0])).voter.org_name == "Toronto South LIP"
    with pytest.raises(NotAllowed) as outsider:
        await vote(deps, poll.id, REP_TORONTO, [0])
    assert outsider.value.key == "polls.refuse.not_in_channel"


# --- bad ballots ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "choices", "key"),
    [
        (PollKind.SINGLE, [3], "polls.error.out_of_range"),
        (PollKind.SINGLE, [-1], "polls.error.out_of_range"),
        (PollKind.SINGLE, [0, 1], "polls.error.one_choice"),
        (PollKind.SINGLE, [], "polls.error.no_choice"),
        (PollKind.RANKED, [2, 0, 2], "polls.error.ranked_repeat"),
        (PollKind.MULTIPLE, [0, 0], "polls.error.repeated"),
    ],
)
async def test_bad_ballots_are_refused_and_change_nothing(deps, kind, choices, key):
    await load_directory(deps)
    poll = await open_poll(deps, kind=kind)
    with pytest.raises(Invalid) as refused:
        await vote(deps, poll.id, REP_TORONTO, choices)
    assert refused.value.key == key
    assert await _count(deps, PollReceipt) == 0


async def test_max_choices_is_enforced(deps):
    await load_directory(deps)
    poll = await open_poll(deps, kind=PollKind.MULTIPLE, max_choices=2)
    with pytest.raises(Invalid) as refused:
        await vote(deps, poll.id, REP_TORONTO, [0, 1, 2])
    assert refused.value.key == "polls.error.too_many_choices"
    assert (await vote(deps, poll.id, REP_TORONTO, [0, 2])).choices == (0, 2)


async def test_unknown_closed_and_cancelled_polls_take_no_votes(deps):
    await load_directory(deps)
    with pytest.raises(NotFound):
        await vote(deps, 999, REP_TORONTO, [0])
    late = await open_poll(deps)
    with pytest.raises(Conflict) as closed:
        await vote(deps, late.id, REP_TORONTO, [0], now=late.closes_at)  # the deadline, before the job ran
    assert closed.value.key == "polls.error.closed"
    cancelled = await open_poll(deps)
    async with deps.db.transaction() as session:
        await polls.cancel_poll(
            session, poll_id=cancelled.id, user_id=ADMIN, actor=await get_member(session, ADMIN), now=NOW
        )
    with pytest.raises(Conflict) as refused:
        await vote(deps, cancelled.id, REP_TORONTO, [0])
    assert refused.value.key == "polls.error.cancelled"
    assert await _count(deps, PollReceipt) == 0


def test_parse_choices_numbers_and_words():
    poll = polls.PollView(
        id=1, question="q", options=("yes", "no", "abstain"), kind=PollKind.YES_NO, electorate=Electorate.NETWORK,
        status=PollStatus.OPEN, secret=False, results=ResultsShown.AT_CLOSE, max_choices=None, seats=1, quorum=None,
        tie_order=(0, 1, 2), locale="en", channel_id="C1", message_ts=None, created_by="U1", origin=None,
        created_at=NOW, closes_at=NOW, closed_at=None, closed_by=None,
    )  # fmt: skip
    assert polls.parse_choices(poll, ["Oui"]) == (0,)
    assert polls.parse_choices(poll, ["abstention"]) == (2,)
    assert polls.parse_choices(poll, ["2"]) == (1,)
    with pytest.raises(Invalid):
        polls.parse_choices(poll, ["maybe"])


# --- secrecy ---------------------------------------------------------------------------------------


async def test_secret_ballots_are_stored_apart_from_receipts_and_cannot_be_changed(deps):
    await load_directory(deps)
    poll = await open_poll(deps, secret=True)
    await vote(deps, poll.id, REP_TORONTO, [1])
    await vote(deps, poll.id, REP_HALIFAX, [2])
    with pytest.raises(Conflict) as again:
        await vote(deps, poll.id, REP_TORONTO, [0])
    assert again.value.key == "polls.error.secret_already_voted"
    assert await _count(deps, PollOpenBallot) == 0
    assert (await _count(deps, PollReceipt), await _count(deps, PollSealedBallot), await _count(deps, PollSecretBallot)) == (2, 2, 0)
    async with deps.db.reader() as session:
        with pytest.raises(NotAllowed):
            await polls.open_ballots(session, await polls.get_poll(session, poll.id))
        with pytest.raises(NotAllowed):  # results only at close, whoever asks
            await polls.results(session, poll_id=poll.id, user_id=ADMIN, actor=None, now=NOW, today=NOW.date())
    result = await _close(deps, poll.id)
    assert result.count.votes == (0, 1, 1) and result.voted == 2
    # opened at close, rewritten, not lost
    assert (await _count(deps, PollReceipt), await _count(deps, PollSealedBallot), await _count(deps, PollSecretBallot)) == (2, 0, 2)


@pytest.mark.parametrize(("model", "content"), [(PollSealedBallot, "sealed"), (PollSecretBallot, "choices")])
def test_the_secret_ballot_tables_cannot_name_or_order_a_voter(model, content):
    ballot_columns = set(model.__table__.columns.keys())
    receipt_columns = set(PollReceipt.__table__.columns.keys())
    assert ballot_columns == {"id", "poll_id", content}
    assert ballot_columns & receipt_columns == {"poll_id"}  # the poll, and nothing that links a row to a row
    assert not [fk for fk in model.__table__.foreign_keys if fk.column.table.name != "polls"]
    assert str(model.__table__.c.id.type) == "VARCHAR(36)"  # a random UUID, not a sequence


# --- closing -----------------------------------------------------------------------------------------


async def test_closing_counts_turnout_and_quorum(deps):
    organisations = await _directory_orgs(deps)
    poll = await open_poll(deps, quorum=3)
    for user, choice in ((REP_TORONTO, 0), (REP_HALIFAX, 0), (REP_MONTREAL, 1)):
        await vote(deps, poll.id, user, [choice])
    result = await _close(deps, poll.id)
    assert (result.voted, result.electorate, result.quorum_met) == (3, organisations, True)
    assert result.count.winners == (0,)
    short = await open_poll(deps, quorum=4)
    await vote(deps, short.id, NOMINATIONS, [1])
    assert (await _close(deps, short.id)).quorum_met is False


async def _directory_orgs(deps) -> int:
    await load_directory(deps)
    return await _count(deps, Organisation)


async def test_only_the_creator_or_an_admin_closes_early(deps):
    await load_directory(deps)
    poll = await open_poll(deps, creator=LEAD)
    with pytest.raises(NotAllowed) as refused:
        await _close(deps, poll.id, user=REP_TORONTO)
    assert refused.value.key == "polls.refuse.not_creator"
    assert (await _close(deps, poll.id, user=LEAD)).final
    with pytest.raises(Conflict):
        await _close(deps, poll.id, user=LEAD)


async def test_close_due_closes_each_poll_once_even_when_run_twice_and_concurrently(deps):
    await load_directory(deps)
    polls_due = [await open_poll(deps) for _ in range(3)]
    later = await open_poll(deps, closes_at=NOW + timedelta(days=10))
    await vote(deps, polls_due[0].id, REP_TORONTO, [0])
    at = NOW + timedelta(days=4)

    async def run() -> list[int]:
        async with deps.db.transaction() as session:
            return [r.poll.id for r in (await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)).closed]

    first, second = await asyncio.gather(run(), run())
    assert sorted(first + second) == [p.id for p in polls_due]
    assert await run() == []
    async with deps.db.reader() as session:
        assert (await polls.get_poll(session, later.id)).is_open
        closed = await polls.get_poll(session, polls_due[0].id)
        assert closed.closed_at == polls_due[0].closes_at  # the deadline, however late the job ran
        events = (await session.execute(select(AuditEvent.action))).scalars().all()
    assert events.count("poll.closed") == 3


# --- ranked choice -------------------------------------------------------------------------------


async def test_ranked_poll_counts_by_instant_runoff_with_rounds(deps):
    await load_network(deps, 5)
    poll = await open_poll(deps, kind=PollKind.RANKED, options=("Ann", "Bo", "Cy"))
    ballots = [[0, 1], [0], [1, 0], [2, 1], [2, 1]]
    for n, ballot in enumerate(ballots):
        await vote(deps, poll.id, rep_id(n), ballot)
    result = await _close(deps, poll.id)
    assert result.count.votes == (2, 1, 2)
    assert result.count.rounds[0].excluded == (1,)
    assert result.count.winners == (0,)  # Bo's ballot goes to Ann: 3 of 5


# --- reminders ---------------------------------------------------------------------------------------


def _render(poll, recipient):
    return f"remind {recipient.user_id}", []


async def test_reminders_go_to_reps_of_organisations_that_have_not_voted_once(deps):
    await load_directory(deps)
    poll = await open_poll(deps)
    await vote(deps, poll.id, REP_TORONTO, [0])

    async def remind(user: str | None) -> list[str]:
        async with deps.db.transaction() as session:
            if user is None:
                return await polls.queue_reminders(
                    session, poll, render=_render, now=NOW, today=NOW.date(), default_locale="en", actor_id=None
                )
            return await polls.remind_now(
                session, poll_id=poll.id, user_id=user, actor=await get_member(session, user), render=_render,
                now=NOW, today=NOW.date(), default_locale="en",
            )  # fmt: skip

    with pytest.raises(NotAllowed):
        await remind(REP_HALIFAX)
    keys = await remind(ADMIN)
    assert sorted(k.rsplit(":", 1)[1] for k in keys) == sorted([REP_HALIFAX, REP_MONTREAL, NOMINATIONS])
    assert await remind(ADMIN) == []
    assert await remind(None) == []  # the automatic reminder finds everyone already reminded
    assert await _count(deps, OutboundMessage) == 3


async def test_automatic_reminders_are_claimed_once_per_poll_in_its_last_day(deps):
    await load_directory(deps)
    due = await open_poll(deps, closes_at=NOW + timedelta(days=3))
    fresh = await open_poll(deps, closes_at=NOW + timedelta(hours=5))  # opened with less than a day to go
    at = NOW + timedelta(days=2, hours=1)

    async def claim() -> list[int]:
        async with deps.db.transaction() as session:
            return [p.id for p in await polls.claim_auto_reminders(session, now=at)]

    first, second = await asyncio.gather(claim(), claim())
    assert first + second == [due.id]
    assert fresh.id not in first + second
    assert await claim() == []


# --- lists ----------------------------------------------------------------------------------------


async def test_votable_lists_open_polls_with_status(deps):
    await load_directory(deps)
    network = await open_poll(deps)
    executive = await open_poll(deps, electorate=Electorate.EXECUTIVE)
    await vote(deps, network.id, REP_HALIFAX, [0])
    async with deps.db.reader() as session:
        hal = await get_member(session, REP_HALIFAX)
        items = await polls.votable(session, user_id=REP_HALIFAX, actor=hal, now=NOW, today=NOW.date())
        staff = await polls.votable(
            session, user_id=STAFF_MONTREAL, actor=await get_member(session, STAFF_MONTREAL), now=NOW, today=NOW.date()
        )
    assert [(i.poll.id, i.voted) for i in items] == [(network.id, True), (executive.id, False)]
    assert staff == []


async def test_the_database_itself_has_no_column_linking_a_receipt_to_a_secret_ballot(deps):
    def columns(connection) -> dict[str, set[str]]:
        inspector = inspect(connection)
        return {
            table: {c["name"] for c in inspector.get_columns(table)}
            for table in ("poll_receipts", "poll_secret_ballots", "poll_sealed_ballots")
        } | {
            f"{table}_fks": {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            for table in ("poll_secret_ballots", "poll_sealed_ballots")
        }

    async with deps.db.engine.connect() as conn:
        found = await conn.run_sync(columns)
    assert found["poll_secret_ballots"] == {"id", "poll_id", "choices"}  # no voter, no time, no sequence
    assert found["poll_sealed_ballots"] == {"id", "poll_id", "sealed"}
    assert found["poll_secret_ballots"] & found["poll_receipts"] == {"poll_id"}
    assert found["poll_sealed_ballots"] & found["poll_receipts"] == {"poll_id"}
    assert found["poll_secret_ballots_fks"] == found["poll_sealed_ballots_fks"] == {"polls"}
    assert not {"cast_at", "created_at", "voted_at"} & found["poll_receipts"]


async def test_an_stv_election_on_the_poll_engine(deps):
    """What the nominations feature does: a secret network election for two seats."""
    await load_network(deps, 6)
    async with deps.db.transaction() as session:
        election = await polls.create_system_poll(
            session,
            spec=spec(kind=PollKind.STV, seats=2, secret=True, options=("Ann", "Bo", "Cy", "Di"), origin="round:1"),
            now=NOW,
        )
    ballots = [[0, 1], [0, 1], [0, 2], [1], [2, 3], [3, 2]]
    for n, ballot in enumerate(ballots):
        await vote(deps, election.id, rep_id(n), ballot)
    at = election.closes_at
    async with deps.db.transaction() as session:
        [closed] = (await polls.close_due(session, now=at, today=at.date(), keys=deps.ballots)).closed
    assert closed.count.quota == 3  # 6 ballots, 2 seats
    assert closed.count.winners[0] == 0  # Ann: 3 first preferences, elected at once
    async with deps.db.reader() as session:
        final = await polls.final_results(session, election.id)
    assert final is not None and final.count.winners == closed.count.winners and len(final.count.winners) == 2
