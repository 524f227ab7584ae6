"""`/nls help`, `whois`, `lips`, `lang` over signed HTTP, and what strangers and bad input get."""

from __future__ import annotations

import time

from bot.shell import payloads
from models import UserPref
from tests.support.directory import REP_HALIFAX, REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.slackbot import text_of


async def test_help_lists_subcommands_ephemerally(bot, deps):
    response = await bot.command(STRANGER, "help")
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "/nls whois @person" in text_of(body)
    assert "/nls lang en|fr" in text_of(body)


async def test_unknown_subcommand_answers_with_help(bot, deps):
    body = (await bot.command(STRANGER, "frobnicate now")).json()
    assert body["response_type"] == "ephemeral"
    assert "I don't know `frobnicate`" in text_of(body)
    assert "/nls help" in text_of(body)


async def test_empty_command_answers_with_help(bot, deps):
    body = (await bot.command(STRANGER, "")).json()
    assert "NLS Bot" in text_of(body)
    assert "I don't know" not in text_of(body)


async def test_whois_shows_org_roles_and_vote(bot, deps):
    await load_directory(deps)
    answer = await bot.answer(STAFF_TORONTO, f"whois <@{REP_HALIFAX}|hal>")
    text = text_of(answer)
    assert "Hal Exec" in text and "Halifax LIP" in text
    assert "voting representative" in text
    assert "Executive Committee voting member until" in text


async def test_whois_without_a_mention_explains_usage(bot, deps):
    await load_directory(deps)
    answer = await bot.answer(STAFF_TORONTO, "whois")
    assert "/nls whois @person" in text_of(answer)


async def test_member_only_command_tells_a_stranger_whom_to_ask(bot, deps):
    await load_directory(deps)
    answer = await bot.answer(STRANGER, f"whois <@{REP_TORONTO}>")
    text = text_of(answer)
    assert "not in the NLS member directory" in text
    assert "<@UADMIN001>" in text  # the admin who maintains it


async def test_lips_by_province(bot, deps):
    await load_directory(deps)
    text = text_of(await bot.answer(REP_TORONTO, "lips QC"))
    assert "Montréal PLI" in text and "Toronto" not in text
    assert "<@UREPMTL01>" in text
    unknown = text_of(await bot.answer(REP_TORONTO, "lips XX"))
    assert "not a province or territory code" in unknown


async def test_lang_switches_language_for_later_answers(bot, deps):
    await load_directory(deps)
    assert "français" in text_of(await bot.answer(REP_TORONTO, "lang fr"))
    assert "CE QUE VOUS POUVEZ" in text_of(await bot.answer(REP_TORONTO, "help")).upper()
    assert "Type `/nls lang en` for English" in text_of(await bot.answer(REP_TORONTO, "help"))
    bad = text_of(await bot.answer(REP_TORONTO, "lang de"))
    assert "/nls lang fr" in bad


async def test_unsigned_wrongly_signed_and_replayed_requests_get_401_and_change_nothing(bot, deps):
    body = payloads.slash_command(STRANGER, "lang fr", response_url=bot.slack.response_url())
    unsigned = await bot.http.post(
        "/slack/events", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    wrong = await bot.http.post("/slack/events", content=body, headers=payloads.sign(body, "not-the-secret"))
    stale = await bot.http.post(
        "/slack/events", content=body, headers=payloads.sign(body, bot.secret, timestamp=int(time.time()) - 301)
    )
    tampered_headers = payloads.sign(body, bot.secret)
    tampered = await bot.http.post("/slack/events", content=body.replace("fr", "en"), headers=tampered_headers)
    assert [r.status_code for r in (unsigned, wrong, stale, tampered)] == [401, 401, 401, 401]
    async with deps.db.reader() as session:
        assert await session.get(UserPref, STRANGER) is None
    assert bot.slack.calls_to("response_url") == []
