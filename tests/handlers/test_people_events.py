"""People changing in the workspace, over signed HTTP with the event bodies Slack sends
(https://api.slack.com/events/user_change, /events/team_join): a new language or time zone is
followed at once; a deactivated rep stops holding their organisation's vote, whoever must act is
told, and a reactivation restores them."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import select

from bot.services import members, prefs
from bot.services.members import import_members
from bot.shell import payloads
from models import OutboundMessage, Person, RoleGrant
from tests.support import directory
from tests.support.directory import (
    ADMIN,
    REP_HALIFAX,
    REP_MONTREAL,
    REP_TORONTO,
    STAFF_MONTREAL,
    STAFF_TORONTO,
    load_directory,
)
from tests.support.polls import NOW, open_poll
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


def _dms(bot, *users: str) -> list:
    return [c for c in bot.slack.calls_to("chat.postMessage") if c.args["channel"] in users]


async def _deactivate(bot, user: str, *, deleted: bool = True) -> None:
    bot.slack.user_profiles[user] = {"id": user, "locale": "en-US", "tz": "America/Toronto", "deleted": deleted}
    response = await bot.event(user_event("user_change", slack_user(user, deleted=deleted)))
    assert response.status_code == 200


async def test_a_rep_who_leaves_leaves_no_ghost_vote_and_whoever_must_act_is_told(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    bot.slack.user_profiles[STAFF_MONTREAL] = {"id": STAFF_MONTREAL, "locale": "fr-CA", "tz": "America/Montreal"}
    poll = await open_poll(deps)
    before = text_of(await bot.answer(STAFF_MONTREAL, f"vote {poll.id} 1"))
    assert f"<@{REP_MONTREAL}>" in before  # "the vote is held by its representative"

    await _deactivate(bot, REP_MONTREAL)
    staff = await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == STAFF_MONTREAL)
    admin = await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == ADMIN)
    assert "Prochaine étape" in text_of(staff[0].args) and "nlsbot import members" in text_of(staff[0].args)
    assert "Montréal PLI has no voting representative" in text_of(admin[0].args)
    assert "nlsbot import members FILE.csv" in text_of(admin[0].args)
    assert not _dms(bot, REP_MONTREAL, STAFF_TORONTO, REP_TORONTO)  # only its organisation and the Secretariat

    after = text_of(await bot.answer(STAFF_MONTREAL, f"vote {poll.id} 1"))
    assert "Montréal PLI n'en a pas" in after and f"<@{REP_MONTREAL}>" not in after
    assert "not in the NLS member directory" in text_of(await bot.answer(REP_MONTREAL, f"vote {poll.id} 1"))

    await _deactivate(bot, REP_MONTREAL)  # Slack sends the change again: nobody is told twice
    await bot.event(payloads.app_home_opened(ADMIN))
    await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == ADMIN)
    assert len(_dms(bot, STAFF_MONTREAL, ADMIN)) == 2
    async with deps.db.reader() as session:  # nothing deleted: the row and its vote are kept
        person = (await session.execute(select(Person).where(Person.slack_user_id == REP_MONTREAL))).scalar_one()
        grants = (await session.execute(select(RoleGrant.role).where(RoleGrant.person_id == person.id))).scalars()
        assert not person.active and {g.value for g in grants} == {"rep", "staff"}


async def test_a_reactivated_rep_votes_again(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps)
    await bot.event(payloads.app_home_opened(REP_MONTREAL))
    await _homes(bot, REP_MONTREAL, 1)
    await _deactivate(bot, REP_MONTREAL)
    await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == ADMIN)
    await _deactivate(bot, REP_MONTREAL, deleted=False)
    await _homes(bot, REP_MONTREAL, 2)  # republished once they are back
    answer = text_of(await bot.answer(REP_MONTREAL, f"vote {poll.id} 1"))
    assert "Recorded" in answer and "Montréal PLI" in answer


async def _until_inactive(deps, user: str) -> None:
    """The departure's transaction (which records any notice with it) has committed."""
    for _ in range(1000):
        async with deps.db.reader() as session:
            active = (await session.execute(select(Person.active).where(Person.slack_user_id == user))).scalar_one()
        if not active:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{user} was never marked inactive")


async def test_someone_who_held_nothing_leaves_quietly(bot, deps):
    """A staff member's departure changes no vote and no seat: nobody needs a message."""
    await load_directory(deps)
    await _deactivate(bot, STAFF_TORONTO)
    await _until_inactive(deps, STAFF_TORONTO)
    async with deps.db.reader() as session:
        assert not (await session.execute(select(OutboundMessage.key))).scalars().all()

    await _deactivate(bot, REP_HALIFAX)  # a rep and a seat: told
    await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == ADMIN)
    seat = text_of(_dms(bot, ADMIN)[0].args)
    assert "Halifax LIP" in seat and "Executive Committee seat" in seat and "--seat-changes" in seat


async def test_the_next_step_the_message_gives_moves_the_vote_and_keeps_them_out(bot, deps, clock):
    """Re-importing the file as the message says gives the vote to the new rep; the file naming
    the departed person (as it must, to move their vote) does not bring them back."""
    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps)
    await _deactivate(bot, REP_MONTREAL)
    await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == ADMIN)
    moved = {REP_MONTREAL: "staff", STAFF_MONTREAL: "rep;staff"}
    lines = [(*row[:5], moved.get(row[3], row[5]), *row[6:]) for row in directory.ROWS]
    columns = ("org", "kind", "province", "slack_user_id", "name", "roles", "term_ends")
    async with deps.db.transaction() as session:
        await import_members(
            session, [(n, dict(zip(columns, r, strict=True))) for n, r in enumerate(lines, 2)], today=NOW.date()
        )
    assert "Recorded" in text_of(await bot.answer(STAFF_MONTREAL, f"vote {poll.id} 1"))
    assert "not in the NLS member directory" in text_of(await bot.answer(REP_MONTREAL, "whois"))


async def test_someone_who_joins_is_greeted_once_in_their_language_and_told_whom_to_ask(bot, deps):
    await load_directory(deps)
    newcomer = "UNEWCOMER"
    bot.slack.user_profiles[newcomer] = {
        "id": newcomer,
        "name": "newcomer",
        "locale": "fr-CA",
        "tz": "America/Montreal",
    }
    assert (await bot.event(user_event("team_join", slack_user(newcomer)))).status_code == 200
    greeting = text_of((await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == newcomer))[0].args)
    assert "Bienvenue dans le Slack du Réseau national" in greeting and "Welcome" not in greeting
    assert f"<@{ADMIN}>" in greeting and "répertoire des membres" in greeting

    await bot.event(user_event("team_join", slack_user(newcomer)))  # delivered again
    await bot.event(payloads.app_home_opened(newcomer))  # and their first Home: no second welcome
    home = (await _homes(bot, newcomer, 1))[0].args["view"]
    assert "pas encore au répertoire" in text_of(home)  # a stranger's Home: not treated as a member
    assert len(_dms(bot, newcomer)) == 1
    async with deps.db.reader() as session:
        assert await members.get_member(session, newcomer) is None


async def test_a_bot_that_joins_is_not_greeted(bot, deps):
    await load_directory(deps)
    await bot.event(user_event("team_join", slack_user("UBOTUSER1", is_bot=True)))
    await bot.event(user_event("team_join", slack_user("UPERSON01")))
    await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == "UPERSON01")
    assert not _dms(bot, "UBOTUSER1")
