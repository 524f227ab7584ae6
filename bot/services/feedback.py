"""Feedback: newcomers' voices relayed by LIP/ZIP staff (with consent) and member organisations'
own, read by the NLS leads ("nothing about us without us").

Anonymous means anonymous, and the rule lives here so every way in (modal, shell, demo) obeys it:
an anonymous entry keeps no Slack user, name, organisation, contact or time finer than the day,
it writes nothing to the audit log, and its reference is random (it reveals neither who nor when
nor how many came before). What this cannot hide — Slack and the request in transit see who
clicked — is written down in docs/feedback.md.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, disclosure
from bot.services.contributions import Fact, Section, digest_section, lead_stats
from bot.services.disclosure import Breakdown, Places, Shown
from bot.services.errors import Invalid, NotAllowed
from bot.services.members import PROVINCES, Member, region_of
from bot.services.sql import insert_if_absent
from models import Organisation, Person
from models.feedback import Feedback, Topic, Urgency, Voice

TEXT_LIMIT = 3000
CONTACT_LIMIT = 300
CANADA_WIDE = "CA"  # the province choice for feedback about the whole country or several places
REF_PREFIX = "FB-"
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # nothing to misread (no 0/O, 1/I/L)
REF_LENGTH = 6
RECENT = 10
DEFAULT_PERIOD = timedelta(days=30)
EXPORT_COLUMNS = (
    "reference",
    "received_on",
    "voice",
    "topic",
    "province",
    "region",
    "urgency",
    "anonymous",
    "text",
    "submitted_by",
    "organisation",
    "contact",
)


class FormInvalid(Invalid):
    """Every problem of a submitted form at once, as `{field: (i18n key, params)}`; `field` and
    `key` name the first, so a caller that can show only one still shows something useful."""

    def __init__(self, errors: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        first_field, (key, params) = next(iter(errors.items()))
        super().__init__(key, field=first_field, **params)
        self.errors = dict(errors)


def form_invalid(exc: ValidationError, feature: str) -> FormInvalid:
    """Pydantic's errors as inline messages. Our own checks raise `PydanticCustomError` whose type
    is the i18n key (with `field` in its context when the check spans fields); any other error
    on a field (missing, not one of the choices) asks to choose or fill it in."""
    errors: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for err in exc.errors():
        params = dict(err.get("ctx") or {})
        where = str(err["loc"][0]) if err["loc"] else str(params.pop("field", "form"))
        params.pop("field", None)
        key = err["type"] if "." in err["type"] else f"{feature}.error.required"
        errors.setdefault(where, (key, params))
    return FormInvalid(errors)


def clean_text(value: str | None) -> str:
    """User text as typed, minus the surrounding blanks and NUL characters (which no keyboard
    types and PostgreSQL cannot store); accents, emoji and line breaks are kept."""
    return (value or "").replace("\x00", "").strip()


def check_length(value: str, limit: int, key: str) -> str:
    if len(value) > limit:
        raise PydanticCustomError(key, "longer than {limit} characters", {"limit": limit, "length": len(value)})
    return value


class FeedbackForm(BaseModel):
    """What the modal sends, validated before anything is stored."""

    voice: Voice
    topic: Topic
    province: str
    text: str
    urgency: Urgency = Urgency.ROUTINE
    contact: str | None = None
    anonymous: bool = True

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: str | None) -> str:
        text = clean_text(value)
        if not text:
            raise PydanticCustomError("feedback.error.text_empty", "empty", {"limit": TEXT_LIMIT})
        return check_length(text, TEXT_LIMIT, "feedback.error.text_too_long")

    @field_validator("province", mode="before")
    @classmethod
    def _province(cls, value: str | None) -> str:
        code = (value or "").strip().upper()
        if code != CANADA_WIDE and code not in PROVINCES:
            raise PydanticCustomError("feedback.error.province", "unknown province", {"province": value or ""})
        return code

    @field_validator("contact", mode="before")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        return check_length(clean_text(value), CONTACT_LIMIT, "feedback.error.contact_too_long") or None

    @model_validator(mode="after")
    def _anonymous_has_no_contact(self) -> FeedbackForm:
        if self.anonymous and self.contact:
            raise PydanticCustomError(
                "feedback.error.anonymous_contact", "anonymous with a contact", {"field": "contact"}
            )
        return self


def parse_form(raw: Mapping[str, Any]) -> FeedbackForm:
    """Validate the modal's values; `FormInvalid` names every field that needs attention."""
    try:
        return FeedbackForm.model_validate(raw)
    except ValidationError as exc:
        raise form_invalid(exc, "feedback") from None


