"""Consultation rules without Slack: the question syntax, deadlines, one response per organisation
under concurrency, reminder rounds and closing, and what the Home and the digest get."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic_core import PydanticCustomError
from sqlalchemy import select

from bot.services import consultations, members
from bot.services.consultations import QuestionKind, QuestionSpec, parse_questions, parse_start
from bot.services.contributions import HomeAction
from bot.services.errors import Invalid, NotAllowed
from bot.services.feedback import FormInvalid
from models.feedback import Audience, ConsultationResponse
from tests.support.voices import LEAD, load_network, rep, staff

TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_one_question_per_line_with_an_optional_kind_in_english_or_french():
    text = "\n".join(
        [
            "1. Who leads locally?",
            "- long: Tell us more",
            "choix : Priorité ? | Logement | Emploi | Logement",
            "Échelle: Satisfaction",
            "Housing: what is missing?",
            "",
        ]
    )
    assert parse_questions(text) == (
        QuestionSpec(QuestionKind.SHORT, "Who leads locally?"),
        QuestionSpec(QuestionKind.LONG, "Tell us more"),
        QuestionSpec(QuestionKind.CHOICE, "Priorité ?", ("Logement", "Emploi")),  # duplicates dropped
        QuestionSpec(QuestionKind.SCALE, "Satisfaction"),
        QuestionSpec(QuestionKind.SHORT, "Housing: what is missing?"),  # not a kind: part of the question
    )


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("\n \n", "consult.error.no_questions", {}),
        ("\n".join(f"Q{n}?" for n in range(21)), "consult.error.too_many", {"count": 21, "limit": 20}),
        ("Q?\nchoice: Pick | one", "consult.error.options", {"line": 2, "limit": 10, "length": 75}),
        ("choice: Pick | " + " | ".join(str(n) for n in range(11)), "consult.error.options", {"line": 1}),
        ("choice: Pick | " + "x" * 76 + " | y", "consult.error.options", {"line": 1}),
        ("long:   ", "consult.error.empty_question", {"line": 1}),
        ("Q?\n\n" + "x" * 301, "consult.error.question_too_long", {"line": 3, "limit": 300}),
    ],
)
def test_question_errors_name_the_line(text, key, params):
    with pytest.raises(PydanticCustomError) as caught:
        parse_questions(text)
    assert caught.value.type == key
    assert params.items() <= (caught.value.context or {}).items()


def test_the_deadline_day_ends_at_midnight_network_time_and_must_not_be_past():
    form = {"title": "T", "questions": "Q?", "deadline": "2026-03-16", "audience": "reps"}
    draft = parse_start(form, now=NOW, tz=TORONTO)
    assert draft.deadline == datetime(2026, 3, 17, 4, 0, tzinfo=UTC)  # EDT after March 8
    assert parse_start({**form, "deadline": "2026-03-02"}, now=NOW, tz=TORONTO).deadline > NOW  # today is fine
    with pytest.raises(FormInvalid) as caught:
        parse_start({**form, "deadline": "2026-03-01"}, now=NOW, tz=TORONTO)
    assert caught.value.errors == {"deadline": ("consult.error.deadline_past", {})}
    with pytest.raises(FormInvalid) as caught:
        parse_start({"title": "", "questions": "", "deadline": None, "audience": "channel"}, now=NOW, tz=TORONTO)
    assert set(caught.value.errors) == {"title", "questions", "deadline"}


async def _start(deps, deadline: datetime, created: datetime = NOW, organisations: int = 4) -> int:
    await load_network(deps, organisations)
    questions = parse_questions("choice: Need? | Housing | Work\nscale: How well?\nlong: Why?")
    draft = consultations.Draft("Annual", questions, deadline, Audience.REPS, None)
    async with deps.db.transaction() as session:
        lead = await members.get_member(session, LEAD)
        started = await consultations.start(session, actor=lead, draft=draft, now=created)
    return started.info.id


async def _respond(deps, user: str, cid: int, values: list[str], at: datetime = NOW) -> consultations.Saved:
    async with deps.db.transaction() as session:
        actor = await members.get_member(session, user)
        form = await consultations.questionnaire(session, consultation_id=cid, actor=actor, now=at)
        raw = {str(q.id): v for q, v in zip(form.questions, values, strict=True)}
        return await consultations.respond(session, consultation_id=cid, actor=actor, raw_answers=raw, now=at)


async def test_only_leads_start_and_forged_answers_are_refused(deps):
    await load_network(deps, 2)
    draft = consultations.Draft("T", parse_questions("Q?"), NOW + timedelta(days=9), Audience.REPS, None)
    async with deps.db.transaction() as session:
        with pytest.raises(NotAllowed):
            await consultations.start(session, actor=await members.get_member(session, rep(1)), draft=draft, now=NOW)
    cid = await _start(deps, NOW + timedelta(days=9), organisations=2)
    for values in (["Gardening", "", ""], ["", "6", ""]):
        with pytest.raises(FormInvalid) as caught:
            await _respond(deps, rep(1), cid, values)
        assert next(iter(caught.value.errors.values()))[0] == "consult.error.not_an_option"


async def test_two_people_of_one_organisation_answering_at_once_make_one_response(deps):
    cid = await _start(deps, NOW + timedelta(days=9))
    saved = await asyncio.gather(
        _respond(deps, rep(1), cid, ["Housing", "2", "Parce que"]),
        _respond(deps, staff(1), cid, ["Work", "4", "Because"]),
    )
    assert sorted(s.edited for s in saved) == [False, True]
    async with deps.db.reader() as session:
        [response] = (await session.execute(select(ConsultationResponse))).scalars()
    assert response.edits == 1


async def test_a_round_that_came_before_the_start_is_skipped_and_each_round_is_claimed_once(deps):
    deadline = NOW + timedelta(days=2)  # started inside the three-day window
    cid = await _start(deps, deadline)
    await _respond(deps, rep(2), cid, ["Housing", "3", ""])

    async def due(at: datetime) -> list[str]:
        async with deps.db.transaction() as session:
            return [n.key for n in await consultations.due_reminders(session, now=at, default_locale="en")]

    assert await due(NOW + timedelta(minutes=5)) == []  # the three-day round is claimed and skipped
    last_call = await due(deadline - timedelta(days=1))
    assert sorted(last_call) == [f"consult-reminder:{cid}:1d:{rep(n)}" for n in (1, 3, 4)]  # not org 2: it answered
    assert await due(deadline - timedelta(hours=1)) == []


async def test_a_job_down_through_both_rounds_sends_only_the_latest(deps):
    deadline = NOW + timedelta(days=10)
    cid = await _start(deps, deadline)
    async with deps.db.transaction() as session:
        notices = await consultations.due_reminders(session, now=deadline - timedelta(hours=3), default_locale="fr")
    assert {n.occasion for n in notices} == {"1d"} and len(notices) == 4
    assert {n.locale for n in notices} == {"fr"} and all(str(cid) in n.key for n in notices)


async def test_closing_happens_once_and_counts_the_turnout(deps):
    deadline = NOW + timedelta(days=5)
    cid = await _start(deps, deadline)
    await _respond(deps, rep(1), cid, ["Work", "5", "Oui"])
    async with deps.db.transaction() as session:
        assert await consultations.close_due(session, now=deadline - timedelta(seconds=1), default_locale="en") == []
        [notice] = await consultations.close_due(session, now=deadline, default_locale="en")
        assert await consultations.close_due(session, now=deadline + timedelta(hours=1), default_locale="en") == []
    assert (notice.key, notice.user_id, notice.responded, notice.invited) == (f"consult-closed:{cid}", LEAD, 1, 4)
    with pytest.raises(Invalid):
        await _respond(deps, rep(2), cid, ["Work", "", ""], at=deadline - timedelta(seconds=1))


async def test_the_home_asks_organisations_that_have_not_answered_and_leads_see_progress(deps):
    cid = await _start(deps, NOW + timedelta(days=9))
    await _respond(deps, rep(1), cid, ["Work", "", ""])
    async with deps.db.reader() as session:
        asked = await consultations.unanswered(session, await members.get_member(session, rep(2)), NOW)
        done = await consultations.unanswered(session, await members.get_member(session, staff(1)), NOW)
        lead = await consultations.unanswered(session, await members.get_member(session, LEAD), NOW)
        digest = await consultations.digest(session, NOW - timedelta(days=7), NOW)
        stats = await consultations.stats(session, NOW)
    [item] = asked
    assert (item.action, item.value, item.due) == (HomeAction.ANSWER_CONSULTATION, str(cid), NOW + timedelta(days=9))
    assert done == [] and lead == []
    assert digest.details[0].params == stats.headline[0].params
    assert (digest.details[0].params["responded"], digest.details[0].params["invited"]) == (1, 4)


def test_a_scale_average_and_the_export_table_are_computed_from_the_answers():
    question = consultations.Question(QuestionKind.SCALE, "How well?", (), id=7, position=1)
    result = consultations.QuestionResult(question, {"1": 1, "2": 0, "3": 0, "4": 2, "5": 0}, (), 3)
    assert result.average == 3.0
    assert consultations.QuestionResult(question, {}, (), 0).average is None
