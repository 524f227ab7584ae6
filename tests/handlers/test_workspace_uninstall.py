"""Uninstall and revocation over signed HTTP, on SQLite and PostgreSQL: after `app_uninstalled` (or
`tokens_revoked` for the bot token) no message is attempted — the sender parks, the scheduler's jobs
skip with one INFO line each, `/readyz` says why — and a start whose token Slack accepts again sends
what still means something and drops, with an audit row each, what went stale meanwhile."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from bot.app import web_client
from bot.runtime import drain_in_flight
from bot.services import outbox, polls
from bot.services.digest import digest_key
from bot.shell import payloads
from bot.slack.credentials import check_bot_token
from bot.slack.localslack.server import BOT_USER_ID
from bot.slack.sender import deliver_due
from bot.slack.standing import confirm_token_at_start
from jobs import JobEnv, load_jobs
from jobs.scheduler import _runner
from models import AuditEvent, OutboundMessage, SendStatus
from tests.support.directory import LEAD, REP_HALIFAX, REP_TORONTO
from tests.support.polls import NOW, load_network, open_poll

WELCOME = f"welcome:{REP_TORONTO}"


async def record(deps, key: str, channel: str) -> None:
    async with deps.db.transaction() as session:
        assert await outbox.enqueue(session, key=key, channel=channel, text=f"owed: {key}", now=deps.now())


async def ledger(deps) -> dict[str, OutboundMessage]:
    async with deps.db.reader() as session:
        return {m.key: m for m in (await session.execute(select(OutboundMessage))).scalars()}


async def send_and_settle(bot, body: str) -> None:
    """Deliver an event signed as Slack signs it, and wait for its listener to finish."""
    assert (await bot.event(body)).status_code == 200
    assert await drain_in_flight(10) == 0


def posted(slack, key: str | None = None) -> list:
    """Every chat.postMessage the local Slack received, answered or not: each one is an attempt."""
    return [c for c in slack.calls_to("chat.postMessage") if key is None or c.args.get("text") == f"owed: {key}"]


async def test_after_app_uninstalled_nothing_is_attempted_jobs_skip_once_and_readyz_says_why(
    bot, deps, slack, clock, caplog
):
    clock.set(NOW)
    await record(deps, WELCOME, REP_TORONTO)
    caplog.set_level(logging.WARNING, logger="handlers.events.workspace")
    await send_and_settle(bot, payloads.event_callback({"type": "app_uninstalled"}))
    told = [r.getMessage() for r in caplog.records if r.name == "handlers.events.workspace"]
    assert len(told) == 1 and told[0].startswith("the app was uninstalled") and "SLACK_BOT_TOKEN" in told[0]

    report = await deliver_due(deps, web_client(deps))
    assert report.parked and report.sent == 0
    env = JobEnv(deps=deps, client=web_client(deps))
    jobs = load_jobs()
    caplog.set_level(logging.INFO, logger="jobs.scheduler")
    for name in ("deliver-messages", "poll-deadlines"):
        run = _runner(env, jobs[name])
        await run()
        await run()  # the next runs of the same spell say nothing more
    assert posted(slack) == [], "no message may be attempted with the dead token"
    assert (await ledger(deps))[WELCOME].status is SendStatus.PENDING, "parked, not dropped"
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == 2 and all(r.levelno == logging.INFO for r in caplog.records if "skipped" in r.getMessage())
    assert skipped[0].startswith("job deliver-messages: skipped: the app was uninstalled"), skipped
    assert skipped[1].startswith("job poll-deadlines: skipped: the app was uninstalled"), skipped

    ready = await bot.http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["status"] == "inactive" and ready.json()["reason"] == "app_uninstalled"
    assert "SLACK_BOT_TOKEN" in ready.json()["detail"]

    caplog.set_level(logging.WARNING, logger="bot.slack.standing")
    await confirm_token_at_start(deps, accepted=False)  # a start with Slack out of reach: still parked
    assert [r.getMessage()[:27] for r in caplog.records if r.name == "bot.slack.standing"] == ["nothing has been sent since"]
    assert (await bot.http.get("/readyz")).status_code == 503


async def test_a_revoked_user_token_changes_nothing_a_revoked_bot_token_parks_everything(bot, deps, slack, clock):
    clock.set(NOW)
    await record(deps, WELCOME, REP_TORONTO)
    user_tokens_only = {"type": "tokens_revoked", "tokens": {"oauth": [REP_TORONTO], "bot": []}}
    await send_and_settle(bot, payloads.event_callback(user_tokens_only))
    assert (await bot.http.get("/readyz")).status_code == 200

    await send_and_settle(bot, payloads.event_callback({"type": "tokens_revoked", "tokens": {"bot": [BOT_USER_ID]}}))
    assert (await deliver_due(deps, web_client(deps))).parked
    assert posted(slack) == []
    assert (await bot.http.get("/readyz")).json()["reason"] == "tokens_revoked"


async def test_a_start_with_an_accepted_token_sends_what_still_means_something_and_drops_the_stale(
    bot, deps, slack, clock, caplog
):
    clock.set(NOW)
    await load_network(deps)
    later = await open_poll(deps, closes_at=NOW + timedelta(days=3))
    sooner = await open_poll(deps, closes_at=NOW + timedelta(days=1))
    meaningful = [WELCOME, polls.reminder_key(later.id, REP_HALIFAX)]
    stale = [polls.reminder_key(sooner.id, REP_HALIFAX), digest_key(LEAD, (NOW - timedelta(days=9)).date())]
    await send_and_settle(bot, payloads.event_callback({"type": "app_uninstalled"}))
    for key in meaningful + stale:
        await record(deps, key, REP_HALIFAX)

    clock.set(NOW + timedelta(days=2))  # the sooner poll's deadline passes while the app is away
    await deliver_due(deps, web_client(deps))
    assert posted(slack) == []

    caplog.set_level(logging.INFO, logger="bot.slack.standing")
    # what `nlsbot serve`, `socket` and `scheduler` do at start (bot.cli.commands.dispatch)
    await confirm_token_at_start(deps, accepted=await check_bot_token(web_client(deps)))
    assert any(r.getMessage().startswith("Slack accepts SLACK_BOT_TOKEN again") for r in caplog.records)
    assert (await bot.http.get("/readyz")).status_code == 200

    await deliver_due(deps, web_client(deps))
    assert all(len(posted(slack, key)) == 1 for key in meaningful), [c.args.get("text") for c in posted(slack)]
    assert all(posted(slack, key) == [] for key in stale)
    rows = await ledger(deps)
    assert {key: rows[key].status for key in stale} == dict.fromkeys(stale, SendStatus.FAILED)
    assert rows[stale[0]].last_error == "dropped: the poll is closed"
    async with deps.db.reader() as session:
        audited = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "outbox.dropped_stale"))
        ).scalars()
        assert sorted(e.details["key"] for e in audited) == sorted(stale)

    await confirm_token_at_start(deps, accepted=True)  # a second start finds nothing to resume
    async with deps.db.reader() as session:
        resumes = (await session.execute(select(AuditEvent).where(AuditEvent.action == "workspace.active"))).all()
    assert len(resumes) == 1
