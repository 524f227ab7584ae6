"""Reading rounds and nominations: each read returns frozen views (`RoundView`,
`NominationView`), fresh from the database (`populate_existing`), so a check made under the
round's lock sees what the lock protects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import NotFound
from bot.services.members import OrgInfo
from bot.services.nominations.shapes import RESERVATIONS_BY_KEY, NominationView, RoundView
from models import Organisation, Person
from models.nominations import Nomination, NominationRound, NominationStatus


def _round_view(row: NominationRound) -> RoundView:
    return RoundView(
        id=row.id, seats=row.seats,
        reserved=tuple(RESERVATIONS_BY_KEY[r["by"] + ":" + r["value"]] for r in row.reserved),
        method=row.method, term_years=row.term_years, channel_id=row.channel_id, message_ts=row.message_ts,
        locale=row.locale, status=row.status, outcome=row.outcome, opened_by=row.opened_by, opened_at=row.opened_at,
        nominations_close_at=row.nominations_close_at, election_closes_at=row.election_closes_at,
        nominations_closed_at=row.nominations_closed_at, poll_id=row.poll_id, ballot=tuple(row.ballot or ()),
    )  # fmt: skip


async def get_round(session: AsyncSession, round_id: int, *, lock: bool = False) -> RoundView:
    query = select(NominationRound).where(NominationRound.id == round_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()  # serialises changes to this round's nominations (PostgreSQL)
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        raise NotFound("nominations.error.no_round", number=round_id)
    return _round_view(row)


async def active_round(session: AsyncSession) -> RoundView | None:
    """The unfinished round, if any (there is at most one)."""
    row = (await session.execute(select(NominationRound).where(NominationRound.active.is_(True)))).scalar_one_or_none()
    return _round_view(row) if row else None


async def latest_round(session: AsyncSession) -> RoundView | None:
    row = (
        await session.execute(select(NominationRound).order_by(NominationRound.id.desc()).limit(1))
    ).scalar_one_or_none()
    return _round_view(row) if row else None


def _nomination_query():
    return (
        select(Nomination, Person.slack_user_id, Person.name, Organisation)
        .join(Person, Person.id == Nomination.nominee_id)
        .join(Organisation, Organisation.id == Nomination.organisation_id)
    )


def _nomination_view(row: Any) -> NominationView:
    nomination, user_id, name, org = row
    return NominationView(
        id=nomination.id, round_id=nomination.round_id, nominee_person_id=nomination.nominee_id,
        nominee_user_id=user_id, nominee_name=name,
        org=OrgInfo(id=org.id, name=org.name, kind=org.kind, province=org.province, region=org.region),
        nominated_by=nomination.nominated_by, statement=nomination.statement, status=nomination.status,
        reason=nomination.reason, created_at=nomination.created_at,
    )  # fmt: skip


async def get_nomination(session: AsyncSession, nomination_id: int) -> NominationView:
    row = (
        await session.execute(
            _nomination_query().where(Nomination.id == nomination_id).execution_options(populate_existing=True)
        )
    ).first()
    if row is None:
        raise NotFound("nominations.error.no_nomination", number=nomination_id)
    return _nomination_view(row)


async def nominations_in(
    session: AsyncSession, round_id: int, *, statuses: Sequence[NominationStatus] | None = None
) -> list[NominationView]:
    """A round's nominations, by nominee name (the order of the ballot)."""
    query = _nomination_query().where(Nomination.round_id == round_id).execution_options(populate_existing=True)
    if statuses is not None:
        query = query.where(Nomination.status.in_(list(statuses)))
    found = [_nomination_view(row) for row in (await session.execute(query)).all()]
    return sorted(found, key=lambda n: (n.nominee_name.casefold(), n.id))
