"""Socket Mode sheds and keeps Slack's deadline as HTTP does (bot.transport.socket_mode). There is no Socket
Mode server here: the websocket client is the network boundary, so it is the one thing stood in
for — a recorder of what would be sent back to Slack."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.socket_mode.request import SocketModeRequest
from sqlalchemy import select

from bot.app import build_app
from bot.shell import payloads
from bot.transport.socket_mode import GuardedSocketModeHandler
from models import UserPref
from tests.support.directory import STRANGER
from tests.support.websocket import Websocket


def _command(bot: Any, text: str) -> SocketModeRequest:
    body = dict(parse_qsl(payloads.slash_command(STRANGER, text, response_url=bot.slack.response_url())))
    return SocketModeRequest(type="slash_commands", envelope_id="E1", payload=body)


async def test_socket_mode_answers_sheds_past_the_limit_and_refuses_writes_after_the_deadline(bot, deps, caplog):
    handler = GuardedSocketModeHandler(build_app(deps), "xapp-test", deps)
    socket = Websocket()
    await handler.handle(socket, _command(bot, "help"))
    assert "/nls" in str(socket.sent[-1].payload)

    handler.in_flight = deps.settings.max_in_flight
    caplog.set_level(logging.WARNING, logger="bot.transport.socket_mode")
    await handler.handle(socket, _command(bot, "help"))
    assert len(socket.sent) == 1 and "Socket Mode request shed" in caplog.text  # left unacknowledged
    handler.in_flight = 0

    deps.settings.ack_budget = 0  # every write would begin after Slack's deadline
    await handler.handle(socket, _command(bot, "lang fr"))
    assert "nothing was saved" in str(socket.sent[-1].payload)
    async with deps.db.reader() as session:
        assert (await session.execute(select(UserPref.locale).where(UserPref.slack_user_id == STRANGER))).scalar() != "fr"
