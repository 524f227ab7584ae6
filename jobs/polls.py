"""Polls on a clock, and the Slack side of a poll's end.

`poll-deadlines` closes every poll whose deadline passed — each exactly once, through the
service's conditional UPDATE, so a restart, two schedulers or a hand run close nothing twice —
queues its results for the thread in the outbound ledger (in the closing transaction, so they are
never lost), sends them, and updates the poll message. A message update that fails stays marked
stale and is retried on the next run.

`poll-reminders` queues the 24-hours-before reminders: each poll is claimed once, and each person
has one ledger key per poll (shared with the creator's "remind" button), so nobody is reminded twice.

The helpers below are also what a handler runs right after a person closes or cancels a poll
(the same outbound step, now rather than on the next tick).

Slack out of reach does not undo a close: the polls stay closed, their results wait in the
ledger and their messages stay marked stale, and the summary says so in one line.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.triggers.interval import IntervalTrigger

from bot.services import polls
from bot.slack.outbound.polls import Published, publish_outcome, queue_results, reminder_renderer
from bot.slack.sender import deliver_due
from jobs import JobEnv, job

log = logging.getLogger(__name__)
GONE = {"message_not_found", "channel_not_found", "is_archived", "cant_update_message"}


@job(
    "poll-deadlines",
    trigger=lambda tz: IntervalTrigger(seconds=30, timezone=tz),
    description="close polls at their deadline (once each) and post their results",
)
async def close_polls(env: JobEnv, now: datetime) -> str:
    deps = env.deps
    async with deps.db.transaction() as session:
        # deps.ballot_keys, not deps.ballots: without a key, open ballots and secret polls with no
        # ballot yet still close; a poll whose sealed ballots need the key is held and said so.
        closing = await polls.close_due(session, now=now, today=deps.today(now), keys=deps.ballot_keys)
        keys = await queue_results(session, deps, closing.closed, now=now)
    published = await publish_outcome(deps, env.client, keys)
    if any(r.poll.secret for r in closing.closed):
        await deps.db.compact(polls.SEALED_TABLES)
    for held in closing.held:  # left open, retried on the next run; the operator must act
        log.error("poll #%s not closed: %s", held.params.get("poll"), deps.translator("en")(held.key, **held.params))
    return _closing_summary(env, closing, published)


def _closing_summary(env: JobEnv, closing: polls.Closing, published: Published) -> str:
    """What the close did, in the reader's language; each part begins with its own separator."""
    t, closed = env.t, closing.closed
    numbers = ", ".join(f"#{r.poll.id}" for r in closed)
    parts = [t("jobs.poll_deadlines.closed_list", count=len(closed), polls=numbers)] if closed else []
    parts = parts or [t("jobs.poll_deadlines.closed", count=0)]
    if closing.held:
        parts.append(t("jobs.poll_deadlines.held", count=len(closing.held)))
    waiting = {"results": published.delivery.retrying, "stale": published.stale}
    if published.unreachable or published.delivery.unreachable:
        parts.append(t("jobs.poll_deadlines.unreachable", url=env.deps.settings.slack_api_url, **waiting))
    elif any(waiting.values()):
        parts.append(t("jobs.poll_deadlines.waiting", **waiting))
    return "".join(parts)


@job(
    "poll-reminders",
    trigger=lambda tz: IntervalTrigger(minutes=5, timezone=tz),
    description="remind non-voters 24 hours before a poll closes (once per poll and person)",
)
async def remind_non_voters(env: JobEnv, now: datetime) -> str:
    deps = env.deps
    keys: list[str] = []
    async with deps.db.transaction() as session:
        due = await polls.claim_auto_reminders(session, now=now)
        for poll in due:
            keys += await polls.queue_reminders(
                session, poll, render=reminder_renderer(deps), now=now, today=deps.today(now),
                default_locale=deps.settings.nls_locale, actor_id=None,
            )  # fmt: skip
    delivery = await deliver_due(deps, env.client, keys=keys) if keys else None
    return f"{len(due)} poll(s) entering their last day, {len(keys)} reminder(s) queued; {delivery or 'nothing sent'}"
