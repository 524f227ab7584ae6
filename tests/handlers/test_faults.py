"""Faults a production Slack app meets: replays, oversized and malformed requests, unknown
callbacks, and the database going away and coming back. Each: the right answer, nothing lost, the
process still serving."""

from __future__ import annotations

import json
from urllib.parse import quote

from bot.shell import payloads
from tests.support.directory import STRANGER
from tests.support.slackbot import text_of


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
