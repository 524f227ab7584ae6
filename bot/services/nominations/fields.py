"""The fields of the nominations forms, as the rules name them when they refuse a value.

A refusal says which field is at fault (`Invalid(..., field=NominationField.SEATS)`) so it can be
shown next to that input; which block draws the field is the builder's business
(`bot.blocks.nominations.rounds.FIELD_BLOCKS`), not the rules'.
"""

from __future__ import annotations

from enum import StrEnum


class NominationField(StrEnum):
    # the round: seats, reservations, method, deadlines, term, channel
    SEATS = "seats"
    RESERVED = "reserved"
    METHOD = "method"
    NOMINATIONS_CLOSE_AT = "nominations_close_at"
    ELECTION_CLOSES_AT = "election_closes_at"
    TERM_YEARS = "term_years"
    CHANNEL = "channel"
    # a nomination: whom, and why
    NOMINEE = "nominee"
    STATEMENT = "statement"
    # the committee ruling a nomination out
    REASON = "reason"
