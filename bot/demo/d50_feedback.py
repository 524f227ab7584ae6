"""Demo voices: a handful of feedback entries (newcomers' and LIPs', anonymous and named) and an
open annual consultation that three organisations have answered. Loading twice adds nothing:
entries have fixed references and the consultation is found by its title."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo import DEMO_MARK
from bot.deps import Deps
from bot.services import consultations, disclosure, members
from bot.services.sql import insert_if_absent
from models import Organisation
from models.feedback import Audience, Consultation, ConsultationQuestion, Feedback, Topic, Urgency, Voice

LEAD = "UDEMO0001"
# reference, days ago, voice, topic, province, urgency, text, named submitter (or None: anonymous)
# fmt: off
ENTRIES = [
    ("FB-DEMO01", 2, Voice.NEWCOMER, Topic.HOUSING, "ON", Urgency.URGENT,
     "Trois familles arrivées en janvier dorment encore à l'hôtel : les loyers dépassent l'allocation.", None),
    ("FB-DEMO02", 5, Voice.ORGANISATION, Topic.EMPLOYMENT, "NS", Urgency.SOON,
     "Employers ask for a short guide on recognising foreign credentials.", "UDEMO0005"),
    ("FB-DEMO03", 9, Voice.NEWCOMER, Topic.LANGUAGE, "QC", Urgency.ROUTINE,
     "Les cours de francisation du soir sont complets jusqu'en septembre.\nUne liste d'attente aiderait.", None),
    ("FB-DEMO04", 12, Voice.NEWCOMER, Topic.HEALTH, "BC", Urgency.SOON,
     "Interpretation at walk-in clinics is hard to get on weekends 🙏", None),
    ("FB-DEMO05", 20, Voice.ORGANISATION, Topic.ANTI_RACISM, None, Urgency.ROUTINE,
     "Our anti-racism working group would like to share its toolkit across the network.", "UDEMO0010"),
]
# fmt: on
QUESTIONS = (
    "choice: What is your community's most pressing newcomer need? | Housing | Employment | Health | Language\n"
    "scale: How well do local services meet that need?\n"
    "long: What should the NLS bring to the national tables this year?"
)
ANSWERS = {
    "UDEMO0003": ("Housing", "2", "Housing supply for large families."),
    "UDEMO0005": ("Employment", "3", "Credential recognition, and mentoring for internationally trained nurses."),
    "UDEMO0008": ("Language", "2", "Plus de places en francisation, le soir et en ligne."),
}


async def load(session: AsyncSession, today: date, deps: Deps) -> str:
    added = sum([await _feedback(session, entry, today) for entry in ENTRIES])
    consultation = await _consultation(session, today)
    return f"{added} feedback entries, consultation {consultation}"


async def _feedback(session: AsyncSession, entry: tuple, today: date) -> bool:
    ref, days, voice, topic, province, urgency, text, named = entry
    org_id = None
    if named:
        person = await members.get_member(session, named)
        org_id = person.org.id if person and person.org else None
    region = members.region_of(province) if province else None
    if named is None:  # stored as submit stores an anonymous entry: no finer than the disclosure rule
        province, region = (await disclosure.places(session)).anonymous_place(province, region)
    values = {
        "ref": ref,
        "received_on": today - timedelta(days=days),
        "voice": voice,
        "topic": topic,
        "urgency": urgency,
        "province": province,
        "region": region,
        "text": f"{DEMO_MARK} {text}",
        "anonymous": named is None,
        "submitted_by": named,
        "organisation_id": org_id,
    }
    return await insert_if_absent(session, Feedback, values, ["ref"], returning="ref") is not None


async def _consultation(session: AsyncSession, today: date) -> str:
    title = f"{DEMO_MARK} Annual consultation {today.year}"
    if (await session.execute(select(Consultation.id).where(Consultation.title == title))).first():
        return "already there"
    lead = await members.get_member(session, LEAD)
    if lead is None or not (await session.execute(select(Organisation.id))).first():
        return "skipped (no demo directory)"
    now = datetime.combine(today, time(12), UTC)  # the demo has no clock; noon UTC today is close enough
    draft = consultations.Draft(
        title=title,
        questions=consultations.parse_questions(QUESTIONS),
        deadline=consultations.closing_instant(today + timedelta(days=14), UTC),
        audience=Audience.REPS,
        channel=None,
    )
    started = await consultations.start(session, actor=lead, draft=draft, now=now)
    questions = (
        await session.execute(
            select(ConsultationQuestion.id)
            .where(ConsultationQuestion.consultation_id == started.info.id)
            .order_by(ConsultationQuestion.position)
        )
    ).scalars()
    question_ids = list(questions)
    for user, answers in ANSWERS.items():
        rep = await members.get_member(session, user)
        raw = {str(qid): value for qid, value in zip(question_ids, answers, strict=True)}
        await consultations.respond(session, consultation_id=started.info.id, actor=rep, raw_answers=raw, now=now)
    return f"#{started.info.id} with {len(ANSWERS)} of {started.organisations} organisations answered"
