"""A consultation end to end over signed HTTP: a lead starts it for 30 member organisations, 20
answer (one of them twice: the second is an edit), reminders reach exactly the 10 others three
days and one day before (each once, however often the job runs), it closes at the deadline, and
the results and the CSV match what was answered."""

from __future__ import annotations

import csv
import io
from argparse import Namespace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.app import web_client
from bot.blocks import ids
from bot.cli.feedback import export_consultation
from jobs import JobEnv
from jobs import consultations as consultation_job
from models import AuditEvent
from models.feedback import Consultation, ConsultationResponse, ConsultationStatus
from tests.support.slackbot import find_action, text_of
from tests.support.voices import (
    LEAD,
    STRANGER,
    answer_blocks,
    dm_to,
    load_network,
    open_questionnaire,
    org,
    rep,
    staff,
    start_consultation,
)

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a Monday, 9:00 in Toronto
DEADLINE_DAY = "2026-03-16"
CLOSES = datetime(2026, 3, 17, 4, 0, tzinfo=UTC)  # midnight ending March 16, Toronto (EDT)
QUESTIONS = "\n".join(
    [
        "choice: Most pressing newcomer need? | Housing | Employment | Health",
        "scale: How well do local services meet it?",
        "long: What should the NLS bring to the national tables?",
        "Who leads this work locally?",
    ]
)
FORM = {
    ids.CONSULT_TITLE: "Consultation annuelle 2026 — <!channel>",
    ids.CONSULT_QUESTIONS: QUESTIONS,
    ids.CONSULT_DEADLINE: DEADLINE_DAY,
    ids.CONSULT_AUDIENCE: "reps",
}


def invitation(bot, user: str) -> dict:
    return dm_to(bot, user, ids.CONSULT_RESPOND)


async def answer(bot, user: str, message: dict, values: list[str | None]) -> dict:
    view = await open_questionnaire(bot, user, message)
    response = await bot.submit(user, view, dict(zip(answer_blocks(view), values, strict=True)))
    return response.json()


def answers_of(n: int) -> list[str | None]:
    need = ("Housing", "Employment", "Health")[n % 3]
    return [need, str(1 + n % 5), f"Priorité nº {n} : logement abordable 🏠\nDeuxième ligne, « citée »", f"Équipe {n}"]


async def run_job(deps, at: datetime) -> str:
    return await consultation_job.run(JobEnv(deps=deps, client=web_client(deps)), at)


def reminders(bot, word: str) -> list[str]:
    return [c.args["channel"] for c in bot.slack.calls_to("chat.postMessage") if word in c.args.get("text", "")]


