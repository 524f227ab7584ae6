"""`/nls find` over signed HTTP: an ephemeral, readable answer with the best match first, five per
page with More results, Share in channel naming the sharer, "did you mean", the how-to, French,
and user-written text that stays text."""

from __future__ import annotations

import json

import pytest

from bot.blocks import ids
from tests.support.directory import LEAD, REP_MONTREAL, REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.resources import add, load_library
from tests.support.slackbot import find_action, text_of

TRICKY = "<!channel> *bold* <https://evil.example|Official ballot> & co"


def result_titles(answer: dict) -> list[str]:
    return [b["text"]["text"] for b in answer["blocks"] if b.get("block_id", "").startswith("resource:")]


async def test_find_answers_privately_with_the_best_match_first_as_a_link(bot, deps):
    await load_library(deps)
    answer = await bot.answer(STRANGER, "find housing toolkit")  # searching is open to the whole workspace
    assert answer["response_type"] == "ephemeral"
    first = next(b for b in answer["blocks"] if b.get("block_id", "").startswith("resource:"))
    assert first["text"]["text"] == "*<https://example.org/housing-toolkit|Housing toolkit for newcomers>*"
    assert first["accessory"]["action_id"] == ids.RESOURCE_SHARE
    text = text_of(answer)
    assert "Finding and keeping affordable rental housing." in text
    assert "Toolkit · English · Ontario · #housing #newcomers" in text
    assert ids.RESOURCE_EDIT not in text  # a stranger may not edit


async def test_owners_see_edit_and_retire_on_their_own_resources_only(bot, deps):
    await load_library(deps)
    answer = await bot.answer(REP_TORONTO, "find housing")
    manage = [b["block_id"] for b in answer["blocks"] if b.get("block_id", "").startswith("resource_manage:")]
    assert len(manage) == 1  # the toolkit they own; not the report or the French toolkit
    retire, _ = find_action(answer["blocks"], ids.RESOURCE_RETIRE)
    assert retire["confirm"]["title"]["text"] == "Retire this resource?"
    lead_view = await bot.answer(LEAD, "find housing")
    assert len([b for b in lead_view["blocks"] if b.get("block_id", "").startswith("resource_manage:")]) == 3


async def test_five_per_page_and_more_results_replaces_the_page(bot, deps):
    await load_directory(deps)
    for n in range(12):
        await add(deps, title=f"Settlement pathway {n:02d}", url=f"https://example.org/p/{n}", kind="guide")
    first = await bot.answer(STAFF_TORONTO, "find pathway")
    assert len(result_titles(first)) == 5 and "Results 1–5" in text_of(first)
    more, block_id = find_action(first["blocks"], ids.RESOURCE_MORE)
    assert json.loads(more["value"]) == {"q": "pathway", "o": 5}
    before = len(bot.slack.calls_to("response_url"))
    await bot.press(STAFF_TORONTO, more, block_id=block_id)
    [second] = (await bot.slack.wait_for("response_url", count=before + 1))[before:]
    assert second.args["replace_original"] is True
    assert len(result_titles(second.args)) == 5 and "Results 6–10" in text_of(second.args)
    assert not set(result_titles(first)) & set(result_titles(second.args))
    more, block_id = find_action(second.args["blocks"], ids.RESOURCE_MORE)
    await bot.press(STAFF_TORONTO, more, block_id=block_id)
    [third] = (await bot.slack.wait_for("response_url", count=before + 2))[before + 1 :]
    assert len(result_titles(third.args)) == 2 and "Results 11–12" in text_of(third.args)
    with pytest.raises(AssertionError):
        find_action(third.args["blocks"], ids.RESOURCE_MORE)


async def test_share_in_channel_posts_it_visibly_naming_who_shared_it(bot, deps):
    await load_library(deps)
    answer = await bot.answer(REP_MONTREAL, "find logement")
    share, block_id = find_action(answer["blocks"], ids.RESOURCE_SHARE)
    before = len(bot.slack.calls_to("response_url"))
    await bot.press(REP_MONTREAL, share, block_id=block_id, channel="CQUEBEC")
    [shared] = (await bot.slack.wait_for("response_url", count=before + 1))[before:]
    assert shared.args["response_type"] == "in_channel"
    assert shared.args["replace_original"] is False
    text = text_of(shared.args)
    assert "Trousse sur le logement des nouveaux arrivants" in text
    assert f"Shared by <@{REP_MONTREAL}>" in text
    assert ids.RESOURCE_SHARE not in text  # the shared copy has no buttons


