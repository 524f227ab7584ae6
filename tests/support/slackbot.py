"""Talking to the running bot over real HTTP, signed exactly as Slack signs requests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from bot.shell import payloads
from bot.shell.forms import state_values
from bot.slack.localslack.server import Call, LocalSlack

SIGNING_SECRET = "8f742231b10e8888abcd99aaabbb85a5"  # hexadecimal, as Slack makes them (bot.infra.settings checks)
BALLOT_KEY = "bmxzYm90IHRlc3QgYmFsbG90IGtleSwgMzIgYnl0ZXM="  # base64 of 32 bytes: seals the tests' secret ballots


@dataclass
class BotClient:
    http: httpx.AsyncClient
    slack: LocalSlack
    secret: str = SIGNING_SECRET

    async def post(
        self, body: str, *, headers: dict[str, str] | None = None, retry: int | None = None
    ) -> httpx.Response:
        signed = payloads.sign(body, self.secret, retry=retry)
        return await self.http.post("/slack/events", content=body.encode(), headers={**signed, **(headers or {})})

    async def command(self, user: str, text: str, *, channel: str = "CGENERAL") -> httpx.Response:
        body = payloads.slash_command(user, text, response_url=self.slack.response_url(), channel_id=channel)
        return await self.post(body)

    async def answer(self, user: str, text: str, *, timeout: float = 20.0) -> dict[str, Any]:
        """Run `/nls text` and return the ephemeral answer, from the ack or the response_url."""
        before = len(self.slack.calls_to("response_url"))
        response = await self.command(user, text)
        assert response.status_code == 200, response.text
        if response.content:
            data = response.json()
            if data.get("text") or data.get("blocks"):
                return data
        calls = await self.slack.wait_for("response_url", timeout=timeout, count=before + 1)
        return calls[before].args

    async def press(
        self, user: str, action: dict[str, Any], *, block_id: str, message: dict[str, Any] | None = None,
        channel: str = "CGENERAL", view: dict[str, Any] | None = None,
    ) -> httpx.Response:  # fmt: skip
        body = payloads.block_actions(
            user, action, block_id=block_id, response_url=self.slack.response_url(), channel_id=channel,
            message_ts=(message or {}).get("ts"), message=message, view=view,
        )  # fmt: skip
        return await self.post(body)

    async def submit(self, user: str, view: dict[str, Any], answers: dict[str, str | None]) -> httpx.Response:
        return await self.post(payloads.view_submission(user, view, state_values(view, answers)))

    async def event(self, event_body: str, *, retry: int | None = None) -> httpx.Response:
        return await self.post(event_body, retry=retry)

    async def opened_view(self, before: int = 0, *, timeout: float = 20.0) -> dict[str, Any]:
        """The modal the bot opened (views.open), as Slack stored it (with its id)."""
        calls = await self.slack.wait_for("views.open", timeout=timeout, count=before + 1)
        opened: Call = calls[before]
        return next(
            v
            for v in reversed(list(self.slack.views.values()))
            if v.get("callback_id") == opened.args["view"].get("callback_id")
        )


def text_of(message: dict[str, Any]) -> str:
    """All visible text of a message or view (blocks and fallback), for assertions."""
    return message.get("text", "") + "\n" + json.dumps(message.get("blocks", []), ensure_ascii=False)


def find_action(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any], str]:
    """The first element with this action_id, and its block_id."""
    for block in blocks:
        elements = [*block.get("elements", []), block.get("accessory") or {}]
        for element in elements:
            if element.get("action_id") == action_id:
                return element, block.get("block_id", "")
    raise AssertionError(f"no element with action_id {action_id!r}")
