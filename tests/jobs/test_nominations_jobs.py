"""The nominations jobs on both databases: term-end warnings 90 and 30 days before (each once, in
each recipient's language), an election left unposted is posted once by the next run, an election
withdrawn by an admin ends the round without seating anyone, and an election with a reserved seat
shows the round's winners (not a plain count) in the poll's results, message and export."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from bot.app import web_client
from bot.services import nominations, polls, prefs
from bot.services.members import get_member
from bot.slack.localslack.server import LocalSlack
from jobs import JobEnv, load_jobs
from models.nominations import RoundOutcome, RoundStatus
from tests.support.directory import ADMIN, EXEC_HALIFAX, NOMINATIONS
from tests.support.nominations import ELECTION_CLOSE, NOMINATIONS_CLOSE, answer, load_orgs, nominate, open_round
from tests.support.polls import NOW, poll_message, rep_id, vote
from tests.support.slackbot import text_of

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


# --- reserved seats: one result, wherever it is shown --------------------------------------------------

EXPIRING = [
    ("Expiring LIP", "LIP", "MB", "UEXPIRE01", "Eve Expiring", "rep;staff;exec", "2026-03-10"),
    ("Expiring LIP", "LIP", "MB", "UEXPSTF01", "Ed Successor", "staff", ""),
]
ED, REP_00, REP_01, REP_07 = (
    "Ed Successor — Expiring LIP",
    *(f"Rep {n:02d} — Network Test LIP {n:02d}" for n in (0, 1, 7)),
)


def winners_shown(message: dict) -> list[str]:
    """The options a results message marks elected, each with what follows its mark."""
    texts = [b["text"]["text"] for b in message.get("blocks", []) if b.get("type") == "section"]
    marked = [line for text in texts for line in text.splitlines() if " ✅" in line]
    return sorted(re.sub(r"^.*? — \d+\. ", "", line).replace(" ✅", "") for line in marked)


async def test_a_reserved_seat_gives_the_same_winners_in_the_poll_results_message_export_and_round(deps, slack, clock):
    await load_orgs(deps, 21, EXPIRING)
    round_ = await open_round(deps, reserved=("kind:ZIP",))  # 2 seats, one for a ZIP (rep 00, rep 07)
    for person in (rep_id(0), rep_id(1), rep_id(7), "UEXPSTF01"):
        await answer(deps, (await nominate(deps, round_.id, person, person)).id, person)
    at = NOMINATIONS_CLOSE + timedelta(minutes=1)
    clock.set(at)
    await JOBS["nominations"].run(env(deps), at)  # closes nominations, posts the election
    async with deps.db.reader() as session:
        poll = await polls.get_poll(session, (await nominations.get_round(session, round_.id)).poll_id)
    p = {label: poll.options.index(label) for label in (ED, REP_00, REP_01, REP_07)}
    ballots = [[p[ED], p[REP_01]]] * 8 + [[p[REP_01], p[REP_07]]] * 7
    ballots += [[p[REP_00], p[REP_07]]] * 4 + [[p[REP_07], p[REP_00]]] * 2
    for n, ballot in enumerate(ballots):
        await vote(deps, poll.id, rep_id(n), ballot, now=at + timedelta(hours=1))

    end = ELECTION_CLOSE + timedelta(minutes=1)
    clock.set(end)
    await JOBS["poll-deadlines"].run(env(deps), end)
    await JOBS["nominations"].run(env(deps), end)

    # A plain STV count would elect Ed and rep 01; the round elects rep 07 to the ZIP seat, then Ed.
    expected = [ED, f"{REP_07} · reserved seat: one seat for a ZIP"]
    posted = poll_message(slack, poll.id)
    [results] = [
        c.args
        for c in slack.calls_to("chat.postMessage")
        if c.args.get("thread_ts") == posted["ts"] and str(c.args.get("text")).startswith("Results — poll #")
    ]
    rule = "Reserved seats are filled first"
    for shown in (results, posted):
        assert winners_shown(shown) == sorted(expected), text_of(shown)
        assert rule in text_of(shown) and f"Counted for round {round_.id}" in text_of(shown)
        assert "rounds follow" not in text_of(shown)  # the plain count's rounds are not shown
    assert f"Elected: {REP_07}, {ED}" in results["text"]
    [announced] = [c.args for c in slack.calls_to("chat.postMessage") if "is counted" in str(c.args.get("text"))]
    assert re.findall(r"<@(\w+)>", text_of(announced)) == [rep_id(7), "UEXPSTF01"]
    assert "reserved seat: one seat for a ZIP" in text_of(announced) and rule in text_of(announced)
    async with deps.db.reader() as session:
        _, rows = await polls.export_results(session, poll.id, today=end.date())
        final = await polls.final_results(session, poll.id)
    assert sorted(r.option for r in rows if r.elected) == sorted([ED, REP_07])  # `nlsbot export poll N`
    assert [(s.option, s.tag) for s in final.by_origin.seats] == [(p[REP_07], "kind:ZIP"), (p[ED], None)]
