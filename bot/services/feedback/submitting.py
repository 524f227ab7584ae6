"""Taking feedback in. Anonymous means anonymous, and the rule lives here so every way in (modal,
shell, demo) obeys it: an anonymous entry keeps no Slack user, name, organisation, contact or time
finer than the day, it writes nothing to the audit log, and its reference is random (it reveals
neither who nor when nor how many came before)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, disclosure
from bot.services.feedback.fields import FeedbackField
from bot.services.feedback.forms import check_length, clean_text, form_invalid
from bot.services.members import PROVINCES, Member, region_of
from bot.services.sql import insert_many_if_absent
from models.feedback import Feedback, Topic, Urgency, Voice

TEXT_LIMIT = 3000
CONTACT_LIMIT = 300
CANADA_WIDE = "CA"  # the province choice for feedback about the whole country or several places
REF_PREFIX = "FB-"
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # nothing to misread (no 0/O, 1/I/L)
REF_LENGTH = 6


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
                "feedback.error.anonymous_contact", "anonymous with a contact", {"field": FeedbackField.CONTACT}
            )
        return self


def parse_form(raw: Mapping[str, Any]) -> FeedbackForm:
    """Validate the modal's values; `FormInvalid` names every field that needs attention."""
    try:
        return FeedbackForm.model_validate(raw)
    except ValidationError as exc:
        raise form_invalid(exc, "feedback", FeedbackField) from None


@dataclass(frozen=True)
class Receipt:
    ref: str
    anonymous: bool
    received_on: date


def new_reference() -> str:
    return REF_PREFIX + "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))


@dataclass(frozen=True)
class Submission:
    """One piece of feedback to store: the validated form, who sent it and when."""

    form: FeedbackForm
    submitter: Member | None
    submitter_id: str
    now: datetime
    today: date


async def submit(
    session: AsyncSession,
    *,
    form: FeedbackForm,
    submitter: Member | None,
    submitter_id: str,
    now: datetime,
    today: date,
) -> Receipt:
    """Store one piece of feedback (see `submit_many`)."""
    return (await submit_many(session, [Submission(form, submitter, submitter_id, now, today)]))[0]


async def submit_many(session: AsyncSession, submissions: Sequence[Submission]) -> list[Receipt]:
    """Store pieces of feedback, one receipt each in their order: those submitted together are
    saved together (bot.infra.write_batches), one read of the directory and one multi-row INSERT
    for all of them. Anonymous: the submitter is dropped here, before any write, and nothing is
    audited (an audit row would carry the exact time). Named: who, their organisation and the
    contact are kept, and the submission is audited. An anonymous place is kept only as finely as
    covers at least k member organisations (bot.services.disclosure)."""
    places = await disclosure.places(session) if any(s.form.anonymous for s in submissions) else None
    refs = await _insert_with_fresh_references(session, [_row(s, places) for s in submissions])
    for submission, ref in zip(submissions, refs, strict=True):
        if not submission.form.anonymous:
            await audit.record(
                session,
                at=submission.now,
                actor=submission.submitter_id,
                action="feedback.submitted",
                subject_type="feedback",
                subject_id=ref,
                topic=submission.form.topic.value,
            )
    return [Receipt(ref, s.form.anonymous, s.today) for s, ref in zip(submissions, refs, strict=True)]


def _row(submission: Submission, places: disclosure.Places | None) -> dict[str, Any]:
    """The row one submission stores. Every row has the same columns, so that one statement
    inserts them all; an anonymous one's who, organisation and contact are empty."""
    form = submission.form
    province = None if form.province == CANADA_WIDE else form.province
    region = region_of(province) if province else None
    if form.anonymous and places is not None:
        province, region = places.anonymous_place(province, region)
    named = not form.anonymous
    submitter = submission.submitter
    return {
        "received_on": submission.today,
        "voice": form.voice,
        "topic": form.topic,
        "urgency": form.urgency,
        "province": province,
        "region": region,
        "text": form.text,
        "anonymous": form.anonymous,
        "submitted_by": submission.submitter_id if named else None,
        "organisation_id": submitter.org.id if named and submitter and submitter.org else None,
        "contact": form.contact if named else None,
    }


async def _insert_with_fresh_references(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[str]:
    """A random reference for each row that is not taken yet (the primary key decides; a clash,
    about one in a billion, draws again for that row)."""
    refs: list[str | None] = [None] * len(rows)
    for _ in range(8):
        drawn: dict[str, int] = {}  # reference -> row, distinct within the draw
        for at in (at for at, ref in enumerate(refs) if ref is None):
            ref = new_reference()
            while ref in drawn:
                ref = new_reference()
            drawn[ref] = at
        inserted = await insert_many_if_absent(
            session, Feedback, [{"ref": ref, **rows[at]} for ref, at in drawn.items()], ["ref"], returning="ref"
        )
        for ref in inserted:
            refs[drawn[ref]] = ref
        if all(refs):
            return [ref for ref in refs if ref is not None]
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
