"""Hostile review of #18's sender (0f6b3c3, 593f408, 39e7480): many channels at once, random
failures and 429s, one sender or two at once on the same ledger; every message reaches Slack
exactly once and each channel's messages in the order they were recorded."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import web_client
from bot.deps import Deps
from bot.infra.db import Database
from bot.services import outbox
from bot.slack.localslack.server import LocalSlack
from bot.slack.pacing import POST, SlackLimits
from bot.slack.sender import deliver_due
from models import OutboundMessage, SendStatus

CHANNELS = [f"UATK{n:05d}" for n in range(24)]
PER_CHANNEL = 5


async def _record_all(deps: Deps) -> dict[str, list[str]]:
    """Each channel's messages, recorded interleaved across channels; returns the order per channel."""
    order: dict[str, list[str]] = {c: [] for c in CHANNELS}
    async with deps.db.transaction() as session:
        for n in range(PER_CHANNEL):
            for channel in CHANNELS:
                key = f"{channel}-{n}"
                await outbox.enqueue(session, key=key, channel=channel, text=key, now=deps.now())
                order[channel].append(key)
    return order


def _inject(slack: LocalSlack, rng: random.Random) -> None:
    """Random trouble on a third of the channels: 429s (waited out in the run, or not), server
    errors (to the ledger with backoff). Never a hang: a post whose fate is unknown may go twice."""
    for channel in rng.sample(CHANNELS, len(CHANNELS) // 3):
        kind = rng.choice(["429 short", "429 long", "500", "mixed"])
        if kind in ("429 short", "mixed"):
            slack.fail_next(POST, retry_after=rng.choice([0, 1]), channel=channel, times=rng.randint(1, 2))
        if kind == "429 long":
            slack.fail_next(POST, retry_after=120, channel=channel)  # past the run's patience: to the ledger
        if kind in ("500", "mixed"):
            slack.fail_next(POST, status=500, error="internal_error", channel=channel, times=rng.randint(1, 3))


def _delivered(slack: LocalSlack) -> list[tuple[str, str]]:
    return [
        (c.args["channel"], c.args["text"])
        for c in slack.calls_to(POST)
        if "_failed" not in c.args and "_error" not in c.args
    ]


async def _statuses(deps: Deps) -> Counter[SendStatus]:
    async with deps.db.reader() as session:
        return Counter((await session.execute(select(OutboundMessage.status))).scalars())


def _check(slack: LocalSlack, order: dict[str, list[str]]) -> None:
    delivered = _delivered(slack)
    counts = Counter(text for _, text in delivered)
    assert {k: n for k, n in counts.items() if n != 1} == {}, "a message went twice"
    assert sum(counts.values()) == len(CHANNELS) * PER_CHANNEL, "a message never went"
    for channel, keys in order.items():
        assert [t for c, t in delivered if c == channel] == keys, f"{channel} out of order"


async def _until_all_sent(deps: Deps, clock, senders: list[Deps], *, ahead: int | None = None) -> list[int]:
    """Rounds until the ledger has sent everything; how many each sender sent. A small `ahead`
    makes each claim take a few messages, so that two senders' claims interleave."""
    sent = [0] * len(senders)
    for _ in range(12):  # each round: every sender at once, then the ledger's clock past any backoff
        limits = [SlackLimits(1000, channel_interval=0.02, ahead=ahead) for _ in senders]
        reports = await asyncio.gather(
            *(deliver_due(d, web_client(d), limits=lim) for d, lim in zip(senders, limits, strict=True))
        )
        sent = [n + r.sent for n, r in zip(sent, reports, strict=True)]
        if (await _statuses(deps))[SendStatus.SENT] == len(CHANNELS) * PER_CHANNEL:
            return sent
        clock.set(deps.now() + timedelta(hours=2))
    raise AssertionError(f"not all sent: {await _statuses(deps)}")


@pytest.mark.parametrize("seed", range(3))
async def test_random_trouble_on_many_channels_keeps_each_message_once_and_in_order(deps, slack, clock, seed):
    clock.set(datetime.now().astimezone())
    order = await _record_all(deps)
    _inject(slack, random.Random(seed))
    await _until_all_sent(deps, clock, [deps])
    _check(slack, order)


@pytest.mark.parametrize(("seed", "trouble", "ahead"), [(0, False, 3), (1, False, 7), (2, True, 60), (3, True, 90)])
async def test_two_senders_at_once_on_one_ledger_keep_each_message_once_and_in_order(
    deps, slack, clock, seed, trouble, ahead
):
    """Two processes' senders (each its own engine and pool, as `nlsbot scheduler` and a
    listener's send in `nlsbot serve` are), racing on the same ledger round after round; claims
    of a few messages each, so that theirs interleave. (With trouble, `ahead` stays above the
    messages failures hold back: below it the sender stalls, a finding of this review.)"""
    clock.set(datetime.now().astimezone())
    order = await _record_all(deps)
    if trouble:
        _inject(slack, random.Random(seed))
    other = Deps(settings=deps.settings, db=Database(deps.settings.database_url), clock=clock)
    try:
        sent = await _until_all_sent(deps, clock, [deps, other], ahead=ahead)
    finally:
        await other.close()
    assert all(sent) or trouble, sent  # with claims of a few, both senders took part
    _check(slack, order)


async def test_a_release_never_undoes_a_message_already_sent_or_another_senders_claim(deps, slack, clock):
    clock.set(datetime.now().astimezone())
    async with deps.db.transaction() as session:
        for key in ("r1", "r2", "r3"):
            await outbox.enqueue(session, key=key, channel="UREL00001", text=key, now=deps.now())
    async with deps.db.transaction() as session:
        claimed = await outbox.claim_due(session, now=deps.now())
        await outbox.mark_sent(session, claimed[0].id, slack_ts="1.0", now=deps.now())
        await outbox.mark_failed_attempt(session, claimed[1], error="x", now=deps.now())
        await outbox.release(session, [m.id for m in claimed])  # only r3 was still being sent
    async with deps.db.reader() as session:
        rows = {r.key: r for r in (await session.execute(select(OutboundMessage))).scalars()}
    assert rows["r1"].status is SendStatus.SENT
    assert (rows["r2"].status, rows["r2"].attempts) == (SendStatus.PENDING, 1)  # its failed try still counts
    assert (rows["r3"].status, rows["r3"].attempts) == (SendStatus.PENDING, 0)
