"""Consultations: the NLS asks every member organisation the same questions ("engage and consult
with LIPs/ZIPs annually") and each organisation answers once.

Rules, in one place for the modal, the buttons, the jobs and the CLI:
- Leads and administrators start consultations and read the results (`permissions`).
- An organisation answers through its rep or any of its staff (a delegate): one response per
  organisation, which any of them may edit until the deadline — a second submission replaces
  the first, and the audit log names who saved each time. Answers are attributed to the
  organisation: they are its institutional voice, and the network follows up with it (`answering`).
- The audience is fixed when the consultation starts (invitees, `starting`); reminders go three
  days and one day before the deadline to the invitees of organisations that have not answered,
  each round once (`reminders`); the consultation closes at its deadline exactly once, and no
  answer is taken after it (`closing`).

This file is the feature's public surface: callers import from `bot.services.consultations`.
"""

from __future__ import annotations

from bot.services.consultations.answering import parse_answers, questionnaire, respond
from bot.services.consultations.closing import close_due
from bot.services.consultations.contributors import digest, stats, unanswered  # registers them for Home and digest
from bot.services.consultations.csv_export import export, export_table
from bot.services.consultations.fields import ConsultationField
from bot.services.consultations.notices import invitations, queue
from bot.services.consultations.overview import Open, Progress, open_for, progress
from bot.services.consultations.permissions import ensure_may_start, may_answer
from bot.services.consultations.questions import (
    ANSWER_LIMITS,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    OPTION_LIMIT,
    PROMPT_LIMIT,
    SCALE,
    Question,
    QuestionSpec,
    parse_questions,
)
from bot.services.consultations.reminders import ROUNDS, due_reminders
from bot.services.consultations.shapes import Draft, Info, Invitee, Notice, Questionnaire, Render, Saved, Started
from bot.services.consultations.starting import TITLE_LIMIT, StartForm, closing_instant, parse_start, start
from bot.services.consultations.tallies import OrgProgress, QuestionResult, Results, results
from models.feedback import Audience, ConsultationStatus, QuestionKind

__all__ = [
    "ANSWER_LIMITS",
    "MAX_OPTIONS",
    "MAX_QUESTIONS",
    "OPTION_LIMIT",
    "PROMPT_LIMIT",
    "ROUNDS",
    "SCALE",
    "TITLE_LIMIT",
    "Audience",
    "ConsultationField",
    "ConsultationStatus",
    "Draft",
    "Info",
    "Invitee",
    "Notice",
    "Open",
    "OrgProgress",
    "Progress",
    "Question",
    "QuestionKind",
    "QuestionResult",
    "QuestionSpec",
    "Questionnaire",
    "Render",
    "Results",
    "Saved",
    "StartForm",
    "Started",
    "close_due",
    "closing_instant",
    "digest",
    "due_reminders",
    "ensure_may_start",
    "export",
    "export_table",
    "invitations",
    "may_answer",
    "open_for",
    "parse_answers",
    "parse_questions",
    "parse_start",
    "progress",
    "questionnaire",
    "queue",
    "respond",
    "results",
    "start",
    "stats",
    "unanswered",
]
