"""Attacks on the claims of 5b448db (bot.transport.claims, bot.transport.submissions, bot.transport.deliveries): a delivery applied
twice, a legitimate Submit answered as if it had been saved, a receipt kept longer than
docs/polls.md says, and a Submit while the database is down; and Socket Mode, which must come
through the same claims as HTTP and the shell.

Each one is driven to the exact moment that matters by holding what the request waits for (a lock
on the delivery keys, Slack's answer to a channel read), never by sleeping and hoping."""

from __future__ import annotations

import asyncio
import gc
import json
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

import pytest
from slack_bolt.response import BoltResponse
from slack_sdk.socket_mode.request import SocketModeRequest
from sqlalchemy import text

from bot.app import build_app
from bot.blocks import ids
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.settings import Settings
from bot.shell import payloads
from bot.shell.forms import state_values
from bot.slack.localslack.server import Call
from bot.transport.deadline import DEFAULT_BUDGET_SECONDS
from bot.transport.socket_mode import GuardedSocketModeHandler
from bot.transport.submissions import RecentAnswers
from models.feedback import Feedback
from models.polls import Poll
from tests.support.directory import LEAD, REP_MONTREAL, STRANGER, load_directory
from tests.support.feedback import answers, open_form
from tests.support.polls import CHANNEL, NOW, form
from tests.support.resources import load_library
from tests.support.serving import serving
from tests.support.slackbot import SIGNING_SECRET, find_action
from tests.support.submissions import BUSY, count_rows, submit_until_not_busy
from tests.support.websocket import Websocket


@asynccontextmanager
async def delivery_keys_unwritable(deps: Deps) -> AsyncIterator[None]:
    """Until the block ends no process can write a delivery key (its log's batch, a request's
    claim); reading them goes on. On SQLite the write transaction itself is the one writer."""
    async with deps.db.transaction() as session:
        if not deps.db.is_sqlite:
            await session.execute(text("LOCK TABLE processed_deliveries IN SHARE MODE"))
        yield


def shares(slack) -> list[Call]:
    return [c for c in slack.calls_to("response_url") if c.args.get("response_type") == "in_channel"]


async def test_one_delivery_reaching_two_processes_at_once_is_applied_once(bot, deps, settings, slack):
    """Both processes find the key unseen and accept it; whichever claims second finds the other's
    row. It used to take that row for its own delivery log's batch (it had accepted the key too)
    and post the share a second time: a signed request replayed to two replicas, or an event Slack
    retried to another replica while the first was still at work, was applied twice."""
    await load_directory(deps)
    await load_library(deps)
    share, block_id = find_action((await bot.answer(REP_MONTREAL, "find logement"))["blocks"], ids.RESOURCE_SHARE)
    body = payloads.block_actions(REP_MONTREAL, share, block_id=block_id, response_url=slack.response_url())
    other = Deps(settings=settings, db=Database(settings.database_url), clock=deps.clock)
    try:
        async with serving(other, slack) as replica, delivery_keys_unwritable(deps):
            answered = await asyncio.gather(bot.post(body), replica.post(body))
            assert [r.status_code for r in answered] == [200, 200]  # both acknowledged: both accepted it
        # Leaving `serving` waits for every listener still at work, in both processes.
    finally:
        await other.close()
    assert len(shares(slack)) == 1


