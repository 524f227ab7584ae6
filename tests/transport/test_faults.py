"""Faults a production Slack app meets: replays and Slack's retries (to the same replica or
another), oversized and malformed requests, unknown callbacks, and the database going away and
coming back. Each: the right answer, nothing lost, the
process still serving."""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import quote

import httpx

from bot.app import build_app
from bot.deps import Deps
from bot.infra.db import Database
from bot.shell import payloads
from bot.transport.deliveries import DeliveryLog
from bot.transport.web import create_web_app
from models import ProcessedDelivery
from tests.support.directory import STRANGER
from tests.support.slackbot import BotClient, text_of


async def test_a_replayed_command_is_processed_once(bot, deps):
    body = payloads.slash_command(STRANGER, "lang fr", response_url=bot.slack.response_url())
    first = await bot.post(body)
    again = await bot.post(body)
    assert first.status_code == again.status_code == 200
    assert "français" in first.json()["text"]
    assert again.content == b""


async def test_a_one_megabyte_command_is_answered_not_fatal(bot, deps):
    response = await bot.command(STRANGER, "x" * 1_000_000)
    assert response.status_code == 200
    assert "I don't know" in text_of(response.json())
    assert (await bot.http.get("/healthz")).status_code == 200


async def test_malformed_json_in_payload_is_refused_cleanly(bot, deps):
    response = await bot.post("payload=" + quote("{not json"))
    assert response.status_code in (200, 400)
    assert (await bot.answer(STRANGER, "help"))["text"]  # still serving


async def test_an_unknown_button_gets_an_explanation(bot, deps):
    response = await bot.press(STRANGER, {"action_id": "no_such_action", "value": "1"}, block_id="b1")
    assert response.status_code == 200
    assert "no longer handled" in response.json()["text"]


async def test_an_unknown_modal_keeps_the_input_and_explains(bot, deps):
    view = {"id": "VOLD", "type": "modal", "callback_id": "retired_form", "title": {"type": "plain_text", "text": "Old"},
            "blocks": [{"type": "input", "block_id": "what", "label": {"type": "plain_text", "text": "What"},
                        "element": {"type": "plain_text_input", "action_id": "v"}}]}  # fmt: skip
    response = await bot.submit(STRANGER, view, {"what": "typed text"})
    assert response.json() == {
        "response_action": "errors",
        "errors": {"what": json.loads(response.text)["errors"]["what"]},
    }
    assert "no longer handled" in response.json()["errors"]["what"]


def is_answer_to(user: str):
    """An answer in the thread of the user's DM question (a first DM is also welcomed, unthreaded)."""
    return lambda call: call.args.get("channel") == "D" + user[1:] and bool(call.args.get("thread_ts"))


def dm_answers(bot, user: str) -> list:
    return [c for c in bot.slack.calls_to("chat.postMessage") if is_answer_to(user)(c)]


async def answered_question(bot, user: str, text: str, client=None) -> None:
    """Send a DM question (to `client`, another replica, if given) and wait for its answer."""
    before = len(dm_answers(bot, user))
    body = payloads.direct_message(user, text)
    response = await (client.post(body) if client else bot.event(body))
    assert response.status_code == 200
    await bot.slack.wait_for("chat.postMessage", is_answer_to(user), count=before + 1)


async def test_an_event_slack_retries_is_answered_once(bot, deps):
    body = payloads.direct_message(STRANGER, "housing toolkit")
    assert (await bot.event(body)).status_code == 200
    await bot.slack.wait_for("chat.postMessage", is_answer_to(STRANGER))
    retried = await bot.event(body, retry=1)  # Slack thought the first delivery failed
    assert retried.status_code == 200 and retried.content == b""
    await answered_question(bot, STRANGER, "employment")  # a later question is answered as usual
    assert len(dm_answers(bot, STRANGER)) == 2


async def test_a_retry_that_reaches_another_replica_is_answered_once(bot, deps, settings, clock):
    body = payloads.direct_message(STRANGER, "housing toolkit")
    assert (await bot.event(body)).status_code == 200
    await bot.slack.wait_for("chat.postMessage", is_answer_to(STRANGER))
    key = "event:" + json.loads(body)["event_id"]
    for _ in range(100):  # the first replica records the delivery within a fraction of a second
        async with deps.db.reader() as session:
            if await session.get(ProcessedDelivery, key):
                break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the delivery was never recorded")
    other = Deps(settings=settings, db=Database(settings.database_url), clock=clock)
    app = build_app(other)
    web = create_web_app(other, app)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://replica2") as http:
            replica = BotClient(http=http, slack=bot.slack)
            retried = await replica.post(body, retry=1)
            assert retried.status_code == 200 and retried.content == b""
            await answered_question(bot, STRANGER, "employment", client=replica)
        assert len(dm_answers(bot, STRANGER)) == 2
    finally:
        await other.close()


async def test_a_replay_with_a_long_trigger_id_is_caught_by_another_replica(bot, deps):
    """Keys longer than the table's column are stored and looked up the same way (hashed): a
    replay reaching a replica that never saw the first delivery is still refused."""
    body = payloads.slash_command(STRANGER, "lang fr", response_url=bot.slack.response_url())
    long_trigger = "7" * 300
    body = re.sub(r"trigger_id=[^&]*", f"trigger_id={long_trigger}", body)
    first = await bot.post(body)
    assert "français" in first.json()["text"]
    await deps.deliveries.close()  # its batch is written: what the other replicas will find
    deps.deliveries = DeliveryLog(deps.db)  # the replay reaches a process that holds nothing in memory
    again = await bot.post(body)
    assert again.status_code == 200 and again.content == b""
