"""Anonymous means anonymous: after anonymous submissions over signed HTTP, the whole database
(every table, every column) and the logs hold no trace of who submitted.

Two places are allowed to know a person exists, because they know it whatever the person does and
never point at a submission: the directory (`people`, loaded before) and the cache of Slack
profiles that the app's middleware keeps for everyone who interacts (`user_prefs`: locale and
time zone). See docs/feedback.md for what that cache still implies.
"""

from __future__ import annotations

import logging

from sqlalchemy import DateTime

from bot.blocks import ids
from bot.shell import payloads
from models.feedback import Feedback
from tests.support.directory import REP_MONTREAL, STAFF_MONTREAL, STAFF_TORONTO, STRANGER, load_directory
from tests.support.reader import Snapshot, new_rows, row_key, settled
from tests.support.voices import dump_database, occurrences

OUR_LOGGERS = ("bot", "handlers", "jobs", "models", "nlsbot")
WORDS = "Le propriétaire refuse les familles avec enfants — secret-phrase-4217"
ALLOWED = {("people", "slack_user_id"), ("people", "name"), ("user_prefs", "slack_user_id")}


def _answers(voice: str, province: str) -> dict[str, str | None]:
    return {
        ids.FEEDBACK_VOICE: voice,
        ids.FEEDBACK_TOPIC: "housing",
        ids.FEEDBACK_PROVINCE: province,
        ids.FEEDBACK_TEXT: WORDS,
        ids.FEEDBACK_URGENCY: "urgent",
    }


async def test_no_trace_of_anonymous_submitters_in_the_database_or_the_logs(bot, deps, caplog):
    caplog.set_level(logging.INFO)
    for name in OUR_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    await load_directory(deps)
    directory_before = (await dump_database(deps))["people"]

    # a member relays a newcomer's voice through the global shortcut …
    before = len(bot.slack.calls_to("views.open"))
    await bot.post(payloads.shortcut(STAFF_TORONTO, ids.SHORTCUT_SHARE_FEEDBACK))
    view = await bot.opened_view(before)
    first = await bot.submit(STAFF_TORONTO, view, _answers("newcomer", "ON"))
    # … and someone outside the directory speaks for their LIP through /nls feedback
    await bot.command(STRANGER, "feedback")
    view = await bot.opened_view(before + 1)
    second = await bot.submit(STRANGER, view, _answers("organisation", "NB"))
    assert first.json()["response_action"] == second.json()["response_action"] == "update"

    dump = await dump_database(deps)
    assert len(dump["feedback"]) == 2 and all(row["anonymous"] for row in dump["feedback"])
    needles = [STAFF_TORONTO, "Sam Staff", STRANGER]
    assert occurrences(dump, needles) <= ALLOWED
    assert dump["people"] == directory_before  # the directory did not learn anything either
    assert all(row["slack_user_id"] != STRANGER for row in dump["people"])
    # what the Slack requests carry about the person (username, team) is not stored either
    assert not occurrences({k: v for k, v in dump.items() if k not in ("people", "user_prefs")}, ["ustaftor1"])
    assert dump["audit_events"] == [] and dump["outbound_messages"] == []

    logged = "\n".join(f"{r.name} {r.levelname} {r.getMessage()} {vars(r)}" for r in caplog.records)
    assert caplog.records, "the capture is broken: the app logs every request"
    for needle in [*needles, "ustaftor1", "ustrange1", "secret-phrase-4217"]:
        assert needle.casefold() not in logged.casefold(), needle


def test_feedback_keeps_no_time_finer_than_the_day_and_no_sequence():
    columns = Feedback.__table__.columns
    assert not [c.name for c in columns if isinstance(c.type, DateTime)]
    assert [c.name for c in columns if c.primary_key] == ["ref"]
    assert not any(c.autoincrement is True for c in columns)


async def test_a_database_reader_finds_nothing_written_with_an_anonymous_submission_that_names_its_author(bot, deps):
    """The ballot reader's channels (tests/support/reader.py), played on feedback: what each
    submission's request added to the database, and on PostgreSQL what its transaction (xmin)
    wrote, hold nothing that names the submitter, their organisation or their Slack account."""
    await load_directory(deps)
    authors = {STAFF_TORONTO: ("Sam Staff", "Toronto South LIP"), REP_MONTREAL: ("Émilie Représentante", "Montréal PLI"),
               STRANGER: (STRANGER, STRANGER)}  # fmt: skip

    async def submit(author: str, answers: dict[str, str | None]) -> tuple[Snapshot, Snapshot]:
        before = len(bot.slack.calls_to("views.open"))
        await bot.command(author, "feedback")
        view = await bot.opened_view(before)
        state = await settled(deps)  # opening the form may cache the profile; that is before, and apart
        await bot.submit(author, view, answers)
        return state, await settled(deps)

    # the reader's eyes work: a *named* submission is found, in the feedback row and its audit
    state, after = await submit(STAFF_MONTREAL, {**_answers("newcomer", "QC"), ids.FEEDBACK_ANONYMOUS: "none"})
    assert {"feedback", "audit_events"} <= {t for t, _ in occurrences(new_rows(state, after), [STAFF_MONTREAL])}

    for n, (author, (name, organisation)) in enumerate(authors.items()):
        state, after = await submit(author, _answers("newcomer", "ON"))
        added = new_rows(state, after)
        assert len(added.pop("feedback")) == 1
        # besides the feedback row: the delivery key, and the claim that the form was applied
        # (Slack's view id and the day: bot.transport.submissions), searched below too
        assert set(added) <= {"processed_deliveries", "submitted_views"}, f"submission {n} also wrote {sorted(added)}"
        needles = [author, author.lower(), name, organisation]
        assert not occurrences(added, needles), f"submission {n} wrote who sent it"
        if not deps.db.is_sqlite:
            [row] = [r for r in after["feedback"] if row_key(r) not in {row_key(s) for s in state["feedback"]}]
            same_transaction = {t for t, rows in after.items() for r in rows if r["_xmin"] == row["_xmin"]}
            assert same_transaction <= {"feedback", "submitted_views"}
