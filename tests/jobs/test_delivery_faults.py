"""Delivery under Slack's failures: a hung call is given up and retried by the next run, never
lost and never sent twice."""

from __future__ import annotations

from datetime import timedelta

from bot.app import web_client
from bot.services import outbox
from bot.slack.pacing import SlackLimits
from bot.slack.sender import deliver_due


async def test_a_hung_slack_call_is_retried_later_and_sent_once(deps, slack, clock):
    deps.settings.slack_timeout = 0.5
    async with deps.db.transaction() as session:
        await outbox.enqueue(session, key="hung", channel="UREPTOR01", text="hello", now=deps.now())
    slack.fail_next("chat.postMessage", status=200, error="ok", hang_seconds=3, times=1)
    first = await deliver_due(deps, web_client(deps), limits=SlackLimits(1000))
    assert (first.sent, first.retrying) == (0, 1)
    clock.set(deps.now() + timedelta(minutes=5))
    second = await deliver_due(deps, web_client(deps), limits=SlackLimits(1000))
    assert second.sent == 1
    delivered = [c for c in slack.calls_to("chat.postMessage") if "_failed" not in c.args]
    assert len(delivered) == 1
