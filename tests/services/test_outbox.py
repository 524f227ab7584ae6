"""The outbound ledger sends each keyed message once, retries Slack failures, and never drops one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import web_client
from bot.services import outbox
from bot.slack.pacing import SlackLimits
from bot.slack.sender import deliver_due
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
    first = await deliver_due(deps, client, limits=SlackLimits(1000))
    second = await deliver_due(deps, client, limits=SlackLimits(1000))
    assert (first.sent, second.sent) == (3, 0)
    assert len(slack.calls_to("chat.postMessage")) == 3
    assert {r.status for r in await _rows(deps)} == {SendStatus.SENT}


async def test_a_429_is_retried_after_retry_after_and_sent_once(deps, slack):
    await _enqueue(deps, "rate-limited")
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    report = await deliver_due(deps, web_client(deps), limits=SlackLimits(1000))
    assert report.sent == 1
    posted = [c for c in slack.calls_to("chat.postMessage") if "_failed" not in c.args]
    assert len(posted) == 1


async def test_a_failure_beyond_the_client_retries_goes_back_to_the_ledger(deps, slack, clock):
    await _enqueue(deps, "server-error")
    slack.fail_next("chat.postMessage", status=500, error="internal_error", times=3)
    report = await deliver_due(deps, web_client(deps), limits=SlackLimits(1000))
    assert (report.sent, report.retrying) == (0, 1)
    [row] = await _rows(deps)
    assert row.status is SendStatus.PENDING and row.last_error
    clock.set(deps.now() + timedelta(minutes=5))  # after the backoff, the next run delivers it
    assert (await deliver_due(deps, web_client(deps), limits=SlackLimits(1000))).sent == 1


async def test_a_channels_later_message_is_not_claimed_past_an_earlier_unfinished_one(deps, clock):
    clock.set(deps.now())
    for key in ("a1", "a2"):
        await _enqueue(deps, key, channel="UAAAA0001")
    await _enqueue(deps, "b1", channel="UBBBB0001")
    held_back: set[str] = set()
    async with deps.db.transaction() as s:
        first = await outbox.claim_due(s, now=deps.now(), keys=["a2", "b1"], held_back=held_back)
    assert [m.key for m in first] == ["b1"] and held_back == {"UAAAA0001"}  # a1 is due, and not asked for
    async with deps.db.transaction() as s:
        [a1] = await outbox.claim_due(s, now=deps.now(), limit=1)
        await outbox.mark_failed_attempt(s, a1, error="internal_error", now=deps.now())  # a1 waits for its retry
    async with deps.db.transaction() as s:
        assert await outbox.claim_due(s, now=deps.now()) == []  # a2 waits behind it
    clock.set(deps.now() + outbox.backoff(1))
    async with deps.db.transaction() as s:
        assert [m.key for m in await outbox.claim_due(s, now=deps.now())] == ["a1", "a2"]  # in their order


async def test_what_is_released_is_pending_again_as_due_as_it_was_and_its_claim_not_counted(deps):
    await _enqueue(deps, "released")
    async with deps.db.transaction() as s:
        [claimed] = await outbox.claim_due(s, now=deps.now())
        await outbox.release(s, [claimed.id])
    [row] = await _rows(deps)
    assert (row.status, row.attempts, row.claimed_at) == (SendStatus.PENDING, 0, None)
    async with deps.db.transaction() as s:
        assert [m.key for m in await outbox.claim_due(s, now=deps.now())] == ["released"]


async def test_two_claimers_at_once_never_split_a_channel_between_them(deps, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the second claim waits for the first")
    for key in ("a1", "a2"):
        await _enqueue(deps, key, channel="UAAAA0001")
    await _enqueue(deps, "b1", channel="UBBBB0001")
    async with deps.db.transaction() as first:
        mine = await outbox.claim_due(first, now=deps.now(), limit=1)  # a1, locked, not yet committed
        async with deps.db.transaction() as second:
            theirs = await outbox.claim_due(second, now=deps.now())
    assert [m.key for m in mine] == ["a1"] and [m.key for m in theirs] == ["b1"]  # a2 waits for a1
