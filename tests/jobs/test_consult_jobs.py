"""The consultations job as the scheduler (or an operator, `nlsbot jobs run consultations --at …`)
runs it: sends survive Slack failures through the ledger, and nothing is sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import web_client
from bot.slack.sender import deliver_due
from jobs import JobEnv, load_jobs
from jobs import consultations as consultation_job
from models import OutboundMessage, SendStatus
from tests.support.voices import LEAD, load_network, rep, start_consultation

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
CLOSES = datetime(2026, 3, 17, 4, 0, tzinfo=UTC)
FORM = {
    "consult_title": "Annual",
    "consult_questions": "What is missing?",
    "consult_deadline": "2026-03-16",
    "consult_audience": "reps",
}


async def run(deps, at: datetime) -> str:
    return await consultation_job.run(JobEnv(deps=deps, client=web_client(deps)), at)


def test_the_job_is_scheduled_every_few_minutes():
    assert "consultations" in load_jobs()


async def test_a_reminder_slack_refused_stays_in_the_ledger_and_goes_out_once_later(bot, deps, clock, slack):
    clock.set(START)
    await load_network(deps, 2)
    await start_consultation(bot, LEAD, FORM)
    await slack.wait_for("chat.postMessage", count=2)
    at = CLOSES - timedelta(days=3)
    clock.set(at)
    slack.fail_next("chat.postMessage", status=200, error="internal_error", times=2)  # not retried by the client
    summary = await run(deps, at)
    assert "reminders due 2, newly queued 2" in summary
    assert "sent 0" in summary
    async with deps.db.reader() as session:
        pending = (
            await session.execute(select(OutboundMessage).where(OutboundMessage.key.like("consult-reminder:%")))
        ).scalars()
        assert {m.status for m in pending} == {SendStatus.PENDING}
    clock.set(at + timedelta(hours=1))  # the deliver-messages sweep, after the backoff
    assert (await deliver_due(deps, web_client(deps))).sent == 2
    assert "newly queued 0" in await run(deps, at + timedelta(hours=2))
    reminded = [c.args["channel"] for c in slack.calls_to("chat.postMessage") if "_failed" not in c.args]
    assert sorted(reminded[2:]) == [rep(1), rep(2)]


async def test_closing_notice_reaches_the_creator_in_their_language(bot, deps, clock, slack):
    clock.set(START)
    await load_network(deps, 2)
    await bot.answer(LEAD, "lang fr")
    await start_consultation(bot, LEAD, FORM)
    clock.set(CLOSES)
    assert (await run(deps, CLOSES)).startswith("closed 1")
    [notice] = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == LEAD]
    assert notice.args["text"] == "Consultation close : Annual"
    assert "0 organismes sur 2 ont répondu" in notice.args["blocks"][0]["text"]["text"]
