"""The inputs of the plan forms, as the rules name them.

A rule that refuses what someone typed says which input it is about (`Invalid(..., field=PlanField.DUE)`),
so the error can be shown next to it; how the form is drawn, and so its block ids, is for the
builder (`bot.blocks.plans.FIELD_BLOCKS`) to know.
"""

from __future__ import annotations

from enum import StrEnum


class PlanField(StrEnum):
    # the Update modal
    STATUS = "status"
    PERCENT = "percent"
    NOTE = "note"
    # the Add modal
    OBJECTIVE = "objective"
    TITLE = "title"
    OWNERS = "owners"
    WORKING_GROUP = "working_group"
    START = "start"
    DUE = "due"
