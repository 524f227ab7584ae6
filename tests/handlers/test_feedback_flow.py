"""The feedback form over signed HTTP: from `/nls feedback`, the global shortcut and the App Home
button; inline errors that keep what was typed; the receipt; what leads (and only leads) read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.blocks import ids
from models import AuditEvent, OutboundMessage
from models.feedback import Topic, Urgency, Voice
from tests.support.directory import ADMIN, LEAD, REP_MONTREAL, REP_TORONTO, STAFF_TORONTO, STRANGER, load_directory
from tests.support.feedback import NEWCOMER_WORDS, answers, open_form, stored
from tests.support.slackbot import text_of

TRICKY = "<!channel> <!here> <@UADMIN001> <https://evil.example|Official ballot> & co"


async def test_a_newcomer_voice_is_received_anonymously_with_a_reference(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_MONTREAL)
    assert view["callback_id"] == ids.FEEDBACK_FORM
    anonymous = next(b for b in view["blocks"] if b.get("block_id") == ids.FEEDBACK_ANONYMOUS)
    assert anonymous["element"]["initial_options"], "anonymous is on by default"
    province = next(b for b in view["blocks"] if b.get("block_id") == ids.FEEDBACK_PROVINCE)
    # Montréal PLI is Quebec's only member organisation: the form starts with no province, and says why
    assert "initial_option" not in province["element"]
    [notice] = [b["elements"][0]["text"] for b in view["blocks"] if "If you stay anonymous" in str(b)]
    recorded_nationally = notice.split("; ")[-1] if "; " in notice else notice
    assert "Quebec" in recorded_nationally and recorded_nationally.endswith("recorded as Canada-wide or several places.")

    response = await bot.submit(REP_MONTREAL, view, answers())
    body = response.json()
    assert body["response_action"] == "update"
    [row] = await stored(deps)
    assert row.ref in text_of(body["view"]) and row.ref.startswith("FB-")
    assert "anonymously" in text_of(body["view"])
    assert (row.voice, row.topic, row.urgency, row.province, row.region) == (
        Voice.NEWCOMER,
        Topic.HOUSING,
        Urgency.URGENT,
        None,  # "QC" chosen, but it would name Montréal PLI: kept Canada-wide
        None,
    )
    assert row.text == NEWCOMER_WORDS  # accents, emoji, line breaks and guillemets as typed
    assert row.anonymous and (row.submitted_by, row.organisation_id, row.contact) == (None, None, None)


async def test_an_anonymous_lip_voice_from_the_shortcut(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, STAFF_TORONTO, "shortcut")
    response = await bot.submit(
        STAFF_TORONTO,
        view,
        answers(
            **{
                ids.FEEDBACK_VOICE: "organisation",
                ids.FEEDBACK_TOPIC: "employment",
                ids.FEEDBACK_PROVINCE: "ON",
                ids.FEEDBACK_URGENCY: "routine",
            }
        ),
    )
    assert response.json()["response_action"] == "update"
    [row] = await stored(deps)
    assert (row.voice, row.anonymous, row.submitted_by) == (Voice.ORGANISATION, True, None)
    async with deps.db.reader() as session:
        assert (await session.execute(select(AuditEvent))).first() is None  # an audit row would carry the time
        assert (await session.execute(select(OutboundMessage))).first() is None  # no DM receipt in the ledger


async def test_named_feedback_from_the_home_button_keeps_who_and_the_contact(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_TORONTO, "home")
    response = await bot.submit(
        REP_TORONTO,
        view,
        answers(
            **{
                ids.FEEDBACK_ANONYMOUS: "none",
                ids.FEEDBACK_CONTACT: "rita@example.org",
                ids.FEEDBACK_VOICE: "organisation",
            }
        ),
    )
    assert "under your name" in text_of(response.json()["view"])
    [row] = await stored(deps)
    assert (row.anonymous, row.submitted_by, row.contact) == (False, REP_TORONTO, "rita@example.org")
    assert row.organisation_id is not None
    async with deps.db.reader() as session:
        [event] = (await session.execute(select(AuditEvent))).scalars()
    assert (event.actor, event.action, event.subject_id) == (REP_TORONTO, "feedback.submitted", row.ref)


async def test_a_stranger_with_a_guest_account_can_share_feedback_too(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, STRANGER)
    response = await bot.submit(STRANGER, view, answers(**{ids.FEEDBACK_PROVINCE: "CA"}))
    assert response.json()["response_action"] == "update"
    [row] = await stored(deps)
    assert (row.province, row.region) == (None, None)


async def test_bad_input_is_refused_inline_and_nothing_is_stored(bot, deps):
    await load_directory(deps)
    view = await open_form(bot, REP_TORONTO)
    empty = (await bot.submit(REP_TORONTO, view, answers(**{ids.FEEDBACK_TEXT: "   "}))).json()
    assert empty["response_action"] == "errors"
    assert "write the feedback itself" in empty["errors"][ids.FEEDBACK_TEXT]

    too_long = (await bot.submit(REP_TORONTO, view, answers(**{ids.FEEDBACK_TEXT: "é" * 3001}))).json()
    assert "3001 characters; the limit is 3000" in too_long["errors"][ids.FEEDBACK_TEXT]
    assert "still here" in too_long["errors"][ids.FEEDBACK_TEXT]

    contact = (await bot.submit(REP_TORONTO, view, answers(**{ids.FEEDBACK_CONTACT: "555-0100"}))).json()
    assert "cannot carry a contact" in contact["errors"][ids.FEEDBACK_CONTACT]

    several = (await bot.submit(REP_TORONTO, view, {ids.FEEDBACK_TEXT: ""})).json()
    assert set(several["errors"]) >= {ids.FEEDBACK_VOICE, ids.FEEDBACK_TOPIC, ids.FEEDBACK_TEXT}
    assert await stored(deps) == []


async def test_the_form_and_the_errors_speak_french(bot, deps):
    await load_directory(deps)
    await bot.answer(REP_MONTREAL, "lang fr")
    view = await open_form(bot, REP_MONTREAL)
    assert view["title"]["text"] == "Donner votre avis"
    errors = (await bot.submit(REP_MONTREAL, view, answers(**{ids.FEEDBACK_TEXT: "x" * 3001}))).json()["errors"]
    assert "la limite est de 3000" in errors[ids.FEEDBACK_TEXT]


async def submit_feedback(bot, user: str, **overrides: str | None) -> str:
    view = await open_form(bot, user)
    body = (await bot.submit(user, view, answers(**overrides))).json()
    assert body["response_action"] == "update", body
    return body["view"]["blocks"][0]["text"]["text"]


async def test_leads_read_the_summary_escaped_and_whole_and_others_cannot(bot, deps, clock):
    await load_directory(deps)
    await submit_feedback(bot, REP_MONTREAL)
    await submit_feedback(
        bot,
        REP_TORONTO,
        **{
            ids.FEEDBACK_TEXT: TRICKY,
            ids.FEEDBACK_PROVINCE: "ON",
            ids.FEEDBACK_VOICE: "organisation",
            ids.FEEDBACK_TOPIC: "anti-racism",
            ids.FEEDBACK_URGENCY: "routine",
        },
    )
    await submit_feedback(
        bot,
        STAFF_TORONTO,
        **{
            ids.FEEDBACK_ANONYMOUS: "none",
            ids.FEEDBACK_PROVINCE: "ON",
            ids.FEEDBACK_CONTACT: "<@UADMIN001> sam@example.org",
        },
    )

    summary = await bot.answer(LEAD, "feedback summary")
    text = text_of(summary)
    assert "3 entries" in text
    assert "Housing" in text and "Anti-racism" in text and "Ontario" in text  # the named entry keeps its place
    assert "Quebec" not in text  # the anonymous one from Quebec's only organisation does not
    assert "A newcomer's voice" in text and "Urgent — within days" in text
    # user text is inert: Slack's control characters arrive as entities, nobody is pinged
    assert (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@UADMIN001&gt; &lt;https://evil.example|Official ballot&gt; &amp; co"
        in text
    )
    for live in ("<!channel>", "<!here>", "<@UADMIN001>", "<https://evil.example"):
        assert live not in text
    assert "Nous cherchons un logement depuis 4 mois 🏠\\nLes loyers à Montréal" in text  # JSON-encoded newline
    assert f"<@{STAFF_TORONTO}>" in text and "&lt;@UADMIN001&gt; sam@example.org" in text
    assert text.count("_anonymous_") == 2

    for outsider in (REP_TORONTO, STAFF_TORONTO, STRANGER):
        refused = text_of(await bot.answer(outsider, "feedback summary"))
        assert "Only the NLS leads and administrators read feedback" in refused or "not in the NLS member" in refused
        assert "logement" not in refused
    assert "3 entries" in text_of(await bot.answer(ADMIN, "feedback summary since 2026-01-01"))
    assert "Use `/nls feedback summary`" in text_of(await bot.answer(LEAD, "feedback summary since yesterday"))


async def test_summary_since_a_day_counts_from_that_day(bot, deps, clock):
    await load_directory(deps)
    clock.set(datetime(2026, 3, 2, 15, 0))
    await submit_feedback(bot, REP_MONTREAL)
    clock.set(datetime(2026, 3, 20, 15, 0))
    await submit_feedback(bot, REP_TORONTO)
    # fewer than 3 either way: the list says nothing of how many either
    first = text_of(await bot.answer(LEAD, "feedback summary since 2026-03-01"))
    later = text_of(await bot.answer(LEAD, "feedback summary since 2026-03-10"))
    assert "Mar 2, 2026" in first and "Mar 20, 2026" in first
    assert "Mar 2, 2026" not in later and "Mar 20, 2026" in later
    assert "No feedback since then" in text_of(await bot.answer(LEAD, "feedback summary since 2026-04-01"))
