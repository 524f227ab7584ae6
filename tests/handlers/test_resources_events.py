"""Questions by mention and DM are answered in their thread; bots and edits are not questions;
the App Home search box answers in the DM; the monthly review DM is sent once per owner and
month, and its buttons act for the owner only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import web_client
from bot.blocks import ids
from bot.blocks.facts import render_fact
from bot.infra.i18n import Translator
from bot.services import members, resources
from bot.services.contributions import HomeAction
from bot.shell import payloads
from jobs import JobEnv
from jobs import resources as review_job
from models import OutboundMessage
from models.resources import Resource
from tests.support.directory import LEAD, REP_MONTREAL, REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.resources import NOW, add, load_library
from tests.support.slackbot import find_action, text_of


def posted_in(channel: str):
    return lambda call: call.args.get("channel") == channel


async def test_a_mention_is_answered_in_its_thread_with_the_top_results(bot, deps):
    await load_library(deps)
    body = payloads.app_mention(STAFF_TORONTO, "where is the housing toolkit?", channel_id="CGENERAL")
    await bot.event(body)
    [answer] = await bot.slack.wait_for("chat.postMessage", posted_in("CGENERAL"))
    event_ts = json.loads(body)["event"]["ts"]
    assert answer.args["thread_ts"] == event_ts
    text = text_of(answer.args)
    assert "Here is what I found for “housing toolkit”" in text
    assert "<https://example.org/housing-toolkit|Housing toolkit for newcomers>" in text
    assert ids.RESOURCE_SHARE not in text  # a thread answer has no ephemeral controls
    assert "/nls find housing toolkit" in text


async def test_a_direct_message_in_french_is_answered_in_thread(bot, deps):
    await load_library(deps)
    await bot.answer(REP_MONTREAL, "lang fr")
    await bot.event(payloads.direct_message(REP_MONTREAL, "Où est le guide sur l'établissement ?"))
    [answer] = await bot.slack.wait_for("chat.postMessage", posted_in("D" + REP_MONTREAL[1:]))
    assert answer.args["thread_ts"]
    text = text_of(answer.args)
    assert "Voici ce que j'ai trouvé" in text and "Guide de l'établissement des personnes immigrantes" in text


async def test_bots_and_message_edits_are_not_questions(bot, deps):
    await load_library(deps)
    dm = "D" + STAFF_TORONTO[1:]
    ignored = [
        {"type": "message", "channel": dm, "channel_type": "im", "bot_id": "BOTHER01", "text": "housing", "ts": "1.1"},
        {"type": "message", "subtype": "message_changed", "channel": dm, "channel_type": "im", "ts": "1.2",
         "message": {"text": "housing"}},
        {"type": "message", "channel": "CGENERAL", "channel_type": "channel", "user": STAFF_TORONTO,
         "text": "housing", "ts": "1.3"},
    ]  # fmt: skip
    for event in ignored:
        assert (await bot.event(payloads.event_callback(event))).status_code == 200
    await bot.event(payloads.direct_message(STAFF_TORONTO, "housing"))
    await bot.slack.wait_for("chat.postMessage", in_thread)
    assert len([c for c in bot.slack.calls_to("chat.postMessage") if in_thread(c)]) == 1


async def test_an_empty_mention_gets_the_how_to(bot, deps):
    await load_library(deps)
    await bot.event(payloads.app_mention(STRANGER, "", channel_id="CGENERAL"))
    [answer] = await bot.slack.wait_for("chat.postMessage")
    assert "Search the NLS resource repository" in text_of(answer.args)


async def test_the_home_search_box_answers_in_the_dm(bot, deps):
    await load_library(deps)
    home = {"id": f"VHOME{STAFF_TORONTO}", "type": "home", "blocks": []}
    await bot.press(STAFF_TORONTO, {"action_id": ids.HOME_SEARCH, "type": "plain_text_input", "value": "logement"},
                    block_id=ids.HOME_SEARCH_BLOCK, view=home)  # fmt: skip
    [answer] = await bot.slack.wait_for("chat.postMessage", posted_in(STAFF_TORONTO))
    assert "Trousse sur le logement des nouveaux arrivants" in text_of(answer.args)


# --- the monthly review -------------------------------------------------------------------------


async def run_review(deps, at: datetime) -> str:
    return await review_job.run(JobEnv(deps=deps, client=web_client(deps)), at)


async def test_the_review_dm_goes_once_per_owner_and_month_even_when_run_twice(bot, deps, clock):
    await load_directory(deps)
    old = NOW - timedelta(days=380)
    await add(deps, REP_TORONTO, now=old, title="Old housing guide", url="https://example.org/old-housing")
    await add(deps, REP_TORONTO, now=old, title="Old employment report", url="https://example.org/old-jobs")
    await add(deps, LEAD, now=old + timedelta(days=30), title="Due soon", url="https://example.org/soon")
    await add(deps, LEAD, title="Fresh", url="https://example.org/fresh")
    at = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    clock.set(at)
    first = await run_review(deps, at)
    second = await run_review(deps, at + timedelta(hours=5))
    assert "2 new DM(s)" in first and "0 new DM(s)" in second
    dms = bot.slack.calls_to("chat.postMessage")
    assert sorted(c.args["channel"] for c in dms) == sorted([REP_TORONTO, LEAD])
    toronto = next(c for c in dms if c.args["channel"] == REP_TORONTO)
    text = text_of(toronto.args)
    assert "Old housing guide" in text and "Old employment report" in text and "Fresh" not in text
    assert "Review was due" in text
    async with deps.db.reader() as session:
        keys = sorted((await session.execute(select(OutboundMessage.key))).scalars())
    assert keys == [f"resource-review:2026-03:{LEAD}", f"resource-review:2026-03:{REP_TORONTO}"]
    next_month = await run_review(deps, datetime(2026, 4, 1, 13, 30, tzinfo=UTC))
    assert "2 new DM(s)" in next_month  # still due a month later: asked again, once


async def test_still_current_from_the_dm_works_for_the_owner_only(bot, deps, clock):
    await load_directory(deps)
    old = await add(deps, REP_TORONTO, now=NOW - timedelta(days=380), title="Old guide", url="https://example.org/o")
    clock.set(NOW)
    await run_review(deps, NOW)
    [dm] = await bot.slack.wait_for("chat.postMessage")
    current, block_id = find_action(dm.args["blocks"], ids.RESOURCE_CURRENT)
    message = {"ts": "1700000001.000100", "text": dm.args["text"], "blocks": dm.args["blocks"]}
    await bot.press(STAFF_TORONTO, current, block_id=block_id, message=message, channel="D" + REP_TORONTO[1:])
    [refusal] = await bot.slack.wait_for("response_url")
    assert "Only the owner" in text_of(refusal.args)
    await bot.press(REP_TORONTO, current, block_id=block_id, message=message, channel="D" + REP_TORONTO[1:])
    [_, thanks] = await bot.slack.wait_for("response_url", count=2)
    assert "is marked current until" in text_of(thanks.args)
    async with deps.db.reader() as session:
        resource = await session.get(Resource, old.id)
    assert resource.review_by == NOW.date() + timedelta(days=365)


async def test_resource_mine_lists_what_i_own_with_review_buttons(bot, deps):
    await load_directory(deps)
    await add(deps, REP_TORONTO, title="Mine", url="https://example.org/mine")
    await add(deps, LEAD, title="Not mine", url="https://example.org/theirs")
    answer = await bot.answer(REP_TORONTO, "resource mine")
    text = text_of(answer)
    assert "Your resources" in text and "Mine" in text and "Not mine" not in text
    find_action(answer["blocks"], ids.RESOURCE_CURRENT)


async def test_the_home_lists_my_due_reviews_and_the_newest_resources(bot, deps):
    await load_directory(deps)
    await add(deps, REP_TORONTO, now=NOW - timedelta(days=380), title="Old guide", url="https://example.org/o")
    await add(deps, LEAD, title="Brand new <toolkit>", url="https://example.org/new")
    async with deps.db.reader() as session:
        member = await members.get_member(session, REP_TORONTO)
        [due] = await resources.reviews_for(session, member, NOW)
        newest = await resources.newest(session, member, NOW)
    assert (due.fact.key, due.fact.params["count"], due.action) == ("resources.needs_review", 1, HomeAction.MY_RESOURCES)
    assert render_fact(newest[0].fact, Translator("en")) == "New: <https://example.org/new|Brand new &lt;toolkit&gt;>"
    home = {"id": f"VHOME{REP_TORONTO}", "type": "home", "blocks": []}
    await bot.press(REP_TORONTO, {"action_id": ids.RESOURCE_MINE, "value": ""}, block_id="home_needs", view=home)
    [dm] = await bot.slack.wait_for("chat.postMessage", posted_in(REP_TORONTO))
    assert "Your resources" in text_of(dm.args) and "Old guide" in text_of(dm.args)


async def test_a_greeting_by_dm_gets_the_how_to(bot, deps):
    await load_library(deps)
    await bot.event(payloads.direct_message(REP_MONTREAL, "Bonjour !"))
    [answer] = await bot.slack.wait_for("chat.postMessage", in_thread)
    assert "Search the NLS resource repository" in text_of(answer.args)


def in_thread(call) -> bool:
    """An answer to a question (the first-contact welcome is a separate, unthreaded DM)."""
    return bool(call.args.get("thread_ts"))
