"""Nominations on a clock, and the Slack side of a round.

`nominations` (every minute) closes nominations at each round's deadline — exactly once, by the
service's conditional UPDATE — and opens the election or awaits acclamation; posts the election poll
with the candidates' statements in its thread; seats the winners once the poll has closed (the
`poll-deadlines` job closes it and posts its count); and posts any election left unposted by a
process that stopped between its commit and its post.

`exec-terms` (daily, 09:00 network time) warns each member and the Nominations Committee 90 and 30
days before a term ends; the ledger key names the seat, the term's end, the stage and the person, so
each warning is sent once whoever runs the job and however often.

The helpers below are also what handlers run right after a person opens a round, closes nominations
or acclaims (the same outbound steps, now rather than on the next tick).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot.blocks import nominations as nomination_blocks
from bot.deps import Deps
from bot.i18n import Translator
from bot.sender import deliver_due
from bot.services import nominations, terms
from bot.services.polls import PollView
from jobs import JobEnv, job
from jobs.polls import local_today, post_poll

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


@job(
    "nominations",
    trigger=lambda tz: IntervalTrigger(minutes=1, timezone=tz),
    description="close nominations at the deadline (once), open the election, seat the winners when it closes",
)
async def run(env: JobEnv, now: datetime) -> str:
    deps = env.deps
    locale = deps.settings.nls_locale
    async with deps.db.transaction() as session:
        closings = await nominations.close_due(session, now=now, default_locale=locale)
        seatings = await nominations.seat_due(session, now=now, today=local_today(deps, now), default_locale=locale)
        notices = [n for c in closings for n in c.notices] + [n for s in seatings for n in s.notices]
        keys = await queue(deps, session, notices, now=now)
    keys += await after_closing(deps, env.client, closings)
    async with deps.db.reader() as session:
        unposted = await nominations.unposted_elections(session, now=now)
    for round_, poll in unposted:
        keys += await publish_election(deps, env.client, round_, poll)
    await refresh_round_messages(deps, env.client, [s.round.id for s in seatings])
    delivery = await deliver_due(deps, env.client, keys=keys) if keys else None
    return (
        f"closed {len(closings)} round(s), finished {len(seatings)}, posted {len(unposted)} late; "
        f"{delivery or 'nothing sent'}"
    )


@job(
    "exec-terms",
    trigger=lambda tz: CronTrigger(hour=9, minute=0, timezone=tz),
    description="warn members and the Nominations Committee 90 and 30 days before a term ends (each once)",
)
async def warn_terms(env: JobEnv, now: datetime) -> str:
    deps = env.deps
    async with deps.db.transaction() as session:
        notices = await terms.term_warnings(
            session, today=local_today(deps, now), default_locale=deps.settings.nls_locale
        )
        keys = await queue(deps, session, notices, now=now)
    delivery = await deliver_due(deps, env.client, keys=keys) if keys else None
    return f"{len(keys)} term warning(s) queued; {delivery or 'nothing sent'}"
