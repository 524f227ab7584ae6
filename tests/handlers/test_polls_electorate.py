"""A channel poll's electorate is fixed when it opens (docs/polls.md, "Who votes"): over signed
HTTP, on both backends, the poll message states that rule with the number of electors in the
poll's language, and someone who joins the channel afterwards is refused with the same rule."""

from __future__ import annotations

from bot.blocks import ids
from bot.slack.localslack.server import BOT_USER_ID
from tests.support.directory import REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.polls import CHANNEL, NOW, create, form, posted, press
from tests.support.slackbot import text_of


async def test_someone_who_joins_the_channel_after_the_poll_opened_is_told_they_do_not_vote(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    bot.slack.channel_members[CHANNEL] = [STRANGER, STAFF_TORONTO, BOT_USER_ID]
    await create(bot, STRANGER, form(**{ids.POLL_F_ELECTORATE: "channel"}))
    message = await posted(bot, 1)
    assert (
        "Electorate: the 2 members of <#CGENERAL> when the poll opened. "
        "Joining the channel later does not give a vote in this poll."
    ) in text_of(message)

    bot.slack.channel_members[CHANNEL].append(REP_TORONTO)  # joins once the poll is open
    refused = text_of(await bot.answer(REP_TORONTO, "vote 1 1"))
    assert "someone who joins the channel after a poll opens does not vote in it" in refused
    pressed = text_of(await press(bot, REP_TORONTO, message, ids.POLL_QUICK_VOTE, 1))
    assert "someone who joins the channel after a poll opens does not vote in it" in pressed
    assert "Recorded — your vote" in text_of(await press(bot, STAFF_TORONTO, message, ids.POLL_QUICK_VOTE, 0))
    turnout = text_of(await press(bot, STAFF_TORONTO, message, ids.POLL_RESULTS))
    assert "1 of 2 members have voted so far" in turnout  # the joiner did not grow the electorate


async def test_a_french_channel_poll_states_its_fixed_electorate_in_french(bot, deps, clock):
    clock.set(NOW)
    await load_directory(deps)
    await bot.answer(STAFF_TORONTO, "lang fr")
    bot.slack.channel_members[CHANNEL] = [STAFF_TORONTO, STRANGER, REP_TORONTO, BOT_USER_ID]
    await create(bot, STAFF_TORONTO, form(**{ids.POLL_F_ELECTORATE: "channel"}))
    sent = await bot.slack.wait_for(
        "chat.postMessage", lambda c: str(c.args.get("text", "")).startswith("Sondage nº 1")
    )
    message = sent[0].args
    assert (
        "Électorat : les 3 membres de <#CGENERAL> présents à l'ouverture du sondage. "
        "Rejoindre le canal ensuite ne donne pas de vote dans ce sondage."
    ) in text_of(message)
