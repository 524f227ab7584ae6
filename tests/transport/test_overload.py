"""An overloaded process, over signed HTTP on SQLite and PostgreSQL. Past `NLS_MAX_IN_FLIGHT`
requests being served at once, one more is refused at once with a 503 and the others finish. A
write that would come before the acknowledgement and after the request's `NLS_ACK_BUDGET`
(bot.transport.deadline) is refused with "busy, nothing saved" (inline in a modal, ephemeral for a command);
work after the acknowledgement is never refused. A budget of 0 stands for a request that has
waited too long in an overloaded process."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from bot.blocks import ids
from tests.support.directory import LEAD, REP_MONTREAL, REP_TORONTO, load_directory
from tests.support.feedback import answers, open_form, stored
from tests.support.polls import NOW, create, form, posted, press, receipts
from tests.support.slackbot import text_of
from tests.support.submissions import BUSY


async def test_a_form_submitted_too_late_is_refused_inline_and_saved_once_when_sent_again(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    deps.settings.ack_budget = 0

    refused = (await bot.submit(REP_MONTREAL, view, answers())).json()
    assert refused["response_action"] == "errors"  # the modal stays open with what was typed
    assert any(BUSY in message for message in refused["errors"].values())
    assert await stored(deps) == []

    deps.settings.ack_budget = 2.5
    accepted = (await bot.submit(REP_MONTREAL, view, answers())).json()
    assert accepted["response_action"] == "update"
    assert len(await stored(deps)) == 1


async def test_a_late_vote_command_is_refused_privately_and_records_nothing(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form())
    await posted(bot, 1)
    deps.settings.ack_budget = 0

    assert BUSY in text_of(await bot.answer(REP_TORONTO, "vote 1 1"))
    assert await receipts(deps) == 0


async def test_work_after_the_acknowledgement_is_never_refused(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await create(bot, LEAD, form())
    message = await posted(bot, 1)
    deps.settings.ack_budget = 0  # every request is "late": the button's ballot comes after its ack

    recorded = text_of(await press(bot, REP_TORONTO, message, ids.POLL_QUICK_VOTE, 0))
    assert "Recorded — Toronto South LIP's vote in poll #1" in recorded
    assert await receipts(deps) == 1


async def test_past_the_in_flight_limit_a_request_is_refused_at_once_and_the_others_finish(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    deps.settings.max_in_flight = 1
    async with deps.db.transaction() as session:  # holds the writer: the first submission waits, in flight
        if not deps.db.is_sqlite:
            await session.execute(text("LOCK TABLE feedback IN EXCLUSIVE MODE"))
        first = asyncio.create_task(bot.submit(REP_MONTREAL, view, answers()))
        await asyncio.sleep(0.5)
        started = time.monotonic()
        refused = await bot.submit(REP_MONTREAL, view, answers())
        assert (refused.status_code, time.monotonic() - started < 0.5) == (503, True)
        assert not first.done()
    assert (await first).json()["response_action"] == "update"
    assert len(await stored(deps)) == 1
