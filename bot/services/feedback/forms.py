"""What every Voices form (feedback, a consultation's start and its answers) shares: text taken as
typed, and all of a submission's problems reported at once, each on the field it belongs to, so
the person fixes everything in one go and keeps what they typed."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from bot.services.errors import Invalid


class FormInvalid(Invalid):
    """Every problem of a submitted form at once, as `{field: (i18n key, params)}`; `field` and
    `key` name the first, so a caller that can show only one still shows something useful.
    Fields are the feature's domain names (`FeedbackField.TEXT`, or a question's id)."""

    def __init__(self, errors: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        first_field, (key, params) = next(iter(errors.items()))
        super().__init__(key, field=first_field, **params)
        self.errors = dict(errors)


def form_invalid(exc: ValidationError, feature: str, fields: type[StrEnum]) -> FormInvalid:
    """Pydantic's errors as inline messages on the feature's `fields`. Our own checks raise
    `PydanticCustomError` whose type is the i18n key (with `field` in its context when the check
    spans fields); any other error on a field (missing, not one of the choices) asks to choose or
    fill it in."""
    named = {f.value: f for f in fields}
    errors: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for err in exc.errors():
        params = dict(err.get("ctx") or {})
        where = str(err["loc"][0]) if err["loc"] else str(params.pop("field", "form"))
        params.pop("field", None)
        key = err["type"] if "." in err["type"] else f"{feature}.error.required"
        errors.setdefault(named.get(where, where), (key, params))
    return FormInvalid(errors)


def clean_text(value: str | None) -> str:
    """User text as typed, minus the surrounding blanks and NUL characters (which no keyboard
    types and PostgreSQL cannot store); accents, emoji and line breaks are kept."""
    return (value or "").replace("\x00", "").strip()


def check_length(value: str, limit: int, key: str) -> str:
    if len(value) > limit:
        raise PydanticCustomError(key, "longer than {limit} characters", {"limit": limit, "length": len(value)})
    return value
