"""Adding and changing resources over signed HTTP: the modal with inline errors and nothing saved
until valid, duplicates refused with the existing one named, the message shortcut's prefill, and
Edit/Retire buttons that only owners, leads and admins can use whatever message they are on."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.blocks import ids
from bot.shell import payloads
from models.resources import Resource
from tests.support.directory import ADMIN, LEAD, REP_HALIFAX, REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.resources import add
from tests.support.slackbot import text_of

GOOD = {
    ids.RESOURCE_TITLE: "Housing toolkit for newcomers",
    ids.RESOURCE_URL: "https://example.org/housing-toolkit",
    ids.RESOURCE_DESCRIPTION: "Finding and keeping affordable rental housing.",
    ids.RESOURCE_TAGS: "housing; newcomers",
    ids.RESOURCE_LANGUAGE: "en",
    ids.RESOURCE_PROVINCE: "ON",
    ids.RESOURCE_KIND: "toolkit",
}


async def open_add_form(bot, user: str) -> dict:
    before = len(bot.slack.calls_to("views.open"))
    await bot.command(user, "resource add")
    return await bot.opened_view(before)


async def stored(deps) -> list[Resource]:
    async with deps.db.reader() as session:
        return list((await session.execute(select(Resource).order_by(Resource.id))).scalars())


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


async def test_a_member_adds_a_resource_through_the_modal(bot, deps):
    await load_directory(deps)
    view = await open_add_form(bot, REP_TORONTO)
    assert view["callback_id"] == ids.RESOURCE_FORM
    assert block(view, ids.RESOURCE_OWNER)["element"]["initial_user"] == REP_TORONTO
    response = await bot.submit(REP_TORONTO, view, GOOD)
    assert response.status_code == 200 and not response.content.strip()  # closed: no errors
    [resource] = await stored(deps)
    assert (resource.title, resource.owner_id, resource.province, resource.tags) == (
        "Housing toolkit for newcomers", REP_TORONTO, "ON", "housing, newcomers")  # fmt: skip
    [dm] = await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == REP_TORONTO)
    assert "Added “Housing toolkit for newcomers”" in text_of(dm.args)
    answer = await bot.answer(STAFF_TORONTO, "find housing toolkit")
    assert "Housing toolkit for newcomers" in text_of(answer)


async def test_a_bad_link_and_an_over_long_title_come_back_inline_and_nothing_is_saved(bot, deps):
    await load_directory(deps)
    view = await open_add_form(bot, REP_TORONTO)
    answers = {**GOOD, ids.RESOURCE_TITLE: "T" * 201, ids.RESOURCE_URL: "javascript:alert(1)"}
    body = (await bot.submit(REP_TORONTO, view, answers)).json()
    assert body["response_action"] == "errors"
    assert body["errors"] == {
        ids.RESOURCE_TITLE: "That's 201 characters; the limit is 200.",
        ids.RESOURCE_URL: "That isn't a web address. Use a full link starting with https://",
    }
    assert await stored(deps) == []
    fixed = await bot.submit(REP_TORONTO, view, GOOD)
    assert not fixed.content.strip() and len(await stored(deps)) == 1


async def test_the_same_link_twice_is_refused_with_the_existing_one_named(bot, deps):
    await load_directory(deps)
    await add(deps, LEAD, title="Housing toolkit (original)", url="https://example.org/housing-toolkit/")
    view = await open_add_form(bot, REP_TORONTO)
    body = (
        await bot.submit(REP_TORONTO, view, {**GOOD, ids.RESOURCE_URL: "http://www.example.org/housing-toolkit"})
    ).json()
    assert body["response_action"] == "errors"
    error = body["errors"][ids.RESOURCE_URL]
    assert "already in the repository" in error
    assert "Housing toolkit (original)" in error and "https://example.org/housing-toolkit/" in error
    assert len(await stored(deps)) == 1


async def test_strangers_cannot_open_the_form(bot, deps):
    await load_directory(deps)
    answer = await bot.answer(STRANGER, "resource add")
    assert "not in the NLS member directory" in text_of(answer)
    assert bot.slack.calls_to("views.open") == []


async def test_the_message_shortcut_prefills_the_form_from_the_first_link_and_text(bot, deps):
    await load_directory(deps)
    message = {
        "type": "message",
        "ts": "1700000000.000200",
        "user": STAFF_TORONTO,
        "text": "Great toolkit from Ottawa &amp; partners: <https://example.org/welcome-kit|Welcoming Communities Kit> "
        "— see also <https://example.org/other> cc <@UREPTOR01>",
    }
    body = payloads.message_action(STAFF_TORONTO, ids.SHORTCUT_SAVE_RESOURCE, message, channel_id="CGENERAL",
                                   response_url=bot.slack.response_url())  # fmt: skip
    await bot.post(body)
    view = await bot.opened_view()
    assert block(view, ids.RESOURCE_TITLE)["element"]["initial_value"] == "Welcoming Communities Kit"
    assert block(view, ids.RESOURCE_URL)["element"]["initial_value"] == "https://example.org/welcome-kit"
    description = block(view, ids.RESOURCE_DESCRIPTION)["element"]["initial_value"]
    assert description.startswith("Great toolkit from Ottawa & partners: Welcoming Communities Kit")
    assert "@UREPTOR01" in description
    await bot.submit(STAFF_TORONTO, view, {})  # keep everything prefilled
    [resource] = await stored(deps)
    assert (resource.url, resource.owner_id) == ("https://example.org/welcome-kit", STAFF_TORONTO)


async def test_the_message_shortcut_tells_a_stranger_whom_to_ask(bot, deps):
    await load_directory(deps)
    message = {"type": "message", "ts": "1700000000.000300", "text": "<https://example.org/x>"}
    await bot.post(payloads.message_action(STRANGER, ids.SHORTCUT_SAVE_RESOURCE, message, channel_id="CGENERAL",
                                           response_url=bot.slack.response_url()))  # fmt: skip
    [refusal] = await bot.slack.wait_for("response_url")
    assert "Only people in the NLS member directory can add resources" in text_of(refusal.args)
    assert bot.slack.calls_to("views.open") == []


async def press(bot, user: str, action_id: str, resource_id: int) -> None:
    await bot.press(
        user, {"action_id": action_id, "value": str(resource_id)}, block_id=f"resource_manage:{resource_id}"
    )


async def test_a_stranger_or_another_member_pressing_the_owners_buttons_changes_nothing(bot, deps):
    await load_directory(deps)
    owned = await add(deps, REP_TORONTO, title="Housing toolkit", url="https://example.org/h")
    for outsider in (STRANGER, REP_HALIFAX, STAFF_TORONTO):
        for action_id in (ids.RESOURCE_EDIT, ids.RESOURCE_RETIRE, ids.RESOURCE_CURRENT):
            before = len(bot.slack.calls_to("response_url"))
            await press(bot, outsider, action_id, owned.id)
            [refusal] = (await bot.slack.wait_for("response_url", count=before + 1))[before:]
            assert "Only the owner of “Housing toolkit”, an NLS lead or an admin can change it." in text_of(
                refusal.args
            )
    assert bot.slack.calls_to("views.open") == []
    [resource] = await stored(deps)
    assert (resource.title, resource.retired, resource.review_by, resource.reviewed_at) == (
        "Housing toolkit", False, owned.review_by, None)  # fmt: skip


async def test_a_forged_edit_submission_is_refused_and_changes_nothing(bot, deps):
    await load_directory(deps)
    owned = await add(deps, REP_TORONTO, title="Housing toolkit", url="https://example.org/h")
    view = await open_add_form(bot, REP_HALIFAX)
    view = {**view, "private_metadata": f'{{"id": {owned.id}}}'}  # pretend it is the edit form
    body = (await bot.submit(REP_HALIFAX, view, {**GOOD, ids.RESOURCE_URL: "https://example.org/h"})).json()
    assert body["response_action"] == "errors"
    assert "Only the owner" in next(iter(body["errors"].values()))
    [resource] = await stored(deps)
    assert resource.title == "Housing toolkit"


async def test_the_owner_edits_through_the_prefilled_form(bot, deps):
    await load_directory(deps)
    owned = await add(deps, REP_TORONTO, title="Housing toolkit", url="https://example.org/h", tags="housing")
    await press(bot, REP_TORONTO, ids.RESOURCE_EDIT, owned.id)
    view = await bot.opened_view()
    assert view["title"]["text"] == "Edit resource"
    assert block(view, ids.RESOURCE_TITLE)["element"]["initial_value"] == "Housing toolkit"
    assert block(view, ids.RESOURCE_TAGS)["element"]["initial_value"] == "housing"
    response = await bot.submit(
        REP_TORONTO, view, {ids.RESOURCE_TITLE: "Housing toolkit 2026", ids.RESOURCE_OWNER: LEAD}
    )
    assert not response.content.strip()
    [resource] = await stored(deps)
    assert (resource.title, resource.url, resource.owner_id) == ("Housing toolkit 2026", "https://example.org/h", LEAD)
    [saved] = await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == REP_TORONTO)
    assert "Saved your changes" in text_of(saved.args)


async def test_a_lead_retires_any_resource_and_it_leaves_search(bot, deps):
    await load_directory(deps)
    owned = await add(deps, REP_TORONTO, title="Outdated guide", url="https://example.org/old")
    await press(bot, LEAD, ids.RESOURCE_RETIRE, owned.id)
    [done] = await bot.slack.wait_for("response_url")
    assert "Retired “Outdated guide”" in text_of(done.args)
    assert "I found nothing" in text_of(await bot.answer(ADMIN, "find outdated"))
    async with deps.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Resource).where(Resource.retired)) == 1
