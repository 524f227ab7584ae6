"""What the resource repository refuses: a search it cannot run, a form or a file it cannot
take, an address another resource already has. Each is an i18n key with its parameters, worded by
whoever shows it."""

from __future__ import annotations

from typing import Any

from bot.services.errors import Conflict, ImportFailed, Invalid
from bot.services.resources.fields import ResourceField


class EmptyQuery(Invalid):
    """Nothing to search for: the answer is a short how-to."""

    key = "resources.find.how_to"


class QueryTooLong(Invalid):
    key = "resources.find.too_long"


class BadFilter(Invalid):
    key = "resources.find.bad_filter"


class FormInvalid(Invalid):
    """Every problem of a submitted form at once, by field (`ResourceField.TITLE` …), each an
    i18n key with its parameters, so a modal can show them all inline."""

    key = "resources.form.invalid"

    def __init__(self, problems: dict[ResourceField, tuple[str, dict[str, Any]]]) -> None:
        self.problems = problems
        first = next(iter(problems))
        super().__init__(field=first)


class DuplicateResource(Conflict):
    key = "resources.form.duplicate"


class ResourceImportFailed(ImportFailed):
    key = "resources.import_failed"
