"""App Home over signed HTTP: the right Home for each kind of person, the welcome once, and the
language toggle."""

from __future__ import annotations

from bot.shell import payloads
from tests.support.directory import EX_OFFICIO, LEAD, REP_HALIFAX, REP_TORONTO, STRANGER, load_directory
from tests.support.slackbot import find_action


async def _open_home(bot, user: str) -> dict:
    before = len([c for c in bot.slack.calls_to("views.publish") if c.args["user_id"] == user])
    response = await bot.event(payloads.app_home_opened(user))
    assert response.status_code == 200
    calls = await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == user, count=before + 1)
    return calls[-1].args["view"]


async def test_each_kind_of_person_gets_their_own_valid_home(bot, deps):
    await load_directory(deps)
    rep = str(await _open_home(bot, REP_TORONTO))
    assert "Toronto South LIP" in rep and "voting representative" in rep
    assert "Needs you" in rep
    assert f"<@{REP_HALIFAX}>" in rep  # the Executive Committee's voting member
    assert f"<@{EX_OFFICIO}> — ex officio, non-voting" in rep

    lead = str(await _open_home(bot, LEAD))
    assert "NLS lead" in lead

    ex_officio = str(await _open_home(bot, EX_OFFICIO))
    assert "Executive Committee (ex officio, non-voting)" in ex_officio

    stranger = str(await _open_home(bot, STRANGER))
    assert "not in the NLS member directory yet" in stranger and "<@UADMIN001>" in stranger
    assert "Needs you" not in stranger


async def test_the_welcome_is_sent_once(bot, deps):
    await load_directory(deps)
    await _open_home(bot, STRANGER)
    await _open_home(bot, STRANGER)
    welcomes = await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] == STRANGER)
    assert len(welcomes) == 1
    text = str(welcomes[0].args)
    assert "Welcome to NLS Bot" in text and "Bienvenue" in text and "<@UADMIN001>" in text


async def test_the_language_toggle_republishes_in_french(bot, deps):
    await load_directory(deps)
    view = await _open_home(bot, REP_TORONTO)
    button, block_id = find_action(view["blocks"], "home_lang_fr")
    stored = bot.slack.home_views[REP_TORONTO]
    await bot.press(REP_TORONTO, button, block_id=block_id, view=stored)
    calls = await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == REP_TORONTO, count=2)
    assert "votre réseau aujourd'hui" in str(calls[-1].args["view"])


async def test_a_first_direct_message_is_welcomed_once_and_still_answered(bot, deps):
    await load_directory(deps)
    await bot.event(payloads.direct_message(STRANGER, "housing toolkit"))
    await bot.event(payloads.direct_message(STRANGER, "employment"))
    posts = await bot.slack.wait_for("chat.postMessage", lambda c: c.args["channel"] in (STRANGER, "D" + STRANGER[1:]), count=3)
    welcomes = [c for c in posts if "Bienvenue" in str(c.args)]
    assert len(welcomes) == 1
    assert len([c for c in posts if c.args.get("thread_ts")]) == 2  # both questions answered in thread


async def test_quick_buttons_open_the_poll_resource_and_feedback_forms(bot, deps):
    from bot.blocks import ids

    await load_directory(deps)
    view = await _open_home(bot, REP_TORONTO)
    stored = bot.slack.home_views[REP_TORONTO]
    for n, action_id in enumerate((ids.HOME_NEW_POLL, ids.HOME_ADD_RESOURCE, ids.FEEDBACK_OPEN)):
        button, block_id = find_action(view["blocks"], action_id)
        await bot.press(REP_TORONTO, button, block_id=block_id, view=stored)
        opened = await bot.slack.wait_for("views.open", count=n + 1)
        assert opened[-1].args["view"]["type"] == "modal"
    callbacks = [c.args["view"]["callback_id"] for c in bot.slack.calls_to("views.open")]
    assert callbacks == [ids.POLL_CREATE, ids.RESOURCE_FORM, ids.FEEDBACK_FORM]


async def test_a_stranger_pressing_add_resource_is_told_whom_to_ask(bot, deps):
    from bot.blocks import ids

    await load_directory(deps)
    view = await _open_home(bot, STRANGER)
    button, block_id = find_action(view["blocks"], ids.HOME_ADD_RESOURCE)
    await bot.press(STRANGER, button, block_id=block_id, view=bot.slack.home_views[STRANGER])
    told = await bot.slack.wait_for("chat.postMessage", lambda c: "not in the NLS member directory" in str(c.args))
    assert told and bot.slack.calls_to("views.open") == []


async def test_after_a_vote_the_voters_home_no_longer_lists_that_poll(bot, deps, clock):
    from tests.support.polls import NOW, open_poll

    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps, question="Adopt the 2026 work plan?")
    assert "Adopt the 2026 work plan?" in str(await _open_home(bot, REP_TORONTO))
    before = len(bot.slack.calls_to("views.publish"))
    answer = await bot.answer(REP_TORONTO, f"vote {poll.id} 1")
    assert "recorded" in str(answer).lower()
    published = await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == REP_TORONTO, count=before + 1)
    assert "Adopt the 2026 work plan?" not in str(published[-1].args["view"])


async def test_people_who_never_opened_their_home_are_not_sent_one_after_a_vote(bot, deps, clock):
    from tests.support.polls import NOW, open_poll

    clock.set(NOW)
    await load_directory(deps)
    poll = await open_poll(deps, question="Adopt the 2026 work plan?")
    await bot.answer(REP_TORONTO, f"vote {poll.id} 1")
    assert "Adopt the 2026 work plan?" not in str(await _open_home(bot, REP_TORONTO))
    assert len(bot.slack.calls_to("views.publish")) == 1  # only the one they opened