async def test_a_typo_gets_did_you_mean_with_what_the_correction_finds(bot, deps):
    await load_library(deps)
    text = text_of(await bot.answer(STAFF_TORONTO, "find housng"))
    assert "Did you mean *housing*?" in text
    assert "Housing toolkit for newcomers" in text


async def test_nothing_found_says_so_with_a_hint(bot, deps):
    await load_library(deps)
    text = text_of(await bot.answer(STAFF_TORONTO, "find zxqwv"))
    assert "I found nothing for “zxqwv”." in text and "tag:housing" in text


async def test_an_empty_query_gets_a_short_how_to_with_popular_topics(bot, deps):
    await load_library(deps)
    text = text_of(await bot.answer(STAFF_TORONTO, "find"))
    assert "/nls find housing toolkit" in text and "prov:ON" in text
    assert "`tag:planning`" in text


@pytest.mark.parametrize("query", ['"', "*", "NEAR(", "-", "foo AND", "col:x", "(((", "tag:", "lang:de"])
async def test_operators_and_punctuation_get_an_answer_never_an_error(bot, deps, query):
    await load_library(deps)
    text = text_of(await bot.answer(STAFF_TORONTO, f"find {query}"))
    assert "Something went wrong" not in text
    assert any(phrase in text for phrase in ("Search the NLS resource repository", "I found nothing", "isn't a filter"))


async def test_a_2000_character_query_is_refused_politely(bot, deps):
    await load_library(deps)
    text = text_of(await bot.answer(STAFF_TORONTO, "find " + "housing " * 250))
    assert "That's a long question" in text


async def test_french_speakers_get_french_labels(bot, deps):
    await load_library(deps)
    await bot.answer(REP_MONTREAL, "lang fr")
    text = text_of(await bot.answer(REP_MONTREAL, "find etablissement"))
    assert "Ressources pour « etablissement »" in text
    assert "Guide · Français · Québec" in text
    assert "Partager dans le canal" in text


async def test_resource_text_is_shown_as_text_never_as_markup(bot, deps):
    await load_directory(deps)
    await add(deps, REP_TORONTO, title=f"Evil {TRICKY}", url="https://example.org/evil", description=f"Evil {TRICKY}")
    answer = await bot.answer(STAFF_TORONTO, "find evil")
    raw = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "<!channel>" not in raw and "<https://evil.example" not in raw
    title = result_titles(answer)[0]
    assert title.startswith("*<https://example.org/evil|Evil &lt;!channel&gt; ∗bold∗ &lt;https://evil.example¦Official")
    description = next(b for b in answer["blocks"] if b["type"] == "section" and b["text"]["type"] == "plain_text")
    # plain text (never formatted, so *bold* stays as typed), with Slack's three control characters escaped
    assert (
        description["text"]["text"]
        == "Evil &lt;!channel&gt; *bold* &lt;https://evil.example|Official ballot&gt; &amp; co"
    )
    assert "<!channel>" not in answer["text"]


async def test_slack_escaping_and_mentions_in_the_command_are_not_words(bot, deps):
    await load_library(deps)
    answer = await bot.answer(STAFF_TORONTO, "find santé &amp; mentale <@UREPTOR01>")  # as Slack sends it
    assert "Resources for “santé mentale”" in text_of(answer)


async def test_replies_and_web_api_calls_reuse_one_pooled_connection(bot, deps):
    """The serving process keeps one HTTP session for Slack: answers to response_url and Web API
    calls ride reused connections instead of a new TCP (and, against Slack, TLS) one each."""
    await load_library(deps)
    # A new session per call would give each call its own connection; a pooled one reuses them.
    # (Fewer than three rather than one: a reply can still be in flight when the next one starts,
    # and then the pool rightly opens a second connection.)
    for _ in range(3):
        await bot.answer(STAFF_TORONTO, "find housing")
    replies = bot.slack.calls_to("response_url")[-3:]
    assert len({call.peer for call in replies}) < 3
    for count in (1, 2, 3):
        await bot.command(STAFF_TORONTO, "resource add")
        opened = await bot.slack.wait_for("views.open", count=count)
    assert len({call.peer for call in opened}) < 3