async def test_a_second_submit_that_stops_waiting_does_not_close_a_modal_that_saved_nothing(bot, deps, clock):
    """A second Submit waits for the first; past its own deadline it used to answer an empty
    acknowledgement, which closes the modal as a saved form does, while the first — still reading
    the channel — went on to be refused as too late. Nothing was saved and the person was not told."""
    clock.set(NOW)
    await load_directory(deps)
    bot.slack.channel_members[CHANNEL] = [LEAD, STRANGER]
    await bot.command(LEAD, "poll", channel=CHANNEL)
    view = await bot.opened_view()
    values = form(**{ids.POLL_F_ELECTORATE: "channel"})
    reading, release = asyncio.Event(), asyncio.Event()

    async def hold_the_first_channel_read(call: Call) -> None:
        if call.method == "conversations.members" and not reading.is_set():
            reading.set()
            await release.wait()

    bot.slack.on_call(hold_the_first_channel_read)
    deps.settings.ack_budget = 0.3  # an operator's NLS_ACK_BUDGET; the holds below outlast it
    first = asyncio.create_task(bot.submit(LEAD, view, values))
    await reading.wait()
    second = await bot.submit(LEAD, view, values)  # Submit again while the first is held
    release.set()
    await first
    assert second.content or await count_rows(deps, Poll) == 1, "the modal was closed and nothing was saved"
    assert BUSY in second.text  # it said so instead, and the person can press Submit again
    deps.settings.ack_budget = DEFAULT_BUDGET_SECONDS
    await submit_until_not_busy(bot, LEAD, view, values)
    assert await count_rows(deps, Poll) == 1


async def test_a_kept_receipt_is_gone_after_its_time_even_when_no_other_modal_is_submitted():
    """docs/polls.md: a ballot modal's answer (its receipt, with the choices) stays in the process's
    memory for two minutes. Expired answers were only dropped when a later Submit came looking, so
    the last receipt of an election stayed for as long as nobody submitted another modal."""
    answers_kept: RecentAnswers[BoltResponse] = RecentAnswers(keep_seconds=0.05)
    assert (await answers_kept.turn("V0BALLOT:h1", wait_seconds=1)).first
    receipt = BoltResponse(status=200, body='{"response_action": "update", "view": "Recorded: Option B"}')
    answers_kept.done("V0BALLOT:h1", receipt)
    held = weakref.ref(receipt)
    del receipt
    for _ in range(400):  # it goes 0.05 s after; allow a busy machine twenty seconds
        gc.collect()
        if held() is None:
            break
        await asyncio.sleep(0.05)
    assert held() is None, "the receipt is still in memory, with nothing left to answer"


async def test_socket_mode_comes_through_the_claims_too(bot, deps):
    """Socket Mode hands each envelope to the app's `async_dispatch` (slack_bolt's
    run_async_bolt_app), where the claims and the kept answers live: the same modal submitted twice
    over the websocket is saved once, and the second is shown the first one's receipt."""
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    handler, socket = GuardedSocketModeHandler(build_app(deps), "xapp-test", deps), Websocket()
    for _ in range(2):
        body = payloads.view_submission(REP_MONTREAL, view, state_values(view, answers()))
        envelope = json.loads(dict(parse_qsl(body))["payload"])
        await handler.handle(socket, SocketModeRequest(type="interactive", envelope_id="E1", payload=envelope))
    first, second = (sent.payload for sent in socket.sent)
    assert first["response_action"] == "update" and second == first
    assert await count_rows(deps, Feedback) == 1


class TestASubmitWhileTheDatabaseIsDown:
    """PostgreSQL through a proxy the test cuts (as tests/transport/test_database_outage.py)."""

    @pytest.fixture
    def settings(self, db_proxy, slack):
        _, proxied = db_proxy
        return Settings(
            DATABASE_URL=proxied, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
        )  # fmt: skip

    async def test_is_told_inline_to_try_again_and_saved_once_when_it_is_back(self, bot, deps, db_proxy):
        """The check for an applied view ran before the request's own error handling: an outage
        gave a 500 (Slack: "trouble connecting") and a traceback, not "try again in a minute"."""
        proxy, _ = db_proxy
        await load_directory(deps)
        view = await open_form(bot, REP_MONTREAL)
        await proxy.cut()
        down = await bot.submit(REP_MONTREAL, view, answers())
        assert down.status_code == 200 and "try again in a minute" in str(down.json()["errors"])
        await proxy.restore()
        assert (await bot.submit(REP_MONTREAL, view, answers())).json()["response_action"] == "update"
        assert await count_rows(deps, Feedback) == 1
