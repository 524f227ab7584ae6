"""Sends what the outbound ledger says is due: to many channels at once, each channel's messages
one after another in the order they were recorded, every message once.

Messages are claimed in short transactions, sent with no transaction open, and each outcome is
recorded in one more, so the database is never held across a Web API call. One worker per
channel sends that channel's messages in order; the workers of different channels run side by
side under Slack's limits (`bot.slack.pacing`: about one message a second per channel,
`NLS_SEND_RATE` across the workspace). A 429 holds only its channel, for its Retry-After, and
the message is tried again in the same run while everyone else's keep going. What still fails goes
back to the ledger with backoff, and that channel's later messages are given back untried: the
ledger claims none past an earlier unfinished one (`outbox.claim_due`), so nobody gets them out of
order. While the workspace is inactive (uninstalled, bot token revoked: bot.services.workspace)
nothing is claimed, so nothing is attempted and every due message stays pending, parked for a reinstall.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.services import outbox, workspace
from bot.slack.pacing import POST, SlackLimits, shared_limits
from models import SendStatus

log = logging.getLogger(__name__)

IN_FLIGHT = 16  # Web API calls at once per run: enough to keep a ~100 ms round trip off the rate
RATE_LIMIT_RETRIES = 3  # 429s a message waits out in the run (as the Web API client did), then the ledger
LONGEST_WAIT = 60.0  # seconds of Retry-After a message waits out in the run; past that, the ledger
DEFAULT_RETRY_AFTER = 30.0  # a 429 without Retry-After (Slack always sends one)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: int = 0  # of the attempts that did not go through, those Slack never answered
    parked: bool = False  # the workspace is inactive (uninstalled, token revoked): nothing was tried

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}"


@dataclass
class _Attempt:
    """What one chat.postMessage came to: Slack's ts, or why not."""

    ts: str | None = None
    error: str | None = None
    retry_after: float | None = None  # a 429's


def without_rate_limit_retries(client: AsyncWebClient) -> AsyncWebClient:
    """The same client (session, token, timeout, other retries) minus its own 429 retry, which
    sleeps inside the call, holding an in-flight slot, and adds up to a second at random: here a
    429 holds its channel only, for exactly its Retry-After (`SlackLimits.rate_limited`)."""
    handlers = [h for h in client.retry_handlers if not isinstance(h, AsyncRateLimitErrorRetryHandler)]
    if len(handlers) == len(client.retry_handlers):
        return client
    own = copy.copy(client)
    own.retry_handlers = handlers
    return own


async def deliver_due(
    deps: Deps,
    client: AsyncWebClient,
    *,
    keys: list[str] | None = None,
    limit: int = 500,
    limits: SlackLimits | None = None,
) -> DeliveryReport:
    run = _Run(deps, without_rate_limit_retries(client), limits or shared_limits(deps.settings.send_rate_per_second))
    try:
        await run.deliver(keys, limit)
    except BaseException:  # a stop or an error mid-run: what was never tried is pending again at once
        await run.give_back_untried()
        raise
    return run.report


