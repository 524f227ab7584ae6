"""What every handler, job and CLI command needs, built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.admission import WorkSlots
from bot.db import Database
from bot.deliveries import DeliveryLog
from bot.i18n import Translator
from bot.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = field(default=utcnow)
    deliveries: DeliveryLog = field(init=False)  # the deliveries this process accepted, see bot.deliveries
    work: WorkSlots = field(init=False)  # listeners' work after their acknowledgement, see bot.admission

    def __post_init__(self) -> None:
        self.deliveries = DeliveryLog(self.db)
        self.work = WorkSlots(self.settings.work_slots)

    async def close(self) -> None:
        """The process's end: write the deliveries still in memory, then release the database."""
        await self.deliveries.close()
        await self.db.dispose()

    def now(self) -> datetime:
        return self.clock()

    def today(self, now: datetime | None = None) -> date:
        """The network's calendar day (NLS_TIMEZONE) at `now` (default: the clock)."""
        return (now or self.now()).astimezone(self.settings.timezone).date()

    def translator(self, locale: str | None = None) -> Translator:
        return Translator(locale or self.settings.nls_locale)
