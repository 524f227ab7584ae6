"""A person whose Slack is in French gets their very first answer and first Home in French: their
locale is fetched before the first answer when nothing yet says which language they read."""

from __future__ import annotations

import asyncio

from bot.services import prefs
from bot.shell import payloads
from tests.support.directory import REP_MONTREAL, load_directory
from tests.support.slackbot import text_of

HOME_FR, HOME_EN = "votre réseau aujourd'hui", "your network today"


async def _until_cached(deps, user: str) -> None:
    for _ in range(500):
        async with deps.db.reader() as session:
            pref = await prefs.get_pref(session, user)
        if pref is not None and pref.slack_locale == "fr-CA":
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the profile was never cached")


def _french(slack, user: str) -> None:
    slack.user_profiles[user] = {"id": user, "name": user.lower(), "locale": "fr-CA", "tz": "America/Montreal"}


async def test_the_first_answer_is_in_the_persons_slack_language(bot, deps):
    await load_directory(deps)
    _french(bot.slack, REP_MONTREAL)
    first = text_of(await bot.answer(REP_MONTREAL, "help"))
    assert "ce que vous pouvez me demander" in first
    assert len(bot.slack.calls_to("users.info")) == 1
    await _until_cached(deps, REP_MONTREAL)  # stored after the answer, from the profile fetched before it
    assert "ce que vous pouvez me demander" in text_of(await bot.answer(REP_MONTREAL, "help"))
    assert len(bot.slack.calls_to("users.info")) == 1  # cached: fetched once, not before every answer


async def test_the_first_home_is_in_the_persons_slack_language(bot, deps):
    await load_directory(deps)
    _french(bot.slack, REP_MONTREAL)
    await bot.event(payloads.app_home_opened(REP_MONTREAL))
    await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == REP_MONTREAL)
    text = text_of(bot.slack.home_views[REP_MONTREAL])
    assert HOME_FR in text and HOME_EN not in text, text


async def test_a_slack_that_does_not_answer_in_time_still_gets_an_answer(bot, deps):
    """users.info failing (here: an unknown user) leaves the default language, never no answer."""
    await load_directory(deps)
    assert text_of(await bot.answer("UNOBODY01", "help"))