@dataclass(frozen=True)
class Receipt:
    ref: str
    anonymous: bool
    received_on: date


def new_reference() -> str:
    return REF_PREFIX + "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))


async def submit(
    session: AsyncSession,
    *,
    form: FeedbackForm,
    submitter: Member | None,
    submitter_id: str,
    now: datetime,
    today: date,
) -> Receipt:
    """Store one piece of feedback. Anonymous: the submitter is dropped here, before any write,
    and nothing is audited (an audit row would carry the exact time). Named: who, their
    organisation and the contact are kept, and the submission is audited. An anonymous place is
    kept only as finely as covers at least k member organisations (bot.services.disclosure)."""
    province = None if form.province == CANADA_WIDE else form.province
    region = region_of(province) if province else None
    if form.anonymous:
        province, region = (await disclosure.places(session)).anonymous_place(province, region)
    values: dict[str, Any] = {
        "received_on": today,
        "voice": form.voice,
        "topic": form.topic,
        "urgency": form.urgency,
        "province": province,
        "region": region,
        "text": form.text,
        "anonymous": form.anonymous,
    }
    if not form.anonymous:
        values |= {
            "submitted_by": submitter_id,
            "organisation_id": submitter.org.id if submitter and submitter.org else None,
            "contact": form.contact,
        }
    ref = await _insert_with_fresh_reference(session, values)
    if not form.anonymous:
        await audit.record(
            session,
            at=now,
            actor=submitter_id,
            action="feedback.submitted",
            subject_type="feedback",
            subject_id=ref,
            topic=form.topic.value,
        )
    return Receipt(ref=ref, anonymous=form.anonymous, received_on=today)


async def _insert_with_fresh_reference(session: AsyncSession, values: dict[str, Any]) -> str:
    """A random reference that is not taken yet (the primary key decides; a clash, about one in
    a billion, draws again)."""
    for _ in range(8):
        ref = new_reference()
        if await insert_if_absent(session, Feedback, {**values, "ref": ref}, ["ref"], returning="ref"):
            return ref
    raise RuntimeError("could not draw an unused feedback reference")


@dataclass(frozen=True)
class FormPlaces:
    """What the feedback form needs to keep an anonymous place from identifying its sender: the
    province to start with (none where it would identify), and how each province that covers
    fewer than k organisations will be recorded (its region, or None: Canada-wide)."""

    k: int
    initial: str | None
    recorded_as: dict[str, str | None]


async def form_places(session: AsyncSession, organisation_province: str | None) -> FormPlaces:
    places = await disclosure.places(session)
    recorded_as = {p: places.anonymous_place(p, region_of(p))[1] for p in PROVINCES if places.identifying(p)}
    initial = organisation_province if organisation_province and not places.identifying(organisation_province) else None
    return FormPlaces(disclosure.k(), initial, recorded_as)


# --- reading (leads and admins only) ---------------------------------------------------------


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


