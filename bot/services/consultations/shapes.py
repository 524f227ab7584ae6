"""What the consultation service hands out: frozen values, never rows, so builders, jobs and the
CLI read them without a session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.services.consultations.questions import Question, QuestionSpec
from bot.services.members import OrgInfo
from models.feedback import Audience, ConsultationStatus


@dataclass(frozen=True)
class Info:
    id: int
    title: str
    status: ConsultationStatus
    deadline: datetime
    created_by: str
    questions: int


@dataclass(frozen=True)
class Draft:
    title: str
    questions: tuple[QuestionSpec, ...]
    deadline: datetime
    audience: Audience
    channel: str | None


@dataclass(frozen=True)
class Invitee:
    slack_user_id: str
    org: OrgInfo


@dataclass(frozen=True)
class Started:
    info: Info
    invitees: tuple[Invitee, ...]
    organisations: int
    skipped: int  # channel members who cannot answer for an organisation (not invited)
    without_rep: int  # member organisations with no designated rep (audience: reps)


@dataclass(frozen=True)
class Questionnaire:
    info: Info
    questions: tuple[Question, ...]
    org: OrgInfo
    answers: dict[str, str] = field(default_factory=dict)
    last_by: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Saved:
    info: Info
    org: OrgInfo
    edited: bool


@dataclass(frozen=True)
class Notice:
    """A message the bot owes one person about a consultation, with the occasion that makes its
    ledger key unique."""

    key: str
    user_id: str
    locale: str
    occasion: str  # invite, 3d, 1d, closed
    info: Info
    org_name: str | None = None
    responded: int = 0
    invited: int = 0


Render = Callable[[Notice], tuple[str, list[dict[str, Any]]]]
