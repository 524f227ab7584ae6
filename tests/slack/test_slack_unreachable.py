"""Slack's Web API out of reach (a network fault, not ours): the person is told something went
wrong on our side, never that the database is down; the process keeps serving."""

from __future__ import annotations

import socket

import pytest

from bot.infra.settings import Settings
from bot.slack.localslack.server import LocalSlack
from tests.support.directory import STRANGER
from tests.support.slackbot import SIGNING_SECRET


@pytest.fixture
def settings(database_url: str, slack: LocalSlack) -> Settings:
    with socket.socket() as unused:  # a port nothing listens on: connections are refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    return Settings(
        DATABASE_URL=database_url, SLACK_API_URL=f"http://127.0.0.1:{port}/api/", SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SIGNING_SECRET, NLS_SLACK_TIMEOUT=1,
    )  # fmt: skip


async def test_a_refused_connection_to_slack_is_not_called_a_database_outage(bot):
    answer = (await bot.command(STRANGER, "help")).json()["text"]
    assert "database" not in answer and "Something went wrong on my side" in answer
    assert (await bot.http.get("/readyz")).status_code == 200
