"""People changing in the workspace, over signed HTTP with the event bodies Slack sends
(https://api.slack.com/events/user_change, /events/team_join): a new language or time zone is
followed at once."""

from __future__ import annotations

import time
from typing import Any

from bot.services import prefs
from bot.shell import payloads
from tests.support.directory import REP_MONTREAL, load_directory
from tests.support.slackbot import text_of

HOME_FR, HOME_EN = "votre réseau aujourd'hui", "your network today"


def slack_user(user_id: str, **changes: Any) -> dict[str, Any]:
    """A user object as Slack's user_change and team_join events carry it (no `locale`: Slack
    gives that only to users.info with include_locale)."""
    return {
        "id": user_id,
        "team_id": payloads.TEAM_ID,
        "name": user_id.lower(),
        "deleted": False,
        "color": "9f69e7",
        "real_name": f"Person {user_id}",
        "tz": "America/Toronto",
        "tz_label": "Eastern Standard Time",
        "tz_offset": -18000,
        "profile": {
            "title": "",
            "phone": "",
            "real_name": f"Person {user_id}",
            "display_name": user_id.lower(),
            "status_text": "",
            "status_emoji": "",
            "avatar_hash": "g1234567890a",
            "team": payloads.TEAM_ID,
        },
        "is_admin": False,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": False,
        "is_app_user": False,
        "updated": int(time.time()),
        "is_email_confirmed": True,
        "who_can_share_contact_card": "EVERYONE",
        **changes,
    }


def user_event(kind: str, user: dict[str, Any]) -> str:
    """`user_change`, `user_profile_changed` or `team_join`, in Slack's envelope."""
    event: dict[str, Any] = {"type": kind, "user": user, "event_ts": f"{time.time():.6f}"}
    if kind != "team_join":
        event["cache_ts"] = int(time.time())
    return payloads.event_callback(event)


async def _homes(bot, user: str, count: int) -> list:
    return await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == user, count=count)


async def test_a_switch_to_french_and_a_move_are_followed_at_once(bot, deps):
    """The profile was fetched minutes ago (not stale): before, the bot went on answering in
    English and reminding on Toronto's hours for up to a week."""
    await load_directory(deps)
    await bot.event(payloads.app_home_opened(REP_MONTREAL))
    assert HOME_EN in text_of((await _homes(bot, REP_MONTREAL, 1))[0].args["view"])
    assert "NLS Bot — what you can ask" in text_of(await bot.answer(REP_MONTREAL, "help"))

    bot.slack.user_profiles[REP_MONTREAL] = {"id": REP_MONTREAL, "locale": "fr-CA", "tz": "America/Vancouver"}
    moved = slack_user(REP_MONTREAL, tz="America/Vancouver", tz_label="Pacific Standard Time", tz_offset=-28800)
    assert (await bot.event(user_event("user_change", moved))).status_code == 200

    republished = (await _homes(bot, REP_MONTREAL, 2))[-1].args["view"]
    assert HOME_FR in text_of(republished) and HOME_EN not in text_of(republished)
    assert "ce que vous pouvez me demander" in text_of(await bot.answer(REP_MONTREAL, "help"))
    async with deps.db.reader() as session:
        pref = await prefs.get_pref(session, REP_MONTREAL)
    assert pref is not None and (pref.slack_locale, pref.tz) == ("fr-CA", "America/Vancouver")


async def test_a_profile_change_that_carries_its_locale_needs_no_lookup(bot, deps):
    await load_directory(deps)
    await bot.event(payloads.app_home_opened(REP_MONTREAL))
    await _homes(bot, REP_MONTREAL, 1)
    looked_up = len(bot.slack.calls_to("users.info"))
    french = slack_user(REP_MONTREAL, locale="fr-CA", tz="America/Montreal")
    await bot.event(user_event("user_profile_changed", french))
    assert HOME_FR in text_of((await _homes(bot, REP_MONTREAL, 2))[-1].args["view"])
    assert len(bot.slack.calls_to("users.info")) == looked_up
