"""The Slack side of nominations, shared by listeners and jobs: the round's announcement and its
updates, notices through the ledger, and publishing an election. (Rules: bot.services.nominations.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks import nominations as nomination_blocks
from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.services import nominations, terms
from bot.services.polls import PollView
from bot.slack.outbound.polls import post_poll

log = logging.getLogger(__name__)


def renderer(deps: Deps) -> terms.Render:
    tz = deps.settings.timezone
    return lambda notice: nomination_blocks.notice_message(notice, tz)


async def queue(deps: Deps, session: AsyncSession, notices: Iterable[terms.Notice], *, now: datetime) -> list[str]:
    """Record notices in the caller's transaction, rendered for their recipients."""
    return await terms.queue(session, notices, render=renderer(deps), now=now)


async def post_round(deps: Deps, client: AsyncWebClient, round_: nominations.RoundView) -> str | None:
    """Announce a new round in its channel (in the round's language) and remember the message;
    None if Slack refused, in which case the round is withdrawn (nobody could have seen it)."""
    message = nomination_blocks.round_message(round_, Translator(round_.locale), deps.settings.timezone, now=deps.now())
    try:
        posted = await client.chat_postMessage(channel=round_.channel_id, unfurl_links=False, **message.as_message())
    except SlackApiError as exc:
        log.warning("round %s could not be announced: %s", round_.id, exc.response.get("error"))
        async with deps.db.transaction() as session:
            await nominations.withdraw_unposted(session, round_.id, now=deps.now())
        return None
    async with deps.db.transaction() as session:
        await nominations.set_round_message(session, round_.id, message_ts=posted["ts"])
    return str(posted["ts"])


async def refresh_round_messages(deps: Deps, client: AsyncWebClient, round_ids: Iterable[int]) -> None:
    """Bring round announcements up to date (no Nominate button once nominations close). Best
    effort: the round's state lives in the database, the message only mirrors it."""
    for round_id in dict.fromkeys(round_ids):
        async with deps.db.reader() as session:
            round_ = await nominations.get_round(session, round_id)
        if round_.message_ts is None:
            continue
        message = nomination_blocks.round_message(
            round_, Translator(round_.locale), deps.settings.timezone, now=deps.now()
        )
        try:
            await client.chat_update(channel=round_.channel_id, ts=round_.message_ts, **message.as_message())
        except SlackApiError as exc:
            log.warning("round %s message update failed: %s", round_id, exc.response.get("error"))


async def publish_election(
    deps: Deps, client: AsyncWebClient, round_: nominations.RoundView, poll: PollView
) -> list[str]:
    """Post the election poll and queue the candidates' statements in its thread (once); the keys
    queued, to deliver. A poll Slack refuses is withdrawn, and the round fails on the next run."""
    ts = await post_poll(deps, client, poll)
    if ts is None:
        return []
    async with deps.db.transaction() as session:
        nominees = await nominations.ballot_nominations(session, round_)
        return await queue(
            deps, session, [nominations.statements_notice(round_, nominees, thread_ts=ts)], now=deps.now()
        )


async def after_closing(deps: Deps, client: AsyncWebClient, closings: Sequence[nominations.Closing]) -> list[str]:
    """After nominations closed (and committed): the election is posted, the announcement updated."""
    keys: list[str] = []
    for closing in closings:
        if closing.poll is not None:
            keys += await publish_election(deps, client, closing.round, closing.poll)
    await refresh_round_messages(deps, client, [c.round.id for c in closings])
    return keys
