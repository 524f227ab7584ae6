"""What every handler, job and CLI command needs, built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.db import Database
from bot.i18n import Translator
from bot.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return self.clock()

    def translator(self, locale: str | None = None) -> Translator:
        return Translator(locale or self.settings.nls_locale)
