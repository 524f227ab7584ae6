"""The fields of a poll's creation form, named by the domain: a rule's `Invalid` says which
field it is about (`field=PollField.CLOSES_AT`), and the builder that draws the form maps each to
its input (`bot.blocks.polls.FIELD_BLOCKS`), so rules never know how the form is drawn."""

from __future__ import annotations

from enum import StrEnum


class PollField(StrEnum):
    """A part of a poll an error can be about; values are `PollSpec`'s names for them."""

    QUESTION = "question"
    OPTIONS = "options"
    KIND = "kind"
    MAX_CHOICES = "max_choices"
    ELECTORATE = "electorate"
    CHANNEL = "channel"
    SECRET = "secret"
    CLOSES_AT = "closes_at"
    QUORUM = "quorum"
    RESULTS = "results"
    SEATS = "seats"
