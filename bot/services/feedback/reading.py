"""Reading feedback: the NLS leads and administrators, and nobody else, read others' words. Every
count goes through the disclosure rule, and an anonymous entry's place is shown no finer than the
rule allows today."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import disclosure
from bot.services.disclosure import Breakdown, Places, Shown
from bot.services.errors import Invalid, NotAllowed
from bot.services.members import Member
from models import Organisation, Person
from models.feedback import Feedback, Topic, Urgency, Voice

RECENT = 10
DEFAULT_PERIOD = timedelta(days=30)


def ensure_reader(actor: Member | None) -> Member:
    """Feedback is read by the NLS leads and administrators; nobody else reads others' words."""
    if actor is None or not actor.is_lead_or_admin:
        raise NotAllowed("feedback.leads_only")
    return actor


@dataclass(frozen=True)
class Entry:
    ref: str
    received_on: date
    voice: Voice
    topic: Topic
    urgency: Urgency
    province: str | None
    region: str | None
    text: str
    anonymous: bool
    submitted_by: str | None = None
    organisation: str | None = None
    contact: str | None = None
    names_someone: bool = False  # the words contain a name from the directory: handle with care


@dataclass(frozen=True)
class FeedbackSummary:
    """Counts as the disclosure rule lets them be shown, and the most recent entries."""

    since: date
    total: Shown
    by_topic: Breakdown
    by_region: Breakdown  # "" = Canada-wide
    by_voice: Breakdown
    by_urgency: Breakdown
    recent: tuple[Entry, ...] = ()


def parse_since(args: str, today: date) -> date:
    """`/nls feedback summary [since] [YYYY-MM-DD]`: the first day to count (default: 30 days)."""
    words = [w for w in args.split() if w.lower() not in ("since", "depuis")]
    if not words:
        return today - DEFAULT_PERIOD
    try:
        return date.fromisoformat(words[0])
    except ValueError:
        raise Invalid("feedback.summary.usage") from None


def _entry(row: Feedback, organisation: str | None, places: Places) -> Entry:
    """An entry as leads may see it: an anonymous one's place no finer than the rule allows today
    (it was coarsened when stored; the directory may have shrunk since, or it predates the rule)."""
    province, region = (row.province, row.region)
    if row.anonymous:
        province, region = places.anonymous_place(province, region)
    return Entry(
        ref=row.ref,
        received_on=row.received_on,
        voice=row.voice,
        topic=row.topic,
        urgency=row.urgency,
        province=province,
        region=region,
        text=row.text,
        anonymous=row.anonymous,
        submitted_by=row.submitted_by,
        organisation=organisation,
        contact=row.contact,
    )


async def entries(session: AsyncSession, *, since: date | None = None, limit: int | None = None) -> list[Entry]:
    """Newest day first; within a day the order is the random reference, never arrival."""
    query = (
        select(Feedback, Organisation.name)
        .join(Organisation, Feedback.organisation_id == Organisation.id, isouter=True)
        .order_by(Feedback.received_on.desc(), Feedback.ref)
    )
    if since is not None:
        query = query.where(Feedback.received_on >= since)
    if limit is not None:
        query = query.limit(limit)
    places = await disclosure.places(session)
    return [_entry(row, org, places) for row, org in (await session.execute(query)).all()]


def _folded(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: for matching names in words."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c if c.isalnum() else " " for c in plain if not unicodedata.combining(c))
    return f" {' '.join(plain.split())} "


async def _directory_names(session: AsyncSession) -> list[str]:
    """The people's and organisations' names, folded; one-word names of under 4 letters are left
    out (too likely to be ordinary words)."""
    names = [
        *(await session.execute(select(Person.name))).scalars(),
        *(await session.execute(select(Organisation.name))).scalars(),
    ]
    folded = {_folded(n) for n in names if n}
    return [n for n in folded if len(n.strip()) >= 4 or " " in n.strip()]


def _names_someone(text: str, names: list[str]) -> bool:
    words = _folded(text)
    return any(name in words for name in names)


async def summary(session: AsyncSession, *, actor: Member | None, since: date, limit: int = RECENT) -> FeedbackSummary:
    """Counts by topic, region, voice and urgency since a day, and the most recent entries;
    two queries whatever the volume."""
    ensure_reader(actor)
    rows = (
        await session.execute(
            select(Feedback.topic, Feedback.region, Feedback.voice, Feedback.urgency, Feedback.anonymous, func.count())
            .where(Feedback.received_on >= since)
            .group_by(Feedback.topic, Feedback.region, Feedback.voice, Feedback.urgency, Feedback.anonymous)
        )
    ).all()
    topics: Counter[Topic] = Counter()
    regions: Counter[str] = Counter()
    voices: Counter[Voice] = Counter()
    urgencies: Counter[Urgency] = Counter()
    places = await disclosure.places(session)
    for topic, region, voice, urgency, anonymous, n in rows:
        topics[topic] += n
        regions[(places.anonymous_place(None, region)[1] if anonymous else region) or ""] += n
        voices[voice] += n
        urgencies[urgency] += n
    names = await _directory_names(session)
    recent = [
        replace(e, names_someone=_names_someone(e.text, names))
        for e in await entries(session, since=since, limit=limit)
    ]
    return FeedbackSummary(
        since=since,
        total=disclosure.shown(sum(voices.values())),
        by_topic=disclosure.breakdown(topics),
        by_region=disclosure.breakdown(regions),
        by_voice=disclosure.breakdown(voices),
        by_urgency=disclosure.breakdown(urgencies),
        recent=tuple(recent),
    )
