"""Domain errors carry an i18n key, so every layer can show them in the user's language.

Services raise these; the transport (a Slack handler, the CLI, the shell) translates them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class DomainError(Exception):
    """A rule said no. `key` names the message in the i18n catalogs; `params` fill it in.

    `field` optionally names the modal input the error belongs to, so a view submission can
    show it inline next to that input.
    """

    key: str = "errors.generic"

    def __init__(self, key: str | None = None, *, field: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        self.field = field
        super().__init__(f"{self.key} {params}" if params else self.key)


class NotFound(DomainError):
    key = "errors.not_found"


class NotAllowed(DomainError):
    key = "errors.not_allowed"


class Invalid(DomainError):
    key = "errors.invalid"


class Conflict(DomainError):
    key = "errors.conflict"


class Busy(DomainError):
    """Too late to do this before Slack's deadline; nothing was done (see bot.transport.deadline)."""

    key = "errors.busy"


class NotInDirectory(NotAllowed):
    """The Slack user is not in the membership directory; the message says whom to ask."""

    key = "errors.not_in_directory"


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file: the line it is on, the column when it is one cell's, and
    what is wrong. `key` (an i18n key) and `params` say it, so the CLI words it in the
    operator's language like any refusal; `message` is for problems worded where they are found
    (a YAML parser's own words). Build one with `RowError.of`."""

    line: int
    message: str = ""
    column: str | None = None
    key: str | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, line: int, key: str, *, column: str | None = None, **params: Any) -> RowError:
        return cls(line, column=column, key=key, params=params)


class ImportFailed(DomainError):
    """An import applied nothing; `errors` names each bad line. Each importer subclasses it with
    its own message key, and the CLI prints the lines the same way for every import."""

    key = "members.import_failed"

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(count=len(self.errors))


class Mentions(tuple[str, ...]):
    """Slack user ids to show as mentions in a message. Everything else passed to a message is
    escaped as user text; this marks the one kind of markup our own code builds on purpose."""

    def __str__(self) -> str:
        return ", ".join(f"<@{uid}>" for uid in self) or "the NLS Secretariat"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
