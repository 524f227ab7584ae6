"""The feedback form's fields, as the rules name them: an error belongs to one of these, and only
the builder that draws the form knows which input shows it (`bot.blocks.feedback.FIELD_BLOCKS`)."""

from __future__ import annotations

from enum import StrEnum


class FeedbackField(StrEnum):
    """The values are `FeedbackForm`'s attribute names, so pydantic's error locations are these."""

    VOICE = "voice"
    TOPIC = "topic"
    PROVINCE = "province"
    TEXT = "text"
    URGENCY = "urgency"
    CONTACT = "contact"
    ANONYMOUS = "anonymous"
