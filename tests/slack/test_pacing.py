"""Slack's rate limits, as the sender keeps them (bot.slack.pacing) and as the local Slack enforces
them when asked: a Retry-After holds what it names, a channel or a method, and nothing else."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.localslack.reference import TIER_PER_MINUTE, MethodSpec
from bot.slack.localslack.server import LocalSlack
from bot.slack.pacing import POST, SlackLimits


async def test_a_429_on_a_post_holds_its_channel_only():
    limits = SlackLimits(5)
    limits.rate_limited(POST, "UHELD0001", 30)
    assert limits.held_for(POST, "UHELD0001") > 0 and limits.held_for(POST, "UOTHER001") == 0
    await asyncio.wait_for(limits.wait(POST, "UOTHER001"), timeout=30)  # returns: nothing holds it


async def test_a_429_on_a_tiered_method_holds_the_method_whatever_the_channel():
    limits = SlackLimits(5)
    limits.rate_limited("chat.update", "CANY00001", 30)
    assert limits.held_for("chat.update") > 0 and limits.held_for("chat.update", "COTHER001") > 0
    assert limits.held_for("views.publish") == 0 and limits.held_for(POST, "CANY00001") == 0


def test_each_methods_allowance_is_its_tiers_from_the_committed_reference():
    limits = SlackLimits(5)
    for name, method in MethodSpec.load().methods.items():
        expected = 5 * 60 if name == POST else TIER_PER_MINUTE.get(method.rate_tier or "")
        assert limits.per_minute(name) == expected, name
    assert limits.per_minute("users.info") == 100 and limits.per_minute("auth.test") is None


@pytest.fixture
async def limited_slack():
    server = await LocalSlack(rate_limits=True).start()
    yield server
    await server.stop()


async def test_the_local_slack_refuses_a_channel_flooded_past_its_burst_and_not_the_next_channel(limited_slack):
    client = AsyncWebClient(token="xoxb-test", base_url=limited_slack.base_url)
    for n in range(4):  # a short burst is allowed …
        await client.chat_postMessage(channel="UFLOOD001", text=f"m{n}")
    with pytest.raises(SlackApiError) as refused:  # … a fifth at once is not
        await client.chat_postMessage(channel="UFLOOD001", text="m4")
    assert refused.value.response.status_code == 429 and int(refused.value.response.headers["Retry-After"]) >= 1
    assert (await client.chat_postMessage(channel="UCALM0001", text="hello"))["ok"]


async def test_the_local_slack_keeps_a_tier_2_method_to_20_a_minute(limited_slack):
    client = AsyncWebClient(token="xoxb-test", base_url=limited_slack.base_url)
    for _ in range(20):
        await client.users_list()
    with pytest.raises(SlackApiError) as refused:
        await client.users_list()
    assert refused.value.response.status_code == 429 and refused.value.response["error"] == "ratelimited"
