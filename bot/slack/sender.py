"""Sends what the outbound ledger says is due, paced under Slack's rate limits.

Each message is claimed in one short transaction, sent with no transaction open, and its outcome
recorded in another, so the database is never held across a Web API call. 429s are first retried
by the client (honouring Retry-After); what still fails goes back to the ledger with backoff.
While the workspace is inactive (uninstalled, bot token revoked: bot.services.workspace) nothing
is claimed, so nothing is attempted and every due message stays pending, parked for a reinstall.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.services import outbox, workspace
from models import SendStatus

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: int = 0  # of the attempts that did not go through, those Slack never answered
    parked: bool = False  # the workspace is inactive (uninstalled, token revoked): nothing was tried

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}"


class Pacer:
    """At most `rate` sends per second, spread evenly (no bursts that invite 429s)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        if self._next > now:
            await asyncio.sleep(self._next - now)
        self._next = max(now, self._next) + self.interval


_PACERS: dict[float, Pacer] = {}


def shared_pacer(rate: float) -> Pacer:
    """One pacer per process and rate: every job's deliveries together stay under the rate,
    not each of them separately."""
    return _PACERS.setdefault(rate, Pacer(rate))


async def deliver_due(
    deps: Deps, client: AsyncWebClient, *, keys: list[str] | None = None, limit: int = 500, pacer: Pacer | None = None
) -> DeliveryReport:
    pacer = pacer or shared_pacer(deps.settings.send_rate_per_second)
    report = DeliveryReport()
    while True:
        async with deps.db.transaction() as session:
            # Asked with every batch, in the claim's transaction: an uninstall that lands while a
            # long run is sending stops it at the next batch, and what is parked stays pending.
            if await workspace.inactive(session) is not None:
                report.parked = True
                return report
            batch = await outbox.claim_due(session, now=deps.now(), limit=min(limit, 100), keys=keys)
        if not batch:
            return report
        for message in batch:
            await pacer.wait()
            await _send_one(deps, client, message, report)
        limit -= len(batch)
        if limit <= 0:
            return report


async def _send_one(deps: Deps, client: AsyncWebClient, message: outbox.Outgoing, report: DeliveryReport) -> None:
    retry_after: float | None = None
    try:
        answer = await client.chat_postMessage(
            channel=message.channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=message.thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        if exc.response.status_code == 429:
            retry_after = float(exc.response.headers.get("Retry-After", 30))
    except Exception as exc:  # connection failures after the client's own retries
        error = type(exc).__name__
        report.unreachable += 1
    else:
        async with deps.db.transaction() as session:
            await outbox.mark_sent(session, message.id, slack_ts=answer.get("ts"), now=deps.now())
        report.sent += 1
        return
    log.warning("send %s failed (attempt %d): %s", message.key, message.attempts, error)
    async with deps.db.transaction() as session:
        status = await outbox.mark_failed_attempt(
            session, message, error=error, now=deps.now(), retry_after=retry_after
        )
    if status is SendStatus.FAILED:
        report.failed += 1
    else:
        report.retrying += 1
