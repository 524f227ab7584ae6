"""The database goes away mid-run and comes back (PostgreSQL, through a TCP proxy the test cuts):
users get a short "try again in a minute", /readyz turns 503, the process stays up and recovers
by itself, and nothing is half-written."""

from __future__ import annotations

import pytest

from bot.infra import db
from bot.infra.settings import Settings
from models import UserPref
from tests.support.directory import REP_TORONTO, load_directory
from tests.support.slackbot import SIGNING_SECRET, text_of


@pytest.fixture
def settings(db_proxy, slack):
    _, proxied = db_proxy
    return Settings(
        DATABASE_URL=proxied, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )  # fmt: skip


async def test_database_outage_is_survived(bot, deps, db_proxy):
    proxy, _ = db_proxy
    await load_directory(deps)
    assert "Toronto South LIP" in text_of(await bot.answer(REP_TORONTO, "lips ON"))

    await proxy.cut()
    down = await bot.command(REP_TORONTO, "lips ON")
    assert down.status_code == 200
    assert "try again in a minute" in down.json()["text"]
    assert (await bot.http.get("/readyz")).status_code == 503
    assert (await bot.http.get("/healthz")).status_code == 200
    lang = await bot.command(REP_TORONTO, "lang fr")
    assert "try again in a minute" in lang.json()["text"]

    await proxy.restore()
    assert (await bot.http.get("/readyz")).status_code == 200
    assert "Toronto South LIP" in text_of(await bot.answer(REP_TORONTO, "lips ON"))
    async with deps.db.reader() as session:
        assert (
            await session.get(UserPref, REP_TORONTO) is None
            or (await session.get(UserPref, REP_TORONTO)).locale is None
        )


async def test_a_restart_while_the_pool_rests_is_not_seen_by_the_next_request(bot, deps, db_proxy, monkeypatch):
    """Every pooled connection dies with the database's restart (the proxy resets them all); one
    taken after a pause is pinged and replaced, so the first request after it is answered as
    usual, not with "try again in a minute"."""
    proxy, _ = db_proxy
    await load_directory(deps)
    assert "Toronto South LIP" in text_of(await bot.answer(REP_TORONTO, "lips ON"))
    assert deps.db.engine.pool.checkedin() >= 2  # the warmed pool, all of it about to die
    await proxy.cut()
    await proxy.restore()
    monkeypatch.setattr(db, "PING_AFTER_SECONDS", 0.0)  # every connection has rested long enough
    assert "Toronto South LIP" in text_of(await bot.answer(REP_TORONTO, "lips ON"))
