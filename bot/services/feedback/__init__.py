"""Feedback: newcomers' voices relayed by LIP/ZIP staff (with consent) and member organisations'
own, read by the NLS leads ("nothing about us without us").

Anonymous means anonymous, and the rule lives in `submitting` so every way in (modal, shell, demo)
obeys it; what it cannot hide — Slack and the request in transit see who clicked — is written
down in docs/feedback.md. `reading` is what the leads see, `csv_export` the operators' CSV,
`contributors` the digest's and Home's numbers, `forms` what every Voices form shares.

This file is the feature's public surface: callers import from `bot.services.feedback`.
"""

from __future__ import annotations

from bot.services.feedback.contributors import digest, stats  # registers the digest's and Home's numbers
from bot.services.feedback.csv_export import EXPORT_COLUMNS, export_rows
from bot.services.feedback.fields import FeedbackField
from bot.services.feedback.forms import FormInvalid, check_length, clean_text, form_invalid
from bot.services.feedback.reading import Entry, FeedbackSummary, ensure_reader, entries, parse_since, summary
from bot.services.feedback.submitting import (
    CANADA_WIDE,
    CONTACT_LIMIT,
    REF_ALPHABET,
    TEXT_LIMIT,
    FeedbackForm,
    FormPlaces,
    Receipt,
    Submission,
    form_places,
    new_reference,
    parse_form,
    submit,
    submit_many,
)
from models.feedback import Topic, Urgency, Voice

__all__ = [
    "CANADA_WIDE",
    "CONTACT_LIMIT",
    "EXPORT_COLUMNS",
    "REF_ALPHABET",
    "TEXT_LIMIT",
    "Entry",
    "FeedbackField",
    "FeedbackForm",
    "FeedbackSummary",
    "FormInvalid",
    "FormPlaces",
    "Receipt",
    "Submission",
    "Topic",
    "Urgency",
    "Voice",
    "check_length",
    "clean_text",
    "digest",
    "ensure_reader",
    "entries",
    "export_rows",
    "form_invalid",
    "form_places",
    "new_reference",
    "parse_form",
    "parse_since",
    "stats",
    "submit",
    "submit_many",
    "summary",
]