class _Run:
    """One delivery run: claims as the channels' queues drain, a worker per channel."""

    def __init__(self, deps: Deps, client: AsyncWebClient, limits: SlackLimits) -> None:
        self.deps, self.client, self.limits = deps, client, limits
        self.report = DeliveryReport()
        self.queues: dict[str, deque[outbox.Outgoing]] = {}
        self.trying: set[int] = set()  # ids whose call has started: their fate is Slack's answer
        self.outstanding = 0  # claimed and not yet settled
        self.finished: set[str] = set()  # channels whose worker is done, since the claim began
        self.progress = asyncio.Event()
        self.in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def deliver(self, keys: list[str] | None, budget: int) -> None:
        try:
            async with asyncio.TaskGroup() as workers:
                while budget > 0:
                    room = min(budget, self.limits.ahead - self.outstanding)
                    behind: set[str] = set()  # channels whose due messages wait behind an unfinished one
                    self.finished.clear()
                    batch = await self._claim(keys, room, behind) if room > 0 else []
                    if batch is None:
                        break
                    budget -= len(batch)
                    for message in batch:
                        self._queue(message, workers)
                    if len(batch) == room:  # more may be due (or no room): claim when half is through
                        await self._until(lambda: self.outstanding <= self.limits.ahead // 2)
                    elif behind & self.finished or (self.finished and not batch):
                        # What they waited for finished while we claimed: a later message whose
                        # channel was still sending when the claim read the ledger is not in it.
                        continue
                    elif ours := behind & self.queues.keys():  # they wait for a channel of ours: claim when one is done
                        await self._until(lambda ours=ours: not ours <= self.queues.keys())
                    elif self.outstanding:  # all that was due is claimed: once it is through, look again
                        await self._until(lambda: self.outstanding == 0)
                    else:
                        break
        except BaseExceptionGroup as failure:  # a worker's error, raised as the caller knows it
            raise failure.exceptions[0] from None

    async def _claim(self, keys: list[str] | None, room: int, behind: set[str]) -> list[outbox.Outgoing] | None:
        async with self.deps.db.transaction() as session:
            # Asked with every claim, in its transaction: an uninstall that lands while a long run
            # is sending stops it at the next claim, and what is parked stays pending.
            if await workspace.inactive(session) is not None:
                self.report.parked = True
                return None
            return await outbox.claim_due(session, now=self.deps.now(), limit=room, keys=keys, held_back=behind)

    def _queue(self, message: outbox.Outgoing, workers: asyncio.TaskGroup) -> None:
        self.outstanding += 1
        queue = self.queues.get(message.channel)
        if queue is None:
            queue = self.queues[message.channel] = deque()
            workers.create_task(self._channel(message.channel, queue))
        queue.append(message)

    async def _until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            self.progress.clear()
            await self.progress.wait()

    def _settled(self, count: int) -> None:
        self.outstanding -= count
        self.progress.set()

    async def _channel(self, channel: str, queue: deque[outbox.Outgoing]) -> None:
        """Send one channel's messages in order; after one that did not go, give the rest back.
        (A worker that stops early leaves its queue for `give_back_untried`.)"""
        while queue:
            went = await self._send(queue[0])
            queue.popleft()
            self._settled(1)
            if not went and queue:
                rest = [m.id for m in queue]
                async with self.deps.db.transaction() as session:
                    await outbox.release(session, rest)
                queue.clear()
                self.report.retrying += len(rest)
                self._settled(len(rest))
        del self.queues[channel]
        self.finished.add(channel)

    async def _send(self, message: outbox.Outgoing) -> bool:
        """Post one message, waiting out the 429s that fit in the run; record what came of it."""
        waited = 0.0
        for tries in range(RATE_LIMIT_RETRIES + 1):
            await self.limits.wait(POST, message.channel)
            # a retry has waited out its Retry-After already: it goes before the queue of first tries
            async with self.in_flight if tries == 0 else contextlib.nullcontext():
                self.trying.add(message.id)
                attempt = await self._post(message)
                if attempt.error is None:  # recorded before the slot is free, so a kill -9 leaves at
                    # most IN_FLIGHT messages posted and not recorded (sent again once in doubt)
                    async with self.deps.db.transaction() as session:
                        await outbox.mark_sent(session, message.id, slack_ts=attempt.ts, now=self.deps.now())
                    self.report.sent += 1
                    return True
            if attempt.retry_after is None:
                break
            self.limits.rate_limited(POST, message.channel, attempt.retry_after)
            waited += attempt.retry_after
            if tries == RATE_LIMIT_RETRIES or waited > LONGEST_WAIT:
                break
            self.trying.discard(message.id)  # Slack refused it, so it was not posted: it may be given back
        log.warning("send %s failed (attempt %d): %s", message.key, message.attempts, attempt.error)
        async with self.deps.db.transaction() as session:
            status = await outbox.mark_failed_attempt(
                session, message, error=attempt.error or "", now=self.deps.now(), retry_after=attempt.retry_after
            )
        if status is SendStatus.FAILED:
            self.report.failed += 1
        else:
            self.report.retrying += 1
        return False

    async def _post(self, message: outbox.Outgoing) -> _Attempt:
        try:
            answer = await self.client.chat_postMessage(
                channel=message.channel,
                text=message.text,
                blocks=message.blocks,
                thread_ts=message.thread_ts,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            if exc.response.status_code != 429:
                return _Attempt(error=error)
            return _Attempt(
                error=error, retry_after=float(exc.response.headers.get("Retry-After", DEFAULT_RETRY_AFTER))
            )
        except Exception as exc:  # connection failures after the client's own retries
            self.report.unreachable += 1
            return _Attempt(error=type(exc).__name__)
        return _Attempt(ts=answer.get("ts"))

    async def give_back_untried(self) -> None:
        """Release what this run claimed and Slack never took (untried, or refused with a 429).
        Best effort: a second stop, or the database gone, leaves them to `outbox.IN_DOUBT_AFTER`."""
        untried = [m.id for queue in self.queues.values() for m in queue if m.id not in self.trying]
        if not untried:
            return
        try:
            async with self.deps.db.transaction() as session:
                await outbox.release(session, untried)
        except Exception:
            log.warning("could not give back %d untried messages; they are retried later", len(untried))
