"""The sender against the local Slack: many channels at once, each channel's messages in the order
they were recorded, a 429 holding only its own channel, every message once across a stop mid-run,
a process that died holding its claims, and the restart after either."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import web_client
from bot.services import outbox
from bot.slack.localslack.server import Call, LocalSlack
from bot.slack.pacing import POST, SlackLimits
from bot.slack.sender import deliver_due
from models import OutboundMessage, SendStatus

HELD, OTHER, THIRD = "UHELD0001", "UOTHER001", "UTHIRD001"


async def _enqueue(deps, *messages: tuple[str, str]) -> None:
    """(channel, key) pairs, recorded in this order; each message's text is its key."""
    async with deps.db.transaction() as session:
        for channel, key in messages:
            await outbox.enqueue(session, key=key, channel=channel, text=key, now=deps.now())


def _delivered(slack: LocalSlack, channel: str | None = None) -> list[str]:
    """The texts Slack accepted, in the order it accepted them (to `channel`, when given)."""
    return [
        c.args["text"]
        for c in slack.calls_to(POST)
        if "_failed" not in c.args and "_error" not in c.args and channel in (None, c.args["channel"])
    ]


def _tries(slack: LocalSlack, channel: str) -> list[Call]:
    return [c for c in slack.calls_to(POST) if c.args["channel"] == channel]


async def _rows(deps) -> dict[str, OutboundMessage]:
    async with deps.db.reader() as session:
        return {r.key: r for r in (await session.execute(select(OutboundMessage))).scalars()}


async def test_while_one_channel_waits_out_its_retry_after_the_others_go(deps, slack):
    await _enqueue(deps, (HELD, "held"), (OTHER, "other"), (THIRD, "third"))
    slack.fail_next(POST, retry_after=2, channel=HELD)
    report = await deliver_due(deps, web_client(deps))
    assert (report.sent, report.retrying) == (3, 0)
    # recorded first, refused first, and sent last: the others did not wait for its Retry-After
    assert _delivered(slack)[-1] == "held" and sorted(_delivered(slack)[:2]) == ["other", "third"]
    assert [c.args.get("_failed") for c in _tries(slack, HELD)] == [429, None]


async def test_a_retry_after_too_long_for_the_run_goes_back_to_the_ledger_and_the_rest_go(deps, slack, clock):
    clock.set(deps.now())
    await _enqueue(deps, (HELD, "held-1"), (HELD, "held-2"), (OTHER, "other"))
    slack.fail_next(POST, retry_after=3600, channel=HELD)
    limits = SlackLimits(50)
    report = await deliver_due(deps, web_client(deps), limits=limits)
    assert (report.sent, report.retrying) == (1, 2) and _delivered(slack) == ["other"]
    assert limits.held_for(POST, HELD) > 3000 and limits.held_for(POST, OTHER) == 0
    rows = await _rows(deps)
    assert rows["held-1"].not_before == deps.now() + timedelta(seconds=3600)
    assert rows["held-2"].status is SendStatus.PENDING and rows["held-2"].attempts == 0  # given back untried
    assert (await deliver_due(deps, web_client(deps), limits=limits)).sent == 0  # held-2 waits behind held-1
    # an hour later on the ledger's clock; the hold counts real time, so: a process an hour on
    clock.set(deps.now() + timedelta(hours=1, seconds=1))
    assert (await deliver_due(deps, web_client(deps), limits=SlackLimits(50))).sent == 2
    assert _delivered(slack, HELD) == ["held-1", "held-2"]


async def test_a_channels_messages_arrive_in_order_across_a_429_and_a_failure(deps, slack, clock):
    clock.set(deps.now())
    await _enqueue(deps, *((channel, f"{channel}-{n}") for n in range(4) for channel in (HELD, OTHER)))
    slack.fail_next(POST, retry_after=0, channel=HELD)  # waited out in the run …
    slack.fail_next(POST, status=500, error="internal_error", times=3, channel=HELD)  # … then a failure
    limits = SlackLimits(1000, channel_interval=0.05)
    first = await deliver_due(deps, web_client(deps), limits=limits)
    assert (first.sent, first.retrying) == (4, 4)
    assert _delivered(slack, OTHER) == [f"{OTHER}-{n}" for n in range(4)]
    assert _delivered(slack, HELD) == []  # nothing overtook the message that failed
    assert (await deliver_due(deps, web_client(deps), limits=limits)).sent == 0  # still not before its backoff
    clock.set(deps.now() + outbox.backoff(1) + timedelta(seconds=1))
    assert (await deliver_due(deps, web_client(deps), limits=limits)).sent == 4
    assert _delivered(slack, HELD) == [f"{HELD}-{n}" for n in range(4)]


