"""What every handler, job and CLI command needs, built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.infra.db import Database
from bot.infra.i18n import Translator
from bot.infra.settings import Settings, SettingsError
from bot.services import disclosure
from bot.services.ballot_seal import BallotKeys
from bot.transport.admission import WorkSlots
from bot.transport.deliveries import DeliveryLog


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = field(default=utcnow)
    ballot_keys: BallotKeys | None = None  # from NLS_BALLOT_KEY unless given; see `ballots`
    deliveries: DeliveryLog = field(init=False)  # the deliveries this process accepted, see bot.transport.deliveries
    work: WorkSlots = field(init=False)  # listeners' work after their acknowledgement, see bot.transport.admission

    def __post_init__(self) -> None:
        self.deliveries = DeliveryLog(self.db)
        self.work = WorkSlots(self.settings.work_slots)
        if self.ballot_keys is None:
            self.ballot_keys = self.settings.ballot_keys()
        disclosure.configure(self.settings.anonymity_k)

    async def close(self) -> None:
        """The process's end: write the deliveries still in memory, then release the database."""
        await self.deliveries.close()
        await self.db.dispose()

    @property
    def ballots(self) -> BallotKeys:
        """The keys that seal and open secret ballots. Every command that can vote or close a poll
        checks them at start (bot.cli.ballots), so a missing key stops the process there, in one
        line, rather than here in the middle of a vote."""
        if self.ballot_keys is None:
            raise SettingsError("NLS_BALLOT_KEY must be set: it seals secret ballots (make one with `nlsbot ballot-key new`)")
        return self.ballot_keys

    def now(self) -> datetime:
        return self.clock()

    def today(self, now: datetime | None = None) -> date:
        """The network's calendar day (NLS_TIMEZONE) at `now` (default: the clock)."""
        return (now or self.now()).astimezone(self.settings.timezone).date()

    def translator(self, locale: str | None = None) -> Translator:
        return Translator(locale or self.settings.nls_locale)
