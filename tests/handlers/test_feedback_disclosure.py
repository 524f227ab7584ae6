"""Anonymous against arithmetic (docs/feedback.md, "Small numbers"): a network where Nova Scotia
has one member organisation (Halifax LIP) and one anonymous entry is the only one on employment.
Whatever a lead can see — the form's start, the stored row, the summary, the digest, the Home's
numbers, the CSV export — shows no count below k = 3 for it and no place finer than the Atlantic."""

from __future__ import annotations

import csv
import io
import re
from argparse import Namespace
from datetime import UTC, datetime, timedelta

from bot.blocks import ids
from bot.blocks.facts import section_blocks
from bot.cli.feedback import export_feedback
from bot.infra.i18n import Translator
from bot.services.contributions import collect_digest
from bot.shell import payloads
from models.feedback import Feedback
from tests.support.directory import LEAD, load_directory
from tests.support.feedback import answers, open_form
from tests.support.slackbot import text_of

HALIFAX = "UHALIFAX1"
ATLANTIC = [
    ("Halifax Newcomer LIP", "LIP", "NS", HALIFAX, "Hana Halifax", "staff", ""),
    ("Saint John LIP", "LIP", "NB", "USAINTJ01", "Sam Saint John", "staff", ""),
    ("Charlottetown LIP", "LIP", "PE", "UCHARL001", "Cara Charlottetown", "staff", ""),
]
ONTARIO = [  # with Toronto South and the Secretariat, Ontario has four
    ("Ottawa LIP", "LIP", "ON", "UOTTAWA01", "Olga Ottawa", "staff", ""),
    ("Hamilton LIP", "LIP", "ON", "UHAMILT01", "Hugo Hamilton", "staff", ""),
    # and Quebec and the Prairies two each, four together: "Canada-wide" hides among four
    ("Sherbrooke PLI", "LIP", "QC", "USHERB001", "Sophie Sherbrooke", "staff", ""),
    ("Calgary LIP", "LIP", "AB", "UCALGARY1", "Carl Calgary", "staff", ""),
]
SMALL_NUMBER = re.compile(r"`\s*[12]`|: [12]\b|\b[12] (urgent|entr|new)")


async def _send(bot, user: str, **overrides: str) -> dict:
    view = await open_form(bot, user)
    body = (await bot.submit(user, view, answers(**overrides))).json()
    assert body["response_action"] == "update", body
    return view


async def _network_with_one_small_voice(bot, deps) -> dict:
    # (the test directory's Halifax LIP is in Nova Scotia too; these make the Atlantic 5 organisations)
    await load_directory(deps, ATLANTIC + ONTARIO)
    form = await _send(bot, HALIFAX, **{ids.FEEDBACK_PROVINCE: "NS", ids.FEEDBACK_TOPIC: "employment"})
    for user in ("UOTTAWA01", "UHAMILT01", "UOTTAWA01"):
        await _send(bot, user, **{ids.FEEDBACK_PROVINCE: "ON", ids.FEEDBACK_URGENCY: "routine"})
    return form


async def test_the_form_and_the_stored_row_keep_no_place_that_names_the_organisation(bot, deps):
    await load_directory(deps, ATLANTIC + ONTARIO)
    ottawa = await open_form(bot, "UOTTAWA01")
    province = next(b for b in ottawa["blocks"] if b.get("block_id") == ids.FEEDBACK_PROVINCE)
    assert province["element"]["initial_option"]["value"] == "ON"  # four organisations: it may start there

    form = await _send(bot, "USAINTJ01", **{ids.FEEDBACK_PROVINCE: "NB"})
    province = next(b for b in form["blocks"] if b.get("block_id") == ids.FEEDBACK_PROVINCE)
    assert "initial_option" not in province["element"]  # one organisation in New Brunswick: no start
    assert "New Brunswick, Prince Edward Island: recorded as Atlantic" in text_of(form)
    async with deps.db.reader() as session:
        [row] = (await session.execute(Feedback.__table__.select())).all()
    assert (row.province, row.region) == (None, "atlantic")


async def test_the_summary_shows_no_small_count_and_no_province_of_one(bot, deps):
    await _network_with_one_small_voice(bot, deps)
    text = text_of(await bot.answer(LEAD, "feedback summary"))
    assert "4 entries" in text
    assert "Nova Scotia" not in text and "Atlantic" in text  # the entry, at its region
    assert not SMALL_NUMBER.search(text), SMALL_NUMBER.search(text)
    # employment (1) is merged with the smallest other topic, so neither count can be told
    assert "`  4` others" in text and "Employment" not in text.split("*By region*")[0]


async def test_the_digest_and_the_home_numbers_show_no_small_count(bot, deps, clock):
    await _network_with_one_small_voice(bot, deps)
    now = datetime.now(UTC)
    async with deps.db.reader() as session:
        sections = await collect_digest(session, now - timedelta(days=7), now)
    [feedback_section] = [s for s in sections if s.title.key == "feedback.digest.title"]
    digest = str([b.to_dict() for b in section_blocks(feedback_section, Translator("en"))])
    assert "4 new entries" in digest and "urgent" not in digest  # urgent (1) is merged: its line would tell
    assert "Employment: 1" not in digest and not SMALL_NUMBER.search(digest)

    await bot.event(payloads.app_home_opened(LEAD))
    await bot.slack.wait_for("views.publish", lambda c: c.args["user_id"] == LEAD)
    home = str(bot.slack.home_views[LEAD])
    assert "4 entries this month" in home and "1 urgent" not in home


async def test_the_export_keeps_the_place_at_the_region_and_says_why(bot, deps, capsys):
    await _network_with_one_small_voice(bot, deps)
    out = io.StringIO(newline="")
    await export_feedback(deps, Namespace(since=None), out)
    assert "at least 3 member organisations" in capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    halifax = [r for r in rows if r["topic"] == "employment"]
    assert [(r["province"], r["region"]) for r in halifax] == [("", "atlantic")]
    assert {(r["province"], r["region"]) for r in rows if r["topic"] == "housing"} == {("ON", "ontario")}


async def test_words_that_name_someone_are_flagged_for_the_leads(bot, deps):
    await load_directory(deps, ATLANTIC + ONTARIO)
    await _send(bot, "UOTTAWA01", **{ids.FEEDBACK_TEXT: "Hugo Hamilton said the clinic in Ottawa turns families away"})
    await _send(bot, "UHAMILT01", **{ids.FEEDBACK_TEXT: "Rents went up again this spring"})
    text = text_of(await bot.answer(LEAD, "feedback summary"))
    assert text.count("the words name someone or an organisation of the directory") == 1