async def export_rows(session: AsyncSession, *, since: date | None = None) -> list[dict[str, str]]:
    """Every entry for `nlsbot export feedback`: text exactly as typed, identity only for
    feedback given under a name."""
    return [
        {
            "reference": e.ref,
            "received_on": e.received_on.isoformat(),
            "voice": e.voice.value,
            "topic": e.topic.value,
            "province": e.province or ("" if e.region else CANADA_WIDE),  # region only: no province kept
            "region": e.region or "",
            "urgency": e.urgency.value,
            "anonymous": "yes" if e.anonymous else "no",
            "text": e.text,
            "submitted_by": e.submitted_by or "",
            "organisation": e.organisation or "",
            "contact": e.contact or "",
        }
        for e in await entries(session, since=since)
    ]


# --- what the leads' digest and Home show ----------------------------------------------------


async def _counts_since(session: AsyncSession, day: date) -> tuple[int, Fact | None, list[tuple[Topic, int]]]:
    """The total, the urgent line (None where the rule hides it), and the count by topic."""
    rows = (
        await session.execute(
            select(Feedback.topic, Feedback.urgency, func.count())
            .where(Feedback.received_on >= day)
            .group_by(Feedback.topic, Feedback.urgency)
        )
    ).all()
    topics: Counter[Topic] = Counter()
    urgencies: Counter[Urgency] = Counter()
    for topic, urgency, n in rows:
        topics[topic] += n
        urgencies[urgency] += n
    return sum(topics.values()), _urgent_fact(urgencies), topics.most_common()


def _urgent_fact(urgencies: Mapping[Urgency, int]) -> Fact | None:
    """"N urgent" only where the summary's urgency breakdown shows urgent as a cell of its own:
    otherwise the total minus it would give the merged cell away."""
    if not urgencies.get(Urgency.URGENT):
        return Fact("feedback.digest.urgent", {"count": 0})
    cells = dict(disclosure.breakdown(urgencies).cells)
    shown_urgent = cells.get(Urgency.URGENT)
    return Fact("feedback.digest.urgent", {"count": shown_urgent.value}) if shown_urgent and not shown_urgent.few else None


# Contributors receive UTC instants while entries keep the network's day: near midnight a
# count may include or miss a few hours, which the day-level privacy of feedback accepts.


def count_fact(key: str, count: int) -> Fact:
    """`key` with the count, or `key_few` with k when the rule hides the number."""
    seen = disclosure.shown(count)
    return Fact(f"{key}_few", {"k": seen.k}) if seen.few else Fact(key, {"count": seen.value})


def breakdown_facts(counts: Mapping[Topic, int]) -> tuple[Fact, ...]:
    cells = disclosure.breakdown(counts)
    facts = [
        Fact(f"feedback.topic_count.{Topic(topic).value}", {"count": n.value}) if not n.few
        else Fact("feedback.topic_count_few", {"k": n.k, "topic": Fact(f"feedback.topic.{Topic(topic).value}")})
        for topic, n in cells.cells
    ]  # fmt: skip
    if cells.other is not None:
        other = cells.other
        facts.append(
            Fact("feedback.topic_count_other_few", {"k": other.k}) if other.few
            else Fact("feedback.topic_count_other", {"count": other.value})
        )  # fmt: skip
    return tuple(facts)


@digest_section
async def digest(session: AsyncSession, since: datetime, now: datetime) -> Section | None:
    """New feedback since the last digest (from its day on), by topic, under the disclosure rule."""
    total, urgent, topics = await _counts_since(session, since.date())
    if not total:
        return None
    return Section(
        order=60,
        title=Fact("feedback.digest.title", {"since": since.date().isoformat()}),
        headline=(count_fact("feedback.digest.total", total), *([urgent] if urgent else [])),
        details=breakdown_facts(dict(topics)),
        more=Fact("feedback.digest.more"),
    )


@lead_stats
async def stats(session: AsyncSession, now: datetime) -> Section | None:
    """Feedback received this month, and how much of it is urgent."""
    total, urgent, _ = await _counts_since(session, now.date().replace(day=1))
    return Section(
        order=60,
        title=Fact("feedback.stats.title"),
        headline=(count_fact("feedback.stats.month", total), *([urgent] if urgent else [])),
    )
