"""The nominations jobs on both databases: term-end warnings 90 and 30 days before (each once, in
each recipient's language), an election left unposted is posted once by the next run, and an
election withdrawn by an admin ends the round without seating anyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import web_client
from bot.localslack.server import LocalSlack
from bot.services import nominations, polls, prefs
from bot.services.members import get_member
from jobs import JobEnv, load_jobs
from models.nominations import RoundOutcome, RoundStatus
from tests.support.directory import ADMIN, EXEC_HALIFAX, NOMINATIONS
from tests.support.nominations import NOMINATIONS_CLOSE, answer, load_orgs, nominate, open_round
from tests.support.polls import NOW, rep_id

JOBS = load_jobs()


def env(deps) -> JobEnv:
    return JobEnv(deps=deps, client=web_client(deps))


def dms(slack: LocalSlack, words: str) -> list[tuple[str, str]]:
    return [
        (c.args["channel"], c.args["text"])
        for c in slack.calls_to("chat.postMessage")
        if words in str(c.args.get("text"))
    ]


async def test_term_warnings_go_90_and_30_days_before_each_once(deps, slack, clock):
    await load_orgs(deps, 0)  # Halifax's seat ends 2027-03-31
    async with deps.db.transaction() as session:
        await prefs.choose_locale(session, NOMINATIONS, "fr")
    run = JOBS["exec-terms"].run

    async def at(day: str) -> str:
        clock.set(datetime.fromisoformat(f"{day}T14:00:00+00:00"))
        return await run(env(deps), clock())

    assert (await at("2026-12-30")).startswith("0 term warning(s)")  # 91 days before
    assert (await at("2026-12-31")).startswith("2 term warning(s)")  # to the member and the committee
    assert (await at("2026-12-31")).startswith("0 term warning(s)")
    assert (await at("2027-02-15")).startswith("0 term warning(s)")
    assert (await at("2027-03-01")).startswith("2 term warning(s)")
    assert (await at("2027-03-02")).startswith("0 term warning(s)")
    holder = [text for channel, text in dms(slack, "ends on") if channel == EXEC_HALIFAX]
    assert holder == [
        "Your Executive Committee term for Halifax LIP ends on Mar 31, 2027 (in 90 days). The Nominations "
        "Committee will open nominations for the seat.",
        "Your Executive Committee term for Halifax LIP ends on Mar 31, 2027 (in 30 days). The Nominations "
        "Committee will open nominations for the seat.",
    ]
    committee = [text for channel, text in dms(slack, "se termine le") if channel == NOMINATIONS]
    assert len(committee) == 2 and f"Le mandat de <@{EXEC_HALIFAX}> au Comité exécutif" in committee[0]


async def _closed_election(deps) -> nominations.RoundView:
    await load_orgs(deps, 3)
    round_ = await open_round(deps, seats=1)
    for n in range(2):
        nomination = await nominate(deps, round_.id, rep_id(n), rep_id(n), statement=f"Statement {n}.")
        await answer(deps, nomination.id, rep_id(n))
    async with deps.db.transaction() as session:
        [closing] = await nominations.close_due(session, now=NOMINATIONS_CLOSE, default_locale="en")
    return closing.round


async def test_an_election_left_unposted_is_posted_once_by_the_next_run(deps, slack, clock):
    round_ = await _closed_election(deps)  # closed, committed, never posted (as if the process stopped)
    soon = NOMINATIONS_CLOSE + timedelta(seconds=30)
    clock.set(soon)
    assert "posted 0 late" in await JOBS["nominations"].run(env(deps), soon)
    later = NOMINATIONS_CLOSE + timedelta(minutes=3)
    clock.set(later)
    assert "posted 1 late" in await JOBS["nominations"].run(env(deps), later)
    assert "posted 0 late" in await JOBS["nominations"].run(env(deps), later)
    posted = [c for c in slack.calls_to("chat.postMessage") if str(c.args.get("text")).startswith("Poll #")]
    statements = [c for c in slack.calls_to("chat.postMessage") if "Statement 1." in str(c.args.get("blocks"))]
    assert len(posted) == 1 and len(statements) == 1
    async with deps.db.reader() as session:
        poll = await polls.get_poll(session, round_.poll_id)
    assert poll.message_ts is not None and statements[0].args["thread_ts"] == poll.message_ts


async def test_a_withdrawn_election_ends_the_round_and_tells_the_committee(deps, slack, clock):
    round_ = await _closed_election(deps)
    async with deps.db.transaction() as session:
        await polls.cancel_poll(
            session, poll_id=round_.poll_id, user_id=ADMIN, actor=await get_member(session, ADMIN), now=NOW
        )
    at = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    clock.set(at)
    assert "finished 1" in await JOBS["nominations"].run(env(deps), at)
    async with deps.db.reader() as session:
        ended = await nominations.get_round(session, round_.id)
    assert (ended.status, ended.outcome) == (RoundStatus.FAILED, RoundOutcome.WITHDRAWN)
    assert [c for c, _ in dms(slack, "ended without seating anyone")] == [NOMINATIONS]
    assert dms(slack, "could not go ahead")[0][0] == round_.channel_id
