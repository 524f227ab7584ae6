"""The feedback rules without Slack: validation, anonymity enforced before any write (and by the
schema), who reads, what the digest and the leads' Home get."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.services import feedback, members
from bot.services.disclosure import Breakdown, Shown
from bot.services.errors import Invalid, NotAllowed
from bot.services.feedback import REF_ALPHABET, FeedbackForm, FormInvalid, parse_form, parse_since
from models import AuditEvent
from models.feedback import Feedback, Topic, Urgency, Voice
from tests.support.directory import LEAD, REP_HALIFAX, REP_TORONTO, load_directory

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


def form(**changes: object) -> dict[str, object]:
    base = {
        "voice": "newcomer",
        "topic": "health",
        "province": "ns",
        "text": "  Bonjour 👋\nÇa va  ",
        "anonymous": True,
    }
    return {**base, **changes}


def test_a_valid_form_keeps_the_words_as_typed():
    parsed = parse_form(form(urgency="soon"))
    assert (parsed.voice, parsed.topic, parsed.province, parsed.urgency) == (
        Voice.NEWCOMER,
        Topic.HEALTH,
        "NS",
        Urgency.SOON,
    )
    assert parsed.text == "Bonjour 👋\nÇa va"  # only the surrounding blanks go
    assert parse_form(form(text="a\x00b")).text == "ab"  # NUL: no keyboard types it, PostgreSQL refuses it


@pytest.mark.parametrize(
    ("changes", "field", "key"),
    [
        ({"text": " \n "}, "text", "feedback.error.text_empty"),
        ({"text": "x" * 3001}, "text", "feedback.error.text_too_long"),
        ({"province": "XX"}, "province", "feedback.error.province"),
        ({"voice": None}, "voice", "feedback.error.required"),
        ({"topic": "gardening"}, "topic", "feedback.error.required"),
        ({"contact": "me@example.org"}, "contact", "feedback.error.anonymous_contact"),
        ({"contact": "x" * 301, "anonymous": False}, "contact", "feedback.error.contact_too_long"),
    ],
)
def test_every_problem_is_named_on_its_field(changes, field, key):
    with pytest.raises(FormInvalid) as caught:
        parse_form(form(**changes))
    assert caught.value.errors[field][0] == key


def test_several_problems_come_back_together():
    with pytest.raises(FormInvalid) as caught:
        parse_form({"text": ""})
    assert set(caught.value.errors) == {"voice", "topic", "province", "text"}
    assert caught.value.errors["text"] == ("feedback.error.text_empty", {"limit": 3000})


def test_references_are_random_and_unambiguous():
    refs = {feedback.new_reference() for _ in range(2000)}
    assert len(refs) == 2000
    assert all(r.startswith("FB-") and set(r[3:]) <= set(REF_ALPHABET) and len(r) == 9 for r in refs)


def test_since_defaults_to_thirty_days_and_reads_an_iso_day():
    assert parse_since("", TODAY) == date(2026, 2, 8)
    assert parse_since("since 2026-01-31", TODAY) == parse_since("depuis 2026-01-31", TODAY) == date(2026, 1, 31)
    with pytest.raises(Invalid):
        parse_since("since last week", TODAY)


async def _submit(deps, user: str, **changes: object) -> feedback.Receipt:
    async with deps.db.transaction() as session:
        member = await members.get_member(session, user)
        return await feedback.submit(
            session,
            form=FeedbackForm.model_validate(form(**changes)),
            submitter=member,
            submitter_id=user,
            now=NOW,
            today=TODAY,
        )


async def test_anonymous_drops_the_submitter_before_writing_and_named_keeps_them(deps):
    await load_directory(deps)
    anonymous = await _submit(deps, REP_HALIFAX)
    named = await _submit(deps, REP_TORONTO, anonymous=False, contact="rita@example.org", voice="organisation")
    async with deps.db.reader() as session:
        rows = {r.ref: r for r in (await session.execute(select(Feedback))).scalars()}
        audit = list((await session.execute(select(AuditEvent))).scalars())
    assert (rows[anonymous.ref].submitted_by, rows[anonymous.ref].organisation_id) == (None, None)
    assert rows[anonymous.ref].received_on == TODAY
    assert (rows[named.ref].submitted_by, rows[named.ref].contact) == (REP_TORONTO, "rita@example.org")
    assert [(e.actor, e.subject_id) for e in audit] == [(REP_TORONTO, named.ref)]


async def test_the_schema_refuses_an_anonymous_row_with_an_identity(deps):
    await load_directory(deps)
    row = Feedback(
        ref="FB-TEST22",
        received_on=TODAY,
        voice=Voice.NEWCOMER,
        topic=Topic.OTHER,
        urgency=Urgency.ROUTINE,
        text="x",
        anonymous=True,
        submitted_by=REP_TORONTO,
    )
    with pytest.raises(IntegrityError):
        async with deps.db.transaction() as session:
            session.add(row)


async def test_only_leads_and_admins_read_and_the_counts_add_up(deps):
    await load_directory(deps)
    await _submit(deps, REP_HALIFAX)
    await _submit(deps, REP_HALIFAX, topic="housing", province="ON", urgency="urgent")
    await _submit(deps, REP_TORONTO, province="CA", voice="organisation", anonymous=False)
    async with deps.db.reader() as session:
        with pytest.raises(NotAllowed):
            await feedback.summary(session, actor=await members.get_member(session, REP_TORONTO), since=TODAY)
        lead = await members.get_member(session, LEAD)
        summary = await feedback.summary(session, actor=lead, since=TODAY)
        digest = await feedback.digest(session, NOW, NOW)
        stats = await feedback.stats(session, NOW)
    # counted under the disclosure rule (k = 3): totals of 3 shown, smaller cells merged, and the
    # Atlantic and Ontario of this small directory (2 organisations each) counted Canada-wide
    three = Shown(3, 3)
    assert summary.total == three and len(summary.recent) == 3
    assert summary.by_topic == Breakdown((), three, 2)  # health 2 and housing 1, merged
    assert summary.by_region == Breakdown((("", three),))
    assert summary.by_voice == Breakdown((), three, 2)
    assert summary.by_urgency == Breakdown((), three, 2)
    # urgent (1) is merged with routine in the urgency breakdown, so no urgent line would be safe
    assert [(f.key, f.params) for f in digest.headline] == [("feedback.digest.total", {"count": 3})]
    assert [(f.key, f.params) for f in digest.details] == [("feedback.topic_count_other", {"count": 3})]
    assert stats.headline[0].params == {"count": 3}