async def test_a_channels_messages_claimed_apart_still_go_in_one_run_and_in_order(deps, slack):
    await _enqueue(deps, (HELD, "a1"), (HELD, "a2"), (HELD, "a3"), (OTHER, "b1"), (HELD, "a4"))
    limits = SlackLimits(1000, channel_interval=0.05, ahead=2)  # a claim takes two at most
    report = await deliver_due(deps, web_client(deps), limits=limits)
    assert (report.sent, report.retrying) == (5, 0)
    assert _delivered(slack, HELD) == ["a1", "a2", "a3", "a4"] and _delivered(slack, OTHER) == ["b1"]


async def _until_sent(deps, keys: set[str]) -> None:
    """Until the ledger records `keys` as sent (a busy machine may take its time)."""
    for _ in range(600):
        if {k for k, r in (await _rows(deps)).items() if r.status is SendStatus.SENT} >= keys:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{sorted(keys)} were not all sent")


async def test_each_message_goes_once_across_a_stop_mid_run_and_the_restart(deps, slack):
    await _enqueue(deps, (HELD, "a1"), (OTHER, "b1"), (HELD, "a2"), (OTHER, "b2"), (HELD, "a3"), (THIRD, "c1"))
    # one message per channel, then each channel's next waits an hour: the run is stopped there
    stopping = SlackLimits(1000, channel_interval=3600, channel_burst=1)
    run = asyncio.create_task(deliver_due(deps, web_client(deps), limits=stopping))
    await _until_sent(deps, {"a1", "b1", "c1"})
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    rows = await _rows(deps)
    assert {k: (r.status, r.attempts) for k, r in rows.items() if k in ("a2", "a3", "b2")} == {
        k: (SendStatus.PENDING, 0) for k in ("a2", "a3", "b2")
    }  # given back untried: the restart need not wait for them to look abandoned
    restarted = await deliver_due(deps, web_client(deps), limits=SlackLimits(1000, channel_interval=0.05))
    assert restarted.sent == 3
    assert sorted(_delivered(slack)) == ["a1", "a2", "a3", "b1", "b2", "c1"]  # each once
    assert _delivered(slack, HELD) == ["a1", "a2", "a3"] and _delivered(slack, OTHER) == ["b1", "b2"]


async def test_a_sender_that_died_holding_claims_leaves_them_to_no_one_until_they_are_in_doubt(deps, slack, clock):
    clock.set(deps.now())
    await _enqueue(deps, (HELD, "a1"), (HELD, "a2"), (OTHER, "b1"))
    async with deps.db.transaction() as session:  # the process that died: it claimed all three …
        claimed = await outbox.claim_due(session, now=deps.now())
    async with deps.db.transaction() as session:  # … and had sent a1 when it was killed
        await outbox.mark_sent(session, claimed[0].id, slack_ts="1.0", now=deps.now())
    assert (await deliver_due(deps, web_client(deps))).sent == 0  # it might still be sending them
    assert _delivered(slack) == []
    clock.set(deps.now() + outbox.IN_DOUBT_AFTER + timedelta(seconds=1))
    restarted = await deliver_due(deps, web_client(deps))
    assert restarted.sent == 2 and sorted(_delivered(slack)) == ["a2", "b1"]  # a1, recorded as sent, is not again
    assert (await deliver_due(deps, web_client(deps))).sent == 0


async def test_channels_held_behind_their_failed_first_message_never_stall_everyone_else(deps, slack, clock):
    """More channels held behind a retry than a claim takes (300 at 5/s): claims must still reach
    the messages they can send, or the sender stalls for good, for everyone (#18 review)."""
    clock.set(deps.now())
    people = [f"UPERSON{n:03d}" for n in range(100)]
    await _enqueue(deps, *((person, f"{person}-{n}") for person in people for n in range(4)))
    for person in people:
        slack.fail_next(POST, status=500, error="internal_error", channel=person, times=3)
    limits = SlackLimits(5, channel_interval=0.01)
    await deliver_due(deps, web_client(deps), limits=limits)
    await _enqueue(deps, (OTHER, "fresh"))
    for _ in range(3):
        clock.set(deps.now() + timedelta(hours=1))
        await deliver_due(deps, web_client(deps), limits=limits)
    rows = await _rows(deps)
    assert [k for k, r in rows.items() if r.status is not SendStatus.SENT] == [] and len(rows) == 401
    assert all(_delivered(slack, p) == [f"{p}-{n}" for n in range(4)] for p in people)
