"""The Slack side of polls, shared by listeners and jobs: posting a poll, queuing and sending its
results, updating its message, and rendering reminders. (A poll's rules are in bot.services.polls.)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks import polls as poll_blocks
from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.services import outbox, polls
from bot.services.polls import Electorate
from bot.slack.sender import DeliveryReport, deliver_due

log = logging.getLogger(__name__)
GONE = {"message_not_found", "channel_not_found", "is_archived", "cant_update_message"}
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError)  # no answer from Slack, after the client's retries


@dataclass(frozen=True)
class Published:
    """What reached Slack after a close. The rest waits, never lost: unsent results in the
    ledger (the sweeper sends them), out-of-date poll messages marked stale (the next close
    run updates them)."""

    delivery: DeliveryReport
    stale: int = 0  # poll messages still to update
    unreachable: bool = False  # Slack did not answer at all (not a refusal)


def results_key(poll_id: int) -> str:
    return f"poll-results:{poll_id}"


async def queue_results(
    session: AsyncSession, deps: Deps, closed: Sequence[polls.Results], *, now: datetime
) -> list[str]:
    """Record each closed poll's results for its thread, in the closing transaction."""
    keys = []
    for res in closed:
        reply = poll_blocks.results_reply(res, Translator(res.poll.locale), deps.settings.timezone)
        key = results_key(res.poll.id)
        await outbox.enqueue(
            session, key=key, channel=res.poll.channel_id, thread_ts=res.poll.message_ts,
            text=reply.text, blocks=reply.blocks_dicts(), now=now,
        )  # fmt: skip
        keys.append(key)
    return keys


async def refresh_messages(deps: Deps, client: AsyncWebClient) -> tuple[int, bool]:
    """Bring every stale poll message (closed or cancelled since it was posted) up to date: how
    many are left stale, and whether Slack was out of reach (then the rest are not tried: each
    would wait for the same timeout)."""
    async with deps.db.reader() as session:
        stale = await polls.stale_messages(session)
        finals = {p.id: await polls.final_results(session, p.id) for p in stale}
    left = len(stale)
    for poll in stale:
        reply = poll_blocks.poll_message(poll, Translator(poll.locale), deps.settings.timezone, results=finals[poll.id])
        try:
            await client.chat_update(channel=poll.channel_id, ts=poll.message_ts, **reply.as_message())
        except SlackApiError as exc:
            if exc.response.get("error") not in GONE:
                log.warning("poll %s message update failed: %s", poll.id, exc.response.get("error"))
                continue
        except UNREACHABLE as exc:
            log.warning("poll %s message not updated, Slack out of reach: %s", poll.id, type(exc).__name__)
            return left, True
        async with deps.db.transaction() as session:
            await polls.mark_message_current(session, poll.id)
        left -= 1
    return left, False


async def publish_outcome(deps: Deps, client: AsyncWebClient, keys: Sequence[str]) -> Published:
    """After the closing commit: send the queued results and update the poll messages."""
    delivery = await deliver_due(deps, client, keys=list(keys)) if keys else DeliveryReport()
    stale, unreachable = await refresh_messages(deps, client)
    return Published(delivery, stale, unreachable)


async def post_poll(deps: Deps, client: AsyncWebClient, poll: polls.PollView) -> str | None:
    """Post a newly opened poll in its channel (in the poll's language) and remember the message,
    so it can be updated at close; the message ts, or None if Slack refused, in which case the
    poll is withdrawn at once (nobody could have voted in it). Used by the creation modal and by
    services that open polls on their own (elections)."""
    electors = None
    if poll.electorate is Electorate.CHANNEL:
        async with deps.db.reader() as session:
            _, electors = await polls.turnout(session, poll, today=deps.now().date())
    message = poll_blocks.poll_message(poll, Translator(poll.locale), deps.settings.timezone, electors=electors)
    try:
        posted = await client.chat_postMessage(channel=poll.channel_id, unfurl_links=False, **message.as_message())
    except SlackApiError as exc:
        log.warning("poll %s could not be posted: %s", poll.id, exc.response.get("error"))
        async with deps.db.transaction() as session:
            await polls.withdraw_unposted(session, poll.id, now=deps.now())
        return None
    async with deps.db.transaction() as session:
        await polls.set_message(session, poll.id, message_ts=posted["ts"])
    return str(posted["ts"])


def reminder_renderer(deps: Deps) -> polls.Render:
    tz = deps.settings.timezone
    return lambda poll, recipient: poll_blocks.reminder(poll, recipient, Translator(recipient.locale), tz)
