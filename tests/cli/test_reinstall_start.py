"""The start that follows an uninstall, as an operator runs it (`nlsbot serve` in a subprocess):
with a token Slack accepts, sending resumes and the log says so in one line; with the old, revoked
token, the start stops in one line saying to reinstall."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.infra.db import Database
from bot.services import workspace
from tests.support.processes import SLACK_HTTP, free_port, local_slack, messages, nlsbot, one_line, serving
from tests.support.slackbot import BALLOT_KEY


async def uninstalled(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.upgrade()
        async with db.transaction() as session:
            await workspace.mark_inactive(
                session, reason=workspace.UNINSTALLED, team_id="TLOCAL", now=datetime(2026, 12, 1, tzinfo=UTC)
            )
    finally:
        await db.dispose()


async def is_inactive(database_url: str) -> bool:
    db = Database(database_url)
    try:
        async with db.reader() as session:
            return await workspace.inactive(session) is not None
    finally:
        await db.dispose()


async def test_a_start_with_a_token_slack_accepts_resumes_sending_in_one_line(tmp_path, database_url):
    await uninstalled(database_url)
    port = free_port()
    async with local_slack() as slack:
        env = {**SLACK_HTTP, "SLACK_API_URL": slack.base_url, "DATABASE_URL": database_url}
        async with serving(
            tmp_path, "--host", "127.0.0.1", "--port", str(port), "--no-scheduler", env=env, port=port
        ) as logs:
            pass
    resumed = [m for m in messages(logs) if m.startswith("Slack accepts SLACK_BOT_TOKEN again")]
    assert len(resumed) == 1 and "the app was uninstalled" in resumed[0], logs
    assert not await is_inactive(database_url)


async def test_a_start_with_the_revoked_token_is_one_line_and_stays_parked(tmp_path, database_url):
    await uninstalled(database_url)
    async with local_slack() as slack:
        slack.fail_next("auth.test", status=200, error="token_revoked")
        env = {**SLACK_HTTP, "SLACK_API_URL": slack.base_url, "DATABASE_URL": database_url}
        line = one_line(*(await nlsbot(tmp_path, "serve", "--port", str(free_port()), env=env))[::2])
    assert "Slack refused SLACK_BOT_TOKEN (token_revoked)" in line and "reinstall" in line
    assert await is_inactive(database_url)


async def test_a_job_run_by_hand_while_uninstalled_says_why_it_skipped(tmp_path, database_url):
    await uninstalled(database_url)
    env = {"DATABASE_URL": database_url, "NLS_BALLOT_KEY": BALLOT_KEY}
    for language, said in (("en", "deliver-messages: skipped: the app was uninstalled"), ("fr", "sautée")):
        code, out, err = await nlsbot(tmp_path, "jobs", "run", "deliver-messages", env={**env, "NLS_LOCALE": language})
        assert code == 0 and said in out, (out, err)
