"""Acknowledgements first (bot.transport.admission): when every work slot is taken, a new request is still
acknowledged at once and its work runs when a slot frees up; a listener waiting for Slack does
not keep its slot meanwhile."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.infra.settings import Settings
from bot.slack.localslack.server import LocalSlack
from bot.transport.admission import WorkSlots
from tests.support.directory import REP_TORONTO, STRANGER, load_directory
from tests.support.slackbot import SIGNING_SECRET

HANG = 1.5  # seconds


@pytest.fixture
def settings(database_url: str, slack: LocalSlack) -> Settings:
    return Settings(
        DATABASE_URL=database_url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET, NLS_WORK_SLOTS=1,
    )  # fmt: skip


async def test_a_request_is_acknowledged_while_every_slot_is_busy_and_answered_after(bot, deps):
    holding, release = asyncio.Event(), asyncio.Event()

    async def busy_listener() -> None:  # takes the only slot, as a long follow-up would
        await deps.work.hold_for_current_task()
        holding.set()
        await release.wait()

    holder = asyncio.create_task(busy_listener())
    await holding.wait()
    before = len(bot.slack.calls_to("response_url"))
    started = time.monotonic()
    response = await bot.command(STRANGER, "find housing toolkit")
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0, "the acknowledgement waited for the busy slot"
    await asyncio.sleep(0.5)
    assert len(bot.slack.calls_to("response_url")) == before, "answered while the only slot was taken"
    assert deps.work.waiting == 1

    release.set()
    await holder
    await bot.slack.wait_for("response_url", count=before + 1)


async def test_a_listener_waiting_for_slack_does_not_hold_its_slot(bot, deps):
    await load_directory(deps)
    bot.slack.fail_next("views.open", status=500, error="internal_error", hang_seconds=HANG)
    started = time.monotonic()
    assert (await bot.command(REP_TORONTO, "resource add")).status_code == 200  # follow-up: views.open
    await bot.slack.wait_for("views.open", lambda c: "_failed" in c.args)  # Slack is slow to answer it

    before = len(bot.slack.calls_to("response_url"))
    assert (await bot.command(STRANGER, "find housing toolkit")).status_code == 200
    answers = await bot.slack.wait_for("response_url", count=before + 1, timeout=10)
    answered = answers[-1].at - started
    assert answered < HANG, f"answered after {answered:.2f} s: the slot was held during the slow call"


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
    await asyncio.sleep(0)  # the done-callback giving the slot back has run
    assert (slots.running, slots.waiting) == (0, 0)
