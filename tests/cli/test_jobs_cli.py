"""`nlsbot jobs run NAME [--at …]` as an operator runs it: Slack out of reach is one line, not a
traceback, and what a job could not send waits; a job with nothing to do says why and what to type."""

from __future__ import annotations

import asyncio
import socket
from datetime import timedelta

from sqlalchemy import select

from bot.services import polls
from models import OutboundMessage
from models.polls import Poll, PollStatus
from tests.support.cli import run
from tests.support.directory import REP_TORONTO
from tests.support.polls import NOW, load_network, open_poll, vote
from tests.support.slackbot import BALLOT_KEY


def _closed_port() -> int:
    with socket.socket() as unused:  # a port nothing listens on: connections are refused
        unused.bind(("127.0.0.1", 0))
        return unused.getsockname()[1]


async def test_closing_polls_while_slack_is_out_of_reach_is_one_line_and_the_polls_close(deps, database_url, tmp_path):
    await load_network(deps)
    posted = await open_poll(deps)
    await vote(deps, posted.id, REP_TORONTO, [0])
    async with deps.db.transaction() as session:
        await polls.set_message(session, posted.id, message_ts="1700000000.000100")  # posted in Slack
    api = f"http://127.0.0.1:{_closed_port()}/api/"
    env = {"DATABASE_URL": database_url, "NLS_BALLOT_KEY": BALLOT_KEY, "SLACK_BOT_TOKEN": "xoxb-test-token",
           "SLACK_API_URL": api, "NLS_SLACK_TIMEOUT": "1"}  # fmt: skip
    at = (NOW + timedelta(days=4)).isoformat()

    result = run(["jobs", "run", "poll-deadlines", "--at", at], tmp_path, env=env)

    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines() == [
        f"poll-deadlines: closed 1 poll(s): #{posted.id}; Slack is out of reach at {api}: 1 result message(s) and "
        "1 poll message(s) wait, and go out on a later run once it answers"
    ]
    async with deps.db.reader() as session:
        assert (await session.execute(select(Poll.status))).scalars().all() == [PollStatus.CLOSED]
        results = (await session.execute(select(OutboundMessage.status, OutboundMessage.key))).all()
    assert [(str(status), key) for status, key in results] == [("pending", f"poll-results:{posted.id}")]


async def test_a_digest_with_nothing_due_says_why_and_what_to_type(slack, tmp_path):
    """The stand-in Slack answers from this event loop, so the command runs in a thread."""
    assert run(["demo"], tmp_path).returncode == 0
    key = (tmp_path / "nlsbot.sqlite3.ballot-key").read_text().strip()  # the demo's own, on SQLite
    env = {"SLACK_API_URL": slack.base_url, "SLACK_BOT_TOKEN": "xoxb-test-token", "NLS_BALLOT_KEY": key}
    thursday = run(["jobs", "run", "lead-digest", "--at", "2026-12-03T15:00"], tmp_path, env=env)
    assert thursday.returncode == 0, thursday.stderr
    assert thursday.stdout.splitlines() == [
        "lead-digest: nothing sent: the weekly digest goes out Mondays at 09:00 in each lead's time zone; "
        "try --at 2026-12-07T09:00"
    ]
    monday = await asyncio.to_thread(run, ["jobs", "run", "lead-digest", "--at", "2026-12-07T09:00"], tmp_path, env=env)
    assert monday.stdout.splitlines() == ["lead-digest: 2 recorded; sent 2, to retry 0, failed 0"], monday.stderr
    assert {c.args["channel"] for c in slack.calls_to("chat.postMessage")} == {"UDEMO0001", "UDEMO0002"}
