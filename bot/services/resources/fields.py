"""The fields of the resource form, as the rules name them when they refuse a value.

A refusal says which field is at fault (`FormInvalid` by field, `Invalid(..., field=ResourceField.OWNER)`)
so it can be shown next to that input; which block draws the field is the builder's business
(`bot.blocks.resources.FIELD_BLOCKS`), not the rules'. The values are the names a CSV file's
columns and the form's answers use too.
"""

from __future__ import annotations

from enum import StrEnum


class ResourceField(StrEnum):
    TITLE = "title"
    URL = "url"
    DESCRIPTION = "description"
    TAGS = "tags"
    LANGUAGE = "language"
    PROVINCE = "province"
    KIND = "kind"
    OWNER = "owner"  # not part of `ResourceInput`: who is answerable for the resource
