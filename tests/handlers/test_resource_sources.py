"""A resource saved from a Slack message ("Save as NLS resource") follows that message, over signed
HTTP on both backends: an edit of the message's text rewrites the resource, except a field its
owner changed by hand since (kept, and the owner asked to look); a deleted message flags the
resource for its owner's review in their language, once, and never removes it."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.blocks import ids
from bot.runtime import drain_in_flight
from bot.shell import payloads
from models.resources import Resource
from tests.support.directory import REP_TORONTO, STAFF_TORONTO, load_directory
from tests.support.resources import add
from tests.support.slackbot import text_of

CHANNEL = "CGENERAL"
SOURCE_TS = "1700000000.000100"
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo("America/Toronto"))
ORIGINAL = "Great kit from Ottawa: <https://example.org/welcome-kit|Welcoming Communities Kit> for newcomers"
_edits = itertools.count(1)


def changed(text: str, previous: str, *, subtype: str | None = None, edited_ts: str | None = None) -> str:
    """A `message_changed` event as Slack sends it in a channel the bot is in."""
    message: dict[str, Any] = {"type": "message", "user": STAFF_TORONTO, "text": text, "ts": SOURCE_TS}
    message["edited"] = {"user": STAFF_TORONTO, "ts": edited_ts or f"1700000{next(_edits):03d}.000000"}
    if subtype:
        message = {"type": "message", "subtype": subtype, "text": "This message was deleted.", "ts": SOURCE_TS}
    return payloads.event_callback(
        {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": CHANNEL,
            "channel_type": "channel",
            "ts": "1700000500.000200",
            "event_ts": "1700000500.000200",
            "message": message,
            "previous_message": {"type": "message", "user": STAFF_TORONTO, "text": previous, "ts": SOURCE_TS},
        }
    )


def deleted(text: str) -> str:
    return payloads.event_callback(
        {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": CHANNEL,
            "channel_type": "channel",
            "ts": "1700000900.000300",
            "event_ts": "1700000900.000300",
            "deleted_ts": SOURCE_TS,
            "previous_message": {"type": "message", "user": STAFF_TORONTO, "text": text, "ts": SOURCE_TS},
        }
    )


async def save_from_message(bot, user: str, answers: dict[str, str | None] | None = None) -> None:
    """The message shortcut, then Save with the prefilled form (or with `answers` typed over it)."""
    message = {"type": "message", "user": STAFF_TORONTO, "ts": SOURCE_TS, "text": ORIGINAL}
    before = len(bot.slack.calls_to("views.open"))
    await bot.post(
        payloads.message_action(
            user, ids.SHORTCUT_SAVE_RESOURCE, message, channel_id=CHANNEL, response_url=bot.slack.response_url()
        )
    )
    response = await bot.submit(user, await bot.opened_view(before), answers or {})
    assert response.status_code == 200 and not response.content.strip(), response.text


async def send(bot, body: str) -> None:
    response = await bot.event(body)
    assert response.status_code == 200, response.text
    assert await drain_in_flight(10) == 0


async def the_resource(deps) -> Resource:
    async with deps.db.reader() as session:
        [resource] = (await session.execute(select(Resource))).scalars().all()
        return resource


def dms_to(bot, user: str) -> list[dict[str, Any]]:
    return [c.args for c in bot.slack.calls_to("chat.postMessage") if c.args.get("channel") == user]


async def test_an_edited_message_rewrites_the_resource_saved_from_it(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await save_from_message(bot, STAFF_TORONTO)
    saved = await the_resource(deps)
    assert saved.title == "Welcoming Communities Kit"

    edited = (
        "Updated kit from Ottawa: <https://example.org/welcome-kit-2026|Welcoming Communities Kit 2026> for newcomers"
    )
    await send(bot, changed(edited, ORIGINAL))
    resource = await the_resource(deps)
    assert resource.title == "Welcoming Communities Kit 2026"
    assert resource.url == "https://example.org/welcome-kit-2026"
    assert resource.description.startswith("Updated kit from Ottawa")
    assert resource.review_by == saved.review_by  # following a message is not a review
    found = text_of(await bot.answer(REP_TORONTO, "find welcome kit 2026"))
    assert "Welcoming Communities Kit 2026" in found  # search follows too
    assert len(dms_to(bot, STAFF_TORONTO)) == 1  # only "Added …": nobody is bothered by a followed edit

    late = changed("something else entirely", "older text", edited_ts="1700000000.500000")
    await send(bot, late)  # an edit older than the one applied, delivered late…
    await send(bot, changed(edited, edited))  # …and an unfurl, same text: nothing changes
    assert (await the_resource(deps)).description.startswith("Updated kit from Ottawa")


async def test_a_title_changed_by_hand_stays_and_its_owner_is_asked_to_look(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await save_from_message(bot, STAFF_TORONTO)
    resource = await the_resource(deps)
    before = len(bot.slack.calls_to("views.open"))
    await bot.press(
        STAFF_TORONTO, {"action_id": ids.RESOURCE_EDIT, "value": str(resource.id)},
        block_id=f"resource_manage:{resource.id}",
    )  # fmt: skip
    view = await bot.opened_view(before)
    await bot.submit(STAFF_TORONTO, view, {ids.RESOURCE_TITLE: "Ottawa welcoming toolkit"})
    assert (await the_resource(deps)).title == "Ottawa welcoming toolkit"

    clock.set(NOW + timedelta(days=40))
    edited = "Great kit from Ottawa, now in French too: <https://example.org/welcome-kit|Trousse d'accueil> pour tous"
    await send(bot, changed(edited, ORIGINAL))
    resource = await the_resource(deps)
    assert resource.title == "Ottawa welcoming toolkit"  # changed by hand: left alone
    assert resource.description.startswith("Great kit from Ottawa, now in French too")  # still follows
    assert resource.review_by == date(2026, 4, 19)  # flagged: due today
    [dm] = [m for m in dms_to(bot, STAFF_TORONTO) if "was edited" in m["text"]]
    assert "“Ottawa welcoming toolkit”" in dm["text"] and "did not take its new title" in dm["text"]
    assert ids.RESOURCE_CURRENT in text_of(dm)  # one click to answer


async def test_a_deleted_message_flags_the_resource_for_its_owner_in_french_once(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await bot.answer(REP_TORONTO, "lang fr")
    await save_from_message(bot, STAFF_TORONTO, {ids.RESOURCE_OWNER: REP_TORONTO})
    await send(bot, deleted(ORIGINAL))
    resource = await the_resource(deps)
    assert not resource.retired  # never removed on Slack's word
    assert resource.review_by == NOW.date()
    [dm] = [m for m in dms_to(bot, REP_TORONTO) if "supprimé" in m["text"]]
    assert "« Welcoming Communities Kit »" in dm["text"] and "<#CGENERAL>" in dm["text"]
    assert ids.RESOURCE_CURRENT in text_of(dm) and ids.RESOURCE_RETIRE in text_of(dm)
    found = text_of(await bot.answer(REP_TORONTO, "find welcoming kit"))
    assert "Welcoming Communities Kit" in found  # still in search

    await send(bot, deleted(ORIGINAL))  # redelivered, or a thread's tombstone after it
    await send(bot, changed("", ORIGINAL, subtype="tombstone"))
    assert len([m for m in dms_to(bot, REP_TORONTO) if "supprimé" in m["text"]]) == 1


async def test_a_thread_parent_deleted_under_its_replies_counts_as_deleted(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await save_from_message(bot, STAFF_TORONTO)
    await send(bot, changed("", ORIGINAL, subtype="tombstone"))
    resource = await the_resource(deps)
    assert not resource.retired and resource.title == "Welcoming Communities Kit"
    [dm] = [m for m in dms_to(bot, STAFF_TORONTO) if "has been deleted" in m["text"]]
    assert "The resource stays in the repository" in dm["text"]


async def test_edits_and_deletions_of_other_messages_change_nothing(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await save_from_message(bot, STAFF_TORONTO)
    other = changed("unrelated", "before").replace(SOURCE_TS, "1700000777.000100")
    await send(bot, other)
    await send(bot, deleted("unrelated").replace(SOURCE_TS, "1700000777.000100"))
    resource = await the_resource(deps)
    assert resource.title == "Welcoming Communities Kit" and resource.review_by > NOW.date()
    assert not [m for m in dms_to(bot, STAFF_TORONTO) if "deleted" in m["text"] or "edited" in m["text"]]


async def test_a_title_typed_over_the_prefill_never_follows_and_an_unusable_link_is_not_taken(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await add(deps, REP_TORONTO, title="Another kit", url="https://example.org/taken")
    await save_from_message(bot, STAFF_TORONTO, {ids.RESOURCE_TITLE: "Ottawa welcoming toolkit"})
    edited = "Great kit, new home: <https://example.org/taken|Welcoming Communities Kit v2> for newcomers"
    await send(bot, changed(edited, ORIGINAL))
    async with deps.db.reader() as session:
        resource = (await session.execute(select(Resource).where(Resource.added_by == STAFF_TORONTO))).scalar_one()
    assert resource.title == "Ottawa welcoming toolkit"  # typed before saving: the person's, not the message's
    assert resource.url == "https://example.org/welcome-kit"  # another resource has the new link
    assert resource.description.startswith("Great kit, new home")  # what can follow, does
    [dm] = [m for m in dms_to(bot, STAFF_TORONTO) if "was edited" in m["text"]]
    assert "did not take its new title, link" in dm["text"]
