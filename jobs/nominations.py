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
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.services import nominations, terms
from bot.slack.outbound.nominations import after_closing, publish_election, queue, refresh_round_messages
from bot.slack.sender import deliver_due
from jobs import JobEnv, job

log = logging.getLogger(__name__)


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
        seatings = await nominations.seat_due(session, now=now, today=deps.today(now), default_locale=locale)
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
        notices = await terms.term_warnings(session, today=deps.today(now), default_locale=deps.settings.nls_locale)
        keys = await queue(deps, session, notices, now=now)
    delivery = await deliver_due(deps, env.client, keys=keys) if keys else None
    return f"{len(keys)} term warning(s) queued; {delivery or 'nothing sent'}"
