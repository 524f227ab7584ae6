"""What callers pass to the nominations rules and get back: a round to open, a round and its
nominations as of one read, the committee's review, a close, a round's seating. Frozen
dataclasses, never database rows, so builders and the outbound ledger can hold them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.services import polls, terms
from bot.services.errors import Invalid
from bot.services.members import REGIONS, OrgInfo
from bot.services.nominations.fields import NominationField
from bot.services.terms import Notice
from models import OrgKind
from models.nominations import ElectionMethod, NominationStatus, RoundOutcome, RoundStatus


@dataclass(frozen=True)
class Reservation:
    """One seat reserved for a region (`region:atlantic`) or a kind of partnership (`kind:ZIP`)."""

    by: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.by}:{self.value}"

    def admits(self, org: OrgInfo) -> bool:
        return (org.region if self.by == "region" else org.kind.value) == self.value


RESERVATIONS = tuple(Reservation("kind", k.value) for k in OrgKind) + tuple(Reservation("region", r) for r in REGIONS)
RESERVATIONS_BY_KEY = {r.key: r for r in RESERVATIONS}


def reservation(key: str) -> Reservation:
    found = RESERVATIONS_BY_KEY.get(key)
    if found is None:
        raise Invalid("nominations.error.reserved_unknown", field=NominationField.RESERVED, value=key[:40])
    return found


@dataclass(frozen=True)
class RoundSpec:
    """A round to open, as the modal gives it."""

    seats: int
    reserved: tuple[str, ...]
    method: ElectionMethod
    nominations_close_at: datetime
    election_closes_at: datetime
    channel_id: str
    term_years: int = terms.DEFAULT_TERM_YEARS
    locale: str = "en"


@dataclass(frozen=True)
class RoundView:
    id: int
    seats: int
    reserved: tuple[Reservation, ...]
    method: ElectionMethod
    term_years: int
    channel_id: str
    message_ts: str | None
    locale: str
    status: RoundStatus
    outcome: RoundOutcome | None
    opened_by: str
    opened_at: datetime
    nominations_close_at: datetime
    election_closes_at: datetime
    nominations_closed_at: datetime | None
    poll_id: int | None
    ballot: tuple[int, ...]

    def taking_nominations(self, now: datetime) -> bool:
        return (
            self.status is RoundStatus.OPEN and self.nominations_closed_at is None and now < self.nominations_close_at
        )

    @property
    def finished(self) -> bool:
        return self.status in (RoundStatus.DONE, RoundStatus.FAILED)


@dataclass(frozen=True)
class NominationView:
    id: int
    round_id: int
    nominee_person_id: int
    nominee_user_id: str
    nominee_name: str
    org: OrgInfo
    nominated_by: str
    statement: str
    status: NominationStatus
    reason: str | None
    created_at: datetime

    @property
    def self_nominated(self) -> bool:
        return self.nominated_by == self.nominee_user_id


@dataclass(frozen=True)
class Coverage:
    """How the accepted slate covers the network: per region, per kind, per reservation."""

    regions: tuple[tuple[str, int], ...]
    kinds: tuple[tuple[OrgKind, int], ...]
    reserved: tuple[tuple[Reservation, int], ...]


@dataclass(frozen=True)
class Review:
    round: RoundView
    nominations: tuple[NominationView, ...]
    coverage: Coverage

    @property
    def accepted(self) -> tuple[NominationView, ...]:
        return tuple(n for n in self.nominations if n.status is NominationStatus.ACCEPTED)


@dataclass(frozen=True)
class Closing:
    """Nominations closed: what happens next (`round.status`), with the election poll if any."""

    round: RoundView
    nominees: tuple[NominationView, ...]
    poll: polls.PollView | None
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class SeatFilled:
    nomination: NominationView
    reserved: Reservation | None
    term_start: date
    term_end: date


@dataclass(frozen=True)
class Seating:
    """A round's end: the seats filled (by election or acclamation), or why none were."""

    round: RoundView
    filled: tuple[SeatFilled, ...]
    notices: tuple[Notice, ...]

    @property
    def vacant(self) -> int:
        return max(0, self.round.seats - len(self.filled))
