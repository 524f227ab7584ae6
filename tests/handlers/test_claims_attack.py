"""Attacks on the claims of 5b448db (bot.claims, bot.submissions, bot.deliveries): a delivery applied
twice, a legitimate Submit answered as if it had been saved, a receipt kept longer than
docs/polls.md says, and a Submit while the database is down.

Each one is driven to the exact moment that matters by holding what the request waits for (a lock
on the delivery keys, Slack's answer to a channel read), never by sleeping and hoping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from bot.blocks import ids
from bot.db import Database
from bot.deps import Deps
from bot.localslack.server import Call
from bot.shell import payloads
from tests.support.directory import REP_MONTREAL, load_directory
from tests.support.resources import load_library
from tests.support.serving import serving
from tests.support.slackbot import find_action


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
