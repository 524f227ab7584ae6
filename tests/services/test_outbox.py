"""The outbound ledger sends each keyed message once, retries Slack failures, and never drops one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import web_client
from bot.services import outbox
from bot.slack.sender import Pacer, deliver_due
from models import OutboundMessage, SendStatus


async def _enqueue(deps, key: str, channel: str = "UREPTOR01") -> bool:
    async with deps.db.transaction() as s:
        return await outbox.enqueue(s, key=key, channel=channel, text=f"hello {key}", now=deps.now())


async def _rows(deps) -> list[OutboundMessage]:
    async with deps.db.reader() as s:
        return list((await s.execute(select(OutboundMessage).order_by(OutboundMessage.id))).scalars())


async def test_the_same_key_is_recorded_once(deps):
    assert await _enqueue(deps, "reminder:1:due-7d:U1") is True
    assert await _enqueue(deps, "reminder:1:due-7d:U1") is False
    assert len(await _rows(deps)) == 1


async def test_delivery_sends_each_message_once_even_when_run_twice(deps, slack):
    for n in range(3):
        await _enqueue(deps, f"k{n}", channel=f"UUSER000{n}")
    client = web_client(deps)
    first = await deliver_due(deps, client, pacer=Pacer(1000))
    second = await deliver_due(deps, client, pacer=Pacer(1000))
    assert (first.sent, second.sent) == (3, 0)
    assert len(slack.calls_to("chat.postMessage")) == 3
    assert {r.status for r in await _rows(deps)} == {SendStatus.SENT}


async def test_a_429_is_retried_after_retry_after_and_sent_once(deps, slack):
    await _enqueue(deps, "rate-limited")
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    report = await deliver_due(deps, web_client(deps), pacer=Pacer(1000))
    assert report.sent == 1
    posted = [c for c in slack.calls_to("chat.postMessage") if "_failed" not in c.args]
    assert len(posted) == 1


async def test_a_failure_beyond_the_client_retries_goes_back_to_the_ledger(deps, slack, clock):
    await _enqueue(deps, "server-error")
    slack.fail_next("chat.postMessage", status=500, error="internal_error", times=3)
    report = await deliver_due(deps, web_client(deps), pacer=Pacer(1000))
    assert (report.sent, report.retrying) == (0, 1)
    [row] = await _rows(deps)
    assert row.status is SendStatus.PENDING and row.last_error
    clock.set(deps.now() + timedelta(minutes=5))  # after the backoff, the next run delivers it
    assert (await deliver_due(deps, web_client(deps), pacer=Pacer(1000))).sent == 1
