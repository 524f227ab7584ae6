"""Action plans over signed HTTP, as people use them: `/nls plan`, `/nls plan all`, the Update and
Add modals with their inline errors, Snooze, and the clear no for anyone who may not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.shell import payloads
from models.plans import ActionItem, ActionItemNote, ActionItemOwner, ItemStatus
from tests.support.directory import LEAD, REP_HALIFAX, REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.plans import action, add_actions, load_plan
from tests.support.slackbot import find_action, text_of

NOW = datetime(2026, 3, 2, 15, tzinfo=UTC)


@pytest.fixture
async def items(deps, clock) -> dict[str, int]:
    clock.set(NOW)
    await load_directory(deps)
    await load_plan(deps)
    return await add_actions(
        deps,
        [
            action("late", [REP_TORONTO], date(2026, 2, 20), title="Funding proposal"),
            action("next", [REP_TORONTO, STAFF_TORONTO], date(2026, 3, 20), objective="2.1", title="Comms plan"),
            action("done", [REP_TORONTO], date(2026, 2, 1), objective="4.4", status="done", title="Recovery report"),
            action("theirs", [REP_HALIFAX], date(2026, 4, 1), objective="3.2", title="Halifax brief"),
        ],
    )


async def _item(deps, item_id: int) -> ActionItem:
    async with deps.db.reader() as s:
        return await s.get(ActionItem, item_id)


async def _open_update(bot, user: str, item_id: int) -> dict:
    """Press Update on an item of `/nls plan` (or a copy of that button) and return the modal."""
    answer = await bot.answer(REP_TORONTO, "plan")
    button, block_id = find_action(answer["blocks"], "plan_update")
    opened = len(bot.slack.calls_to("views.open"))
    await bot.press(user, {**button, "value": str(item_id)}, block_id=block_id)
    return await bot.opened_view(opened)


async def test_my_plan_lists_my_items_with_overdue_marked(bot, items):
    answer = await bot.answer(REP_TORONTO, "plan")
    text = text_of(answer)
    assert answer["response_type"] == "ephemeral"
    assert "Your action items" in text and "2 open items · 1 overdue" in text
    assert ":warning: *Funding proposal* — *overdue by 10 days*" in text
    assert "Comms plan" in text and "Halifax brief" not in text
    assert "1 done: Recovery report" in text
    actions = [e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["plan_update", "plan_snooze_1d", "plan_snooze_7d"] * 2


async def test_the_whole_plan_by_direction_and_objective(bot, items):
    text = text_of(await bot.answer(REP_HALIFAX, "plan all"))
    assert "Strategic plan 2022-2025: progress" in text
    assert "*2. Stakeholder Engagement and Communication*" in text and "*4.3*" in text
    one = text_of(await bot.answer(REP_HALIFAX, "plan all direction 2 year 2025-26"))
    assert "Comms plan" in one and "Funding proposal" not in one
    assert "no direction 9" in text_of(await bot.answer(REP_HALIFAX, "plan all direction 9"))
    assert "Try `/nls plan all`" in text_of(await bot.answer(REP_HALIFAX, "plan all please"))
    assert "not in the NLS member directory" in text_of(await bot.answer(STRANGER, "plan all"))


async def test_update_shows_each_bad_input_inline_then_saves(bot, deps, items):
    view = await _open_update(bot, REP_TORONTO, items["late"])
    assert view["callback_id"] == "plan_update_form"
    assert "Dropped" not in str(view["blocks"])  # owners cannot drop; leads can
    cases = {
        "-5": ("plan_percent", "-5 is not a percentage"),
        "101": ("plan_percent", "101 is not a percentage"),
        "lots": ("plan_percent", "Enter a whole number from 0 to 100"),
    }
    for percent, (block, message) in cases.items():
        response = await bot.submit(REP_TORONTO, view, {"plan_status": "in_progress", "plan_percent": percent})
        body = response.json()
        assert body["response_action"] == "errors" and message in body["errors"][block]
    long_note = await bot.submit(REP_TORONTO, view, {"plan_status": "2", "plan_percent": "50", "plan_note": "n" * 5000})
    assert "at most 3000 characters; this one has 5000" in long_note.json()["errors"]["plan_note"]
    assert (await _item(deps, items["late"])).percent == 0  # nothing saved by a refused submission

    saved = await bot.submit(
        REP_TORONTO, view, {"plan_status": "in_progress", "plan_percent": "50", "plan_note": "Draft <!channel> sent"}
    )
    body = saved.json()
    assert body["response_action"] == "update" and "Saved" in text_of(body["view"])
    row = await _item(deps, items["late"])
    assert (row.status, row.percent) == (ItemStatus.IN_PROGRESS, 50)
    async with deps.db.reader() as s:
        [note] = (await s.execute(select(ActionItemNote))).scalars()
    assert (note.author, note.text) == (REP_TORONTO, "Draft <!channel> sent")
    again = await _open_update(bot, REP_TORONTO, items["late"])
    assert "Draft &lt;!channel&gt; sent" in str(again["blocks"])  # the log shows it, inert


@pytest.mark.parametrize("user", [STRANGER, REP_HALIFAX])
async def test_someone_elses_item_gets_a_clear_no(bot, items, user):
    answer = await bot.answer(REP_TORONTO, "plan")
    button, block_id = find_action(answer["blocks"], "plan_update")
    before = len(bot.slack.calls_to("response_url"))
    await bot.press(user, button, block_id=block_id)
    calls = await bot.slack.wait_for("response_url", count=before + 1)
    refusal = calls[-1].args
    assert refusal["response_type"] == "ephemeral"
    assert refusal["text"] == "Only this item's owners, NLS leads and administrators can update it."
    assert bot.slack.calls_to("views.open") == []


async def test_a_lead_may_update_and_drop_and_a_dropped_item_is_closed(bot, deps, items):
    owners_view = await _open_update(bot, REP_TORONTO, items["next"])
    lead_view = await _open_update(bot, LEAD, items["next"])
    assert "Dropped" in str(lead_view["blocks"])
    dropped = await bot.submit(LEAD, lead_view, {"plan_status": "dropped", "plan_percent": "0", "plan_note": "Merged"})
    assert dropped.json()["response_action"] == "update"
    # the owner's modal, opened before the drop, is refused inline and keeps what they typed
    late = await bot.submit(REP_TORONTO, owners_view, {"plan_status": "done", "plan_percent": "100"})
    assert "was dropped, so it can no longer be updated" in late.json()["errors"]["plan_status"]
    # pressing Update now says so plainly
    answer = await bot.answer(LEAD, "plan all direction 2")
    assert "Comms plan" not in text_of(answer)
    before = len(bot.slack.calls_to("response_url"))
    button = {"action_id": "plan_update", "type": "button", "value": str(items["next"])}
    await bot.press(REP_TORONTO, button, block_id="b")
    calls = await bot.slack.wait_for("response_url", count=before + 1)
    assert "This item was dropped, so it can no longer be updated." in calls[-1].args["text"]
    assert (await _item(deps, items["next"])).status is ItemStatus.DROPPED


async def test_an_owner_cannot_drop_an_item(bot, deps, items):
    view = await _open_update(bot, REP_TORONTO, items["late"])
    response = await bot.submit(REP_TORONTO, view, {"plan_status": "in_progress", "plan_percent": "1"})
    assert response.json()["response_action"] == "update"
    forged = {**view, "blocks": view["blocks"], "hash": view["hash"] + "-updated"}  # as Slack holds it after the update
    status_block = next(b for b in forged["blocks"] if b.get("block_id") == "plan_status")
    status_block["element"]["options"].append({"text": {"type": "plain_text", "text": "Dropped"}, "value": "dropped"})
    refused = await bot.submit(REP_TORONTO, forged, {"plan_status": "dropped", "plan_percent": "0"})
    assert "Only NLS leads and administrators can drop an item" in refused.json()["errors"]["plan_status"]


async def test_snooze_pauses_my_reminders(bot, deps, items):
    answer = await bot.answer(STAFF_TORONTO, "plan")
    button, block_id = find_action(answer["blocks"], "plan_snooze_7d")
    before = len(bot.slack.calls_to("response_url"))
    await bot.press(STAFF_TORONTO, button, block_id=block_id)
    calls = await bot.slack.wait_for("response_url", count=before + 1)
    assert "no reminders about *Comms plan* for 7 days" in calls[-1].args["text"]
    async with deps.db.reader() as s:
        rows = (await s.execute(select(ActionItemOwner).where(ActionItemOwner.item_id == items["next"]))).scalars()
        snoozes = sorted((r.snoozed_until is not None) for r in rows)
    assert snoozes == [False, True]  # only the presser's own reminders


async def test_leads_add_items_and_bad_input_is_shown_inline(bot, deps, items):
    refusal = text_of(await bot.answer(REP_TORONTO, "plan add"))
    assert "Only NLS leads and administrators can add action items." in refusal
    await bot.command(LEAD, "plan add")
    view = await bot.opened_view()
    assert view["callback_id"] == "plan_add_form"
    form = {
        "plan_objective": "2", "plan_title": "Bilingual newsletter <b>", "plan_owners": f"{REP_HALIFAX}, {STAFF_TORONTO}",
        "plan_working_group": "Communications WG", "plan_start": "2026-04-01", "plan_due": "2026-03-31",
    }  # fmt: skip
    backwards = (await bot.submit(LEAD, view, form)).json()
    assert backwards["errors"] == {"plan_due": "The due date is before the start date."}
    stranger = (await bot.submit(LEAD, view, {**form, "plan_due": "2026-06-30", "plan_owners": STRANGER})).json()
    assert "<@USTRANGE1> is not in the NLS member directory" in stranger["errors"]["plan_owners"]
    empty = (await bot.submit(LEAD, view, {**form, "plan_due": "2026-06-30", "plan_title": "   "})).json()
    assert empty["errors"] == {"plan_title": "This can't be empty."}
    added = (await bot.submit(LEAD, view, {**form, "plan_due": "2026-06-30"})).json()
    assert added["response_action"] == "update" and "Added" in text_of(added["view"])
    async with deps.db.reader() as s:
        row = (await s.execute(select(ActionItem).where(ActionItem.title.like("Bilingual%")))).scalar_one()
    assert (row.year, row.due_date, row.created_by) == ("2026-27", date(2026, 6, 30), LEAD)
    assert "Bilingual newsletter &lt;b&gt;" in text_of(await bot.answer(REP_HALIFAX, "plan"))


async def test_update_from_the_home_then_the_home_is_republished(bot, deps, items):
    await bot.event(payloads.app_home_opened(REP_TORONTO))
    [published] = await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == REP_TORONTO)
    assert "Update your action item *Funding proposal*" in str(published.args["view"])
    button, block_id = find_action(published.args["view"]["blocks"], "plan_update")
    await bot.press(REP_TORONTO, button, block_id=block_id, view=bot.slack.home_views[REP_TORONTO])
    view = await bot.opened_view()
    assert view["private_metadata"] == str(items["late"])
    saved = await bot.submit(REP_TORONTO, view, {"plan_status": "done", "plan_percent": "10"})
    assert saved.json()["response_action"] == "update"
    assert (await _item(deps, items["late"])).percent == 100  # done counts as 100
    # the Home is republished without the finished item
    calls = await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == REP_TORONTO, count=2)
    assert "Funding proposal" not in str(calls[-1].args["view"])
