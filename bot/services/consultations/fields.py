"""The start form's fields, as the rules name them: an error belongs to one of these, and only the
builder that draws the form knows which input shows it (`bot.blocks.consultations.FIELD_BLOCKS`).
The questionnaire has no fixed fields: a problem with an answer is named by its question's id."""

from __future__ import annotations

from enum import StrEnum


class ConsultationField(StrEnum):
    """The values are `StartForm`'s attribute names, so pydantic's error locations are these."""

    TITLE = "title"
    QUESTIONS = "questions"
    DEADLINE = "deadline"
    AUDIENCE = "audience"
    CHANNEL = "channel"
