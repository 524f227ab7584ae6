"""Acknowledgements first (bot.admission): when every work slot is taken, a new request is still
acknowledged at once, and its work runs when a slot frees up."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.admission import WorkSlots
from bot.localslack.server import LocalSlack
from bot.settings import Settings
from tests.support.directory import REP_TORONTO, STRANGER, load_directory
from tests.support.slackbot import SIGNING_SECRET

HANG = 1.5  # seconds Slack takes to answer the first request's views.open


@pytest.fixture
def settings(database_url: str, slack: LocalSlack) -> Settings:
    return Settings(
        DATABASE_URL=database_url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET, NLS_WORK_SLOTS=1,
    )  # fmt: skip


async def test_a_request_is_acknowledged_while_every_slot_is_busy_and_answered_after(bot, deps):
    await load_directory(deps)
    bot.slack.fail_next("views.open", status=500, error="internal_error", hang_seconds=HANG)
    started = time.monotonic()
    first = await bot.command(REP_TORONTO, "resource add")  # its follow-up holds the only slot
    assert first.status_code == 200
    await bot.slack.wait_for("views.open", lambda c: "_failed" in c.args)  # the slow call is under way

    before = len(bot.slack.calls_to("response_url"))
    second = await bot.command(STRANGER, "find housing toolkit")
    acknowledged = time.monotonic() - started
    assert second.status_code == 200
    assert acknowledged < HANG / 2, f"acknowledged after {acknowledged:.2f} s: it waited for the busy slot"

    answers = await bot.slack.wait_for("response_url", count=before + 1, timeout=10)
    answered = answers[-1].at - started
    assert answered >= HANG, f"answered after {answered:.2f} s, while the only slot was still taken"


async def test_a_slot_is_given_back_however_its_listener_ends():
    slots = WorkSlots(1)

    async def fails() -> None:
        await slots.hold_for_current_task()
        raise RuntimeError("listener failed")

    with pytest.raises(RuntimeError):
        await asyncio.create_task(fails())

    async def works() -> int:
        await slots.hold_for_current_task()
        return slots.running

    assert await asyncio.wait_for(asyncio.create_task(works()), timeout=1) == 1
    await asyncio.sleep(0)  # the done-callback releasing the slot has run
    assert (slots.running, slots.waiting) == (0, 0)
