"""A modal is applied once per Slack view (bot.transport.submissions): a double click on Submit, a replay
with a fresh trigger id, ten Submits at once — one save, and the repeats answered as the first was
(from the process's memory, never the database: it could be a secret ballot's receipt)."""

from __future__ import annotations

import asyncio
import json

from bot.blocks import ids
from bot.deps import Deps
from bot.infra.db import Database
from models.feedback import Feedback
from models.ops import SubmittedView
from models.polls import Poll
from tests.support.directory import LEAD, REP_MONTREAL, load_directory
from tests.support.feedback import answers, open_form
from tests.support.polls import NOW, create, form
from tests.support.serving import serving
from tests.support.submissions import BUSY, count_rows, submit_until_not_busy

BURST = 40


async def test_the_same_feedback_form_submitted_again_is_saved_once(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    first = await bot.submit(REP_MONTREAL, view, answers())
    again = await bot.submit(REP_MONTREAL, view, answers())  # a fresh trigger id, the same view
    assert first.json()["response_action"] == "update"
    assert again.status_code == 200 and again.json() == first.json()  # the same receipt
    assert await count_rows(deps, Feedback) == 1


async def test_ten_submits_at_once_save_one(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    responses = await asyncio.gather(*(bot.submit(REP_MONTREAL, view, answers()) for _ in range(10)))
    assert [r.status_code for r in responses] == [200] * 10
    # On a busy machine some may be refused before they write ("nothing was saved"); every other
    # one shows the receipt of the one submission that saved.
    answered = [r.json() for r in responses if BUSY not in r.text]
    assert all(a == answered[0] and a["response_action"] == "update" for a in answered)
    assert await count_rows(deps, Feedback) == min(len(answered), 1)
    if not answered:  # every claimant was refused as busy: Submit again, as the person would
        await submit_until_not_busy(bot, REP_MONTREAL, view, answers())
    assert await count_rows(deps, Feedback) == 1


async def test_a_form_refused_inline_can_be_corrected_and_submitted_once(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    refused = (await bot.submit(REP_MONTREAL, view, answers(**{ids.FEEDBACK_TEXT: ""}))).json()
    assert refused["response_action"] == "errors"
    assert (await bot.submit(REP_MONTREAL, view, answers())).json()["response_action"] == "update"
    assert await count_rows(deps, Feedback) == 1


async def test_five_identical_poll_creations_at_once_post_one_poll(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    before = len(bot.slack.calls_to("views.open"))
    await bot.command(LEAD, "poll")
    view = await bot.opened_view(before)
    responses = await asyncio.gather(*(bot.submit(LEAD, view, form()) for _ in range(5)))
    answered = [r.content for r in responses if BUSY not in r.text]
    assert answered.count(answered[0] if answered else b"") == len(answered)  # one answer, repeated
    assert await count_rows(deps, Poll) == min(len(answered), 1)
    if not answered:
        await submit_until_not_busy(bot, LEAD, view, form())
    assert await count_rows(deps, Poll) == 1
    assert create  # the poll form's own helper, for the answers' shape


async def test_a_form_shown_again_by_an_update_is_a_new_submission(bot, deps):
    """`response_action: update` keeps the view's id but gives it a new hash: its next Submit
    (the form's next step, or the form shown again) is applied, not taken for a replay."""
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    await bot.submit(REP_MONTREAL, view, answers())
    updated = {**view, "hash": view["hash"] + "-updated"}
    assert (await bot.submit(REP_MONTREAL, updated, answers())).json()["response_action"] == "update"
    assert await count_rows(deps, Feedback) == 2


async def test_a_second_submit_of_a_refused_form_is_judged_again(bot, deps):
    """Inline errors are not an applied submission: nothing is kept, the next Submit runs."""
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    empty = answers(**{ids.FEEDBACK_TEXT: ""})
    first, second = [(await bot.submit(REP_MONTREAL, view, empty)).json() for _ in range(2)]
    assert first["response_action"] == second["response_action"] == "errors"
    assert await count_rows(deps, Feedback) == 0


async def test_after_a_restart_a_second_submit_is_acknowledged_and_not_saved(bot, deps, settings, slack):
    """A new process has no answer to repeat: the claim in the database still holds."""
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    await bot.submit(REP_MONTREAL, view, answers())
    restarted = Deps(settings=settings, db=Database(settings.database_url), clock=deps.clock)
    try:
        async with serving(restarted, slack) as other:
            again = await other.submit(REP_MONTREAL, view, answers())
    finally:
        await restarted.close()
    assert again.status_code == 200 and again.content == b""
    assert await count_rows(deps, Feedback) == 1


async def test_a_fresh_process_acknowledges_its_whole_first_burst_of_submissions(bot, deps):
    """The process opened its pool at start (bot.runtime, Database.warm_up), and submissions that
    come at once are saved together (bot.infra.write_batches): none of a first burst goes
    unacknowledged ("didn't call ack()", which Slack shows as an error while the save goes on)."""
    await load_directory(deps)
    pool = deps.db.engine.pool
    assert pool.checkedin() + pool.checkedout() >= pool.size()  # open before the first request
    view = await open_form(bot, REP_MONTREAL)
    burst = [bot.submit(REP_MONTREAL, {**view, "id": f"VBURST{n:02d}"}, answers()) for n in range(BURST)]
    responses = await asyncio.gather(*burst)
    assert [r.status_code for r in responses] == [200] * BURST
    receipts = [r.json() for r in responses if BUSY not in r.text]  # a busy machine may refuse some in time
    assert all(r["response_action"] == "update" for r in receipts), "a Submit went unacknowledged"
    assert len({json.dumps(r) for r in receipts}) == len(receipts)  # each its own receipt
    assert await count_rows(deps, Feedback) == len(receipts)
    assert await count_rows(deps, SubmittedView) == len(receipts)