async def test_thirty_organisations_twenty_answer_ten_are_reminded_and_it_closes(bot, deps, clock):
    clock.set(START)
    await load_network(deps, 30)

    started = (await start_consultation(bot, LEAD, FORM)).json()
    assert started["response_action"] == "update"
    confirmation = text_of(started["view"])
    assert "30 people in 30 organisation(s)" in confirmation
    assert "1 member organisation has no designated rep" in confirmation  # the Secretariat
    assert "&lt;!channel&gt;" in confirmation and "<!channel>" not in confirmation
    invitations = await bot.slack.wait_for("chat.postMessage", count=30)
    assert sorted(c.args["channel"] for c in invitations) == sorted(rep(n) for n in range(1, 31))
    assert "Voix LIP 07 — Île-de-Test" in text_of(invitation(bot, rep(7)))

    for n in range(1, 21):
        saved = await answer(bot, rep(n), invitation(bot, rep(n)), answers_of(n))
        assert "are saved" in text_of(saved["view"]), saved
    # a colleague of organisation 1 finds the answers already there and edits them
    listed = await bot.answer(staff(1), "consult")
    button, block_id = find_action(listed["blocks"], ids.CONSULT_RESPOND)
    assert button["text"]["text"] == "See or edit the answers"
    before = len(bot.slack.calls_to("views.open"))
    await bot.press(staff(1), button, block_id=block_id, message=listed)
    view = await bot.opened_view(before)
    assert "Priorité nº 1 : logement abordable 🏠\nDeuxième ligne, « citée »" in [
        b["element"].get("initial_value") for b in view["blocks"] if b.get("type") == "input"
    ]
    assert f"last by <@{rep(1)}>" in text_of(view)
    clock.set(START + timedelta(hours=1))
    edited = await bot.submit(
        staff(1), view, dict(zip(answer_blocks(view), ["Health", "5", "Révisé ✍️", None], strict=True))
    )
    assert "are updated" in text_of(edited.json()["view"])

    async with deps.db.reader() as session:
        responses = list((await session.execute(select(ConsultationResponse))).scalars())
        audit = [e.action for e in (await session.execute(select(AuditEvent))).scalars()]
    assert len(responses) == 20
    first = next(r for r in responses if r.first_by == rep(1))
    assert (first.last_by, first.edits, sorted(first.answers.values())) == (
        staff(1),
        1,
        sorted(["Health", "5", "Révisé ✍️", "Équipe 1"]),  # an emptied field keeps its answer
    )
    assert audit.count("consultation.answered") == 20 and audit.count("consultation.edited") == 1

    silent = sorted(rep(n) for n in range(21, 31))
    for at in (CLOSES - timedelta(days=3) + timedelta(minutes=5), CLOSES - timedelta(days=3) + timedelta(hours=6)):
        clock.set(at)
        await run_job(deps, at)
    assert sorted(reminders(bot, "Reminder:")) == silent  # once each, though the job ran twice
    for at in (CLOSES - timedelta(days=1) + timedelta(minutes=5), CLOSES - timedelta(hours=2)):
        clock.set(at)
        await run_job(deps, at)
    assert sorted(reminders(bot, "Last call:")) == silent
    assert "Voix LIP 25 — Île-de-Test" in text_of(dm_to(bot, rep(25), "Last call"))

    # the deadline: closed once, the creator told once, late answers refused
    clock.set(CLOSES)
    assert (await run_job(deps, CLOSES)).startswith("closed 1")
    assert (await run_job(deps, CLOSES + timedelta(minutes=5))).startswith("closed 0")
    assert reminders(bot, "Consultation closed:") == [LEAD]
    assert "20 of 30 organisations answered" in text_of(dm_to(bot, LEAD, "closed"))
    before = len(bot.slack.calls_to("response_url"))
    button, block_id = find_action(invitation(bot, rep(21))["blocks"], ids.CONSULT_RESPOND)
    await bot.press(rep(21), button, block_id=block_id, message=invitation(bot, rep(21)), channel="D" + rep(21)[1:])
    [late] = (await bot.slack.wait_for("response_url", count=before + 1))[before:]
    assert "is closed; answers are no longer taken" in late.args["text"]

    results = text_of(await bot.answer(LEAD, "consult results 1"))
    assert "20 of 30 organisations answered (67%)" in results
    assert "ON 2/3" in results and "QC 2/3" in results  # provinces cycle: 1, 11 and 21 are in ON
    assert "10 organisations have not answered" in results and "Voix LIP 30" in results
    assert "Average:" in results and "Révisé ✍️" in results

    out = io.StringIO()
    await export_consultation(deps, Namespace(number=1), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 30 and sum(r["responded"] == "yes" for r in rows) == 20
    by_org = {r["organisation"]: r for r in rows}
    assert by_org[org(1)]["Q3. What should the NLS bring to the national tables?"] == "Révisé ✍️"
    assert by_org[org(1)]["answered_by"] == staff(1)
    assert by_org[org(2)]["Q3. What should the NLS bring to the national tables?"] == answers_of(2)[2]
    assert by_org[org(2)]["Q1. Most pressing newcomer need?"] == "Health"
    assert by_org[org(30)]["responded"] == "no" and by_org[org(30)]["Q1. Most pressing newcomer need?"] == ""


async def test_only_leads_start_and_read_consultations(bot, deps, clock):
    clock.set(START)
    await load_network(deps, 3)
    refused = text_of(await bot.answer(rep(1), "consult start"))
    assert "Only the NLS leads and administrators start consultations" in refused
    assert bot.slack.calls_to("views.open") == []
    await start_consultation(bot, LEAD, FORM)
    assert "Only the NLS leads" in text_of(await bot.answer(rep(1), "consult results 1"))
    assert "not in the NLS member directory" in text_of(await bot.answer(STRANGER, "consult results 1"))
    assert "no consultation #9" in text_of(await bot.answer(LEAD, "consult results 9"))
    assert "`/nls consult results 3`" in text_of(await bot.answer(LEAD, "consult results"))


async def test_bad_consultations_are_refused_inline_and_nothing_starts(bot, deps, clock):
    clock.set(START)
    await load_network(deps, 3)
    cases = {
        ids.CONSULT_QUESTIONS: ("  \n \n", "at least one question"),
        ids.CONSULT_DEADLINE: ("2026-03-01", "deadline has passed"),
    }
    for block, (value, message) in cases.items():
        body = (await start_consultation(bot, LEAD, {**FORM, block: value})).json()
        assert body["response_action"] == "errors" and message in body["errors"][block], body
    many = "\n".join(f"Question {n}?" for n in range(21))
    body = (await start_consultation(bot, LEAD, {**FORM, ids.CONSULT_QUESTIONS: many})).json()
    assert "21 questions; a consultation can have 20 at most" in body["errors"][ids.CONSULT_QUESTIONS]
    body = (await start_consultation(bot, LEAD, {**FORM, ids.CONSULT_QUESTIONS: "Q?\nchoice: Pick | only one"})).json()
    assert body["errors"][ids.CONSULT_QUESTIONS].startswith("Line 2: a choice question needs 2 to 10 options")
    body = (await start_consultation(bot, LEAD, {**FORM, ids.CONSULT_AUDIENCE: "channel"})).json()
    assert "Choose the channel" in body["errors"][ids.CONSULT_CHANNEL]
    async with deps.db.reader() as session:
        assert (await session.execute(select(Consultation))).first() is None
    assert bot.slack.calls_to("chat.postMessage") == []


async def test_a_channel_audience_asks_the_reps_and_staff_among_its_members(bot, deps, clock):
    clock.set(START)
    await load_network(deps, 5)
    bot.slack.channel_members["CVOICES"] = [rep(1), staff(1), rep(2), LEAD, STRANGER, "UNLSBOT01"]
    body = (
        await start_consultation(bot, LEAD, {**FORM, ids.CONSULT_AUDIENCE: "channel", ids.CONSULT_CHANNEL: "CVOICES"})
    ).json()
    text = text_of(body["view"])
    assert "4 people in 3 organisation(s)" in text and "2 channel members are not" in text
    sent = await bot.slack.wait_for("chat.postMessage", count=4)
    assert sorted(c.args["channel"] for c in sent) == sorted([rep(1), staff(1), rep(2), LEAD])

    unknown = {**FORM, ids.CONSULT_AUDIENCE: "channel", ids.CONSULT_CHANNEL: "CNOWHERE"}
    body = (await start_consultation(bot, LEAD, unknown)).json()
    assert "can't read that channel's members (channel_not_found)" in body["errors"][ids.CONSULT_CHANNEL]


async def test_answering_rules_one_response_per_organisation_from_its_people_only(bot, deps, clock):
    clock.set(START)
    await load_network(deps, 3)
    bot.slack.channel_members["CFEW"] = [rep(1)]
    await start_consultation(bot, LEAD, {**FORM, ids.CONSULT_AUDIENCE: "channel", ids.CONSULT_CHANNEL: "CFEW"})
    await bot.slack.wait_for("chat.postMessage")  # the invitation is sent after the acknowledgement
    message = invitation(bot, rep(1))
    # organisation 2 and the lead's were not asked; a stranger answers for no organisation
    refusals = [(rep(2), "was not asked"), (LEAD, "was not asked"), (STRANGER, "answered by a member organisation")]
    for user, refusal in refusals:
        before = len(bot.slack.calls_to("response_url"))
        button, block_id = find_action(message["blocks"], ids.CONSULT_RESPOND)
        await bot.press(user, button, block_id=block_id, message=message)
        [said] = (await bot.slack.wait_for("response_url", count=before + 1))[before:]
        assert refusal in said.args["text"], (user, said.args)
    view = await open_questionnaire(bot, rep(1), message)
    blocks = answer_blocks(view)
    nothing = (await bot.submit(rep(1), view, {})).json()
    assert "Answer at least one question" in nothing["errors"][blocks[0]]
    forged = (await bot.submit(rep(1), view, {blocks[2]: "x" * 3001})).json()
    assert "3001 characters; the limit is 3000" in forged["errors"][blocks[2]]
    # the deadline passes while the modal is open: the answers stay in it, refused inline
    clock.set(CLOSES)
    late = (await bot.submit(rep(1), view, {blocks[3]: "Nous"})).json()
    assert late["response_action"] == "errors" and "is closed" in next(iter(late["errors"].values()))
    async with deps.db.reader() as session:
        assert (await session.execute(select(ConsultationResponse))).first() is None
        [consultation] = (await session.execute(select(Consultation))).scalars()
    assert consultation.status is ConsultationStatus.OPEN  # closing is the job's; answers obey the clock anyway


async def test_the_largest_consultation_still_fits_slacks_limits(bot, deps, clock):
    """Twenty questions (the cap), choices with ten 75-character options, long answers: the
    questionnaire opens (Slack's 100 blocks, 250 kB) and the results fit one message."""
    clock.set(START)
    await load_network(deps, 3)
    options = " | ".join((f"{n} " + "option très détaillée " * 4)[:75] for n in range(10))
    lines = [f"choice: Choice {n}? | {options}" for n in range(10)]
    lines += [f"scale: Scale {n}?" for n in range(5)] + [f"long: {n} {'Long question ' * 21}"[:300] for n in range(5)]
    form = {**FORM, ids.CONSULT_QUESTIONS: "\n".join(lines)}
    assert (await start_consultation(bot, LEAD, form)).json()["response_action"] == "update"
    await bot.slack.wait_for("chat.postMessage", count=3)
    view = await open_questionnaire(bot, rep(1), invitation(bot, rep(1)))
    blocks = answer_blocks(view)
    assert len(blocks) == 20
    values = ["1"] * 10 + ["3"] * 5 + ["é" * 3000] * 5
    saved = (await bot.submit(rep(1), view, dict(zip(blocks, values, strict=True)))).json()
    assert saved["response_action"] == "update", saved
    results = await bot.answer(LEAD, "consult results 1")
    assert len(results["blocks"]) <= 50 and "1 of 3 organisations answered" in text_of(results)
