"""Polls over signed HTTP, on SQLite and PostgreSQL: the creation modal and its inline errors,
voting by button, ballot modal and `/nls vote`, who is refused and what they are told, secret
ballots, closing early or at the deadline (once), cancelling, reminders (once), `/nls polls`."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import web_client
from bot.blocks import ids
from bot.deps import Deps
from bot.infra.logs import configure_logging
from bot.services.ballot_seal import BallotKeys, new_key
from bot.shell import payloads
from bot.slack.localslack.server import BOT_USER_ID
from bot.slack.outbound.polls import post_poll
from jobs import JobEnv
from jobs.polls import close_polls, remind_non_voters
from models import AuditEvent, OutboundMessage
from models.polls import Poll, PollStatus
from tests.support.directory import (
    EX_OFFICIO,
    LEAD,
    NOMINATIONS,
    REP_HALIFAX,
    REP_MONTREAL,
    REP_TORONTO,
    STAFF_TORONTO,
    STRANGER,
    load_directory,
)
from tests.support.polls import (
    CHANNEL,
    NOW,
    buttons,
    create,
    form,
    load_network,
    open_poll,
    poll_message,
    posted,
    press,
    receipts,
    rep_id,
    vote,
)
from tests.support.slackbot import text_of


def env(deps) -> JobEnv:
    return JobEnv(deps=deps, client=web_client(deps))


# --- creating ------------------------------------------------------------------------------------


async def test_the_modal_creates_and_posts_a_network_poll(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    response = await create(bot, LEAD, form())
    assert response.status_code == 200 and not response.content
    message = await posted(bot, 1)
    text = text_of(message)
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text  # user text pings nobody
    assert "The network: one vote per member organisation" in text
    assert [b[0]["value"] for b in buttons(message, ids.POLL_QUICK_VOTE)] == ["1:0", "1:1", "1:2"]
    assert buttons(message, ids.POLL_CANCEL)[0][0]["confirm"]  # destructive: confirmed first
    note = await bot.slack.wait_for("chat.postEphemeral")
    assert note[0].args["user"] == LEAD and "Poll #1 is posted in <#CGENERAL>" in note[0].args["text"]
    async with deps.db.reader() as session:
        poll = await session.get(Poll, 1)
    assert poll.message_ts == message["ts"] and poll.created_by == LEAD


async def test_bad_polls_get_inline_errors_and_nothing_is_created(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    cases = [
        (form(**{ids.POLL_F_OPTIONS: "Only one"}), ids.POLL_F_OPTIONS, "at least 2 options"),
        (form(**{ids.POLL_F_OPTIONS: "\n".join(f"Option {n}" for n in range(51))}), ids.POLL_F_OPTIONS, "at most 50"),
        (form(**{ids.POLL_F_OPTIONS: "Housing\nJobs\nhousing"}), ids.POLL_F_OPTIONS, "appears twice"),
        (form(**{ids.POLL_F_CLOSES: (NOW - timedelta(hours=1)).isoformat()}), ids.POLL_F_CLOSES, "already passed"),
        (form(**{ids.POLL_F_SECRET: "1", ids.POLL_F_RESULTS: "live"}), ids.POLL_F_RESULTS, "only when it closes"),
    ]
    for answers, block, words in cases:
        response = await create(bot, LEAD, answers)
        body = response.json()
        assert body["response_action"] == "errors" and words in body["errors"][block], body
    staff = (await create(bot, STAFF_TORONTO, form())).json()
    assert "Only leads, admins" in staff["errors"][ids.POLL_F_ELECTORATE]
    assert bot.slack.calls_to("chat.postMessage") == []
    async with deps.db.reader() as session:
        assert (await session.execute(select(func.count()).select_from(Poll))).scalar_one() == 0


async def test_a_channel_poll_snapshots_the_channel_and_refuses_outsiders(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    bot.slack.channel_members[CHANNEL] = [STRANGER, STAFF_TORONTO, BOT_USER_ID]
    response = await create(bot, STRANGER, form(**{ids.POLL_F_ELECTORATE: "channel"}))
    assert not response.content
    message = await posted(bot, 1)
    assert "electorate: members of <#CGENERAL>" in text_of(message)
    assert "Recorded — your vote" in text_of(await press(bot, STRANGER, message, ids.POLL_QUICK_VOTE, 1))
    outsider = await bot.answer(REP_TORONTO, "vote 1 1")
    assert "weren't one of them" in text_of(outsider)
    turnout = text_of(await press(bot, STRANGER, message, ids.POLL_RESULTS))
    assert "1 of 2 members have voted so far" in turnout  # the bot itself is not an elector


async def test_a_channel_the_bot_cannot_read_is_an_inline_error(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    body = (await create(bot, STAFF_TORONTO, form(**{ids.POLL_F_ELECTORATE: "channel"}))).json()
    assert "can't see who is in <#CGENERAL>" in body["errors"][ids.POLL_F_CHANNEL]


# --- voting ------------------------------------------------------------------------------------------


async def test_network_vote_by_button_and_command_and_who_is_refused(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form())
    message = await posted(bot, 1)
    recorded = text_of(await press(bot, REP_TORONTO, message, ids.POLL_QUICK_VOTE, 0))
    assert "Recorded — Toronto South LIP's vote in poll #1" in recorded and "*Adopt as written*" in recorded
    staff = text_of(await press(bot, STAFF_TORONTO, message, ids.POLL_QUICK_VOTE, 1))
    assert "Toronto South LIP's vote is held by its representative, <@UREPTOR01>" in staff
    stranger = text_of(await press(bot, STRANGER, message, ids.POLL_QUICK_VOTE, 1))
    assert "not in the NLS member directory" in stranger
    changed = text_of(await bot.answer(REP_TORONTO, "vote 1 3"))
    assert "Changed — Toronto South LIP's vote in poll #1" in changed and "*Send back*" in changed
    assert await receipts(deps) == 1


async def test_bad_votes_get_clear_answers_and_change_nothing(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await open_poll(deps, options=("Ann", "Bo", "Cy"), kind="ranked")
    answers = {
        "vote": "Tell me the poll and your choice",
        "vote 1": "Tell me the poll and your choice",
        "vote 7 1": "There is no poll #7",
        "vote 1 4": "There is no option 4: this poll has options 1 to 3",
        "vote 1 2 1 2": "Option 2 appears twice in your ranking",
        "vote 1 two": "`two` is not an option number",
    }
    for command, expected in answers.items():
        assert expected in text_of(await bot.answer(REP_TORONTO, command)), command
    assert await receipts(deps) == 0


async def test_ranked_vote_by_command_and_by_ballot_modal(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form(**{ids.POLL_F_KIND: "ranked", ids.POLL_F_OPTIONS: "Ann\nBo\nCy"}))
    message = await posted(bot, 1)
    assert "Ties: decided by the earlier rounds" in text_of(message)  # the tie-break, stated on the ballot
    answer = text_of(await bot.answer(REP_TORONTO, "vote 1 3 1 2"))
    assert "1. *Cy* → 2. *Ann* → 3. *Bo*" in answer

    element, block_id = buttons(message, ids.POLL_BALLOT)[0]
    before = len(bot.slack.calls_to("views.open"))
    await bot.press(REP_HALIFAX, element, block_id=block_id, message=message, channel=CHANNEL)
    ballot = await bot.opened_view(before)
    assert [b["block_id"] for b in ballot["blocks"] if b["type"] == "input"] == [
        "poll_rank_1",
        "poll_rank_2",
        "poll_rank_3",
    ]
    repeat = (await bot.submit(REP_HALIFAX, ballot, {"poll_rank_1": "2", "poll_rank_2": "2"})).json()
    assert "appears twice" in repeat["errors"]["poll_rank_2"]
    done = (await bot.submit(REP_HALIFAX, ballot, {"poll_rank_1": "2", "poll_rank_3": "1"})).json()
    assert done["response_action"] == "update"
    assert "Recorded — Halifax LIP's vote in poll #1" in text_of(done["view"]) and "1. *Bo* → 2. *Ann*" in text_of(
        done["view"]
    )
    assert await receipts(deps) == 2


async def test_executive_poll_refuses_ex_officio_and_non_members(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await open_poll(deps, electorate="executive", kind="yes_no", options=())
    assert "Recorded — the Executive Committee seat of Halifax LIP" in text_of(
        await bot.answer(REP_HALIFAX, "vote 1 yes")
    )
    assert "follow this poll but not vote" in text_of(await bot.answer(EX_OFFICIO, "vote 1 yes"))
    assert "Only voting members of the Executive Committee" in text_of(await bot.answer(REP_TORONTO, "vote 1 no"))


async def test_secret_poll_confirms_each_click_and_refuses_a_second_ballot(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form(**{ids.POLL_F_SECRET: "1"}))
    message = await posted(bot, 1)
    assert all(element.get("confirm") for element, _ in buttons(message, ids.POLL_QUICK_VOTE))
    assert buttons(message, ids.POLL_VOTERS) == []  # nobody sees who voted what
    first = text_of(await press(bot, REP_MONTREAL, message, ids.POLL_QUICK_VOTE, 1))
    assert "Recorded — Montréal PLI's vote" in first and "cannot be changed" in first
    again = text_of(await press(bot, REP_MONTREAL, message, ids.POLL_QUICK_VOTE, 0))
    assert "secret ballot, so the vote cannot be changed" in again
    turnout = text_of(await press(bot, LEAD, message, ids.POLL_RESULTS))
    assert "have voted so far" in turnout and "Adopt with changes" not in turnout
    assert await receipts(deps) == 1


async def test_live_results_and_who_voted_what_for_the_creator_only(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form(**{ids.POLL_F_RESULTS: "live"}))
    message = await posted(bot, 1)
    await press(bot, REP_TORONTO, message, ids.POLL_QUICK_VOTE, 2)
    live = text_of(await press(bot, STAFF_TORONTO, message, ids.POLL_RESULTS))
    assert "Results so far — poll #1" in live and "▓▓▓▓▓▓▓▓▓▓" in live and "*1* (100%)" in live
    refused = text_of(await press(bot, STAFF_TORONTO, message, ids.POLL_VOTERS))
    assert "Only the creator of poll #1 or an admin" in refused
    voters = text_of(await press(bot, LEAD, message, ids.POLL_VOTERS))
    assert "<@UREPTOR01> (Toronto South LIP): *Send back*" in voters


# --- closing, cancelling ----------------------------------------------------------------------------


async def test_only_the_creator_closes_early_and_results_go_to_the_thread(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form(**{ids.POLL_F_QUORUM: "3"}))
    message = await posted(bot, 1)
    for user, option in ((REP_TORONTO, 0), (REP_HALIFAX, 0), (REP_MONTREAL, 1)):
        await press(bot, user, message, ids.POLL_QUICK_VOTE, option)
    refused = text_of(await press(bot, REP_TORONTO, message, ids.POLL_CLOSE))
    assert "Only the creator of poll #1 or an admin" in refused
    assert "Poll #1 is closed" in text_of(await press(bot, LEAD, message, ids.POLL_CLOSE))
    thread = await bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == message["ts"])
    results = text_of(thread[0].args)
    assert "Results — poll #1" in results and "Winner: Adopt as written" in results
    assert "`▓▓▓▓▓▓▓░░░` *2* (67%)" in results
    assert "3 of 6 organisations (50%)" in results and "Quorum* of 3 organisations: met" in results
    await bot.slack.wait_for("chat.update")
    updated = poll_message(bot.slack, 1)
    assert "Winner: Adopt as written" in text_of(updated) and buttons(updated, ids.POLL_QUICK_VOTE) == []
    assert "is closed; it takes no more votes" in text_of(await bot.answer(REP_MONTREAL, "vote 1 1"))


async def test_cancel_updates_the_message_and_stops_votes(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form())
    message = await posted(bot, 1)
    assert "Poll #1 is cancelled" in text_of(await press(bot, LEAD, message, ids.POLL_CANCEL))
    await bot.slack.wait_for("chat.update")
    assert "This poll was cancelled" in text_of(poll_message(bot.slack, 1))
    assert "was cancelled; it takes no votes" in text_of(await bot.answer(REP_TORONTO, "vote 1 1"))


async def test_the_deadline_job_closes_once_even_run_concurrently_and_again(bot, deps, clock):
    clock.set(NOW)
    await load_network(deps, 2)
    await create(bot, LEAD, form(**{ids.POLL_F_KIND: "ranked", ids.POLL_F_OPTIONS: "Ann\nBo\nCy"}))
    message = await posted(bot, 1)
    ballots = {
        REP_TORONTO: "1 3",
        REP_HALIFAX: "1",
        REP_MONTREAL: "2",
        NOMINATIONS: "2 1",
        rep_id(0): "2",
        rep_id(1): "3 2",
    }
    for user, ranking in ballots.items():
        assert "Recorded" in text_of(await bot.answer(user, f"vote 1 {ranking}"))
    at = NOW + timedelta(days=3, minutes=1)
    clock.set(at)
    summaries = await asyncio.gather(close_polls(env(deps), at), close_polls(env(deps), at))
    assert sorted(summaries) == ["closed 0 poll(s)", "closed 1 poll(s): #1"]
    assert await close_polls(env(deps), at + timedelta(hours=1)) == "closed 0 poll(s)"
    thread = [c for c in bot.slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == message["ts"]]
    assert len(thread) == 1
    results = text_of(thread[0].args)
    assert "*Round 1:* #1 2 · #2 3 · #3 1 — #3 excluded" in results
    assert "*Round 2:* #1 2 · #2 4 — elected #2" in results and "Winner: Bo" in results
    async with deps.db.reader() as session:
        assert (await session.get(Poll, 1)).status is PollStatus.CLOSED


# --- reminders ------------------------------------------------------------------------------------


async def test_reminders_by_button_and_job_reach_each_non_voter_once(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form())
    message = await posted(bot, 1)
    await press(bot, REP_TORONTO, message, ids.POLL_QUICK_VOTE, 0)
    assert "Only the creator" in text_of(await press(bot, REP_HALIFAX, message, ids.POLL_REMIND))
    queued = text_of(await press(bot, LEAD, message, ids.POLL_REMIND))
    assert "Reminders queued for 3 people" in queued
    dms = await bot.slack.wait_for(
        "chat.postMessage", lambda c: "Reminder: poll #1" in str(c.args.get("text")), count=3
    )
    assert sorted(c.args["channel"] for c in dms) == sorted([REP_HALIFAX, REP_MONTREAL, NOMINATIONS])
    assert "Halifax LIP has not voted" in text_of(next(c.args for c in dms if c.args["channel"] == REP_HALIFAX))
    assert "Nobody to remind" in text_of(await press(bot, LEAD, message, ids.POLL_REMIND))
    day_before = NOW + timedelta(days=2, hours=1)
    clock.set(day_before)
    await asyncio.gather(remind_non_voters(env(deps), day_before), remind_non_voters(env(deps), day_before))
    async with deps.db.reader() as session:
        rows = (await session.execute(select(func.count()).select_from(OutboundMessage))).scalar_one()
    assert rows == 3


async def test_the_day_before_job_reminds_each_non_voter_once(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps, electorate="executive")
    day_before = NOW + timedelta(days=2, hours=1)
    clock.set(day_before)
    first, second = await asyncio.gather(
        remind_non_voters(env(deps), day_before), remind_non_voters(env(deps), day_before)
    )
    assert "1 reminder(s) queued" in first + second
    dms = [c for c in bot.slack.calls_to("chat.postMessage") if "Reminder" in str(c.args.get("text"))]
    assert [c.args["channel"] for c in dms] == [REP_HALIFAX]  # the only voting Executive Committee member
    await remind_non_voters(env(deps), day_before + timedelta(hours=1))
    assert len([c for c in bot.slack.calls_to("chat.postMessage") if "Reminder" in str(c.args.get("text"))]) == 1
    assert poll.id == 1


# --- lists and languages ----------------------------------------------------------------------------


async def test_polls_lists_what_i_can_vote_in(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await open_poll(deps, question="Network question")
    await open_poll(deps, question="Executive question", electorate="executive")
    await vote(deps, 1, REP_HALIFAX, [0])
    text = text_of(await bot.answer(REP_HALIFAX, "polls"))
    assert "Network question" in text and "Executive question" in text
    assert "✅ voted" in text and "⏳ not voted yet" in text
    assert "no open poll you can vote in" in text_of(await bot.answer(STAFF_TORONTO, "polls"))


async def test_a_french_voter_is_answered_in_french(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await open_poll(deps, kind="yes_no", options=())
    await bot.answer(REP_MONTREAL, "lang fr")
    answer = text_of(await bot.answer(REP_MONTREAL, "vote 1 oui"))
    assert "Enregistré — le vote de Montréal PLI au sondage nº 1" in answer and "*Pour*" in answer
    assert "Il n'y a pas de sondage nº 9." in text_of(await bot.answer(REP_MONTREAL, "vote 9 1"))


async def test_a_secret_vote_leaves_no_choice_or_voter_in_the_logs_or_audit(bot, deps, clock, caplog):
    clock.set(NOW)
    await load_directory(deps)
    await open_poll(deps, secret=True, options=("Quietly yes", "Quietly no"))
    caplog.set_level(logging.INFO)  # production runs at INFO; Slack's libraries never go below it
    answer = text_of(await bot.answer(REP_MONTREAL, "vote 1 2"))
    assert "Recorded" in answer and "Quietly no" in answer  # the voter, and only the voter, is told
    logged = "\n".join(f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in caplog.records)
    assert "Quietly no" not in logged and REP_MONTREAL not in logged
    async with deps.db.reader() as session:
        details = (await session.execute(select(AuditEvent.details))).scalars().all()
    assert "Quietly" not in str(details) and REP_MONTREAL not in str(details)


async def test_a_poll_slack_refuses_to_post_is_withdrawn_and_its_creator_told(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    bot.slack.fail_next("chat.postMessage", status=200, error="not_in_channel", retry_after=None)
    assert not (await create(bot, LEAD, form())).content
    told = await bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("channel") == LEAD)
    assert "couldn't post the poll in <#CGENERAL>, so I cancelled it" in told[0].args["text"]
    async with deps.db.reader() as session:
        assert (await session.get(Poll, 1)).status is PollStatus.CANCELLED


async def test_fifty_long_options_and_fifty_rounds_fit_slacks_limits(bot, deps, clock):
    clock.set(NOW)
    await load_network(deps, 50)
    options = tuple(f"{n:02d} <Option> & " + "x" * 136 for n in range(50))  # 150 characters, escaping grows them
    poll = await open_poll(deps, kind="ranked", options=options)
    assert await post_poll(deps, web_client(deps), poll)  # the local Slack API enforces Slack's block limits
    message = poll_message(bot.slack, poll.id)
    assert "*50.* 49 &lt;Option&gt; &amp; xxx" in text_of(message)
    element, block_id = buttons(message, ids.POLL_BALLOT)[0]
    await bot.press(rep_id(0), element, block_id=block_id, message=message, channel=CHANNEL)
    ballot = await bot.opened_view()
    assert "ranks up to 10 options" in text_of(ballot)
    for n in range(50):
        await vote(deps, poll.id, rep_id(n), [n, (n + 1) % 50])  # one first preference each: 49 exclusions
    clock.set(poll.closes_at + timedelta(minutes=1))
    await close_polls(env(deps), poll.closes_at + timedelta(minutes=1))
    thread = await bot.slack.wait_for("chat.postMessage", lambda c: c.args.get("thread_ts") == message["ts"])
    assert "*Round 49:*" in text_of(thread[0].args)
    await bot.slack.wait_for("chat.update")
    assert "Winner:" in text_of(poll_message(bot.slack, poll.id))


async def test_the_home_asks_a_rep_for_the_organisations_vote_and_opens_the_ballot(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await open_poll(deps, question="Approve the terms of reference?")
    await bot.event(payloads.app_home_opened(REP_TORONTO))
    published = await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == REP_TORONTO)
    home = published[0].args["view"]
    assert "Cast Toronto South LIP's vote in poll #1: Approve the terms of reference?" in text_of(home)
    element, block_id = buttons(home, ids.POLL_BALLOT)[0]
    await bot.press(REP_TORONTO, element, block_id=block_id, view={**home, "id": "VHOME"})
    ballot = await bot.opened_view()
    assert ballot["callback_id"] == ids.POLL_BALLOT_FORM and ballot["private_metadata"] == "1"


async def test_multiple_choice_ballot_modal_enforces_the_maximum_inline(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form(**{ids.POLL_F_KIND: "multiple", ids.POLL_F_MAX: "2"}))
    message = await posted(bot, 1)
    assert "pick up to 2" in text_of(message)
    element, block_id = buttons(message, ids.POLL_BALLOT)[0]
    before = len(bot.slack.calls_to("views.open"))
    await bot.press(REP_TORONTO, element, block_id=block_id, message=message, channel=CHANNEL)
    ballot = await bot.opened_view(before)
    too_many = (await bot.submit(REP_TORONTO, ballot, {ids.POLL_F_CHOICE: "1,2,3"})).json()
    assert "Choose 2 options at most" in too_many["errors"][ids.POLL_F_CHOICE]
    done = (await bot.submit(REP_TORONTO, ballot, {ids.POLL_F_CHOICE: "1,3"})).json()
    assert "*Adopt as written*, *Send back*" in text_of(done["view"])
    assert await receipts(deps) == 1


async def test_a_poll_whose_ballot_key_is_missing_is_neither_closed_nor_published(bot, deps, clock, caplog):
    """A replica set up with another NLS_BALLOT_KEY sealed one ballot: the creator's Close now, and
    the deadline job after it, leave the poll open with nothing published, and say why."""
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form(**{ids.POLL_F_SECRET: "1"}))
    message = await posted(bot, 1)
    await vote(deps, 1, REP_TORONTO, [0])
    other_replica = Deps(settings=deps.settings, db=deps.db, clock=deps.clock, ballot_keys=BallotKeys.from_text(new_key()))
    await vote(other_replica, 1, REP_HALIFAX, [1])
    refused = text_of(await press(bot, LEAD, message, ids.POLL_CLOSE))
    assert "Poll #1 can't be counted yet" in refused and "Nothing was published" in refused
    caplog.set_level(logging.ERROR, logger="jobs.polls")
    summary = await close_polls(env(deps), NOW + timedelta(days=4))
    assert summary == "closed 0 poll(s); 1 held, not counted (see the error above)"
    assert next(r.getMessage() for r in caplog.records if r.name == "jobs.polls").startswith("poll #1 not closed:")
    async with deps.db.reader() as session:
        assert (await session.get(Poll, 1)).status is PollStatus.OPEN
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == message["ts"]]


async def test_even_at_debug_a_secret_vote_and_its_close_log_no_choice_beside_a_voter(bot, deps, clock):
    """NLS_LOG_LEVEL=DEBUG as an operator chasing a problem would set it: our loggers at DEBUG, the
    libraries that print bodies or statement parameters held at INFO and above."""
    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps, secret=True, options=("Quietly yes", "Quietly no"))
    root, saved = logging.getLogger(), logging.getLogger().handlers[:]
    captured: list[logging.LogRecord] = []
    capture = logging.Handler(logging.DEBUG)
    capture.emit = captured.append  # type: ignore[method-assign]
    configure_logging("DEBUG")
    root.addHandler(capture)
    try:
        assert "Recorded" in text_of(await bot.answer(REP_MONTREAL, f"vote {poll.id} 2"))
        await close_polls(env(deps), poll.closes_at + timedelta(minutes=1))
    finally:
        configure_logging("INFO")
        root.handlers[:] = saved
    assert captured, "the capture is broken"
    logged = "\n".join(f"{r.name} {r.getMessage()} {getattr(r, 'fields', '')}" for r in captured)
    assert REP_MONTREAL not in logged and "[1]" not in logged  # the voter, the choice (option 2 is [1])
