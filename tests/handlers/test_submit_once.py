"""A modal is applied once per Slack view (bot.submissions): a double click on Submit, a replay
with a fresh trigger id, ten Submits at once — one save; the repeats get an empty acknowledgement
(keeping the first answer to repeat it would keep a secret ballot's choices)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.blocks import ids
from models.feedback import Feedback
from models.polls import Poll
from tests.handlers.test_feedback_flow import answers, open_form
from tests.handlers.test_polls import create, form
from tests.support.directory import LEAD, REP_MONTREAL, load_directory
from tests.support.polls import NOW

BUSY = "nothing was saved"


async def _count(deps, model) -> int:
    async with deps.db.reader() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def _submit_until_not_busy(bot, user, view, values) -> None:
    for _ in range(20):
        response = await bot.submit(user, view, values)
        if BUSY not in response.text:
            return
    raise AssertionError("every Submit refused as busy")


async def test_the_same_feedback_form_submitted_again_is_saved_once(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    first = await bot.submit(REP_MONTREAL, view, answers())
    again = await bot.submit(REP_MONTREAL, view, answers())  # a fresh trigger id, the same view
    assert first.json()["response_action"] == "update"
    assert again.status_code == 200 and again.content == b""
    assert await _count(deps, Feedback) == 1


async def test_ten_submits_at_once_save_one(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    responses = await asyncio.gather(*(bot.submit(REP_MONTREAL, view, answers()) for _ in range(10)))
    assert [r.status_code for r in responses] == [200] * 10
    # On a busy machine some may be refused before they write ("nothing was saved"): they did not
    # save, and the receipt is the one submission that did.
    answered = [r for r in responses if r.content and BUSY not in r.text]
    assert [r.json()["response_action"] for r in answered] == ["update"] * len(answered)
    assert await _count(deps, Feedback) == len(answered) <= 1
    if not answered:  # every claimant was refused as busy: Submit again, as the person would
        await _submit_until_not_busy(bot, REP_MONTREAL, view, answers())
    assert await _count(deps, Feedback) == 1


async def test_a_form_refused_inline_can_be_corrected_and_submitted_once(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    refused = (await bot.submit(REP_MONTREAL, view, answers(**{ids.FEEDBACK_TEXT: ""}))).json()
    assert refused["response_action"] == "errors"
    assert (await bot.submit(REP_MONTREAL, view, answers())).json()["response_action"] == "update"
    assert await _count(deps, Feedback) == 1


async def test_five_identical_poll_creations_at_once_post_one_poll(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    before = len(bot.slack.calls_to("views.open"))
    await bot.command(LEAD, "poll")
    view = await bot.opened_view(before)
    responses = await asyncio.gather(*(bot.submit(LEAD, view, form()) for _ in range(5)))
    assert await _count(deps, Poll) <= 1
    if all(BUSY in r.text or not r.content for r in responses):
        await _submit_until_not_busy(bot, LEAD, view, form())
    assert await _count(deps, Poll) == 1
    assert create  # the poll form's own helper, for the answers' shape


async def test_a_form_shown_again_by_an_update_is_a_new_submission(bot, deps):
    """`response_action: update` keeps the view's id but gives it a new hash: its next Submit
    (the form's next step, or the form shown again) is applied, not taken for a replay."""
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    await bot.submit(REP_MONTREAL, view, answers())
    updated = {**view, "hash": view["hash"] + "-updated"}
    assert (await bot.submit(REP_MONTREAL, updated, answers())).json()["response_action"] == "update"
    assert await _count(deps, Feedback) == 2
